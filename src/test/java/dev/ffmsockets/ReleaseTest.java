package dev.ffmsockets;

import dev.ffmsockets.samples.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code scripts/release} makes what Maven Central asks of a release, from a copy of the project, signed with a
 * throwaway key made here in a keyring of its own: the POM (with name, description, url, licences, scm and
 * developers), the jar, the sources jar and the javadoc jar, each with a signature that {@code gpg --verify} accepts
 * and its {@code .md5} and {@code .sha1}, in a directory laid out as a remote repository and in one bundle.
 */
class ReleaseTest {

    @TempDir
    Path dir;

    private record Ran(int status, String output) {
    }

    private static Ran run(List<String> command, Map<String, String> env, Path in) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        if (in != null) {
            pb.directory(in.toFile());
        }
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "did not end: " + command);
        return new Ran(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path f : all.toList()) {
                Path t = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(f, t, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
    }

    private static String hash(String algorithm, Path f) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(Files.readAllBytes(f)));
    }

    @Test
    void aReleaseHasEveryFileCentralAsksForSignedAndSummed() throws Exception {
        Path root = Samples.root(), project = dir.resolve("project");
        for (String part : List.of("pom.xml", "LICENSE", "scripts", "src/main")) {
            Path from = root.resolve(part);
            if (Files.isDirectory(from)) {
                copy(from, project.resolve(part));
            } else {
                Files.createDirectories(project);
                Files.copy(from, project.resolve(part));
            }
        }
        Path gnupg = Files.createDirectories(dir.resolve("g"));
        Files.setPosixFilePermissions(gnupg, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
        Map<String, String> env = Map.of("GNUPGHOME", gnupg.toString());
        try {
            Ran key = run(List.of("gpg", "--batch", "--passphrase", "", "--quick-generate-key",
                    "ffm-sockets release test <release-test@ffm-sockets.invalid>", "ed25519", "sign", "1d"), env, null);
            assertEquals(0, key.status(), "gpg could not make a key (install gnupg): " + key.output());
            String fingerprint = run(List.of("gpg", "--batch", "--with-colons", "--list-secret-keys"), env, null)
                    .output().lines().filter(l -> l.startsWith("fpr:")).findFirst().orElseThrow().split(":")[9];

            Path out = dir.resolve("release");
            Ran release = run(List.of(project.resolve("scripts/release").toString(), out.toString()),
                    Map.of("GNUPGHOME", gnupg.toString(), "FFM_RELEASE_GPG_KEY", fingerprint,
                            "FFM_RELEASE_SKIP_TESTS", "1", "FFM_RELEASE_MAVEN_ARGS", "-Dmaven.test.skip=true"), project);
            assertEquals(0, release.status(), release.output());

            String version = Files.readString(root.resolve("pom.xml")).replaceAll("(?s).*?\n  <version>([^<]+)</version>.*", "$1");
            Path at = out.resolve("repository/dev/ffmsockets/ffm-sockets/" + version);
            String base = "ffm-sockets-" + version;
            List<String> expected = new ArrayList<>();
            for (String f : List.of(base + ".pom", base + ".jar", base + "-sources.jar", base + "-javadoc.jar")) {
                Path file = at.resolve(f);
                assertTrue(Files.isRegularFile(file), f + " in " + at);
                for (String ext : List.of("", ".asc", ".md5", ".sha1")) {
                    expected.add(f + ext);
                    assertTrue(Files.isRegularFile(at.resolve(f + ext)), f + ext + " in " + at);
                }
                assertEquals(hash("MD5", file), Files.readString(at.resolve(f + ".md5")).strip(), f + ".md5");
                assertEquals(hash("SHA-1", file), Files.readString(at.resolve(f + ".sha1")).strip(), f + ".sha1");
                Ran verify = run(List.of("gpg", "--batch", "--verify", at.resolve(f + ".asc").toString(), file.toString()),
                        env, null);
                assertEquals(0, verify.status(), f + ": " + verify.output());
                assertTrue(verify.output().contains("Good signature"), verify.output());
            }
            // the check can fail: a changed byte breaks the signature
            Path tampered = dir.resolve("tampered.jar");
            byte[] jar = Files.readAllBytes(at.resolve(base + ".jar"));
            jar[jar.length / 2] ^= 1;
            Files.write(tampered, jar);
            assertNotEquals(0, run(List.of("gpg", "--batch", "--verify", at.resolve(base + ".jar.asc").toString(),
                    tampered.toString()), env, null).status(), "a tampered jar must not verify");

            String pom = Files.readString(at.resolve(base + ".pom"));
            for (String element : List.of("<name>", "<description>", "<url>", "<licenses>", "<scm>", "<developers>")) {
                assertTrue(pom.contains(element), "the POM has " + element);
            }
            try (ZipFile main = new ZipFile(at.resolve(base + ".jar").toFile());
                 ZipFile sources = new ZipFile(at.resolve(base + "-sources.jar").toFile());
                 ZipFile javadoc = new ZipFile(at.resolve(base + "-javadoc.jar").toFile());
                 ZipFile bundle = new ZipFile(out.resolve("central-bundle.zip").toFile())) {
                assertTrue(main.getEntry("module-info.class") != null && main.getEntry("dev/ffmsockets/Socket.class") != null);
                assertTrue(sources.getEntry("dev/ffmsockets/Socket.java") != null);
                assertTrue(javadoc.getEntry("index.html") != null);
                List<String> bundled = bundle.stream().map(e -> e.getName()).filter(n -> n.startsWith(
                        "dev/ffmsockets/ffm-sockets/" + version + "/")).map(n -> n.substring(n.lastIndexOf('/') + 1)).toList();
                assertTrue(bundled.containsAll(expected), "the bundle holds " + bundled + ", not all of " + expected);
            }
        } finally {
            run(List.of("gpgconf", "--kill", "all"), env, null);
        }
    }
}
