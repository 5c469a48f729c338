package dev.ffmsockets;

import dev.ffmsockets.poller.Poller;
import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.testing.FileLimit;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Virtual threads wait in the library's poller, never in a system call; closes and timeouts reach them there. */
@ExtendWith(NoDescriptorLeaks.class)
class VirtualThreadsTest {

    /** Waits (up to 60 s) for a condition that other threads make true, checking it every millisecond. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("not within 60 s: " + what);
            }
            LockSupport.parkNanos(1_000_000);
        }
    }

    /** Waits until the thread {@code who} gives is parked in the poller, waiting for {@code fd}. */
    static void awaitParked(Supplier<Thread> who, int fd) {
        await("a thread parked in the poller for fd " + fd, () -> {
            Thread t = who.get();
            return t != null && Poller.isWaiting(t, fd)
                    && (t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
        });
    }

    private static final byte[] REPLY = "reply".getBytes(US_ASCII);

    /**
     * Ten thousand virtual-thread clients connect to a server that accepts on a virtual thread and serves each
     * connection on a virtual thread of its own; all of them wait in {@code recv} at the same time (the poller
     * holds all ten thousand), then each gets its reply. The default scheduler: as many carriers as CPUs. The
     * server runs the same code in a process of its own ({@link ReplyWhenToldServer}), so that each process needs
     * 10,000 descriptors rather than one needing 20,000, beyond the usual hard limit.
     */
    @Test
    void tenThousandVirtualThreadsWaitInRecvAtOnce() throws Exception {
        int n = 10_000;
        List<String> command = new ArrayList<>(dev.ffmsockets.samples.Samples.jvm());
        command.addAll(List.of(ReplyWhenToldServer.class.getName(), String.valueOf(n)));
        Process server = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        BufferedReader said = new BufferedReader(new InputStreamReader(server.getInputStream(), US_ASCII));
        try (FileLimit limit = new FileLimit(n + 1024)) {
            String first = said.readLine();
            assertTrue(first != null && first.startsWith("listening on port "), "the server said " + first);
            SockAddr where = InetSockAddr.loopback(Integer.parseInt(first.substring("listening on port ".length())));
            AtomicInteger received = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> errors = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                clients.add(Thread.ofVirtual().start(() -> {
                    try (Socket c = Socket.open(Family.INET, SocketType.STREAM)) {
                        c.connect(where);
                        byte[] in = new byte[16];
                        int got = 0, r;
                        while ((r = c.recv(in, got, in.length - got)) > 0) {
                            got += r;
                        }
                        if (new String(in, 0, got, US_ASCII).equals("reply")) {
                            received.incrementAndGet();
                        } else {
                            errors.add(new AssertionError("received " + new String(in, 0, got, US_ASCII)));
                        }
                    } catch (IOException e) {
                        errors.add(e);
                    }
                }));
            }
            assertEquals("accepted " + n, said.readLine(), "the server accepted every client");
            Poller readers = Poller.of(POLLIN);
            await("all " + n + " clients waiting in recv", () -> readers.waiting() >= n || !errors.isEmpty());
            assertTrue(errors.isEmpty(), () -> "errors: " + errors.peek());
            assertEquals(n, readers.waiting(), "every client parked in the poller at the same time");
            assertEquals(0, received.get(), "and none has its reply yet");
            server.getOutputStream().write("go\n".getBytes(US_ASCII));
            server.getOutputStream().flush();
            for (Thread c : clients) {
                c.join(Duration.ofSeconds(60));
            }
            assertTrue(errors.isEmpty(), () -> errors.size() + " errors, the first: " + errors.peek());
            assertEquals(n, received.get(), "every client got its reply");
            assertEquals("replied " + n, said.readLine());
            assertTrue(server.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, server.exitValue());
            assertEquals(0, Poller.waitingInAll(), "no thread left in the poller");
        } finally {
            server.destroyForcibly();
        }
    }

