package dev.ffmsockets;

import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.testing.Background;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.ffmsockets.posix.Posix.F_GETFL;
import static dev.ffmsockets.posix.Posix.F_SETFL;
import static dev.ffmsockets.posix.Posix.O_NONBLOCK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A socket keeps the mode it was given whatever another descriptor of the same open file does with the
 * {@code O_NONBLOCK} flag they share (a {@code dup}, a copy passed with {@code SCM_RIGHTS}, another program): a
 * non-blocking socket, one with a timeout and one used by a virtual thread never block in the kernel, a blocking one
 * waits, and a received socket comes in the mode its receiver asks for.
 */
@ExtendWith(NoDescriptorLeaks.class)
class SharedModeTest {

    @TempDir
    Path dir;

    /** The ways another descriptor of the same open file clears {@code O_NONBLOCK}. */
    enum Clearer {
        /** {@code s.dup().detach()}: the duplicate is in blocking mode, and a detach hands it over so. */
        DUP_DETACHED,
        /** A C program's {@code fcntl(F_SETFL)} on a {@code dup} of the number. */
        C_FCNTL,
        /** A copy passed over a Unix socket, taken in blocking mode and detached by its receiver. */
        PASSED_AND_DETACHED;

        void clear(Socket s) throws Exception {
            switch (this) {
                case DUP_DETACHED -> Posix.close(s.dup().detach());
                case C_FCNTL -> {
                    int fd = Posix.dup(s.fd());
                    assertEquals(0, Posix.fcntl(fd, F_SETFL, Posix.fcntl(fd, F_GETFL) & ~O_NONBLOCK));
                    Posix.close(fd);
                }
                case PASSED_AND_DETACHED -> {
                    try (Socket.Pair p = Socket.pair()) {
                        p.first().sendMsg(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {1})}, null,
                                List.of(ControlMessage.rights(s)));
                        try (Message m = p.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(1)},
                                ControlMessage.spaceForDescriptors(1))) {
                            Socket copy = m.descriptors().getFirst().toSocket(true);
                            assertTrue(copy.isBlocking());
                            Posix.close(copy.detach());
                        }
                    }
                }
            }
            assertFalse(nonBlockingFlag(s), "the flag of the open file is cleared");
        }
    }

    private static boolean nonBlockingFlag(Socket s) {
        return (Posix.fcntl(s.fd(), F_GETFL) & O_NONBLOCK) != 0;
    }

    /** Runs {@code call} on a thread of its own; a call that blocked forever fails the test after 20 s. */
    private static void promptly(boolean virtual, Background.Call call) throws Exception {
        Throwable t = Background.start(virtual, call).outcome().get(20, TimeUnit.SECONDS);
        if (t != null) {
            throw new AssertionError(t);
        }
    }

    @ParameterizedTest
    @EnumSource(Clearer.class)
    void nonBlockingModeHoldsForEveryCall(Clearer clearer) throws Exception {
        try (Connected c = Connected.make("tcp4", dir);
             Socket listener = Socket.open(Family.INET, SocketType.STREAM);
             Socket udp = Socket.open(Family.INET, SocketType.DGRAM);
             DatagramBatch batch = DatagramBatch.allocate(4, 64)) {
            Socket s = c.peer();
            s.setBlocking(false);
            clearer.clear(s);
            promptly(false, () -> {
                assertEquals(0, s.recv(new byte[16]), "recv: would block");
                assertEquals(0, s.recv(ByteBuffer.allocate(16), MsgFlag.WAITALL), "recv WAITALL: would block");
                assertNull(s.recvMsg(new ByteBuffer[] {ByteBuffer.allocate(16)}, 0), "recvMsg: would block");
                // sends until the queues are full: then 0, not a wait
                s.setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4096);
                int sent;
                long total = 0;
                while ((sent = s.send(ByteBuffer.allocate(8192))) > 0) {
                    total += sent;
                }
                assertTrue(total > 0);
                assertEquals(0, s.sendMsg(new ByteBuffer[] {ByteBuffer.allocate(8192)}, null, List.of()),
                        "sendMsg: would block");
            });
            assertTrue(s.isBlocking() == false);

            listener.bind(InetSockAddr.loopback(0));
            listener.listen(4);
            listener.setBlocking(false);
            clearer.clear(listener);
            promptly(false, () -> assertNull(listener.accept(), "accept: would block"));
            assertTrue(nonBlockingFlag(listener), "accept has no flag of its own: O_NONBLOCK is set again");

            udp.bind(InetSockAddr.loopback(0));
            udp.setBlocking(false);
            clearer.clear(udp);
            promptly(false, () -> {
                assertNull(udp.recvFrom(new byte[16]), "recvFrom: would block");
                assertEquals(0, udp.recvMany(batch), "recvMany: would block");
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Clearer.class)
    void aNonBlockingConnectSetsTheFlagAgainAndReturnsAtOnce(Clearer clearer) throws Exception {
        try (Socket listener = Socket.open(Family.INET, SocketType.STREAM);
             Socket client = Socket.open(Family.INET, SocketType.STREAM)) {
            listener.bind(InetSockAddr.loopback(0));
            listener.listen(4);
            client.setBlocking(false);
            clearer.clear(client);
            promptly(false, () -> client.connect(listener.localAddress()));
            assertTrue(nonBlockingFlag(client), "connect has no flag of its own: O_NONBLOCK is set again");
        }
    }

    @ParameterizedTest
    @EnumSource(Clearer.class)
    void aTimeoutHolds(Clearer clearer) throws Exception {
        try (Socket.Pair p = Socket.pair()) {
            p.first().setTimeout(Duration.ofMillis(100));
            clearer.clear(p.first());
            promptly(false, () -> {
                SocketTimeoutException e = null;
                try {
                    p.first().recv(new byte[8]);
                } catch (SocketTimeoutException expected) {
                    e = expected;
                }
                assertTrue(e != null, "the timeout expired, not a wait in the kernel");
                try (Message m = p.first().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(8)}, 0)) {
                    throw new AssertionError("a message came from nowhere: " + m);
                } catch (SocketTimeoutException expected) {
                    // as recv
                }
            });
        }
    }

    @ParameterizedTest
    @EnumSource(Clearer.class)
    void aVirtualThreadNeverWaitsInTheKernelAndACloseStillWakesIt(Clearer clearer) throws Exception {
        Socket.Pair p = Socket.pair();
        try {
            // a virtual thread's first call sets O_NONBLOCK
            promptly(true, () -> assertEquals(0, p.first().recv(ByteBuffer.allocate(1), MsgFlag.DONTWAIT)));
            assertTrue(nonBlockingFlag(p.first()));
            clearer.clear(p.first());
            CompletableFuture<Throwable> blocked = Background.start(true, () -> p.first().recv(new byte[8])).outcome();
            VirtualThreadsTest.await("a thread parked in the poller",
                    () -> dev.ffmsockets.poller.Poller.waitingInAll() > 0);
            p.first().close();
            SocketException e = assertInstanceOf(SocketException.class, blocked.get(20, TimeUnit.SECONDS));
            assertTrue(e.getMessage().contains("closed"), e.getMessage());
        } finally {
            p.close();
        }
    }

    @Test
    void aBlockingSocketWaitsWhenAnotherDescriptorSetsTheFlag() throws Exception {
        try (Socket.Pair p = Socket.pair()) {
            int fd = Posix.dup(p.first().fd());
            try {
                assertEquals(0, Posix.fcntl(fd, F_SETFL, Posix.fcntl(fd, F_GETFL) | O_NONBLOCK));
            } finally {
                Posix.close(fd);
            }
            assertTrue(p.first().isBlocking());
            CompletableFuture<Throwable> reader = Background.start(false, () -> {
                byte[] in = new byte[3];
                assertEquals(3, p.first().recv(in, 0, 3, MsgFlag.WAITALL), "waited for the bytes");
            }).outcome();
            p.second().sendAll(new byte[] {1});
            p.second().sendAll(new byte[] {2, 3});
            Throwable t = reader.get(20, TimeUnit.SECONDS);
            if (t != null) {
                throw new AssertionError(t);
            }
        }
    }

    @Test
    void aReceivedSocketComesInTheModeItsReceiverAsksFor() throws Exception {
        for (boolean senderBlocking : new boolean[] {true, false}) {
            for (boolean asked : new boolean[] {true, false}) {
                try (Socket.Pair conn = Socket.pair(); Socket.Pair carrier = Socket.pair()) {
                    conn.first().setBlocking(senderBlocking);
                    carrier.first().sendMsg(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {1})}, null,
                            List.of(ControlMessage.rights(conn.first())));
                    try (Message m = carrier.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(1)},
                            ControlMessage.spaceForDescriptors(1));
                         Socket got = asked ? m.descriptors().getFirst().toSocket()
                                 : m.descriptors().getFirst().toSocket(false)) {
                        String what = "sender blocking " + senderBlocking + ", asked blocking " + asked;
                        assertEquals(asked, got.isBlocking(), what);
                        if (asked) {
                            CompletableFuture<Throwable> reader = Background.start(false, () -> {
                                byte[] in = new byte[1];
                                assertEquals(1, got.recv(in), what + ": waited for the byte");
                            }).outcome();
                            conn.second().sendAll(new byte[] {7});
                            Throwable t = reader.get(20, TimeUnit.SECONDS);
                            if (t != null) {
                                throw new AssertionError(what, t);
                            }
                        } else {
                            promptly(false, () -> assertEquals(0, got.recv(new byte[1]), what + ": would block"));
                        }
                        // the sender's own socket keeps its mode
                        assertEquals(senderBlocking, conn.first().isBlocking(), what);
                        if (!senderBlocking) {
                            promptly(false, () -> assertEquals(0, conn.first().recv(new byte[1]), what));
                        } else {
                            CompletableFuture<Throwable> reader = Background.start(false, () ->
                                    assertEquals(1, conn.first().recv(new byte[1]), what)).outcome();
                            conn.second().sendAll(new byte[] {8});
                            Throwable t = reader.get(20, TimeUnit.SECONDS);
                            if (t != null) {
                                throw new AssertionError(what, t);
                            }
                        }
                    }
                }
            }
        }
    }
}
