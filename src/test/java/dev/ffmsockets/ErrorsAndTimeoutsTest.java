package dev.ffmsockets;

import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.IllegalBlockingModeException;
import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exceptions of the standard types with errno, arguments refused before any call, timeouts, non-blocking mode. */
@ExtendWith(NoDescriptorLeaks.class)
class ErrorsAndTimeoutsTest {

    private static int freePort() throws IOException {
        try (Socket s = Socket.open(Family.INET, SocketType.STREAM)) {
            s.bind(InetSockAddr.loopback(0));
            return ((InetSockAddr) s.localAddress()).port();
        }
    }

    @Test
    void connectionRefusedIsAConnectExceptionThatCarriesErrno() throws Exception {
        int port = freePort();
        try (Socket s = Socket.open(Family.INET, SocketType.STREAM)) {
            ConnectException e = assertThrows(ConnectException.class, () -> s.connect(InetSockAddr.loopback(port)));
            assertEquals("connect(127.0.0.1:" + port + "): Connection refused (ECONNREFUSED)", e.getMessage());
            ErrnoException x = (ErrnoException) e;
            assertEquals(Posix.ECONNREFUSED, x.errno());
            assertEquals("ECONNREFUSED", x.errnoName());
            assertEquals("connect", x.syscall());
        }
        try (Socket s = Socket.open(Family.INET6, SocketType.STREAM)) {
            ConnectException e = assertThrows(ConnectException.class,
                    () -> s.connect(InetSockAddr.loopback6(port), Duration.ofSeconds(5)));
            assertEquals("connect([::1]:" + port + "): Connection refused (ECONNREFUSED)", e.getMessage());
        }
    }

    @Test
    void bindingATakenAddressIsABindException() throws Exception {
        try (Socket a = Socket.open(Family.INET, SocketType.STREAM); Socket b = Socket.open(Family.INET, SocketType.STREAM)) {
            a.bind(InetSockAddr.loopback(0));
            a.listen(1);
            SockAddr taken = a.localAddress();
            BindException e = assertThrows(BindException.class, () -> b.bind(taken));
            assertEquals("bind(" + taken + "): Address already in use (EADDRINUSE)", e.getMessage());
            assertEquals(Posix.EADDRINUSE, ((ErrnoException) e).errno());
            b.bind(InetSockAddr.loopback(0));
            SocketException again = assertThrows(SocketException.class, () -> b.bind(InetSockAddr.loopback(0)));
            assertEquals("EINVAL", ((ErrnoException) again).errnoName());
        }
    }

    @Test
    void otherFailuresAreSocketExceptionsWithTheirErrno() throws Exception {
        try (Socket udp = Socket.open(Family.INET, SocketType.DGRAM)) {
            SocketException e = assertThrows(SocketException.class, () -> udp.listen(1));
            assertTrue(e.getMessage().matches("listen\\(fd \\d+\\): Operation not supported \\(EOPNOTSUPP\\)"), e.getMessage());
            SocketException notConnected = assertThrows(SocketException.class, udp::remoteAddress);
            assertEquals("ENOTCONN", ((ErrnoException) notConnected).errnoName());
        }
        SocketException family = assertThrows(SocketException.class, () -> Socket.pair(Family.INET, SocketType.STREAM));
        assertEquals("socketpair(AF_INET, SOCK_STREAM): Operation not supported (EOPNOTSUPP)", family.getMessage());
        SocketException proto = assertThrows(SocketException.class, () -> Socket.open(Family.INET, SocketType.STREAM, Posix.IPPROTO_UDP));
        assertEquals("EPROTONOSUPPORT", ((ErrnoException) proto).errnoName());
        assertEquals("errno 4242", ((ErrnoException) dev.ffmsockets.impl.Errors.of("recv", "fd 1", 4242, false)).errnoName());
        assertEquals("recv(fd 1): Unknown error 4242 (errno 4242)", dev.ffmsockets.impl.Errors.of("recv", "fd 1", 4242, false).getMessage());
    }

    @Test
    void callsOnAClosedSocketFailWithSocketClosed() throws Exception {
        Socket s = Socket.open(Family.INET, SocketType.STREAM);
        s.close();
        for (org.junit.jupiter.api.function.Executable call : new org.junit.jupiter.api.function.Executable[] {
                () -> s.bind(InetSockAddr.loopback(0)), () -> s.listen(1), s::accept,
                () -> s.connect(InetSockAddr.loopback(1)), () -> s.send(new byte[1]), () -> s.recv(new byte[1]),
                () -> s.sendTo(new byte[1], InetSockAddr.loopback(1)), () -> s.recvFrom(ByteBuffer.allocate(1)),
                s::localAddress, s::shutdownOutput, () -> s.setOption(StandardSocketOptions.TCP_NODELAY, true),
                () -> s.setTimeout(Duration.ofSeconds(1)), () -> s.setBlocking(false)}) {
            SocketException e = assertThrows(SocketException.class, call);
            assertTrue(e.getMessage().contains("): Socket closed (EBADF)"), e.getMessage());
            assertEquals(Posix.EBADF, ((ErrnoException) e).errno());
        }
        assertEquals("Socket[closed, AF_INET, SOCK_STREAM]", s.toString());
    }

