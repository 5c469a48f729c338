package dev.ffmsockets;

import dev.ffmsockets.samples.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README's quick-start programs run as a newcomer runs them: each saved under its own name and started as a
 * single-file program by the {@code java} launcher, with only the library on the class path and the flag the README
 * gives; each prints the line the README says it prints, and exits with 0.
 */
class QuickStartTest {

    private static final Pattern PROGRAM = Pattern.compile(
            "(?s)<!-- quick-start: (\\S+\\.java) prints \"([^\"]+)\" -->\\n```java\\n(.*?)```");

    @TempDir
    Path dir;

    @Test
    void eachQuickStartProgramRunsAndPrintsWhatTheReadmeSays() throws Exception {
        String readme = Files.readString(Samples.root().resolve("README.md"));
        Path library = Samples.root().resolve("target/classes");
        assertTrue(Files.isDirectory(library.resolve("dev/ffmsockets")), "the library's classes, built: " + library);
        Matcher m = PROGRAM.matcher(readme);
        List<String> ran = new ArrayList<>();
        while (m.find()) {
            String name = m.group(1), expected = m.group(2);
            Path source = Files.createDirectories(dir.resolve(name.replace(".java", ""))).resolve(name);
            Files.writeString(source, m.group(3));
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "--enable-native-access=ALL-UNNAMED", "-cp", library.toString(), source.toString())
                    .directory(source.getParent().toFile()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            boolean ended = p.waitFor(120, TimeUnit.SECONDS);
            if (!ended) {
                p.destroyForcibly().waitFor();
            }
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(ended, name + " did not end within 120 s; its output: " + output);
            assertEquals(0, p.exitValue(), name + " exit status; its output: " + output);
            assertEquals(List.of(expected), output.lines().toList(), name + "'s output");
            ran.add(name);
        }
        assertEquals(List.of("Echo.java", "EchoC.java"), ran, "the README's quick-start programs");
    }
}
