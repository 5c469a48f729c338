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

    /** Round trips of each of SpinEcho's pairs (its argument). */
    private static final int ROUNDS = dev.ffmsockets.testing.Emulation.scaled(500);

    private static List<String> run(String spin) throws Exception {
        List<String> command = new ArrayList<>(List.of(dev.ffmsockets.samples.Samples.launcher(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path")));
        if (spin != null) {
            command.add(1, "-Dffmsockets.poller.spin=" + spin);
        }
        command.add(SpinEcho.class.getName());
        command.add(String.valueOf(ROUNDS));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
    }

    @Test
    void virtualThreadsGetEveryByteWithThePollersSpinning() throws Exception {
        String all = "round trips " + SpinEcho.PAIRS * ROUNDS + " of " + SpinEcho.PAIRS * ROUNDS;
        assertEquals(List.of("spin 64", all), run("64"));
        assertEquals(List.of("spin 10000", all), run("999999"));
        assertEquals(List.of("spin 0", all), run("-5"));
    }
}