    @Test
    void badArgumentsAreRefusedBeforeAnySystemCall() throws Exception {
        try (Socket s = Socket.open(Family.INET, SocketType.STREAM)) {
            IllegalArgumentException family = assertThrows(IllegalArgumentException.class, () -> s.bind(InetSockAddr.loopback6(0)));
            assertEquals("bind: [::1]:0 is an AF_INET6 address and this socket is AF_INET", family.getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.connect(UnixSockAddr.of("/tmp/x")));
            assertEquals("setTimeout: timeout PT0S is not positive: pass a positive duration, null for no limit, or use "
                            + "setBlocking(false) for calls that return at once instead of waiting",
                    assertThrows(IllegalArgumentException.class, () -> s.setTimeout(Duration.ZERO)).getMessage());
            assertThrows(IllegalArgumentException.class, () -> s.connect(InetSockAddr.loopback(1), Duration.ofSeconds(-1)));
            assertThrows(IndexOutOfBoundsException.class, () -> s.send(new byte[4], 2, 3));
            assertThrows(IndexOutOfBoundsException.class, () -> s.recv(new byte[4], -1, 1));
            assertThrows(java.nio.ReadOnlyBufferException.class, () -> s.recv(ByteBuffer.allocate(4).asReadOnlyBuffer()));
            assertThrows(NullPointerException.class, () -> s.bind(null));
            assertEquals(InetSockAddr.any(0), s.localAddress(), "none of the refused calls reached the kernel: still unbound");
        }
        try (Socket s = Socket.open(Family.INET6, SocketType.STREAM)) {
            IllegalArgumentException v4 = assertThrows(IllegalArgumentException.class, () -> s.connect(InetSockAddr.loopback(1)));
            assertTrue(v4.getMessage().contains("write IPv4 peers of an IPv6 socket as ::ffff:a.b.c.d"), v4.getMessage());
        }
    }

