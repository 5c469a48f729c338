package dev.ffmsockets.faults;

import dev.ffmsockets.ErrnoException;
import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.net.FfmSocketFactory;
import dev.ffmsockets.nio.FfmSelectorProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Faults injected where the library meets the kernel, as each layer meets them: the C-style API returns -1 with
 * errno, the wrapper retries an EINTR and finishes a short write in {@code sendAll}, an injected reset reads as a
 * real one through the {@code java.net} adapters and the provider (compared with the JDK's sockets on a real reset),
 * and each fault stays in its scope. Runs in a JVM started with {@code -Ddev.ffmsockets.faults=true}.
 */
class FaultsTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @AfterEach
    void clear() {
        Faults.clear();
    }

    private static byte[] bytes(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i * 31 + 7);
        }
        return b;
    }

    /** The code under test of the README's example: a C-style read loop that retries EINTR. */
    static long readAll(int fd, MemorySegment buf) {
        long got = 0;
        while (got < buf.byteSize()) {
            long n = recv(fd, buf.asSlice(got), buf.byteSize() - got, 0);
            if (n < 0 && errno() == EINTR) {
                continue; // interrupted: try again
            }
            if (n <= 0) {
                break;
            }
            got += n;
        }
        return got;
    }

    @Test
    void aCStyleRetryLoopSurvivesEintrOnEverySecondRecv() throws Exception {
        assertTrue(Faults.enabled());
        try (Arena arena = Arena.ofShared()) {
            MemorySegment sv = arena.allocate(C_INT, 2);
            assertEquals(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
            int a = sv.getAtIndex(C_INT, 0), b = sv.getAtIndex(C_INT, 1);
            byte[] sent = bytes(1000);
            // another thread writes, in pieces: the fault is this thread's only
            CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
                for (int off = 0; off < sent.length; off += 100) {
                    MemorySegment piece = arena.allocate(100);
                    MemorySegment.copy(sent, off, piece, JAVA_BYTE, 0, 100);
                    send(a, piece, 100, 0);
                }
            });
            MemorySegment buf = arena.allocate(1000);
            try (Faults.Fault f = Faults.on(Faults.Call.RECV).ofThread().every(2).fail(EINTR)) {
                // in ten reads of 100 bytes, so that there are several receives however fast the writer is
                for (int i = 0; i < 10; i++) {
                    assertEquals(100, readAll(b, buf.asSlice(i * 100L, 100)));
                }
                assertTrue(f.triggered() > 0, "EINTR was injected");
                assertEquals(f.seen() / 2, f.triggered(), "every second receive");
            }
            writer.get(20, TimeUnit.SECONDS);
            assertArrayEquals(sent, buf.toArray(JAVA_BYTE));
            // out of force: the call reaches the kernel again (nothing to read, so it would block: MSG_DONTWAIT)
            assertEquals(-1, recv(b, buf, 10, MSG_DONTWAIT));
            assertEquals(EAGAIN, errno());
            close(a);
            close(b);
        }
    }

    @Test
    void theNextSendOnASocketWritesAtMost3BytesAndSendAllFinishesShortWrites() throws Exception {
        try (Socket.Pair p = Socket.pair()) {
            byte[] ten = bytes(10);
            try (Faults.Fault f = Faults.on(Faults.Call.SEND).ofSocket(p.first()).next().atMost(3)) {
                assertEquals(3, p.first().send(ten), "the next send: at most 3 bytes");
                assertEquals(10, p.first().send(ten), "the one after: all of them");
                assertEquals(1, f.triggered());
            }
            byte[] in = new byte[13];
            assertEquals(13, p.second().recv(in, 0, 13, dev.ffmsockets.MsgFlag.WAITALL));
            // (a small amount: each 3-byte send is a buffer of its own in the kernel, which counts its overhead)
            try (Faults.Fault f = Faults.on(Faults.Call.SEND).ofSocket(p.first()).always().atMost(3)) {
                p.first().sendAll(bytes(100));
                assertEquals(34, f.triggered(), "every send of sendAll's loop was cut to 3 bytes");
            }
            byte[] all = new byte[100];
            assertEquals(100, p.second().recv(all, 0, 100, dev.ffmsockets.MsgFlag.WAITALL));
            assertArrayEquals(bytes(100), all);
        }
    }

    @Test
    void everyThirdRecvFailsWithEintrAndTheWrapperRetriesIt() throws Exception {
        try (Socket.Pair p = Socket.pair();
             Faults.Fault f = Faults.on(Faults.Call.RECV).ofSocket(p.second()).every(3).fail(EINTR)) {
            byte[] in = new byte[4];
            for (int i = 0; i < 6; i++) {
                p.first().send(new byte[] {(byte) i});
                assertEquals(1, p.second().recv(in), "the wrapper tries again after EINTR");
                assertEquals(i, in[0]);
            }
            // 6 receives: the 3rd and 6th calls failed and were made again (the 4th and 7th), 8 calls in all
            assertEquals(8, f.seen());
            assertEquals(2, f.triggered(), "calls 3 and 6 of 8 failed");
        }
    }

    @Test
    void acceptFailsWithEmfileOnceAndTheConnectionWaitsForTheNextAccept() throws Exception {
        try (Socket server = Socket.open(Family.INET, SocketType.STREAM)) {
            server.bind(InetSockAddr.of(LOOPBACK, 0));
            server.listen(4);
            try (Socket client = Socket.openConnected("127.0.0.1", server.localPort(), Duration.ofSeconds(5));
                 Faults.Fault f = Faults.on(Faults.Call.ACCEPT).ofSocket(server).next().fail(EMFILE)) {
                IOException e = assertThrows(IOException.class, server::accept);
                assertEquals(EMFILE, ((ErrnoException) e).errno(), e.getMessage());
                assertTrue(e.getMessage().contains("Too many open files"), e.getMessage());
                try (Socket peer = server.accept()) { // the connection was never taken: the next accept has it
                    client.send(new byte[] {42});
                    byte[] in = new byte[1];
                    assertEquals(1, peer.recv(in));
                }
                assertEquals(1, f.triggered());
            }
        }
    }

    @Test
    void connectIsRefusedOnThisThreadOnlyAndOnlyWhileTheFaultIsInForce() throws Exception {
        try (Socket server = Socket.open(Family.INET, SocketType.STREAM)) {
            server.bind(InetSockAddr.of(LOOPBACK, 0));
            server.listen(4);
            int port = server.localPort();
            try (Faults.Fault f = Faults.on(Faults.Call.CONNECT).ofThread().always().fail(ECONNREFUSED)) {
                ConnectException e = assertThrows(ConnectException.class,
                        () -> Socket.openConnected("127.0.0.1", port, Duration.ofSeconds(5)));
                assertEquals(ECONNREFUSED, ((ErrnoException) e).errno());
                // another thread is not touched
                Thread.Builder other = Thread.ofPlatform();
                CompletableFuture<Boolean> there = new CompletableFuture<>();
                other.start(() -> {
                    try (Socket s = Socket.openConnected("127.0.0.1", port, Duration.ofSeconds(5))) {
                        there.complete(true);
                    } catch (IOException x) {
                        there.completeExceptionally(x);
                    }
                }).join();
                assertTrue(there.get(20, TimeUnit.SECONDS));
                assertEquals(1, f.triggered());
            }
            try (Socket s = Socket.openConnected("127.0.0.1", port, Duration.ofSeconds(5))) {
                assertTrue(s.isOpen(), "closed, the fault is gone");
            }
        }
    }

    @Test
    void aFaultNeedsAScopeAndSaysWhatItTakes() {
        assertThrows(IllegalStateException.class, () -> Faults.on(Faults.Call.RECV).fail(EINTR));
        assertThrows(IllegalArgumentException.class, () -> Faults.on(Faults.Call.ACCEPT).ofThread().atMost(3));
        assertThrows(IllegalArgumentException.class, () -> Faults.on(Faults.Call.RECV).ofThread().atMost(0));
        assertThrows(IllegalArgumentException.class, () -> Faults.on(Faults.Call.RECV).ofThread().fail(0));
        assertThrows(IllegalArgumentException.class, () -> Faults.on(Faults.Call.RECV).ofDescriptor(-1));
    }

    /** What a stream read gives after the peer's reset: the exception's class and message. */
    private interface Reader {
        int read() throws IOException;
    }

    private static String outcome(Reader r) {
        try {
            return "read " + r.read();
        } catch (IOException e) {
            return e.getClass().getName() + ": " + e.getMessage().replaceAll("fd \\d+", "fd N");
        }
    }

    /** A real reset, and an injected one, through the adapter's {@code java.net.Socket}: the same exception. */
    @Test
    void anInjectedResetReadsAsARealOneThroughTheJavaNetAdapter() throws Exception {
        List<String> outcomes = new java.util.ArrayList<>();
        for (boolean injected : new boolean[] {false, true}) {
            try (ServerSocket server = new ServerSocket(0, 4, LOOPBACK);
                 java.net.Socket client = new FfmSocketFactory().createSocket(LOOPBACK, server.getLocalPort());
                 java.net.Socket peer = server.accept()) {
                InputStream in = client.getInputStream();
                if (injected) {
                    try (Faults.Fault f = Faults.on(Faults.Call.RECV).ofThread().next().fail(ECONNRESET)) {
                        outcomes.add(outcome(in::read));
                        assertEquals(1, f.triggered());
                    }
                } else {
                    peer.setSoLinger(true, 0);
                    peer.close(); // RST
                    outcomes.add(outcome(in::read));
                }
            }
        }
        assertEquals(outcomes.get(0), outcomes.get(1));
        assertTrue(outcomes.get(0).contains("SocketException"), outcomes.get(0));
    }

    /** The same through the provider's {@code SocketChannel}. */
    @Test
    void anInjectedResetReadsAsARealOneThroughTheProvider() throws Exception {
        SelectorProvider provider = FfmSelectorProvider.provider();
        List<String> outcomes = new java.util.ArrayList<>();
        for (boolean injected : new boolean[] {false, true}) {
            try (ServerSocketChannel server = provider.openServerSocketChannel().bind(new InetSocketAddress(LOOPBACK, 0));
                 SocketChannel client = provider.openSocketChannel()) {
                client.connect(server.getLocalAddress());
                try (SocketChannel peer = server.accept()) {
                    ByteBuffer into = ByteBuffer.allocate(8);
                    if (injected) {
                        try (Faults.Fault f = Faults.on(Faults.Call.RECV).ofThread().next().fail(ECONNRESET)) {
                            outcomes.add(outcome(() -> client.read(into)));
                            assertEquals(1, f.triggered());
                        }
                    } else {
                        peer.setOption(StandardSocketOptions.SO_LINGER, 0);
                        peer.close(); // RST
                        outcomes.add(outcome(() -> client.read(into)));
                    }
                }
            }
        }
        assertEquals(outcomes.get(0), outcomes.get(1), Arrays.toString(outcomes.toArray()));
        assertTrue(outcomes.get(0).contains("Exception"), outcomes.get(0));
    }
}
