package dev.ffmsockets;

import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.testing.Background;
import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.SocketException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A close wakes the calls in flight on its own descriptor without ending the socket for the other descriptors of
 * it (a dup, a forked child, a socket-activated listener): close never calls shutdown(2).
 */
@ExtendWith(NoDescriptorLeaks.class)
class SharedDescriptorTest {

    private static CompletableFuture<Throwable> blockedIn(boolean virtual, Background.Call call) {
        return Background.start(virtual, call).outcome();
    }

    private static void assertClosed(CompletableFuture<Throwable> outcome) throws Exception {
        SocketException e = assertInstanceOf(SocketException.class, outcome.get(20, TimeUnit.SECONDS));
        assertTrue(e.getMessage().contains("Socket closed (EBADF)"), e.getMessage());
    }

    /** Waits until a call on {@code socket} is in flight: blocked in the kernel, or parked in the poller. */
    private static void awaitWaiting(boolean virtual, Socket socket, int syscall) {
        if (virtual) {
            VirtualThreadsTest.await("a thread parked in the poller", () -> dev.ffmsockets.poller.Poller.waitingInAll() > 0);
        } else {
            Fds.awaitBlockedIn(syscall, socket.fd());
        }
    }

    @Test
    void closingAListenerWithABlockedAcceptLeavesItsDuplicateListening() throws Exception {
        for (boolean virtual : new boolean[] {false, true}) {
            UnixSockAddr at = UnixSockAddr.abstractName("ffm-shared-" + ProcessHandle.current().pid() + "-" + virtual);
            Socket listener = Socket.open(Family.UNIX, SocketType.STREAM);
            listener.bind(at);
            listener.listen(8);
            try (Socket duplicate = Socket.adopt(Posix.dup(listener.fd()))) {
                CompletableFuture<Throwable> outcome = blockedIn(virtual, listener::accept);
                awaitWaiting(virtual, listener, Fds.SYS_ACCEPT4);
                listener.close();
                assertClosed(outcome);
                assertTrue(duplicate.getOption(LinuxSocketOptions.SO_ACCEPTCONN), "still listening");
                try (Socket client = Socket.open(Family.UNIX, SocketType.STREAM)) {
                    client.connect(at);
                    try (Socket peer = duplicate.accept()) {
                        peer.sendAll(new byte[] {42});
                        byte[] got = new byte[1];
                        assertEquals(1, client.recv(got));
                        assertEquals(42, got[0]);
                    }
                }
            }
        }
    }

    @Test
    void closingAConnectionWithABlockedRecvLeavesItsDuplicateConnected() throws Exception {
        for (boolean virtual : new boolean[] {false, true}) {
            try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM)) {
                Socket s = p.first();
                try (Socket duplicate = Socket.adopt(Posix.dup(s.fd()))) {
                    CompletableFuture<Throwable> outcome = blockedIn(virtual, () -> s.recv(new byte[8]));
                    awaitWaiting(virtual, s, Fds.SYS_RECVFROM);
                    s.close();
                    assertClosed(outcome);
                    p.second().sendAll(new byte[] {1, 2});
                    byte[] got = new byte[2];
                    assertEquals(2, duplicate.recv(got), "the duplicate still receives");
                    assertArrayEquals(new byte[] {1, 2}, got);
                    duplicate.sendAll(new byte[] {3});
                    assertEquals(1, p.second().recv(got), "and sends: the peer saw no end of stream");
                    assertEquals(3, got[0]);
                }
                assertEquals(-1, p.second().recv(new byte[1]), "end of stream once the last descriptor is closed");
            }
        }
    }
}
