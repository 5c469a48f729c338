package dev.ffmsockets;

import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A message dropped without being closed does not keep its descriptors: those nobody took are closed once it is
 * unreachable, those taken stay the taker's.
 */
@ExtendWith(NoDescriptorLeaks.class)
class UnclosedMessageTest {

    /** Collects garbage until the process has {@code expected} descriptors open, for at most 30 s. */
    private static void awaitOpen(long expected) {
        long until = System.nanoTime() + 30_000_000_000L;
        while (Fds.open() != expected) {
            assertTrue(System.nanoTime() < until, "descriptors open: " + Fds.open() + ", expected " + expected);
            System.gc(); // the cleaner's thread runs after a collection finds the message unreachable
            Thread.yield();
        }
    }

    @ParameterizedTest(name = "{0} messages of {1} descriptors over {2}, {3} taken from each")
    @CsvSource({"1, 1, STREAM, 0", "5, 3, DGRAM, 0", "3, 12, SEQPACKET, 1", "4, 2, DGRAM, 2"})
    void descriptorsOfADroppedMessageAreClosedThoseTakenStayOpen(int messages, int each, SocketType type, int taken)
            throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, type); Socket.Pair passed = Socket.pair()) {
            long before = Fds.open();
            int[] fds = new int[each];
            Arrays.fill(fds, passed.first().fd());
            for (int i = 0; i < messages; i++) {
                p.first().sendMsg(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {(byte) i})}, null,
                        List.of(ControlMessage.rights(fds)));
            }
            List<Integer> mine = new ArrayList<>();
            receiveAndDrop(p.second(), messages, each, taken, mine);
            assertEquals(before + (long) messages * each, Fds.open(), "received, not yet collected");
            awaitOpen(before + mine.size());
            for (int fd : mine) {
                assertTrue(Posix.fcntl(fd, Posix.F_GETFD) >= 0, "a taken descriptor is the taker's, left open");
                Posix.close(fd);
            }
            assertEquals(before, Fds.open());
        }
    }

    /** Receives the messages one by one, takes {@code taken} of each one's descriptors, and never closes them. */
    private static void receiveAndDrop(Socket s, int messages, int each, int taken, List<Integer> mine)
            throws Exception {
        for (int i = 0; i < messages; i++) {
            Message m = s.recvMsg(new ByteBuffer[] {ByteBuffer.allocate(1)}, ControlMessage.spaceForDescriptors(each));
            assertEquals(each, m.descriptors().size());
            for (int k = 0; k < taken; k++) {
                mine.add(m.descriptors().get(k).take());
            }
        }
    }
}
