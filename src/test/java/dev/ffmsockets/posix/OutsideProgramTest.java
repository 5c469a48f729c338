package dev.ffmsockets.posix;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Programs outside the project, using only {@code import static dev.ffmsockets.posix.Posix.*} and jextract's
 * struct classes (the C-style ports of the classic server and client), compile on their own against the module
 * and talk to each other as separate processes, with no warning.
 */
class OutsideProgramTest {

    private static final Path JAVA_BIN = Path.of(System.getProperty("java.home"), "bin");
    private static final Path CSTYLE = BindingsTest.root().resolve("src/samples/java/dev/ffmsockets/samples/cstyle");
    private static final Path SERVER = CSTYLE.resolve("TcpHelloServer.java"), CLIENT = CSTYLE.resolve("TcpHelloClient.java");

    @Test
    void classicServerAndClientCompileAndTalkAsSeparateProcesses(@TempDir Path out) throws Exception {
        Path root = BindingsTest.root();
        Path module = root.resolve("target/classes");
        run(List.of(JAVA_BIN.resolve("javac").toString(), "-Xlint:all", "-Werror", "--module-path", module.toString(),
                "--add-modules", "dev.ffmsockets", "-d", out.toString(), SERVER.toString(), CLIENT.toString()));

        List<String> java = List.of(JAVA_BIN.resolve("java").toString(), "--module-path", module.toString(),
                "--add-modules", "dev.ffmsockets", "--enable-native-access=dev.ffmsockets", "-cp", out.toString());
        List<String> serverCmd = new ArrayList<>(java);
        serverCmd.addAll(List.of("dev.ffmsockets.samples.cstyle.TcpHelloServer", "0", "2"));
        Process server = new ProcessBuilder(serverCmd).redirectErrorStream(true).start();
        server.getOutputStream().close();
        try (BufferedReader serverOut = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))) {
            String first = serverOut.readLine();
            assertTrue(first != null && first.startsWith("listening on port "), "server said: " + first);
            String port = first.substring("listening on port ".length());
            for (int i = 0; i < 2; i++) {
                List<String> clientCmd = new ArrayList<>(java);
                clientCmd.addAll(List.of("dev.ffmsockets.samples.cstyle.TcpHelloClient", "127.0.0.1", port));
                assertEquals("Hello there.", run(clientCmd));
            }
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server exits after two clients");
            assertEquals(0, server.exitValue());
            assertEquals(null, serverOut.readLine(), "the server printed nothing else (no warnings)");
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void aClientWithNobodyListeningReportsConnectionRefusedThroughPerror(@TempDir Path out) throws Exception {
        Path root = BindingsTest.root();
        Path module = root.resolve("target/classes");
        run(List.of(JAVA_BIN.resolve("javac").toString(), "--module-path", module.toString(), "--add-modules",
                "dev.ffmsockets", "-d", out.toString(), CLIENT.toString()));
        int port;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Process p = new ProcessBuilder(JAVA_BIN.resolve("java").toString(), "--module-path", module.toString(),
                "--add-modules", "dev.ffmsockets", "--enable-native-access=dev.ffmsockets", "-cp", out.toString(),
                "dev.ffmsockets.samples.cstyle.TcpHelloClient", "127.0.0.1", String.valueOf(port)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String said = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue());
        assertEquals("connect: Connection refused\n", said);
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + "\n" + out);
        return out;
    }
}