    /**
     * Native memory is held only around a system call, never while a virtual thread waits: ten thousand virtual
     * threads wait in {@code recv} into a {@code byte[65536]} each, in a process whose direct memory is limited to
     * 32 MiB (one 64 KiB buffer each would need 640 MiB). The clients and the server each run in a process of
     * their own, for the descriptors they need.
     */
    @Test
    void tenThousandVirtualThreadsParkInRecvOfSixtyFourKiBUnderThirtyTwoMiBOfDirectMemory() throws Exception {
        int n = 10_000;
        List<String> serverCommand = new ArrayList<>(dev.ffmsockets.samples.Samples.jvm());
        serverCommand.addAll(List.of(ReplyWhenToldServer.class.getName(), String.valueOf(n)));
        Process server = new ProcessBuilder(serverCommand).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        Process clients = null;
        try {
            BufferedReader serverSaid = new BufferedReader(new InputStreamReader(server.getInputStream(), US_ASCII));
            String first = serverSaid.readLine();
            assertTrue(first != null && first.startsWith("listening on port "), "the server said " + first);
            List<String> clientCommand = new ArrayList<>(dev.ffmsockets.samples.Samples.jvm());
            clientCommand.add(1, "-XX:MaxDirectMemorySize=32m");
            clientCommand.addAll(List.of(ParkedReceivers.class.getName(), first.substring("listening on port ".length()),
                    String.valueOf(n)));
            clients = new ProcessBuilder(clientCommand).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            BufferedReader clientsSaid = new BufferedReader(new InputStreamReader(clients.getInputStream(), US_ASCII));
            String waiting = clientsSaid.readLine();
            assertTrue(waiting != null && waiting.startsWith("waiting " + n + " direct "), "the clients said " + waiting);
            long direct = Long.parseLong(waiting.substring(waiting.lastIndexOf(' ') + 1));
            assertTrue(direct < (4 << 20), "native memory in use while " + n + " threads wait: " + direct + " bytes");
            assertEquals("accepted " + n, serverSaid.readLine());
            server.getOutputStream().write("go\n".getBytes(US_ASCII));
            server.getOutputStream().flush();
            assertEquals("received " + n + " errors 0", clientsSaid.readLine());
            assertEquals("replied " + n, serverSaid.readLine());
            assertTrue(clients.waitFor(60, TimeUnit.SECONDS) && server.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, clients.exitValue());
        } finally {
            server.destroyForcibly();
            if (clients != null) {
                clients.destroyForcibly();
            }
        }
    }

