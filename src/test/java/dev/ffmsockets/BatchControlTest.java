package dev.ffmsockets;

import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What {@code recvMany} receives besides bytes: each datagram's control messages, and the descriptors a peer passes
 * over an AF_UNIX datagram socket, owned by the batch until taken and closed when not, on every path (taken, left
 * for the next receive, {@code clear}, {@code close}, too many to fit, a close of the batch while a call waits in it).
 * The process's descriptor count is the check.
 */
@ExtendWith(NoDescriptorLeaks.class)
class BatchControlTest {

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    /** {@code n} descriptors to pass: duplicates of one end of a pair, closed by the caller. */
    private static int[] dups(Socket s, int n) throws Exception {
        int[] fds = new int[n];
        for (int i = 0; i < n; i++) {
            fds[i] = s.dup().detach();
        }
        return fds;
    }

    private static void close(int[] fds) {
        for (int fd : fds) {
            dev.ffmsockets.posix.Posix.close(fd);
        }
    }

    @Test
    void descriptorsPassedInABatchAreOwnedAndClosedUnlessTaken() throws Exception {
        for (int perDatagram : new int[] {1, 3, 12}) {
            try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.DGRAM); Socket.Pair passed = Socket.pair();
                 DatagramBatch batch = DatagramBatch.allocate(16, 64)) {
                long before = Fds.open();
                int[] fds = dups(passed.first(), perDatagram);
                try {
                    for (int d = 0; d < 10; d++) {
                        p.first().sendMsg(new ByteBuffer[] {ascii("d" + d)}, null, List.of(ControlMessage.rights(fds)));
                    }
                } finally {
                    close(fds);
                }
                int n = p.second().recvMany(batch);
                assertEquals(10, n);
                assertEquals(before + 10L * perDatagram, Fds.open(), "installed, owned by the batch");
                List<ReceivedFd> taken = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    List<ControlMessage> control = batch.control(i);
                    assertEquals(1, control.size(), control.toString());
                    var rights = assertInstanceOf(ControlMessage.ReceivedRights.class, control.getFirst());
                    assertEquals(perDatagram, rights.fds().size());
                    if (i % 2 == 0) {
                        taken.add(ReceivedFd.of(rights.fds().getFirst().take())); // one of each even datagram
                    }
                }
                batch.clear(); // closes what was not taken
                assertEquals(before + 5, Fds.open(), "only the five taken are open");
                for (ReceivedFd t : taken) {
                    assertTrue(Fds.target(t.fd()).startsWith("socket:"));
                    t.close();
                }
                assertEquals(before, Fds.open());
            }
        }
    }

    @Test
    void theNextReceiveAndCloseCloseWhatWasNotTaken() throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.DGRAM); Socket.Pair passed = Socket.pair()) {
            long before = Fds.open();
            DatagramBatch batch = DatagramBatch.allocate(4, 64);
            int[] fds = dups(passed.first(), 2);
            try {
                p.first().sendMsg(new ByteBuffer[] {ascii("a")}, null, List.of(ControlMessage.rights(fds)));
                assertEquals(1, p.second().recvMany(batch));
                assertEquals(before + 2 + 2, Fds.open(), "two to pass and two received");
                p.first().sendMsg(new ByteBuffer[] {ascii("b")}, null, List.of(ControlMessage.rights(fds)));
                assertEquals(1, p.second().recvMany(batch)); // the first datagram's two are closed
                assertEquals(before + 2 + 2, Fds.open());
            } finally {
                close(fds);
            }
            batch.close();
            assertEquals(before, Fds.open(), "closing the batch closes the descriptors not taken");
            assertThrows(IllegalStateException.class, () -> batch.control(0));
        }
    }

    @Test
    void descriptorsThatDoNotFitAreClosedByTheKernelAndTheDatagramSaysSo() throws Exception {
        dev.ffmsockets.testing.Emulation.nativeOnly(dev.ffmsockets.testing.Emulation.Difference.SCM_RIGHTS_CUT);
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.DGRAM); Socket.Pair passed = Socket.pair();
             DatagramBatch batch = DatagramBatch.allocate(2, 64)) {
            long before = Fds.open();
            int[] fds = dups(passed.first(), 40); // 64 bytes of room: 12 fit
            try {
                p.first().sendMsg(new ByteBuffer[] {ascii("many")}, null, List.of(ControlMessage.rights(fds)));
            } finally {
                close(fds);
            }
            assertEquals(1, p.second().recvMany(batch));
            assertTrue(batch.flags(0).contains(MsgFlag.CTRUNC), "cut control data: " + batch.flags(0));
            var rights = (ControlMessage.ReceivedRights) batch.control(0).getFirst();
            assertEquals(before + rights.fds().size(), Fds.open(), "only the ones that fit are installed");
            assertTrue(rights.fds().size() < 40 && rights.fds().size() > 0, rights.toString());
            batch.clear();
            assertEquals(before, Fds.open());
        }
    }

    @Test
    void aCloseWhileRecvManyWaitsSucceedsAndTheCallFailsClosingWhatItGot() throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.DGRAM); Socket.Pair passed = Socket.pair()) {
            long before = Fds.open();
            DatagramBatch batch = DatagramBatch.allocate(4, 64);
            CompletableFuture<String> outcome = new CompletableFuture<>();
            Thread receiver = Thread.ofVirtual().start(() -> {
                try {
                    outcome.complete("received " + p.second().recvMany(batch));
                } catch (Exception e) {
                    outcome.complete(e.getClass().getSimpleName() + ": " + e.getMessage());
                }
            });
            while (receiver.getState() != Thread.State.WAITING) { // parked in the poller
                Thread.onSpinWait();
            }
            batch.close(); // succeeds while the call waits
            int[] fds = dups(passed.first(), 3);
            try {
                p.first().sendMsg(new ByteBuffer[] {ascii("late")}, null, List.of(ControlMessage.rights(fds)));
            } finally {
                close(fds);
            }
            assertEquals("IllegalStateException: the batch was closed while recvMany waited in it", outcome.get());
            receiver.join();
            assertEquals(before, Fds.open(), "what the failed call received is closed");
        }
    }

    @Test
    void withTruncTheBatchSaysTheWholeLengthAndHoldsWhatFits() throws Exception {
        try (Socket a = Socket.open(Family.INET, SocketType.DGRAM); Socket b = Socket.open(Family.INET, SocketType.DGRAM);
             DatagramBatch batch = DatagramBatch.allocate(4, 100)) {
            b.bind(InetSockAddr.loopback(0));
            byte[] big = new byte[150], small = new byte[40];
            java.util.Arrays.fill(big, (byte) 7);
            a.sendTo(big, b.localAddress());
            a.sendTo(small, b.localAddress());
            assertEquals(2, b.recvMany(batch, MsgFlag.TRUNC), "both were queued when sendto returned (loopback)");
            assertEquals(List.of(100, 150, true, 100, 40, 40, false),
                    List.of(batch.length(0), batch.datagramLength(0), batch.truncated(0), batch.bytes(0).length,
                            batch.length(1), batch.datagramLength(1), batch.truncated(1)));
        }
    }

    @Test
    void eachDatagramHasItsOwnControlMessages() throws Exception {
        dev.ffmsockets.testing.Emulation.nativeOnly(dev.ffmsockets.testing.Emulation.Difference.SO_TIMESTAMPNS);
        try (Socket a = Socket.open(Family.INET, SocketType.DGRAM); Socket b = Socket.open(Family.INET, SocketType.DGRAM);
             DatagramBatch batch = DatagramBatch.allocate(8, 100)) {
            b.setOption(LinuxSocketOptions.IP_PKTINFO, true);
            b.setOption(LinuxSocketOptions.SO_TIMESTAMPNS, true);
            b.bind(InetSockAddr.loopback(0));
            for (int i = 0; i < 3; i++) {
                a.sendTo(new byte[] {(byte) i}, b.localAddress());
            }
            List<String> seen = new ArrayList<>();
            assertEquals(3, b.recvMany(batch), "all three were queued when sendto returned (loopback)");
            for (int i = 0; i < 3; i++) {
                List<String> kinds = new ArrayList<>();
                for (ControlMessage c : batch.control(i)) {
                    kinds.add(c.getClass().getSimpleName());
                    if (c instanceof ControlMessage.PacketInfo pi) {
                        assertEquals("/127.0.0.1", pi.address().toString());
                    }
                }
                seen.add(kinds.stream().sorted().toList().toString());
            }
            assertEquals(List.of("[PacketInfo, Timestamp]", "[PacketInfo, Timestamp]", "[PacketInfo, Timestamp]"), seen);
            assertFalse(batch.truncated(0));
        }
    }
}
