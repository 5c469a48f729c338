package dev.ffmsockets;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A poller that cannot be started (epoll_create1 fails with EMFILE) fails the one call that needed it, with its
 * errno; close still works and leaks nothing; the next wait starts the pollers. In a process of its own: the
 * pollers of this one are started already.
 */
class PollerStartTest {

    @Test
    void aPollerThatCannotStartFailsOneCallWithItsErrnoAndIsStartedOnTheNextUse() throws Exception {
        List<String> command = new ArrayList<>(dev.ffmsockets.samples.Samples.jvm());
        command.add(PollerStartFailure.class.getName());
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> lines = out.lines().toList();
        assertEquals(5, lines.size(), out);
        assertEquals("warm-up: received 1", lines.get(0));
        assertTrue(lines.get(1).startsWith("first wait: ErrnoSocketException EMFILE epoll_create1("), lines.get(1));
        assertEquals("close: returned", lines.get(2));
        assertEquals("descriptors released: true", lines.get(3));
        assertEquals("second wait: received 3", lines.get(4));
    }
}
