package dev.ffmsockets;

import dev.ffmsockets.testing.DatagramAddresses;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.file.Path;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** sendTo and recvFrom over UDP on IPv4 and IPv6, and AF_UNIX datagrams with pathname and abstract names. */
@ExtendWith(NoDescriptorLeaks.class)
class DatagramSocketTest {

    @TempDir
    Path dir;

    private SockAddr address(String kind) {
        return DatagramAddresses.of(kind, dir);
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp4", "udp6", "unix-path", "unix-abstract"})
    void sendToTakesAPartOfAnArray(String kind) throws Exception {
        SockAddr serverAt = address(kind);
        try (Socket server = Socket.open(serverAt.family(), SocketType.DGRAM);
             Socket client = Socket.open(serverAt.family(), SocketType.DGRAM)) {
            server.bind(serverAt);
            SockAddr to = server.localAddress();
            byte[] text = "xx-the part-yy".getBytes(US_ASCII);
            assertEquals(8, client.sendTo(text, 3, 8, to));
            assertEquals(0, client.sendTo(text, text.length, 0, to)); // an empty datagram, from the very end
            byte[] in = new byte[64];
            assertEquals(8, server.recvFrom(in).length());
            assertEquals("the part", new String(in, 0, 8, US_ASCII));
            assertEquals(0, server.recvFrom(in).length());
            // out of the array: refused before any call, nothing sent
            for (int[] bad : new int[][] {{-1, 2}, {0, -1}, {10, 5}, {text.length + 1, 0}}) {
                assertThrows(IndexOutOfBoundsException.class, () -> client.sendTo(text, bad[0], bad[1], to));
            }
            server.setBlocking(false);
            assertNull(server.recvFrom(in), "nothing was sent by the refused calls");
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp4", "udp6", "unix-path", "unix-abstract"})
    void datagramsCarryTheirSendersAddressInEveryBufferKind(String kind) throws Exception {
        SockAddr serverAt = address(kind), clientAt = address(kind);
        try (Socket server = Socket.open(serverAt.family(), SocketType.DGRAM);
             Socket client = Socket.open(serverAt.family(), SocketType.DGRAM);
             Arena arena = Arena.ofConfined()) {
            server.bind(serverAt);
            client.bind(clientAt);
            SockAddr to = server.localAddress(), from = client.localAddress();

            assertEquals(5, client.sendTo("array".getBytes(US_ASCII), to));
            ByteBuffer direct = ByteBuffer.allocateDirect(64);
            assertEquals(from, server.recvFrom(direct).sender());
            assertEquals("array", US_ASCII.decode(direct.flip()).toString());

            assertEquals(6, client.sendTo(ByteBuffer.wrap("buffer".getBytes(US_ASCII)), to));
            byte[] in = new byte[64];
            Socket.Received r = server.recvFrom(in, 10, 20);
            assertEquals(6, r.length());
            assertEquals(from, r.sender());
            assertEquals("buffer", new String(in, 10, 6, US_ASCII));

            assertEquals(7, client.sendTo(arena.allocateFrom("segment", US_ASCII).asSlice(0, 7), to));
            MemorySegment seg = arena.allocate(64);
            r = server.recvFrom(seg);
            assertEquals(7, r.length());
            assertEquals(from, r.sender());

            // the reply goes to the sender's address, and a heap ByteBuffer receives it
            assertEquals(4, server.sendTo(ByteBuffer.allocateDirect(4).put("pong".getBytes(US_ASCII)).flip(), r.sender()));
            ByteBuffer heap = ByteBuffer.allocate(16);
            assertEquals(to, client.recvFrom(heap).sender());
            assertEquals("pong", US_ASCII.decode(heap.flip()).toString());

            // a datagram larger than the buffer is cut to it; an empty one arrives as 0 bytes
            client.sendTo(new byte[100], to);
            assertEquals(10, server.recv(new byte[10]));
            client.sendTo(new byte[0], to);
            assertEquals(0, server.recv(new byte[10]), "an empty datagram, not end of stream");

            // connect sets the default peer for send and recv
            client.connect(to);
            assertEquals(to, client.remoteAddress());
            assertEquals(3, client.send("abc".getBytes(US_ASCII)));
            ByteBuffer three = ByteBuffer.allocate(8);
            assertEquals(from, server.recvFrom(three).sender());
            assertEquals(3, three.position());

            // non-blocking with nothing there: null, not an exception
            server.setBlocking(false);
            assertNull(server.recvFrom(ByteBuffer.allocate(8)));
            assertNull(server.recvFrom(new byte[8], 0, 8));
            assertEquals(0, server.recv(new byte[8]));
            assertThrows(IllegalArgumentException.class,
                    () -> client.sendTo(new byte[1], kind.startsWith("udp") ? UnixSockAddr.abstractName("x") : InetSockAddr.loopback(9)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"udp4", "udp6", "unix-path", "unix-abstract"})
    void aDatagramCutToTheBufferSaysSoInEveryBufferKind(String kind) throws Exception {
        SockAddr serverAt = address(kind);
        try (Socket server = Socket.open(serverAt.family(), SocketType.DGRAM);
             Socket client = Socket.open(serverAt.family(), SocketType.DGRAM);
             Arena arena = Arena.ofConfined()) {
            server.bind(serverAt);
            SockAddr to = server.localAddress();
            byte[] hundred = new byte[100];
            for (int i = 0; i < hundred.length; i++) {
                hundred[i] = (byte) i;
            }
            java.util.List<java.util.function.Supplier<Socket.Received>> kinds = java.util.List.of(
                    () -> call(() -> server.recvFrom(new byte[10])),
                    () -> call(() -> server.recvFrom(new byte[40], 5, 10)),
                    () -> call(() -> server.recvFrom(ByteBuffer.allocate(10))),
                    () -> call(() -> server.recvFrom(ByteBuffer.allocateDirect(10))),
                    () -> call(() -> server.recvFrom(arena.allocate(10))));
            for (var receive : kinds) {
                client.sendTo(hundred, to);
                Socket.Received cut = receive.get();
                assertEquals(10, cut.length(), "the part that fit");
                assertTrue(cut.truncated(), "a datagram of 100 bytes in 10 is truncated");
                client.sendTo(hundred, 0, 10, to);
                Socket.Received whole = receive.get();
                assertEquals(10, whole.length());
                assertEquals(false, whole.truncated(), "a datagram that fits exactly is whole");
                client.sendTo(new byte[0], to);
                Socket.Received empty = receive.get();
                assertEquals(0, empty.length());
                assertEquals(false, empty.truncated());
            }
        }
    }

    @Test
    void aStreamIsNeverTruncatedAndKeepsWhatTheBufferDidNotTake() throws Exception {
        try (Socket.Pair p = Socket.pair()) {
            p.first().sendAll("0123456789abcdef".getBytes(US_ASCII));
            byte[] in = new byte[10];
            Socket.Received r = p.second().recvFrom(in);
            assertEquals(10, r.length());
            assertEquals(false, r.truncated());
            assertEquals(6, p.second().recvFrom(in).length(), "the rest is still there");
        }
    }

    private interface Call {
        Socket.Received get() throws java.io.IOException;
    }

    private static Socket.Received call(Call c) {
        try {
            return c.get();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The per-thread caches of the last address sent to and received from never answer with a stale one. */
    @Test
    void alternatingPeersAreEachSeenAndReachedCorrectly() throws Exception {
        try (Socket server = Socket.open(Family.INET, SocketType.DGRAM);
             Socket a = Socket.open(Family.INET, SocketType.DGRAM);
             Socket b = Socket.open(Family.INET, SocketType.DGRAM)) {
            server.bind(InetSockAddr.loopback(0));
            a.bind(InetSockAddr.loopback(0));
            b.bind(InetSockAddr.loopback(0));
            SockAddr to = server.localAddress();
            ByteBuffer buf = ByteBuffer.allocateDirect(16);
            for (int i = 0; i < 50; i++) {
                Socket from = i % 3 == 0 ? b : a;
                from.sendTo(new byte[] {(byte) i}, to);
                SockAddr sender = server.recvFrom(buf.clear()).sender();
                assertEquals(from.localAddress(), sender, "round " + i);
                server.sendTo(buf.flip(), sender);
                byte[] echo = new byte[4];
                assertEquals(1, from.recv(echo), "the echo went back to the right peer");
                assertEquals((byte) i, echo[0]);
            }
            // and a receive into another buffer, then the first again, at other positions
            ByteBuffer other = ByteBuffer.allocateDirect(16);
            a.sendTo(new byte[] {7, 8}, to);
            assertEquals(a.localAddress(), server.recvFrom(other.position(3)).sender());
            assertEquals(5, other.position());
            b.sendTo(new byte[] {9}, to);
            assertEquals(b.localAddress(), server.recvFrom(buf.clear().position(2)).sender());
            assertEquals(9, buf.get(2));
        }
    }

    @Test
    void aConnectedUdpSocketLearnsThatThePortIsUnreachable() throws Exception {
        int closedPort;
        try (Socket s = Socket.open(Family.INET, SocketType.DGRAM)) {
            s.bind(InetSockAddr.loopback(0));
            closedPort = ((InetSockAddr) s.localAddress()).port();
        }
        try (Socket s = Socket.open(Family.INET, SocketType.DGRAM)) {
            s.connect(InetSockAddr.loopback(closedPort));
            s.send(new byte[1]);
            s.setTimeout(java.time.Duration.ofSeconds(10));
            PortUnreachableException e = assertThrows(PortUnreachableException.class, () -> s.recv(new byte[1]));
            assertTrue(e.getMessage().matches("recv\\(fd \\d+\\): Connection refused \\(ECONNREFUSED\\)"), e.getMessage());
            assertEquals("ECONNREFUSED", ((ErrnoException) e).errnoName());
        }
    }

    @Test
    void seqpacketKeepsMessageBoundariesOverASocketPair() throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.SEQPACKET)) {
            p.first().send("one".getBytes(US_ASCII));
            p.first().send("three".getBytes(US_ASCII));
            byte[] in = new byte[16];
            assertEquals(3, p.second().recv(in));
            assertEquals(5, p.second().recv(in));
            p.first().close();
            assertEquals(-1, p.second().recv(in), "end of stream on seqpacket");
        }
    }
}
