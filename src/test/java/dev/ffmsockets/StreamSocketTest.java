package dev.ffmsockets;

import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.FieldSource;

import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Every method of a stream Socket, over IPv4, IPv6, AF_UNIX pathname and abstract, and socketpair. */
@ExtendWith(NoDescriptorLeaks.class)
class StreamSocketTest {

    static final String[] kinds = Connected.KINDS;

    @TempDir
    Path dir;

    private static byte[] ascii(String s) {
        return s.getBytes(US_ASCII);
    }

    @ParameterizedTest
    @FieldSource("kinds")
    void sendAndRecvOnArraysBuffersAndSegments(String kind) throws Exception {
        try (Connected c = Connected.make(kind, dir); Arena arena = Arena.ofConfined()) {
            // byte[] and its offset form
            assertEquals(5, c.client().send(ascii("hello")));
            byte[] in = new byte[16];
            assertEquals(5, c.peer().recv(in));
            assertEquals("hello", new String(in, 0, 5, US_ASCII));
            assertEquals(3, c.client().send(ascii("xxabcxx"), 2, 3));
            Arrays.fill(in, (byte) '.');
            assertEquals(3, c.peer().recv(in, 4, 10));
            assertEquals("....abc.", new String(in, 0, 8, US_ASCII));

            // heap and direct ByteBuffers: positions advance
            for (ByteBuffer out : new ByteBuffer[] {ByteBuffer.wrap(ascii("heap!")), ByteBuffer.allocateDirect(5).put(ascii("dirct")).flip()}) {
                assertEquals(5, c.peer().send(out));
                assertFalse(out.hasRemaining());
            }
            ByteBuffer heap = ByteBuffer.allocate(5);
            ByteBuffer direct = ByteBuffer.allocateDirect(5);
            assertEquals(5, c.client().recv(heap));
            assertEquals(5, c.client().recv(direct));
            assertEquals("heap!", US_ASCII.decode(heap.flip()).toString());
            assertEquals("dirct", US_ASCII.decode(direct.flip()).toString());

            // native and heap MemorySegments
            assertEquals(6, c.client().send(arena.allocateFrom("native", US_ASCII).asSlice(0, 6)));
            assertEquals(4, c.client().send(MemorySegment.ofArray(ascii("heap"))));
            MemorySegment got = arena.allocate(10);
            long n = 0;
            while (n < 10) {
                n += c.peer().recv(got.asSlice(n));
            }
            assertEquals("nativeheap", new String(got.toArray(JAVA_BYTE), US_ASCII));
        }
    }

    @ParameterizedTest
    @FieldSource("kinds")
    void shutdownOutputGivesThePeerEndOfStream(String kind) throws Exception {
        try (Connected c = Connected.make(kind, dir)) {
            c.client().sendAll(ascii("last words"));
            c.client().shutdownOutput();
            byte[] in = new byte[64];
            int total = 0, n;
            while ((n = c.peer().recv(in, total, in.length - total)) > 0) {
                total += n;
            }
            assertEquals(-1, n);
            assertEquals("last words", new String(in, 0, total, US_ASCII));
            assertEquals(-1, c.peer().recv(ByteBuffer.allocate(4)));
            assertEquals(-1L, c.peer().recv(MemorySegment.ofArray(new byte[4])));
            assertEquals(0, c.peer().recv(new byte[0]), "an empty read reads nothing, even at end of stream");
            // the other direction still works
            c.peer().sendAll(ascii("reply"));
            assertEquals(5, c.client().recv(new byte[8]));
            c.peer().shutdownInput();
        }
    }

    @ParameterizedTest
    @FieldSource("kinds")
    void closingOneEndGivesThePeerEndOfStream(String kind) throws Exception {
        try (Connected c = Connected.make(kind, dir)) {
            c.client().close();
            c.client().close(); // idempotent
            assertFalse(c.client().isOpen());
            assertEquals(-1, c.client().fd());
            assertEquals(-1, c.peer().recv(new byte[4]));
        }
    }

    @ParameterizedTest
    @FieldSource("kinds")
    void addressesAreTheOnesBoundAndConnected(String kind) throws Exception {
        try (Connected c = Connected.make(kind, dir)) {
            SockAddr clientLocal = c.client().localAddress();
            SockAddr peerRemote = c.peer().remoteAddress();
            assertEquals(clientLocal, peerRemote, "the peer sees the client's address");
            assertEquals(c.peer().localAddress(), c.client().remoteAddress());
            switch (kind) {
                case "tcp4" -> assertEquals("127.0.0.1", ((InetSockAddr) clientLocal).address().getHostAddress());
                case "tcp6" -> assertTrue(((InetSockAddr) clientLocal).toString().startsWith("[::1]:"));
                case "unix-path" -> assertEquals(c.file(), ((UnixSockAddr) c.client().remoteAddress()).path());
                case "unix-abstract" -> assertTrue(((UnixSockAddr) c.client().remoteAddress()).isAbstract());
                default -> assertTrue(((UnixSockAddr) clientLocal).isUnnamed());
            }
            if (c.listener() != null) {
                assertEquals(c.listener().localAddress(), c.client().remoteAddress());
            }
        }
    }

