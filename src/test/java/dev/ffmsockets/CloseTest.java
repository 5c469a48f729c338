package dev.ffmsockets;

import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.testing.Background;
import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Close from another thread wakes blocked calls, never releases a number in use, and leaks nothing. */
@ExtendWith(NoDescriptorLeaks.class)
class CloseTest {

    /** Runs {@code call} on a new platform thread; completes with what it threw. */
    private static CompletableFuture<Throwable> blockedIn(Background.Call call) {
        return Background.start(false, call).outcome();
    }

    private static void assertClosedWake(CompletableFuture<Throwable> outcome) throws Exception {
        Throwable t = outcome.get(10, TimeUnit.SECONDS);
        SocketException e = assertInstanceOf(SocketException.class, t, "the woken call failed with the closed-socket exception");
        assertTrue(e.getMessage().contains("Socket closed (EBADF)"), e.getMessage());
    }

    @Test
    void closeFromAnotherThreadWakesABlockedAcceptEveryTime() throws Exception {
        for (int i = 0; i < 100; i++) {
            Socket server = Socket.open(i % 2 == 0 ? Family.INET : Family.UNIX, SocketType.STREAM);
            server.bind(i % 2 == 0 ? InetSockAddr.loopback(0) : UnixSockAddr.abstractName("ffm-close-" + ProcessHandle.current().pid() + "-" + i));
            server.listen(1);
            int fd = server.fd();
            CompletableFuture<Throwable> outcome = blockedIn(server::accept);
            Fds.awaitBlockedIn(Fds.SYS_ACCEPT4, fd);
            server.close();
            assertClosedWake(outcome);
        }
    }

