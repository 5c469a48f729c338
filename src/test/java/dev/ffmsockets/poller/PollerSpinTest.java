package dev.ffmsockets.poller;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** -Dffmsockets.poller.spin: off by default, clamped to 0..10,000, and with it on virtual threads still get every byte. */
class PollerSpinTest {

    @Test
    void offUnlessAsked() {
        assertEquals(0, Poller.SPIN);
    }

    private static List<String> run(String spin) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
        if (spin != null) {
            command.add(1, "-Dffmsockets.poller.spin=" + spin);
        }
        command.add(SpinEcho.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    @Test
    void virtualThreadsGetEveryByteWithThePollersSpinning() throws Exception {
        dev.ffmsockets.testing.Emulation.nativeOnly("a child JVM of the emulated architecture cannot be started (the host"
                + " runs its binary only through binfmt_misc, which the tests do not register)");
        assertEquals(List.of("spin 64", "round trips 10000 of 10000"), run("64"));
        assertEquals(List.of("spin 10000", "round trips 10000 of 10000"), run("999999"));
        assertEquals(List.of("spin 0", "round trips 10000 of 10000"), run("-5"));
    }
}