    @Test
    void acceptAndRecvTimeOutAfterTheirTimeout() throws Exception {
        try (Socket server = Socket.open(Family.INET, SocketType.STREAM)) {
            server.bind(InetSockAddr.loopback(0));
            server.listen(4);
            server.setTimeout(Duration.ofSeconds(1));
            assertEquals(Duration.ofSeconds(1), server.timeout());
            long start = System.nanoTime();
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, server::accept);
            assertTrue(System.nanoTime() - start >= 900_000_000L, "waited about the timeout");
            assertTrue(e.getMessage().matches("accept\\(fd \\d+\\): Timed out after 1000 ms \\(ETIMEDOUT\\)"), e.getMessage());
            assertEquals(Posix.ETIMEDOUT, ((ErrnoException) e).errno());

            try (Socket client = Socket.open(Family.INET, SocketType.STREAM)) {
                client.connect(server.localAddress());
                try (Socket peer = server.accept()) {
                    peer.setTimeout(Duration.ofSeconds(1));
                    assertThrows(SocketTimeoutException.class, () -> peer.recv(new byte[4]));
                    assertTrue(peer.isOpen(), "a timeout leaves the socket usable");
                    client.send(new byte[] {42});
                    byte[] in = new byte[4];
                    assertEquals(1, peer.recv(in));
                    assertEquals(42, in[0]);
                    peer.setTimeout(null);
                    assertNull(peer.timeout());
                }
            }
        }
    }

    @Test
    void nonBlockingCallsReturnAtOnceAndSucceedAfterPollSaysReady() throws Exception {
        try (Socket server = Socket.open(Family.INET, SocketType.STREAM)) {
            server.bind(InetSockAddr.loopback(0));
            server.listen(4);
            server.setBlocking(false);
            assertFalse(server.isBlocking());
            assertNull(server.accept(), "no pending connection: null");
            try (Socket client = Socket.open(Family.INET, SocketType.STREAM)) {
                client.setBlocking(false);
                boolean connected = client.connect(server.localAddress());
                awaitReady(server, Posix.POLLIN);
                try (Socket peer = server.accept()) {
                    assertTrue(peer != null && peer.isBlocking(), "an accepted socket starts blocking");
                    awaitReady(client, Posix.POLLOUT);
                    assertTrue(connected || client.finishConnect());
                    peer.setBlocking(false);
                    assertEquals(0, peer.recv(new byte[4]), "nothing to read: 0, not end of stream");
                    assertThrows(IllegalBlockingModeException.class, () -> peer.sendAll(new byte[1]));
                    assertThrows(IllegalBlockingModeException.class, () -> peer.inputStream().read());
                    client.send(new byte[] {1, 2, 3});
                    awaitReady(peer, Posix.POLLIN);
                    assertEquals(3, peer.recv(new byte[4]));
                    // fill the send buffer: send then says 0
                    byte[] chunk = new byte[65536];
                    long total = 0;
                    int n;
                    while ((n = client.send(chunk)) > 0) {
                        total += n;
                    }
                    assertEquals(0, n);
                    assertTrue(total > 0);
                }
            }
        }
    }

    /** Waits for readiness with the C-style API's poll, as a program using non-blocking mode would. */
    private static void awaitReady(Socket s, int events) {
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment p = dev.ffmsockets.raw.pollfd.allocate(arena);
            dev.ffmsockets.raw.pollfd.fd(p, s.fd());
            dev.ffmsockets.raw.pollfd.events(p, (short) events);
            assertEquals(1, Posix.poll(p, 1, 10_000), "ready within 10 s");
        }
    }

    /** A listener whose queue is full and never accepted: connects to it hang in SYN_SENT, so the timeout fires. */
    @Test
    void connectWithATimeoutGivesUpWhenNobodyAnswers() throws Exception {
        try (Socket server = Socket.open(Family.INET, SocketType.STREAM)) {
            server.bind(InetSockAddr.loopback(0));
            server.listen(0);
            java.util.List<Socket> fillers = new java.util.ArrayList<>();
            try {
                SocketTimeoutException timedOut = null;
                for (int i = 0; i < 8 && timedOut == null; i++) {
                    Socket c = Socket.open(Family.INET, SocketType.STREAM);
                    fillers.add(c);
                    try {
                        c.connect(server.localAddress(), Duration.ofMillis(300));
                    } catch (SocketTimeoutException e) {
                        timedOut = e;
                    }
                }
                assertInstanceOf(SocketTimeoutException.class, timedOut, "a connect timed out once the queue was full");
                assertTrue(timedOut.getMessage().matches("connect\\(127\\.0\\.0\\.1:\\d+\\): Timed out after 300 ms \\(ETIMEDOUT\\)"),
                        timedOut.getMessage());
            } finally {
                fillers.forEach(Socket::close);
            }
        }
    }

    @Test
    void listenTakesANegativeBacklogAsTheKernelDoes() throws Exception {
        try (Socket server = Socket.open(Family.INET, SocketType.STREAM);
             Socket client = Socket.open(Family.INET, SocketType.STREAM)) {
            server.bind(InetSockAddr.loopback(0));
            server.listen(-1); // the kernel takes it as net.core.somaxconn, as C and Python do
            assertTrue(server.getOption(LinuxSocketOptions.SO_ACCEPTCONN));
            client.connect(server.localAddress());
            try (Socket peer = server.accept()) {
                assertEquals(client.localAddress(), peer.remoteAddress());
            }
        }
    }

    @Test
    void writingNothingToAStreamOfADatagramSocketSendsNoDatagram() throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.DGRAM)) {
            java.io.OutputStream out = p.first().outputStream();
            out.write(new byte[0]);
            out.write(new byte[4], 2, 0);
            out.write(new byte[] {7});
            byte[] in = new byte[4];
            assertEquals(1, p.second().recv(in), "the first datagram is the byte written, not an empty one");
            assertEquals(7, in[0]);
            p.second().setBlocking(false);
            assertEquals(0, p.second().recv(in), "and nothing else was sent");
        }
    }

    /**
     * The timeout bounds a whole sendAll, not each send of it: to a reader that keeps draining slowly (so that
     * every single send makes progress within the timeout) a 16 MiB sendAll with a 1 s timeout still ends with
     * the timeout, which says how many bytes went out.
     */
    @Test
    void theTimeoutBoundsAWholeSendAll() throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM)) {
            p.first().setOption(java.net.StandardSocketOptions.SO_SNDBUF, 65536);
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            Thread slowReader = Thread.ofPlatform().start(() -> {
                byte[] in = new byte[64 * 1024];
                try {
                    while (!done.get() && p.second().recv(in) > 0) {
                        Thread.sleep(25); // a slow reader: about 2.5 MB/s, 16 MiB in about 6 s
                    }
                } catch (Exception ignored) {
                    // closed at the end
                }
            });
            p.first().setTimeout(Duration.ofSeconds(1));
            int total = 16 << 20;
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class, () -> p.first().sendAll(new byte[total]));
            done.set(true);
            assertTrue(e.bytesTransferred > 0 && e.bytesTransferred < total, "sent " + e.bytesTransferred);
            assertTrue(e.getMessage().endsWith("; " + e.bytesTransferred + " of " + total + " bytes were sent"), e.getMessage());
            p.second().close();
            slowReader.join(10_000);
        }
    }
}