    @ParameterizedTest
    @FieldSource("kinds")
    void streamsAndChannelCarryBytesAndCloseTheSocket(String kind) throws Exception {
        try (Connected c = Connected.make(kind, dir)) {
            OutputStream out = c.client().outputStream();
            out.write('A');
            out.write(ascii("BCD"), 1, 2);
            out.flush();
            InputStream in = c.peer().inputStream();
            assertEquals('A', in.read());
            byte[] two = new byte[2];
            assertEquals(2, in.readNBytes(two, 0, 2));
            assertEquals("CD", new String(two, US_ASCII));

            ByteChannel ch = c.peer().channel();
            assertEquals(3, ch.write(ByteBuffer.wrap(ascii("xyz"))));
            ByteBuffer b = ByteBuffer.allocate(3);
            assertEquals(3, c.client().channel().read(b));
            assertTrue(ch.isOpen());

            out.close();
            assertFalse(c.client().isOpen(), "closing the output stream closes the socket");
            assertEquals(-1, in.read(), "the peer reads end of stream");
            in.close();
            assertFalse(c.peer().isOpen(), "closing the input stream closes the socket");
            SocketException e = assertThrows(SocketException.class, in::read);
            assertTrue(e.getMessage().contains("Socket closed"), e.getMessage());
            assertEquals(Posix_EBADF, ((ErrnoException) e).errno());
            assertThrows(SocketException.class, () -> out.write(1));
            assertFalse(ch.isOpen());
            assertThrows(ClosedChannelException.class, () -> ch.read(ByteBuffer.allocate(1)));
            assertThrows(ClosedChannelException.class, () -> ch.write(ByteBuffer.allocate(1)));
        }
    }

    private static final int Posix_EBADF = dev.ffmsockets.posix.Posix.EBADF;

    @ParameterizedTest
    @FieldSource("kinds")
    void aMessageInTwoPartsIsReassembledAndSendAllMovesEverything(String kind) throws Exception {
        try (Connected c = Connected.make(kind, dir)) {
            byte[] message = new byte[200_000];
            new java.util.Random(7).nextBytes(message);
            Thread writer = Thread.ofPlatform().start(() -> {
                try {
                    c.client().sendAll(message, 0, 1000);
                    c.client().sendAll(ByteBuffer.wrap(message, 1000, message.length - 1000));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
            byte[] in = c.peer().inputStream().readNBytes(message.length);
            writer.join();
            assertArrayEquals(message, in);
        }
    }

    @ParameterizedTest
    @FieldSource("kinds")
    void sendingToAPeerThatClosedIsAnExceptionNotASignal(String kind) throws Exception {
        try (Connected c = Connected.make(kind, dir)) {
            c.peer().close();
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> {
                for (int i = 0; i < 100; i++) {
                    c.client().sendAll(new byte[65536]);
                }
            });
            int errno = ((ErrnoException) e).errno();
            assertTrue(errno == dev.ffmsockets.posix.Posix.EPIPE || errno == dev.ffmsockets.posix.Posix.ECONNRESET,
                    e.getMessage());
            assertTrue(e.getMessage().startsWith("send(fd "), e.getMessage());
        }
    }

    @ParameterizedTest
    @FieldSource("kinds")
    void detachHandsTheDescriptorOverAndAdoptTakesItBack(String kind) throws Exception {
        try (Connected c = Connected.make(kind, dir)) {
            int fd = c.client().detach();
            assertFalse(c.client().isOpen());
            assertThrows(IllegalStateException.class, c.client()::detach);
            try (Socket again = Socket.adopt(fd)) {
                assertEquals(c.client().family(), again.family());
                assertEquals(SocketType.STREAM, again.type());
                assertTrue(again.isBlocking());
                again.sendAll(ascii("adopted"));
                byte[] in = new byte[7];
                assertEquals(7, c.peer().inputStream().readNBytes(in, 0, 7));
                assertEquals("adopted", new String(in, US_ASCII));
            }
        }
    }

    @org.junit.jupiter.api.Test
    void adoptRefusesWhatIsNotASocketAndLeavesItOpen() throws Exception {
        Path file = Files.writeString(dir.resolve("f"), "x");
        try (var ch = java.nio.channels.FileChannel.open(file)) {
            MemorySegment pipe = MemorySegment.ofArray(new int[2]);
            assertEquals(0, dev.ffmsockets.posix.Posix.pipe(pipe));
            int r = pipe.getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, 0);
            int w = pipe.getAtIndex(java.lang.foreign.ValueLayout.JAVA_INT, 1);
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> Socket.adopt(r));
            assertEquals("adopt(fd " + r + "): descriptor " + r + " is not a socket (ENOTSOCK from getsockopt SO_DOMAIN); "
                    + "it stays the caller's", e.getMessage());
            assertEquals(dev.ffmsockets.posix.Posix.ENOTSOCK, ((ErrnoException) e).errno());
            assertTrue(dev.ffmsockets.testing.Fds.isOpen(r), "a refused descriptor stays the caller's");
            // a file, and a number that is not open
            int f = dev.ffmsockets.posix.Posix.open(java.lang.foreign.Arena.ofAuto().allocateFrom(file.toString()),
                    dev.ffmsockets.posix.Posix.O_RDONLY);
            assertTrue(f >= 0);
            e = assertThrows(java.io.IOException.class, () -> Socket.adopt(f));
            assertTrue(e.getMessage().startsWith("adopt(fd " + f + "): descriptor " + f + " is not a socket"), e.getMessage());
            dev.ffmsockets.posix.Posix.close(f);
            int never = Integer.MAX_VALUE - 1; // no process has that many descriptors (a closed number could be reused)
            e = assertThrows(java.io.IOException.class, () -> Socket.adopt(never));
            assertTrue(e.getMessage().startsWith("adopt(fd " + never + "): descriptor " + never
                    + " is not an open descriptor (EBADF"), e.getMessage());
            assertThrows(IllegalArgumentException.class, () -> Socket.adopt(-1));
            dev.ffmsockets.posix.Posix.close(r);
            dev.ffmsockets.posix.Posix.close(w);
        }
    }
}