    /**
     * A virtual thread parked with a timeout keeps a non-blocking descriptor when another thread clears the
     * timeout (the descriptor must never become blocking under it, or its retry would hold its carrier in
     * {@code recv(2)}); its call keeps the deadline it started with.
     */
    @Test
    void aParkedVirtualThreadNeverRetriesOnABlockingDescriptor() throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM)) {
            Socket s = p.first();
            s.setTimeout(Duration.ofSeconds(1));
            Thread[] t = new Thread[1];
            java.util.concurrent.CompletableFuture<Throwable> outcome = new java.util.concurrent.CompletableFuture<>();
            t[0] = Thread.ofVirtual().start(() -> {
                try {
                    s.recv(new byte[8]);
                    outcome.complete(null);
                } catch (Throwable e) {
                    outcome.complete(e);
                }
            });
            awaitParked(() -> t[0], s.fd());
            s.setTimeout(null);
            try {
                assertInstanceOf(SocketTimeoutException.class, outcome.get(30, TimeUnit.SECONDS),
                        "the call timed out as it was started to, in the poller, not in recv(2)");
                assertTrue((Posix.fcntl(s.fd(), F_GETFL) & O_NONBLOCK) != 0, "a virtual thread used it: non-blocking");
            } finally {
                p.second().send(new byte[1]); // would release a thread blocked in recv(2), if there were one
                t[0].join(Duration.ofSeconds(10));
            }
        }
    }

    /**
     * The poller registers a socket once, edge-triggered: readiness that comes between a call's EAGAIN and its wait
     * must be kept, or the waiter would sleep forever. Two virtual threads ping-pong 100,000 times over each kind of
     * stream (each read waits), and a writer with a small send buffer sends 64 MiB (its writes wait); a lost edge
     * would hang them.
     */
    @Test
    void noReadinessIsLostAcrossAHundredThousandWaits() throws Exception {
        for (Family f : new Family[] {Family.UNIX, Family.INET}) {
            try (Connected c = Connected.make(f == Family.UNIX ? "unix-abstract" : "tcp4", null)) {
                int rounds = 100_000;
                Thread echo = Thread.ofVirtual().start(() -> {
                    byte[] b = new byte[1];
                    try {
                        for (int i = 0; i < rounds; i++) {
                            if (c.peer().recv(b) != 1) {
                                return;
                            }
                            c.peer().send(b);
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                java.util.concurrent.CompletableFuture<Integer> done = new java.util.concurrent.CompletableFuture<>();
                Thread.ofVirtual().start(() -> {
                    byte[] b = new byte[1];
                    try {
                        int i = 0;
                        for (; i < rounds; i++) {
                            c.client().send(b);
                            if (c.client().recv(b) != 1) {
                                break;
                            }
                        }
                        done.complete(i);
                    } catch (IOException e) {
                        done.completeExceptionally(e);
                    }
                });
                assertEquals(rounds, done.get(120, TimeUnit.SECONDS), f + ": every round trip came back");
                echo.join(Duration.ofSeconds(10));
            }
        }
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM)) {
            p.first().setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4096);
            int total = 64 << 20;
            java.util.concurrent.CompletableFuture<Long> read = new java.util.concurrent.CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                long n = 0;
                byte[] b = new byte[1000];
                try {
                    for (int r; n < total && (r = p.second().recv(b)) > 0; ) {
                        n += r;
                    }
                    read.complete(n);
                } catch (IOException e) {
                    read.completeExceptionally(e);
                }
            });
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    byte[] chunk = new byte[3000];
                    for (int sent = 0; sent < total; sent += chunk.length) {
                        p.first().sendAll(chunk, 0, Math.min(chunk.length, total - sent));
                    }
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            assertEquals(total, read.get(120, TimeUnit.SECONDS));
            writer.join(Duration.ofSeconds(10));
        }
    }

    /** Detaching hands the descriptor back in the blocking mode the user set, whatever the wrapper needed. */
    @Test
    void detachHandsBackTheDescriptorInTheUsersMode() throws Exception {
        for (int mode = 0; mode < 3; mode++) {
            Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM);
            try (p) {
                Socket s = p.first();
                p.second().send(new byte[1]);
                Thread.ofVirtual().start(() -> {
                    try {
                        s.recv(new byte[1]); // a virtual thread's call makes the descriptor non-blocking
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }).join();
                if (mode == 1) {
                    s.setTimeout(Duration.ofSeconds(5));
                } else if (mode == 2) {
                    s.setBlocking(false);
                }
                int fd = s.detach();
                try {
                    boolean nonBlocking = (Posix.fcntl(fd, F_GETFL) & O_NONBLOCK) != 0;
                    assertEquals(mode == 2, nonBlocking, "mode " + mode);
                } finally {
                    Posix.close(fd);
                }
            }
        }
    }

    /**
     * The counter-experiment: the same shape of work with plain blocking downcalls on virtual threads. Clients
     * block in {@code recv(2)} itself; once as many are blocked as there are carriers, no other virtual thread
     * runs, so the "server" virtual thread that would answer them never does. It does not finish in 3 s; the test
     * then answers from a platform thread, to release them and leave nothing behind.
     */
    @Test
    void blockingDowncallsOnVirtualThreadsStallEveryOtherVirtualThread() throws Exception {
        int n = Math.max(32, 4 * Runtime.getRuntime().availableProcessors());
        int[][] pairs = new int[n][];
        for (int i = 0; i < n; i++) {
            MemorySegment sv = MemorySegment.ofArray(new int[2]);
            assertEquals(0, socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv));
            pairs[i] = new int[] {sv.getAtIndex(JAVA_INT, 0), sv.getAtIndex(JAVA_INT, 1)};
        }
        AtomicInteger done = new AtomicInteger();
        List<Thread> clients = new ArrayList<>();
        for (int[] p : pairs) {
            clients.add(Thread.ofVirtual().start(() -> {
                if (Posix.recv(p[0], MemorySegment.ofArray(new byte[8]), 8, 0) > 0) {
                    done.incrementAndGet();
                }
            }));
        }
        CountDownLatch answered = new CountDownLatch(1);
        Thread server = Thread.ofVirtual().start(() -> {
            for (int[] p : pairs) {
                Posix.send(p[1], MemorySegment.ofArray(REPLY), REPLY.length, 0);
            }
            answered.countDown();
        });
        boolean finished = answered.await(3, TimeUnit.SECONDS);
        try {
            assertFalse(finished, "with every carrier held by a blocked downcall, the server thread cannot run");
            assertEquals(0, done.get());
        } finally {
            for (int[] p : pairs) { // release the clients from a platform thread
                Posix.send(p[1], MemorySegment.ofArray(REPLY), REPLY.length, 0);
            }
            for (Thread c : clients) {
                c.join(Duration.ofSeconds(30));
            }
            server.join(Duration.ofSeconds(30));
            for (int[] p : pairs) {
                Posix.close(p[0]);
                Posix.close(p[1]);
            }
        }
        assertEquals(n, done.get(), "released from outside, all of them finished");
    }

    @Test
    void closeFromAnotherThreadWakesAParkedVirtualThread() throws Exception {
        for (SocketType type : new SocketType[] {SocketType.STREAM, SocketType.DGRAM}) {
            try (Socket.Pair p = Socket.pair(Family.UNIX, type)) {
                Socket s = p.first();
                int fd = s.fd();
                Thread[] t = new Thread[1];
                Throwable[] thrown = new Throwable[1];
                t[0] = Thread.ofVirtual().start(() -> {
                    try {
                        s.recv(new byte[8]);
                    } catch (Throwable e) {
                        thrown[0] = e;
                    }
                });
                awaitParked(() -> t[0], fd);
                s.close();
                t[0].join(Duration.ofSeconds(10));
                assertFalse(t[0].isAlive());
                SocketException e = assertInstanceOf(SocketException.class, thrown[0]);
                assertTrue(e.getMessage().contains("Socket closed (EBADF)"), e.getMessage());
            }
        }
        try (Socket server = Socket.open(Family.INET, SocketType.STREAM)) {
            server.bind(InetSockAddr.loopback(0));
            server.listen(1);
            Throwable[] thrown = new Throwable[1];
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    server.accept();
                } catch (Throwable e) {
                    thrown[0] = e;
                }
            });
            awaitParked(() -> t, server.fd());
            server.close();
            t.join(Duration.ofSeconds(10));
            assertTrue(thrown[0] instanceof SocketException && thrown[0].getMessage().contains("Socket closed"),
                    String.valueOf(thrown[0]));
        }
    }

    @Test
    void timeoutsFireOnVirtualThreads() throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM)) {
            p.first().setTimeout(Duration.ofMillis(300));
            Throwable[] thrown = new Throwable[1];
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    p.first().recv(new byte[8]);
                } catch (Throwable e) {
                    thrown[0] = e;
                }
            });
            t.join(Duration.ofSeconds(30));
            SocketTimeoutException e = assertInstanceOf(SocketTimeoutException.class, thrown[0]);
            assertTrue(e.getMessage().matches("recv\\(fd \\d+\\): Timed out after 300 ms \\(ETIMEDOUT\\)"), e.getMessage());
            assertEquals(0, Poller.waitingInAll());
        }
    }

    /** 1,000 rounds: a virtual thread parks in recv, another thread closes; nothing is left, no fd, no waiter. */
    @Test
    void openParkCloseRacesLeaveNoDescriptorAndNoParkedThread() throws Exception {
        for (int round = 0; round < 1000; round++) {
            Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM);
            Throwable[] thrown = new Throwable[1];
            Thread t = Thread.ofVirtual().start(() -> {
                try {
                    p.first().recv(new byte[8]);
                } catch (Throwable e) {
                    thrown[0] = e;
                }
            });
            if (round % 2 == 0) {
                int fd = p.first().fd();
                awaitParked(() -> t, fd);
            }
            p.first().close(); // sometimes before the thread parks, sometimes after
            p.second().close();
            t.join(Duration.ofSeconds(10));
            assertFalse(t.isAlive(), "round " + round);
            assertTrue(thrown[0] instanceof SocketException && thrown[0].getMessage().contains("Socket closed"),
                    "round " + round + ": " + thrown[0]);
        }
        assertEquals(0, Poller.waitingInAll(), "no thread left in the poller");
    }

    /** The same scenario on a platform thread and on a virtual thread gives the same results and exceptions. */
    @Test
    void socketMethodsBehaveTheSameOnPlatformAndVirtualThreads() throws Exception {
        List<String> platform = scenario(Thread.ofPlatform()), virtual = scenario(Thread.ofVirtual());
        assertEquals(6, platform.size(), () -> "the whole scenario ran: " + platform);
        assertEquals(platform, virtual);
        assertTrue(platform.get(1).startsWith("SocketTimeoutException: recv(fd N): Timed out after 200 ms"), platform::toString);
        assertEquals("ConnectException: connect(127.0.0.1:PORT): Connection refused (ECONNREFUSED)", platform.get(5));
    }

    private static List<String> scenario(Thread.Builder builder) throws Exception {
        List<String> seen = new ArrayList<>();
        Thread t = builder.start(() -> {
            try {
                try (Socket server = Socket.open(Family.INET, SocketType.STREAM);
                     Socket client = Socket.open(Family.INET, SocketType.STREAM)) {
                    server.bind(InetSockAddr.loopback(0));
                    server.listen(1);
                    client.connect(server.localAddress(), Duration.ofSeconds(5));
                    try (Socket peer = server.accept()) {
                        peer.sendAll("hello".getBytes(US_ASCII));
                        byte[] in = new byte[8];
                        seen.add("recv " + client.recv(in) + " " + new String(in, 0, 5, US_ASCII));
                        client.setTimeout(Duration.ofMillis(200));
                        seen.add(outcome(() -> client.recv(in)));
                        client.setTimeout(null);
                        client.setBlocking(false);
                        seen.add("would block " + client.recv(in));
                        client.setBlocking(true);
                        peer.shutdownOutput();
                        seen.add("end of stream " + client.recv(in));
                    }
                    int port = ((InetSockAddr) server.localAddress()).port();
                    server.close();
                    seen.add(outcome(() -> server.accept()));
                    try (Socket refused = Socket.open(Family.INET, SocketType.STREAM)) {
                        seen.add(outcome(() -> refused.connect(InetSockAddr.loopback(port))).replace(String.valueOf(port), "PORT"));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        t.join(Duration.ofSeconds(30));
        return seen.stream().map(s -> s.replaceAll("fd \\d+", "fd N")).toList();
    }

    interface Call {
        Object run() throws IOException;
    }

    private static String outcome(Call call) {
        try {
            return "returned " + call.run();
        } catch (IOException e) {
            return e.getClass().getSuperclass().getSimpleName() + ": " + e.getMessage();
        }
    }
}