    @Test
    void closeFromAnotherThreadWakesABlockedRecvEveryTime() throws Exception {
        for (int i = 0; i < 100; i++) {
            try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM)) {
                int fd = p.first().fd();
                CompletableFuture<Throwable> outcome = blockedIn(() -> p.first().recv(new byte[8]));
                Fds.awaitBlockedIn(Fds.SYS_RECVFROM, fd);
                p.first().close();
                assertClosedWake(outcome);
                assertEquals(-1, p.second().recv(new byte[8]), "the peer reads end of stream");
            }
        }
    }

    @Test
    void closeWakesRecvFromSendConnectAndTimedWaits() throws Exception {
        // recvfrom on an unbound UDP socket
        try (Socket udp = Socket.open(Family.INET, SocketType.DGRAM)) {
            udp.bind(InetSockAddr.loopback(0));
            CompletableFuture<Throwable> outcome = blockedIn(() -> udp.recvFrom(ByteBuffer.allocate(8)));
            Fds.awaitBlockedIn(Fds.SYS_RECVFROM, udp.fd());
            udp.close();
            assertClosedWake(outcome);
        }
        // send blocked on a full buffer: in sendto itself (a small send, copied), in poll (a large one of heap memory,
        // handed to the kernel without a copy, which must never wait inside the call)
        for (int size : new int[] {4096, 16 << 20}) {
            try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM)) {
                int fd = p.first().fd();
                CompletableFuture<Throwable> outcome = blockedIn(() -> {
                    for (;;) {
                        p.first().sendAll(new byte[size]);
                    }
                });
                if (size == 4096) {
                    Fds.awaitBlockedIn(Fds.SYS_SENDTO, fd);
                } else {
                    Fds.awaitBlockedInPoll(fd);
                }
                p.first().close();
                assertClosedWake(outcome);
            }
        }
        // a platform thread's wait with a timeout, in poll(2)
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM)) {
            p.first().setTimeout(Duration.ofSeconds(60));
            int fd = p.first().fd();
            CompletableFuture<Throwable> outcome = blockedIn(() -> p.first().recv(new byte[8]));
            Fds.awaitBlockedInPoll(fd);
            p.first().close();
            assertClosedWake(outcome);
        }
        // connect, blocked while the listener's queue is full (its SYN goes unanswered)
        try (Socket server = Socket.open(Family.INET, SocketType.STREAM)) {
            server.bind(InetSockAddr.loopback(0));
            server.listen(0);
            java.util.List<Socket> fillers = new java.util.ArrayList<>();
            try {
                boolean full = false;
                for (int i = 0; i < 8 && !full; i++) {
                    Socket f = Socket.open(Family.INET, SocketType.STREAM);
                    fillers.add(f);
                    try {
                        f.connect(server.localAddress(), Duration.ofMillis(300));
                    } catch (java.net.SocketTimeoutException e) {
                        full = true;
                    }
                }
                assertTrue(full, "the listener's queue filled up");
                Socket c = Socket.open(Family.INET, SocketType.STREAM);
                CompletableFuture<Throwable> outcome = blockedIn(() -> c.connect(server.localAddress()));
                Fds.awaitBlockedIn(Fds.SYS_CONNECT, c.fd());
                c.close();
                assertClosedWake(outcome);
            } finally {
                fillers.forEach(Socket::close);
            }
        }
        // the channel view reports an asynchronous close
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM)) {
            var ch = p.first().channel();
            CompletableFuture<Throwable> outcome = blockedIn(() -> ch.read(ByteBuffer.allocate(8)));
            Fds.awaitBlockedIn(Fds.SYS_RECVFROM, p.first().fd());
            ch.close();
            assertInstanceOf(AsynchronousCloseException.class, outcome.get(10, TimeUnit.SECONDS));
        }
    }

    /**
     * Round after round, one thread closes a socket while two others are inside calls on it (one sending a
     * large buffer in many send calls, one receiving) and a fourth keeps opening new descriptors, which soon get
     * the closed socket's number. The calls in flight must never reach them: the sender's bytes must never
     * arrive on them, their bytes must never reach the receiver, and both calls must end with the closed-socket
     * exception.
     */
    @Test
    void closeRacingIoNeverTouchesAReusedDescriptor() throws Exception {
        byte[] fromSender = new byte[1 << 20];
        Arrays.fill(fromSender, (byte) 'S');
        byte[] clean = "CLEAN!".getBytes();
        AtomicInteger reused = new AtomicInteger();
        for (int round = 0; round < dev.ffmsockets.testing.Emulation.scaled(1000); round++) {
            Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM);
            Socket s = p.first();
            Socket peer = p.second();
            int number = s.fd();
            AtomicReference<Throwable> wrong = new AtomicReference<>();
            AtomicInteger busy = new AtomicInteger();
            Thread sender = Thread.ofPlatform().start(() -> {
                try {
                    for (;;) {
                        busy.incrementAndGet();
                        s.sendAll(fromSender);
                    }
                } catch (Throwable t) {
                    expectClosed(t, wrong);
                }
            });
            Thread receiver = Thread.ofPlatform().start(() -> {
                byte[] in = new byte[4096];
                try {
                    for (;;) {
                        int n = s.recv(in);
                        for (int i = 0; i < n; i++) {
                            if (in[i] != 'R') {
                                wrong.set(new AssertionError("the receiver got '" + (char) in[i] + "'"));
                                return;
                            }
                        }
                        if (n < 0) {
                            wrong.set(new AssertionError("end of stream before close"));
                            return;
                        }
                    }
                } catch (Throwable t) {
                    expectClosed(t, wrong);
                }
            });
            Thread drain = Thread.ofPlatform().start(() -> {
                byte[] in = new byte[65536];
                byte[] reply = new byte[512];
                Arrays.fill(reply, (byte) 'R');
                try {
                    int n;
                    while ((n = peer.recv(in)) > 0) {
                        for (int i = 0; i < n; i++) {
                            if (in[i] != 'S') {
                                wrong.set(new AssertionError("the peer got '" + (char) in[i] + "'"));
                            }
                        }
                        peer.send(reply);
                    }
                } catch (IOException ignored) {
                    // the peer is closed at the end of the round
                }
            });
            int spins = ThreadLocalRandom.current().nextInt(3);
            while (busy.get() <= spins && sender.isAlive()) {
                Thread.onSpinWait();
            }
            Thread opener = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 50; i++) {
                    MemorySegment sv = MemorySegment.ofArray(new int[2]);
                    if (Posix.socketpair(Posix.AF_UNIX, Posix.SOCK_STREAM | Posix.SOCK_CLOEXEC, 0, sv) != 0) {
                        wrong.set(new AssertionError("socketpair: " + Posix.strerror(Posix.errno())));
                        return;
                    }
                    int a = sv.getAtIndex(JAVA_INT, 0), b = sv.getAtIndex(JAVA_INT, 1);
                    if (a == number || b == number) {
                        reused.incrementAndGet();
                    }
                    Posix.send(b, MemorySegment.ofArray(clean), 6, 0);
                    Thread.yield(); // give a stray call on the reused number every chance
                    byte[] got = new byte[64];
                    long n = Posix.recv(a, MemorySegment.ofArray(got), 64, Posix.MSG_DONTWAIT);
                    long extraA = Posix.recv(a, MemorySegment.ofArray(new byte[64]), 64, Posix.MSG_DONTWAIT);
                    long extraB = Posix.recv(b, MemorySegment.ofArray(new byte[64]), 64, Posix.MSG_DONTWAIT);
                    if (n != 6 || !Arrays.equals(clean, Arrays.copyOf(got, 6)) || extraA != -1 || extraB != -1) {
                        wrong.set(new AssertionError("a reused descriptor was touched: got " + n + " bytes, then "
                                + extraA + " and " + extraB));
                    }
                    Posix.close(a);
                    Posix.close(b);
                }
            });
            s.close();
            sender.join(10_000);
            receiver.join(10_000);
            opener.join(10_000);
            peer.close();
            drain.join(10_000);
            assertFalse(sender.isAlive() || receiver.isAlive() || opener.isAlive() || drain.isAlive(),
                    "round " + round + ": a thread hung");
            if (wrong.get() != null) {
                throw new AssertionError("round " + round, wrong.get());
            }
        }
        assertTrue(reused.get() > 0, "the closed numbers were reused by new descriptors (" + reused + " times)");
    }

    private static void expectClosed(Throwable t, AtomicReference<Throwable> wrong) {
        if (!(t instanceof SocketException && t instanceof ErrnoException x && x.errno() == Posix.EBADF
                && t.getMessage().contains("Socket closed"))) {
            wrong.set(t);
        }
    }

    /**
     * 10,000 cycles of open, bind, connect, accept and close, half of them failing on purpose (connection refused,
     * name taken), each with a socket refused an argument besides, leak nothing.
     */
    @Test
    void tenThousandCyclesWithHalfFailingLeaveTheDescriptorCountUnchanged() throws Exception {
        long before = Fds.open();
        int refusedPort;
        try (Socket probe = Socket.open(Family.INET, SocketType.STREAM)) {
            probe.bind(InetSockAddr.loopback(0));
            refusedPort = ((InetSockAddr) probe.localAddress()).port();
        }
        try (Socket server = Socket.open(Family.UNIX, SocketType.STREAM);
             Socket tcp = Socket.open(Family.INET, SocketType.STREAM)) {
            UnixSockAddr at = UnixSockAddr.abstractName("ffm-cycles-" + ProcessHandle.current().pid());
            server.bind(at);
            server.listen(64);
            tcp.bind(InetSockAddr.loopback(0));
            tcp.listen(64);
            int failures = 0, arguments = 0;
            int cycles = dev.ffmsockets.testing.Emulation.scaled(10_000);
            for (int i = 0; i < cycles; i++) {
                try (Socket c = Socket.open(i % 2 == 1 ? Family.INET : Family.UNIX, SocketType.STREAM)) {
                    switch (i % 4) {
                        case 0 -> { // success on AF_UNIX
                            c.connect(at);
                            try (Socket a = server.accept()) {
                                a.send(new byte[] {1});
                                assertEquals(1, c.recv(new byte[1]));
                            }
                        }
                        case 1 -> { // refused
                            c.connect(InetSockAddr.loopback(refusedPort));
                            throw new AssertionError("connected to a closed port");
                        }
                        case 2 -> { // name taken
                            c.bind(at);
                            throw new AssertionError("bound a taken name");
                        }
                        default -> { // success over TCP, after a would-block accept
                            tcp.setBlocking(false);
                            assertNull(tcp.accept());
                            tcp.setBlocking(true);
                            c.connect(tcp.localAddress(), Duration.ofSeconds(5));
                            try (Socket a = tcp.accept()) {
                                c.send(new byte[] {1});
                                assertEquals(1, a.recv(new byte[1]));
                            }
                        }
                    }
                } catch (java.net.ConnectException | java.net.BindException expected) {
                    failures++;
                }
                try (Socket wrong = Socket.open(Family.UNIX, SocketType.DGRAM)) {
                    wrong.connect(InetSockAddr.loopback(1)); // refused before any call: the wrong family
                } catch (IllegalArgumentException expected) {
                    arguments++;
                }
            }
            assertEquals(cycles / 2, failures);
            assertEquals(cycles, arguments);
        }
        assertEquals(before, Fds.open());
    }
}
