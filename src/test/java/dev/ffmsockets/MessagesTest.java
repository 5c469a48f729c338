package dev.ffmsockets;

import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static dev.ffmsockets.ControlMessage.spaceForDescriptors;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sendMsg and recvMsg: gather and scatter, addresses, flags that come back, and control messages — descriptors
 * passed and owned, credentials, packet info, timestamps — and the per-call flags of send and recv, dup and pair.
 */
@ExtendWith(NoDescriptorLeaks.class)
class MessagesTest {

    @TempDir
    Path dir;

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(US_ASCII));
    }

    private static String text(ByteBuffer b) {
        return US_ASCII.decode(b.flip()).toString();
    }

    /** A file whose descriptors are passed: every received one reads its bytes. */
    private Path file(String content) throws IOException {
        Path f = Files.createTempFile(dir, "passed", ".txt");
        Files.writeString(f, content);
        return f;
    }

    @ParameterizedTest(name = "{1} descriptors over {0}")
    @CsvSource({"STREAM, 1", "STREAM, 253", "DGRAM, 1", "DGRAM, 253", "SEQPACKET, 7"})
    void descriptorsPassedInOneMessageArriveOwnedAndAreClosedWithIt(SocketType type, int count) throws Exception {
        Path f = file("passed " + count);
        try (Socket.Pair p = Socket.pair(Family.UNIX, type)) {
            long before = Fds.open();
            int fd = fdOf(f);
            try {
                int[] fds = new int[count];
                Arrays.fill(fds, fd);
                assertEquals(3, p.first().sendMsg(new ByteBuffer[] {ascii("fds")}, null,
                        List.of(ControlMessage.rights(fds))));
                ByteBuffer in = ByteBuffer.allocate(16);
                List<Integer> got = new ArrayList<>();
                try (Message m = p.second().recvMsg(new ByteBuffer[] {in}, spaceForDescriptors(count))) {
                    assertEquals(3, m.length());
                    assertEquals("fds", text(in));
                    assertFalse(m.controlTruncated());
                    assertEquals(count, m.descriptors().size());
                    assertEquals(1, m.control().size());
                    for (ReceivedFd r : m.descriptors()) {
                        assertTrue(r.isOpen());
                        assertEquals(f.toRealPath().toString(), Fds.target(r.fd()));
                        got.add(r.fd());
                    }
                    assertEquals(count, new HashSet<>(got).size(), "each is a descriptor of its own");
                    assertEquals(before + 1 + count, Fds.open());
                }
                for (int g : got) {
                    assertFalse(Fds.isOpen(g) && Fds.target(g).equals(f.toRealPath().toString()),
                            "closed with the message: " + g);
                }
            } finally {
                dev.ffmsockets.posix.Posix.close(fd);
            }
            assertEquals(before, Fds.open());
        }
    }

    /** A descriptor of the file of our own to pass (the channel's is not reachable). */
    private static int fdOf(Path f) {
        try (Arena a = Arena.ofConfined()) {
            int fd = dev.ffmsockets.posix.Posix.open(a.allocateFrom(f.toString()),
                    dev.ffmsockets.posix.Posix.O_RDONLY | dev.ffmsockets.posix.Posix.O_CLOEXEC);
            assertTrue(fd >= 0, "open " + f);
            return fd;
        }
    }

    @Test
    void aReceivedDescriptorIsUsableAndTakenOnesStayOpen() throws Exception {
        try (Socket.Pair p = Socket.pair(); Socket.Pair passed = Socket.pair(Family.UNIX, SocketType.DGRAM)) {
            p.first().sendMsg(new ByteBuffer[] {ascii("s")}, null,
                    List.of(ControlMessage.rights(passed.first())));
            Socket received;
            try (Message m = p.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(1)}, spaceForDescriptors(1))) {
                received = m.descriptors().getFirst().toSocket();
                assertFalse(m.descriptors().getFirst().isOpen(), "taken");
            }
            try (received) {
                assertEquals(SocketType.DGRAM, received.type());
                received.send("through the passed socket".getBytes(US_ASCII));
                byte[] in = new byte[64];
                assertEquals("through the passed socket", new String(in, 0, passed.second().recv(in), US_ASCII));
            }
        }
    }

    @Test
    void aDescriptorThatIsNoSocketStaysOwnedWhenToSocketFails() throws Exception {
        Path f = file("not a socket");
        int fd = fdOf(f);
        try (Socket.Pair p = Socket.pair()) {
            p.first().sendMsg(new ByteBuffer[] {ascii("f")}, null, List.of(ControlMessage.rights(fd)));
            try (Message m = p.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(1)}, spaceForDescriptors(1))) {
                ReceivedFd r = m.descriptors().getFirst();
                ErrnoException e = assertInstanceOf(ErrnoException.class, assertThrows(IOException.class, r::toSocket));
                assertEquals(dev.ffmsockets.posix.Posix.ENOTSOCK, e.errno());
                assertTrue(r.isOpen(), "still owned, closed with the message");
                int taken = r.take();
                assertThrows(IllegalStateException.class, r::take);
                dev.ffmsockets.posix.Posix.close(taken);
            }
        } finally {
            dev.ffmsockets.posix.Posix.close(fd);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"STREAM", "DGRAM"})
    void controlSpaceTooSmallReportsCtruncAndLeavesNoDescriptorOpen(SocketType type) throws Exception {
        dev.ffmsockets.testing.Emulation.nativeOnly(dev.ffmsockets.testing.Emulation.Difference.SCM_RIGHTS_CUT);
        Path f = file("ctrunc");
        int fd = fdOf(f);
        try (Socket.Pair p = Socket.pair(Family.UNIX, type)) {
            long before = Fds.open();
            int[] ten = new int[10];
            Arrays.fill(ten, fd);
            p.first().sendMsg(new ByteBuffer[] {ascii("x")}, null, List.of(ControlMessage.rights(ten)));
            try (Message m = p.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(4)}, spaceForDescriptors(4))) {
                assertTrue(m.controlTruncated());
                assertTrue(m.flags().contains(MsgFlag.CTRUNC));
                assertEquals(4, m.descriptors().size(), "those that fit are handed over");
            }
            assertEquals(before, Fds.open(), "the kernel closed those that did not fit; the message the rest");
            // no control room at all: every descriptor is dropped
            p.first().sendMsg(new ByteBuffer[] {ascii("y")}, null, List.of(ControlMessage.rights(ten)));
            try (Message m = p.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(4)}, 0)) {
                assertTrue(m.controlTruncated());
                assertTrue(m.descriptors().isEmpty());
            }
            assertEquals(before, Fds.open());
        } finally {
            dev.ffmsockets.posix.Posix.close(fd);
        }
    }

    @Test
    void tenThousandPassAndReceiveCyclesLeaveTheDescriptorTableAsItWas() throws Exception {
        Path f = file("cycles");
        int fd = fdOf(f);
        try (Socket.Pair p = Socket.pair()) {
            long before = Fds.open();
            ByteBuffer[] out = {ByteBuffer.allocateDirect(1)}, in = {ByteBuffer.allocateDirect(1)};
            List<ControlMessage> rights = List.of(ControlMessage.rights(fd, fd));
            for (int i = 0; i < 10_000; i++) {
                out[0].clear();
                in[0].clear();
                p.first().sendMsg(out, null, rights);
                try (Message m = p.second().recvMsg(in, spaceForDescriptors(2))) {
                    assertEquals(2, m.descriptors().size());
                    if (i % 2 == 0) {
                        dev.ffmsockets.posix.Posix.close(m.descriptors().get(1).take()); // some taken and closed
                    }
                }
            }
            assertEquals(before, Fds.open());
        } finally {
            dev.ffmsockets.posix.Posix.close(fd);
        }
    }

    @Test
    void passingAClosedSocketFailsBeforeAnythingIsSent() throws Exception {
        try (Socket.Pair p = Socket.pair()) {
            Socket gone = Socket.open(Family.UNIX, SocketType.STREAM);
            gone.close();
            IOException e = assertThrows(SocketException.class, () -> p.first().sendMsg(new ByteBuffer[] {ascii("z")},
                    null, List.of(ControlMessage.rights(gone))));
            assertTrue(e.getMessage().contains("Socket closed"), e.getMessage());
            p.second().setBlocking(false);
            assertNull(p.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(1)}, 64), "nothing was sent");
        }
    }

    @Test
    void badControlMessagesAreRefusedBeforeAnyCall() throws Exception {
        try (Socket.Pair p = Socket.pair()) {
            assertThrows(IllegalArgumentException.class, () -> p.first().sendMsg(new ByteBuffer[] {ascii("a")}, null,
                    List.of(ControlMessage.rights(new int[254]))));
            assertThrows(IllegalArgumentException.class, () -> ControlMessage.rights(new int[0]));
            assertThrows(IllegalArgumentException.class, () -> ControlMessage.rights(-1));
            assertThrows(IllegalArgumentException.class, () -> p.first().sendMsg(new ByteBuffer[] {ascii("a")}, null,
                    List.of(new ControlMessage.Timestamp(Instant.now()))));
            assertThrows(IllegalArgumentException.class, () -> p.first().sendMsg(new ByteBuffer[1025], null, List.of()));
            assertThrows(NullPointerException.class, () -> p.first().sendMsg(new ByteBuffer[] {null}, null, List.of()));
            assertThrows(IllegalArgumentException.class, () -> p.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(1)}, -1));
            assertThrows(ReadOnlyBufferException.class, () -> p.second().recvMsg(
                    new ByteBuffer[] {ByteBuffer.allocate(1).asReadOnlyBuffer()}, 0));
            p.second().setBlocking(false);
            assertNull(p.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(1)}, 0), "nothing was sent");
        }
    }

    @Test
    void gatherAndScatterOverEveryBufferKind() throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.SEQPACKET); Arena arena = Arena.ofConfined()) {
            ByteBuffer heap = ascii("heap-"), direct = ByteBuffer.allocateDirect(7).put("direct-".getBytes(US_ASCII)).flip();
            ByteBuffer slice = ascii("xxsliceyy").position(2).limit(7);
            assertEquals(17, p.first().sendMsg(new ByteBuffer[] {heap, direct, slice}, null, List.of()));
            assertEquals(0, heap.remaining() + direct.remaining() + slice.remaining());
            MemorySegment seg = arena.allocateFrom("-segment", US_ASCII);
            assertEquals(17 + 8, p.first().sendMsg(new MemorySegment[] {MemorySegment.ofArray("heap-direct-slice".getBytes(US_ASCII)),
                    seg.asSlice(0, 8)}, null, List.of()));

            ByteBuffer a = ByteBuffer.allocate(4), b = ByteBuffer.allocateDirect(6), c = ByteBuffer.allocate(32);
            try (Message m = p.second().recvMsg(new ByteBuffer[] {a, b, c}, 0)) {
                assertEquals(17, m.length());
                assertEquals("heap", text(a));
                assertEquals("-direc", text(b));
                assertEquals("t-slice", text(c));
                assertTrue(m.flags().contains(MsgFlag.EOR) || m.flags().isEmpty(), m.flags().toString());
            }
            MemorySegment x = arena.allocate(10);
            byte[] y = new byte[20];
            try (Message m = p.second().recvMsg(new MemorySegment[] {x, MemorySegment.ofArray(y)}, 0)) {
                assertEquals(25, m.length());
                assertEquals("heap-direc", new String(x.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), US_ASCII));
                assertEquals("t-slice-segment", new String(y, 0, 15, US_ASCII));
            }
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp4", "udp6", "unix"})
    void sendMsgToAnUnconnectedPeerAndACutDatagramReportsItsLength(String kind) throws Exception {
        SockAddr at = switch (kind) {
            case "udp4" -> InetSockAddr.loopback(0);
            case "udp6" -> InetSockAddr.loopback6(0);
            default -> UnixSockAddr.of(dir.resolve("m" + System.nanoTime()));
        };
        SockAddr from = kind.equals("unix") ? UnixSockAddr.of(dir.resolve("s" + System.nanoTime()))
                : at.family() == Family.INET ? InetSockAddr.loopback(0) : InetSockAddr.loopback6(0);
        try (Socket receiver = Socket.open(at.family(), SocketType.DGRAM);
             Socket sender = Socket.open(at.family(), SocketType.DGRAM)) {
            receiver.bind(at);
            sender.bind(from);
            byte[] big = new byte[100];
            new java.util.Random(7).nextBytes(big);
            assertEquals(100, sender.sendMsg(new ByteBuffer[] {ByteBuffer.wrap(big, 0, 60), ByteBuffer.wrap(big, 60, 40)},
                    receiver.localAddress(), List.of()));
            ByteBuffer small = ByteBuffer.allocate(10);
            try (Message m = receiver.recvMsg(new ByteBuffer[] {small}, 0)) {
                assertEquals(10, m.length());
                assertTrue(m.truncated());
                assertEquals(sender.localAddress(), m.sender());
                assertArrayEquals(Arrays.copyOf(big, 10), Arrays.copyOf(small.array(), 10));
            }
            sender.sendMsg(new ByteBuffer[] {ByteBuffer.wrap(big)}, receiver.localAddress(), List.of());
            try (Message m = receiver.recvMsg(new ByteBuffer[] {small.clear()}, 0, MsgFlag.TRUNC)) {
                assertEquals(100, m.length(), "MSG_TRUNC asked for: the datagram's real length");
                assertTrue(m.truncated());
                assertEquals(10, small.position());
            }
            sender.sendTo(big, receiver.localAddress());
            assertEquals(100, receiver.recv(small.clear(), MsgFlag.TRUNC));
            assertEquals(10, small.position());
            assertThrows(IllegalArgumentException.class, () -> sender.sendMsg(new ByteBuffer[] {ascii("w")},
                    kind.equals("unix") ? InetSockAddr.loopback(1) : UnixSockAddr.of("/x"), List.of()));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"STREAM", "DGRAM"})
    void peekLeavesTheDataQueued(SocketType type) throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, type)) {
            p.first().send("peeked".getBytes(US_ASCII));
            ByteBuffer b = ByteBuffer.allocate(16);
            assertEquals(6, p.second().recv(b, MsgFlag.PEEK));
            assertEquals("peeked", text(b));
            byte[] a = new byte[16];
            assertEquals(6, p.second().recv(a, 0, 16, MsgFlag.PEEK));
            try (Message m = p.second().recvMsg(new ByteBuffer[] {b.clear()}, 0, MsgFlag.PEEK)) {
                assertEquals(6, m.length());
            }
            assertEquals(6, p.second().recv(a));
            assertEquals("peeked", new String(a, 0, 6, US_ASCII));
            p.second().setBlocking(false);
            assertEquals(0, p.second().recv(a), "nothing left");
        }
    }

    @Test
    void dontWaitReturnsAtOnceOnABlockingSocket() throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.DGRAM)) {
            assertTrue(p.second().isBlocking());
            assertEquals(0, p.second().recv(ByteBuffer.allocate(8), MsgFlag.DONTWAIT));
            assertEquals(0, p.second().recv(new byte[8], 0, 8, MsgFlag.DONTWAIT));
            assertNull(p.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(8)}, 0, MsgFlag.DONTWAIT));
            // fill the peer's queue: a send that would wait returns 0
            p.first().setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4096);
            int sent = 0;
            while (p.first().send(ByteBuffer.allocate(512), MsgFlag.DONTWAIT) > 0) {
                sent++;
            }
            assertTrue(sent > 0);
            assertEquals(0, p.first().sendMsg(new ByteBuffer[] {ByteBuffer.allocate(512)}, null, List.of(), MsgFlag.DONTWAIT));
            assertTrue(p.first().isBlocking(), "the mode is not changed");
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void waitAllFillsTheBufferFromSeveralSends(boolean virtual) throws Exception {
        try (Socket.Pair p = Socket.pair()) {
            var r = dev.ffmsockets.testing.Background.start(virtual, () -> {
                byte[] in = new byte[12];
                assertEquals(12, p.second().recv(in, 0, 12, MsgFlag.WAITALL));
                assertEquals("one-two-thre", new String(in, US_ASCII));
                ByteBuffer[] parts = {ByteBuffer.allocate(3), ByteBuffer.allocateDirect(3)};
                try (Message m = p.second().recvMsg(parts, 0, MsgFlag.WAITALL)) {
                    assertEquals(6, m.length());
                }
                assertEquals("abc", text(parts[0]));
                assertEquals("def", text(parts[1]));
                assertEquals(-1, p.second().recv(ByteBuffer.allocate(4), MsgFlag.WAITALL), "end of stream");
            });
            p.first().sendAll("one-".getBytes(US_ASCII));
            p.first().sendAll("two-thre".getBytes(US_ASCII));
            p.first().sendAll("ab".getBytes(US_ASCII));
            p.first().sendAll("cdef".getBytes(US_ASCII));
            p.first().shutdownOutput();
            Throwable t = r.outcome().get();
            if (t != null) {
                throw new AssertionError(t);
            }
        }
    }

    @Test
    void waitAllWithDontWaitHandsBackWhatArrivedWithItsDescriptorsOpen() throws Exception {
        try (Socket.Pair p = Socket.pair(); Socket.Pair passed = Socket.pair()) {
            p.first().sendMsg(new ByteBuffer[] {ascii("ab")}, null, List.of(ControlMessage.rights(passed.first())));
            ByteBuffer in = ByteBuffer.allocate(8);
            try (Message m = p.second().recvMsg(new ByteBuffer[] {in}, ControlMessage.spaceForDescriptors(1),
                    MsgFlag.WAITALL, MsgFlag.DONTWAIT)) {
                assertEquals(2, m.length(), "what was there; the rest would have had to wait");
                assertEquals(1, m.descriptors().size());
                assertTrue(m.descriptors().getFirst().isOpen(), "handed back open, not closed on the way out");
                try (Socket s = m.descriptors().getFirst().toSocket()) {
                    s.sendAll(new byte[] {7});
                    byte[] one = new byte[1];
                    assertEquals(1, passed.second().recv(one));
                    assertEquals(7, one[0]);
                }
            }
            assertEquals("ab", text(in));
        }
    }

    @Test
    void controlWithNoDataOnAStreamIsRefusedNotDropped() throws Exception {
        try (Socket.Pair p = Socket.pair(); Socket.Pair passed = Socket.pair();
             Socket.Pair dgram = Socket.pair(Family.UNIX, SocketType.DGRAM)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> p.first().sendMsg(
                    new ByteBuffer[] {ByteBuffer.allocate(0)}, null, List.of(ControlMessage.rights(passed.first()))));
            assertTrue(e.getMessage().contains("at least one byte"), e.getMessage());
            // a datagram may be empty and still carry them
            dev.ffmsockets.testing.Emulation.nativeOnly(dev.ffmsockets.testing.Emulation.Difference.SENDMSG_WITHOUT_IOVEC);
            dgram.second().setTimeout(java.time.Duration.ofSeconds(20));
            dgram.first().sendMsg(new ByteBuffer[0], null, List.of(ControlMessage.rights(passed.first())));
            try (Message m = dgram.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(1)}, ControlMessage.spaceForDescriptors(1))) {
                assertEquals(0, m.length());
                assertEquals(1, m.descriptors().size());
            }
        }
    }

    @Test
    void hugeControlRoomIsNotAllocated() throws Exception {
        try (Socket.Pair p = Socket.pair(); Socket.Pair passed = Socket.pair()) {
            p.first().sendMsg(new ByteBuffer[] {ascii("x")}, null, List.of(ControlMessage.rights(passed.first())));
            // Integer.MAX_VALUE bytes of room would be a 2 GiB allocation per call; 64 KiB is more than any control data
            try (Message m = p.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(1)}, Integer.MAX_VALUE)) {
                assertEquals(1, m.descriptors().size());
                assertFalse(m.controlTruncated());
            }
        }
    }

    @Test
    void endOfStreamIsLengthMinusOne() throws Exception {
        try (Socket.Pair p = Socket.pair()) {
            p.first().close();
            try (Message m = p.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(4)}, 0)) {
                assertEquals(-1, m.length());
            }
        }
    }

    @Test
    void credentialsArriveWithSoPasscredAndCanBeSent() throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.DGRAM)) {
            p.second().setOption(LinuxSocketOptions.SO_PASSCRED, true);
            assertTrue(p.second().getOption(LinuxSocketOptions.SO_PASSCRED));
            int space = ControlMessage.space(12);
            p.first().send(new byte[] {1});
            try (Message m = p.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(4)}, space)) {
                assertEquals(List.of(ControlMessage.Credentials.ofThisProcess()), m.control());
            }
            p.first().sendMsg(new ByteBuffer[] {ascii("c")}, null, List.of(ControlMessage.Credentials.ofThisProcess()));
            try (Message m = p.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(4)}, space)) {
                assertEquals(List.of(ControlMessage.Credentials.ofThisProcess()), m.control());
            }
            ControlMessage.Credentials other = new ControlMessage.Credentials(1, 0, 0);
            if (dev.ffmsockets.posix.Posix.getuid() != 0) {
                ErrnoException e = assertInstanceOf(ErrnoException.class, assertThrows(IOException.class,
                        () -> p.first().sendMsg(new ByteBuffer[] {ascii("c")}, null, List.of(other))));
                assertEquals(dev.ffmsockets.posix.Posix.EPERM, e.errno());
            }
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void packetInfoTellsTheAddressADatagramWasSentTo(boolean v6) throws Exception {
        dev.ffmsockets.testing.Emulation.nativeOnly(dev.ffmsockets.testing.Emulation.Difference.SO_TIMESTAMPNS);
        SockAddr at = v6 ? InetSockAddr.loopback6(0) : InetSockAddr.loopback(0);
        try (Socket receiver = Socket.open(at.family(), SocketType.DGRAM);
             Socket sender = Socket.open(at.family(), SocketType.DGRAM)) {
            receiver.bind(v6 ? InetSockAddr.any6(0) : InetSockAddr.any(0));
            receiver.setOption(LinuxSocketOptions.IP_PKTINFO, true);
            receiver.setOption(LinuxSocketOptions.SO_TIMESTAMPNS, true);
            int port = ((InetSockAddr) receiver.localAddress()).port();
            Instant before = Instant.now();
            sender.sendTo(new byte[] {1, 2, 3}, v6 ? InetSockAddr.loopback6(port) : InetSockAddr.loopback(port));
            try (Message m = receiver.recvMsg(new ByteBuffer[] {ByteBuffer.allocate(8)}, 256)) {
                Instant after = Instant.now();
                InetAddress loopback = v6 ? InetAddress.getByName("::1") : InetAddress.getByName("127.0.0.1");
                ControlMessage.PacketInfo info = m.control().stream().filter(c -> c instanceof ControlMessage.PacketInfo)
                        .map(c -> (ControlMessage.PacketInfo) c).findFirst().orElseThrow(() -> new AssertionError(m.control()));
                assertEquals(loopback, info.address());
                assertTrue(info.interfaceIndex() > 0);
                ControlMessage.Timestamp ts = m.control().stream().filter(c -> c instanceof ControlMessage.Timestamp)
                        .map(c -> (ControlMessage.Timestamp) c).findFirst().orElseThrow(() -> new AssertionError(m.control()));
                assertFalse(ts.time().isBefore(before.minusSeconds(1)) || ts.time().isAfter(after.plusSeconds(1)),
                        ts + " between " + before + " and " + after);
                // the packet info sent back as the source address
                receiver.sendMsg(new ByteBuffer[] {ascii("reply")}, m.sender(),
                        List.of(new ControlMessage.PacketInfo(info.address(), 0)));
                Socket.Received r = sender.recvFrom(ByteBuffer.allocate(8));
                assertEquals(loopback, ((InetSockAddr) r.sender()).address());
            }
        }
    }

    @Test
    void otherControlMessagesAreLevelTypeAndBytes() throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.DGRAM)) {
            // SCM_CREDENTIALS written by hand as an Other: the kernel takes it, the receiver decodes it as typed
            ControlMessage.Credentials me = ControlMessage.Credentials.ofThisProcess();
            ByteBuffer ucred = ByteBuffer.allocate(12).order(java.nio.ByteOrder.nativeOrder())
                    .putInt(me.pid()).putInt(me.uid()).putInt(me.gid());
            p.second().setOption(LinuxSocketOptions.SO_PASSCRED, true);
            p.first().sendMsg(new ByteBuffer[] {ascii("o")}, null, List.of(new ControlMessage.Other(
                    dev.ffmsockets.posix.Posix.SOL_SOCKET, dev.ffmsockets.posix.Posix.SCM_CREDENTIALS, ucred.array())));
            try (Message m = p.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(4)}, 64)) {
                assertEquals(List.of(me), m.control());
            }
            assertEquals(new ControlMessage.Other(1, 2, new byte[] {3}), new ControlMessage.Other(1, 2, new byte[] {3}));
        }
    }

    @Test
    void dupIsASecondSocketOverTheSameConnection() throws Exception {
        try (Socket.Pair p = Socket.pair()) {
            long before = Fds.open();
            Socket copy = p.first().dup();
            assertEquals(before + 1, Fds.open());
            assertTrue(copy.fd() != p.first().fd());
            assertEquals(Family.UNIX, copy.family());
            assertEquals(SocketType.STREAM, copy.type());
            p.first().close();
            copy.send("via the copy".getBytes(US_ASCII));
            byte[] in = new byte[32];
            assertEquals("via the copy", new String(in, 0, p.second().recv(in), US_ASCII));
            p.second().setBlocking(false);
            assertEquals(0, p.second().recv(in), "no end of stream while the copy is open");
            copy.close();
            p.second().setBlocking(true);
            assertEquals(-1, p.second().recv(in));
            assertThrows(SocketException.class, copy::dup);
        }
    }

    @Test
    void pairWithoutArgumentsIsUnixStream() throws Exception {
        try (Socket.Pair p = Socket.pair()) {
            assertEquals(Family.UNIX, p.first().family());
            assertEquals(SocketType.STREAM, p.second().type());
            p.first().sendAll("x".getBytes(US_ASCII));
            assertEquals(1, p.second().recv(new byte[4]));
        }
    }

    @Test
    void recvFromOverloadsAllSayLengthAndSender() throws Exception {
        try (Socket a = Socket.open(Family.INET, SocketType.DGRAM); Socket b = Socket.open(Family.INET, SocketType.DGRAM);
             Arena arena = Arena.ofConfined()) {
            a.bind(InetSockAddr.loopback(0));
            b.bind(InetSockAddr.loopback(0));
            for (int i = 0; i < 4; i++) {
                b.sendTo(new byte[] {1, 2, 3, (byte) i}, a.localAddress());
            }
            Set<Socket.Received> got = new HashSet<>();
            got.add(a.recvFrom(new byte[8]));
            got.add(a.recvFrom(new byte[8], 2, 6));
            got.add(a.recvFrom(ByteBuffer.allocateDirect(8)));
            got.add(a.recvFrom(arena.allocate(8)));
            assertEquals(Set.of(new Socket.Received(4, b.localAddress())), got);
        }
    }
}
