package dev.ffmsockets;

import dev.ffmsockets.testing.Background;
import dev.ffmsockets.testing.DatagramAddresses;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sendMany and recvMany over sendmmsg and recvmmsg, UDP GSO and GRO, on platform and virtual threads. */
@ExtendWith(NoDescriptorLeaks.class)
class DatagramBatchTest {

    @TempDir
    Path dir;

    private SockAddr address(String kind) {
        return DatagramAddresses.of(kind, dir);
    }

    /** The bytes of datagram {@code i} of sender {@code s}: distinct lengths and contents. */
    private static byte[] datagram(int s, int i) {
        byte[] b = new byte[1 + (s * 131 + i * 17) % 1400];
        for (int k = 0; k < b.length; k++) {
            b[k] = (byte) (s * 31 + i * 7 + k);
        }
        return b;
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp4", "udp6", "unix"})
    void everyDatagramArrivesByteExactWithItsOwnSender(String kind) throws Exception {
        int senders = 3, each = 200;
        SockAddr at = address(kind);
        List<Socket> from = new ArrayList<>();
        try (Socket receiver = Socket.open(at.family(), SocketType.DGRAM);
             DatagramBatch in = DatagramBatch.allocate(32, 2048)) {
            receiver.bind(at);
            receiver.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
            Map<SockAddr, Integer> senderIndex = new HashMap<>();
            for (int s = 0; s < senders; s++) {
                Socket x = Socket.open(at.family(), SocketType.DGRAM);
                from.add(x);
                x.bind(address(kind));
                senderIndex.put(x.localAddress(), s);
            }
            Background b = Background.start(false, () -> {
                for (int s = 0; s < senders; s++) {
                    try (DatagramBatch out = DatagramBatch.allocate(each, 2048)) {
                        for (int i = 0; i < each; i++) {
                            out.add(datagram(s, i), 0, datagram(s, i).length, receiver.localAddress());
                        }
                        for (int sent = 0; sent < each; ) {
                            sent += from.get(s).sendMany(out, sent);
                        }
                    }
                }
            });
            int[] next = new int[senders];
            int total = 0;
            while (total < senders * each) {
                int n = receiver.recvMany(in);
                assertTrue(n >= 1 && n <= 32);
                assertEquals(n, in.count());
                for (int i = 0; i < n; i++) {
                    Integer s = senderIndex.get(in.sender(i, receiver.family()));
                    assertTrue(s != null, "a sender of ours: " + in.sender(i, receiver.family()));
                    assertArrayEquals(datagram(s, next[s]), in.bytes(i), "datagram " + next[s] + " of sender " + s);
                    assertFalse(in.truncated(i));
                    next[s]++;
                }
                total += n;
            }
            assertNull(b.outcome().get());
        } finally {
            from.forEach(Socket::close);
        }
    }

    @Test
    void sendManyToSeveralTargetsAndCutDatagramsAreMarked() throws Exception {
        try (Socket a = Socket.open(Family.INET, SocketType.DGRAM); Socket b = Socket.open(Family.INET, SocketType.DGRAM);
             Socket sender = Socket.open(Family.INET, SocketType.DGRAM);
             DatagramBatch out = DatagramBatch.allocate(64, 100); DatagramBatch in = DatagramBatch.allocate(64, 8)) {
            a.bind(InetSockAddr.loopback(0));
            b.bind(InetSockAddr.loopback(0));
            sender.bind(InetSockAddr.loopback(0));
            for (int i = 0; i < 64; i++) {
                MemorySegment slot = out.slot(i);
                slot.set(JAVA_INT, 0, i);
                out.set(i, 4 + i, i % 2 == 0 ? a.localAddress() : b.localAddress()); // written in place
            }
            assertEquals(64, out.count());
            assertThrows(IllegalStateException.class, () -> out.add(new byte[1], 0, 1, null), "full");
            for (int sent = 0; sent < 64; ) {
                sent += sender.sendMany(out, sent);
            }
            assertEquals(0, sender.sendMany(out, 64), "nothing left to send");
            for (Socket r : List.of(a, b)) {
                int got = 0;
                while (got < 32) {
                    int n = r.recvMany(in);
                    for (int i = 0; i < n; i++) {
                        int k = 2 * (got + i) + (r == a ? 0 : 1);
                        assertEquals(k, in.slot(i).get(JAVA_INT, 0));
                        assertEquals(sender.localAddress(), in.sender(i, Family.INET));
                        assertEquals(Math.min(8, 4 + k), in.length(i));
                        assertEquals(4 + k > 8, in.truncated(i), "datagram " + k);
                    }
                    got += n;
                }
            }
        }
    }

    @Test
    void gsoCutsOneSlotIntoDatagramsAndGroJoinsThem() throws Exception {
        dev.ffmsockets.testing.Emulation.sameByteOrderOnly(dev.ffmsockets.testing.Emulation.Difference.UDP_SEGMENT_BYTE_ORDER);
        int segment = 1200, segments = 20, total = segment * segments - 100; // the last one shorter
        byte[] data = new byte[total];
        new java.util.Random(11).nextBytes(data);
        try (Socket receiver = Socket.open(Family.INET, SocketType.DGRAM);
             Socket sender = Socket.open(Family.INET, SocketType.DGRAM);
             DatagramBatch out = DatagramBatch.allocate(1, 65_535); DatagramBatch in = DatagramBatch.allocate(32, 2048)) {
            receiver.bind(InetSockAddr.loopback(0));
            out.add(data, 0, total, receiver.localAddress());
            out.segmentSize(0, segment);
            assertEquals(1, sender.sendMany(out));
            ByteBuffer joined = ByteBuffer.allocate(total);
            int datagrams = 0;
            while (joined.hasRemaining()) {
                int n = receiver.recvMany(in);
                for (int i = 0; i < n; i++) {
                    assertEquals(joined.remaining() > segment ? segment : joined.remaining(), in.length(i));
                    assertEquals(0, in.receivedSegmentSize(i));
                    joined.put(in.bytes(i));
                    datagrams++;
                }
            }
            assertEquals(segments, datagrams, "cut by the kernel into datagrams of the segment size");
            assertArrayEquals(data, joined.array());

            // GRO: the same buffer arrives whole, with its segment size
            receiver.setOption(LinuxSocketOptions.UDP_GRO, true);
            try (DatagramBatch big = DatagramBatch.allocate(4, 65_535)) {
                assertEquals(1, sender.sendMany(out));
                ByteBuffer again = ByteBuffer.allocate(total);
                boolean joinedSeen = false;
                while (again.hasRemaining()) {
                    int n = receiver.recvMany(big);
                    for (int i = 0; i < n; i++) {
                        if (big.length(i) > segment) {
                            assertEquals(segment, big.receivedSegmentSize(i), "a joined receive says its segment size");
                            joinedSeen = true;
                        }
                        again.put(big.bytes(i));
                    }
                }
                assertTrue(joinedSeen, "the kernel joined datagrams into one receive");
                assertArrayEquals(data, again.array());
            }
            // the socket option does the same for a plain send
            sender.setOption(LinuxSocketOptions.UDP_SEGMENT, segment);
            assertEquals(segment, sender.getOption(LinuxSocketOptions.UDP_SEGMENT));
            receiver.setOption(LinuxSocketOptions.UDP_GRO, false);
            assertEquals(total, sender.sendTo(data, receiver.localAddress()));
            int n = 0;
            while (n < segments) {
                n += receiver.recvMany(in);
            }
            assertEquals(segments, n);
            // a segment size the kernel refuses: the errno says why
            assertThrows(IllegalArgumentException.class, () -> out.segmentSize(0, -1));
        }
    }

    @Test
    void aBatchCallParksAVirtualThreadAndHonoursTimeoutAndNonBlockingMode() throws Exception {
        try (Socket receiver = Socket.open(Family.INET6, SocketType.DGRAM);
             Socket sender = Socket.open(Family.INET6, SocketType.DGRAM);
             DatagramBatch in = DatagramBatch.allocate(8, 64)) {
            receiver.bind(InetSockAddr.loopback6(0));
            Background b = Background.start(true, () -> assertEquals(1, receiver.recvMany(in)));
            while (b.thread().getState() != Thread.State.WAITING) {
                Thread.onSpinWait();
            }
            sender.sendTo("late".getBytes(US_ASCII), receiver.localAddress());
            assertNull(b.outcome().get());
            assertEquals("late", new String(in.bytes(0), US_ASCII));

            assertEquals(0, receiver.recvMany(in, MsgFlag.DONTWAIT));
            assertEquals(0, in.count());
            receiver.setTimeout(Duration.ofMillis(30));
            assertThrows(java.net.SocketTimeoutException.class, () -> receiver.recvMany(in));
            receiver.setBlocking(false);
            assertEquals(0, receiver.recvMany(in));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp4", "udp6", "unix"})
    void aReceivedBatchRepliesToEachSenderFromItsOwnSlots(String kind) throws IOException {
        Family family = kind.equals("udp6") ? Family.INET6 : kind.equals("udp4") ? Family.INET : Family.UNIX;
        try (Socket server = Socket.open(family, SocketType.DGRAM); Socket a = Socket.open(family, SocketType.DGRAM);
             Socket b = Socket.open(family, SocketType.DGRAM); Socket c = Socket.open(family, SocketType.DGRAM);
             Socket other = Socket.open(family, SocketType.DGRAM); DatagramBatch in = DatagramBatch.allocate(8, 64)) {
            for (Socket s : new Socket[] {server, a, b, c, other}) {
                s.bind(address(kind));
            }
            Socket[] senders = {a, b, c};
            for (int round = 0; round < 3; round++) {
                for (int k = 0; k < 3; k++) {
                    senders[k].sendTo(("from " + k + " round " + round).getBytes(US_ASCII), server.localAddress());
                }
                int got = 0;
                while (got < 3) {
                    int n = server.recvMany(in);
                    for (int i = 0; i < n; i++) {
                        in.set(i, in.length(i), in.sender(i, family)); // the reply, from the received slot as it is
                    }
                    if (round == 2 && n > 0) {
                        in.set(0, in.length(0), other.localAddress()); // a slot re-aimed elsewhere goes there
                    }
                    for (int sent = 0; sent < n; ) {
                        sent += server.sendMany(in, sent);
                    }
                    got += n;
                }
            }
            byte[] buf = new byte[64];
            for (int round = 0; round < 3; round++) {
                for (int k = 0; k < 3; k++) {
                    String expected = "from " + k + " round " + round;
                    if (round == 2 && k == 0) {
                        continue; // the first datagram of the last round may be the one sent to `other`
                    }
                    Socket s = senders[k];
                    s.setTimeout(Duration.ofSeconds(5));
                    int n = s.recv(buf);
                    assertEquals(expected, new String(buf, 0, n, US_ASCII));
                }
            }
            other.setTimeout(Duration.ofSeconds(5));
            int n = other.recv(buf);
            assertEquals("from 0 round 2", new String(buf, 0, n, US_ASCII), "the re-aimed reply arrived at its new target");
        }
    }

    @Test
    void theSteadyPathAllocatesNothing() throws Throwable {
        dev.ffmsockets.testing.Emulation.needsC2();
        // com.sun.management.ThreadMXBean, reached reflectively: this module does not read jdk.management
        java.lang.invoke.MethodHandle allocatedBytes = java.lang.invoke.MethodHandles.publicLookup().findVirtual(
                Class.forName("com.sun.management.ThreadMXBean"), "getCurrentThreadAllocatedBytes",
                java.lang.invoke.MethodType.methodType(long.class)).bindTo(ManagementFactory.getThreadMXBean());
        try (Socket a = Socket.open(Family.INET, SocketType.DGRAM); Socket b = Socket.open(Family.INET, SocketType.DGRAM);
             DatagramBatch out = DatagramBatch.allocate(16, 64); DatagramBatch in = DatagramBatch.allocate(16, 64);
             DatagramBatch back = DatagramBatch.allocate(16, 64)) {
            a.bind(InetSockAddr.loopback(0));
            b.bind(InetSockAddr.loopback(0));
            SockAddr to = b.localAddress();
            for (int i = 0; i < 16; i++) {
                out.set(i, 64, to);
            }
            // Rounds run until one is quiet (the compiler may still be working on the first few); a per-call or
            // per-datagram allocation shows in every round and fails the test.
            long allocated = Long.MAX_VALUE;
            for (int round = 0; round < 12 && allocated >= 80_000; round++) {
                long before = (long) allocatedBytes.invokeExact();
                for (int k = 0; k < 5_000; k++) {
                    for (int sent = 0; sent < 16; ) {
                        sent += a.sendMany(out, sent);
                    }
                    for (int got = 0; got < 16; ) {
                        int n = b.recvMany(in);
                        for (int i = 0; i < n; i++) {
                            SockAddr sender = in.sender(i, Family.INET);
                            if (sender == null || in.length(i) != 64) {
                                throw new AssertionError("datagram " + i);
                            }
                            in.set(i, 64, sender); // and the reply to it
                        }
                        for (int sent = 0; sent < n; ) {
                            sent += b.sendMany(in, sent);
                        }
                        got += n;
                    }
                    for (int got = 0; got < 16; ) {
                        got += a.recvMany(back);
                    }
                }
                allocated = (long) allocatedBytes.invokeExact() - before;
            }
            // 80,000 datagrams each way in at least 20,000 calls: one object per datagram would be 1.28 MB or more
            assertTrue(allocated < 80_000, allocated + " bytes allocated for 80,000 datagrams");
        }
    }

    @Test
    void badArgumentsAreRefused() {
        assertThrows(IllegalArgumentException.class, () -> DatagramBatch.allocate(0, 10));
        assertThrows(IllegalArgumentException.class, () -> DatagramBatch.allocate(1025, 10));
        assertThrows(IllegalArgumentException.class, () -> DatagramBatch.allocate(1, 65_536));
        try (DatagramBatch b = DatagramBatch.allocate(2, 10)) {
            assertThrows(IllegalArgumentException.class, () -> b.add(new byte[11], 0, 11, null));
            assertThrows(IndexOutOfBoundsException.class, () -> b.slot(2));
            assertThrows(IndexOutOfBoundsException.class, () -> b.length(0), "nothing held yet");
            assertThrows(IllegalArgumentException.class, () -> b.set(0, 11, null));
            b.add(ByteBuffer.wrap(new byte[] {1, 2}), null);
            assertEquals(1, b.count());
            assertArrayEquals(new byte[] {1, 2}, b.bytes(0));
            assertEquals(2, b.slot(0).asSlice(0, 2).toArray(JAVA_BYTE).length);
            b.clear();
            assertEquals(0, b.count());
        }
    }

    @Test
    void aClosedBatchIsRefusedAndClosesOnce() throws IOException {
        try (Socket s = Socket.open(Family.INET, SocketType.DGRAM)) {
            s.bind(InetSockAddr.loopback(0));
            DatagramBatch b = DatagramBatch.allocate(2, 16);
            b.add(new byte[] {1}, 0, 1, s.localAddress());
            IndexOutOfBoundsException from = assertThrows(IndexOutOfBoundsException.class, () -> s.sendMany(b, 2));
            assertTrue(from.getMessage().contains("holds 1 datagrams"), from.getMessage());
            b.close();
            b.close(); // a second close does nothing
            assertEquals("the batch is closed", assertThrows(IllegalStateException.class, () -> s.sendMany(b)).getMessage());
            assertThrows(IllegalStateException.class, () -> s.recvMany(b, MsgFlag.DONTWAIT));
        }
    }
}
