package dev.ffmsockets.testing;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** wrk, Debian's HTTP load generator, against a server of a test on 127.0.0.1. */
public final class Wrk {

    private Wrk() {
    }

    private static Path wrk() {
        Path p = Path.of("/usr/bin/wrk");
        if (!Files.isExecutable(p)) {
            throw new AssertionError("No wrk: /usr/bin/wrk is missing. Install it (Debian/Ubuntu: apt-get install wrk;"
                    + " scripts/test installs it) and run the tests again.");
        }
        return p;
    }

    /**
     * Runs wrk with two threads and {@code connections} connections for three seconds against {@code http://127.0.0.1:port/},
     * and asserts what a sound server gives: wrk ends well, no socket error (connect, read, write, timeout), no
     * response other than 2xx, and more requests than connections.
     *
     * @return what wrk printed
     */
    public static String load(int port, int connections) throws Exception {
        Process w = new ProcessBuilder(wrk().toString(), "-t", "2", "-c", String.valueOf(connections), "-d", "3s",
                "--timeout", "10s", "http://127.0.0.1:" + port + "/").redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
        String out;
        try (var in = w.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(w.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, w.exitValue(), out);
        assertFalse(out.contains("Socket errors"), connections + " connections: " + out);
        assertFalse(out.contains("Non-2xx"), connections + " connections: " + out);
        Matcher m = Pattern.compile("(\\d+) requests in").matcher(out);
        assertTrue(m.find() && Long.parseLong(m.group(1)) > connections, out);
        return out;
    }
}
