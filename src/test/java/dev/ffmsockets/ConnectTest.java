package dev.ffmsockets;

import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.testing.Background;
import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.NoConnectionPendingException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * What a connect reports is true: on AF_UNIX, a full listen queue is waited out (or a timeout, or EAGAIN in
 * non-blocking mode), never taken for a connection in progress; finishConnect knows what was started; a close
 * wakes a connect waiting in any way.
 */
@ExtendWith(NoDescriptorLeaks.class)
class ConnectTest {

    private static int serial;

    /** An AF_UNIX listener with backlog 0 whose queue is full: one client connected and not accepted. */
    private record FullListener(Socket server, Socket queued, UnixSockAddr address) implements AutoCloseable {
        static FullListener open() throws IOException {
            UnixSockAddr at = UnixSockAddr.abstractName("ffm-full-" + ProcessHandle.current().pid() + "-" + serial++);
            Socket server = Socket.open(Family.UNIX, SocketType.STREAM);
            server.bind(at);
            server.listen(0);
            Socket queued = Socket.open(Family.UNIX, SocketType.STREAM);
            queued.connect(at);
            return new FullListener(server, queued, at);
        }

        @Override
        public void close() {
            queued.close();
            server.close();
        }
    }

    /** Waits until {@code t} is parked with a time limit: where a connect waits for room in a listener's queue. */
    private static void awaitTimedWaiting(Thread t) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (t.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline) {
                fail("the connecting thread never waited: " + t.getState());
            }
            Thread.onSpinWait();
        }
    }

    @Test
    void unixConnectOnAFullQueueWaitsForRoomThenIsReallyConnected() throws Exception {
        for (boolean virtual : new boolean[] {true, false}) {
            try (FullListener full = FullListener.open(); Socket client = Socket.open(Family.UNIX, SocketType.STREAM)) {
                if (!virtual) {
                    client.setTimeout(Duration.ofSeconds(30)); // a platform thread waits that way with a timeout
                }
                Background connecting = Background.start(virtual, () -> client.connect(full.address()));
                CompletableFuture<Throwable> outcome = connecting.outcome();
                awaitTimedWaiting(connecting.thread());
                assertFalse(outcome.isDone(), "the connect waits while the queue is full");
                try (Socket first = full.server().accept()) { // room: the waiting connect goes through
                    assertNull(outcome.get(20, TimeUnit.SECONDS));
                    assertEquals(full.address(), client.remoteAddress(), "connected for real (not ENOTCONN)");
                    assertTrue(client.finishConnect());
                    try (Socket second = full.server().accept()) {
                        client.sendAll(new byte[] {1, 2, 3});
                        byte[] got = new byte[3];
                        assertEquals(3, second.recv(got));
                        assertArrayEquals(new byte[] {1, 2, 3}, got);
                    }
                }
            }
        }
    }

    @Test
    void unixConnectOnAFullQueueTimesOutWhenNoRoomComes() throws Exception {
        for (boolean virtual : new boolean[] {true, false}) {
            try (FullListener full = FullListener.open(); Socket client = Socket.open(Family.UNIX, SocketType.STREAM)) {
                Throwable t = Background.start(virtual, () -> client.connect(full.address(), Duration.ofMillis(300)))
                        .outcome().get(20, TimeUnit.SECONDS);
                assertInstanceOf(SocketTimeoutException.class, t, "virtual " + virtual);
                assertEquals(Posix.ENOTCONN, ((ErrnoException) assertThrows(SocketException.class, client::remoteAddress)).errno());
            }
        }
    }

    @Test
    void nonBlockingUnixConnectOnAFullQueueFailsWithEagainAndLeavesNothingPending() throws Exception {
        try (FullListener full = FullListener.open(); Socket client = Socket.open(Family.UNIX, SocketType.STREAM)) {
            client.setBlocking(false);
            SocketException e = assertThrows(SocketException.class, () -> client.connect(full.address()));
            assertEquals(Posix.EAGAIN, ((ErrnoException) e).errno());
            assertTrue(e.getMessage().contains("listen queue is full"), e.getMessage());
            assertThrows(NoConnectionPendingException.class, client::finishConnect);
            try (Socket first = full.server().accept()) {
                assertTrue(client.connect(full.address()), "with room, a non-blocking AF_UNIX connect completes at once");
                assertTrue(client.finishConnect());
            }
        }
    }

    @Test
    void finishConnectWithoutAConnectThrowsNoConnectionPending() throws Exception {
        try (Socket s = Socket.open(Family.INET, SocketType.STREAM)) {
            assertThrows(NoConnectionPendingException.class, s::finishConnect);
            s.setBlocking(false);
            assertThrows(NoConnectionPendingException.class, s::finishConnect);
        }
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM)) {
            assertTrue(p.first().finishConnect(), "a connected socket is connected");
        }
    }

    @Test
    void nonBlockingTcpConnectCompletesThroughFinishConnect() throws Exception {
        try (Socket server = Socket.open(Family.INET, SocketType.STREAM);
             Socket client = Socket.open(Family.INET, SocketType.STREAM)) {
            server.bind(InetSockAddr.loopback(0));
            server.listen(4);
            client.setBlocking(false);
            boolean connected = client.connect(server.localAddress());
            client.setBlocking(true);
            assertTrue(connected || client.finishConnect(), "in blocking mode finishConnect waits for the connection");
            assertTrue(client.finishConnect());
            try (Socket peer = server.accept()) {
                assertEquals(client.localAddress(), peer.remoteAddress());
            }
        }
    }

    @Test
    void nonBlockingTcpConnectToAClosedPortReportsTheRefusalFromFinishConnect() throws Exception {
        int port;
        try (Socket probe = Socket.open(Family.INET, SocketType.STREAM)) {
            probe.bind(InetSockAddr.loopback(0));
            port = ((InetSockAddr) probe.localAddress()).port();
        }
        try (Socket client = Socket.open(Family.INET, SocketType.STREAM)) {
            client.setBlocking(false);
            try {
                assertFalse(client.connect(InetSockAddr.loopback(port)));
                client.setBlocking(true);
                client.finishConnect();
                fail("connected to a closed port");
            } catch (java.net.ConnectException expected) {
                assertEquals(Posix.ECONNREFUSED, ((ErrnoException) expected).errno());
            }
            assertThrows(NoConnectionPendingException.class, client::finishConnect, "the failed connect is over");
        }
    }

    @Test
    void closeWakesAPlatformThreadBlockedInAUnixConnect() throws Exception {
        try (FullListener full = FullListener.open()) {
            Socket client = Socket.open(Family.UNIX, SocketType.STREAM);
            int fd = client.fd();
            CompletableFuture<Throwable> outcome = Background.start(false, () -> client.connect(full.address())).outcome();
            Fds.awaitBlockedIn(Fds.SYS_CONNECT, fd); // blocked in the kernel, waiting for room
            client.close();
            SocketException e = assertInstanceOf(SocketException.class, outcome.get(20, TimeUnit.SECONDS));
            assertTrue(e.getMessage().contains("Socket closed (EBADF)"), e.getMessage());
        }
    }

    @Test
    void closeWakesAVirtualThreadWaitingForRoomInAUnixListenQueue() throws Exception {
        try (FullListener full = FullListener.open()) {
            Socket client = Socket.open(Family.UNIX, SocketType.STREAM);
            Background connecting = Background.start(true, () -> client.connect(full.address()));
            awaitTimedWaiting(connecting.thread());
            client.close();
            SocketException e = assertInstanceOf(SocketException.class, connecting.outcome().get(20, TimeUnit.SECONDS));
            assertTrue(e.getMessage().contains("Socket closed (EBADF)"), e.getMessage());
        }
    }
}
