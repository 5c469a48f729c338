package dev.ffmsockets.nio;

import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.testing.Fds;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.ffmsockets.nio.Referee.JDK;
import static dev.ffmsockets.nio.Referee.Named;
import static dev.ffmsockets.nio.Referee.OURS;
import static dev.ffmsockets.nio.Referee.loopback;
import static dev.ffmsockets.nio.Referee.pair;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The selector against the JDK's: a channel closed while registered leaves epoll (even with another descriptor of its
 * socket open), {@code OP_CONNECT} only while a connection is pending, a close during a selection, the monitors a
 * selection holds, the key sets' refusals, registration racing close, and the pipe.
 */
class SelectorAgainstTheJdkTest extends AgainstTheJdk {

    private static final List<Named> SCENARIOS = new ArrayList<>();

    private static void scenario(String name, Referee.Scenario s) {
        SCENARIOS.add(new Named(name, s));
    }

    /** What {@code op} does, as text: its result or the exception's class. */
    private interface Op {
        Object run() throws Exception;
    }

    private static String tried(Op op) {
        try {
            return String.valueOf(op.run());
        } catch (Exception e) {
            return e.getClass().getSimpleName();
        }
    }

    static {
        scenario("a channel closed while registered leaves epoll, though a duplicate keeps its socket open", (p, dir) -> {
            SocketChannel[] c = pair(p, dir, false);
            var made = Fds.opened(p::openSelector);
            int epfd = made.the("anon_inode:[eventpoll]");
            try (Selector sel = made.value(); SocketChannel b = c[1]) {
                SocketChannel a = c[0];
                a.configureBlocking(false).register(sel, SelectionKey.OP_READ);
                sel.selectNow();
                int socketFd = socketOf(a, p);
                int dup = Posix.dup(socketFd);
                try {
                    b.write(ByteBuffer.wrap(new byte[] {1})); // readable, and stays so: nobody reads it
                    sel.select(5000);
                    boolean watchedBefore = Fds.watchedBy(epfd).contains(socketFd);
                    a.close();
                    int n = sel.selectNow();
                    int m = sel.selectNow();
                    return "watched before " + watchedBefore + ", after close and a selection "
                            + Fds.watchedBy(epfd).contains(socketFd) + "; selections then " + n + " " + m
                            + "; keys " + sel.keys().size();
                } finally {
                    Posix.close(dup);
                }
            }
        });
        scenario("OP_CONNECT is ready only while a connection is pending", (p, dir) -> {
            try (ServerSocketChannel server = p.openServerSocketChannel().bind(loopback());
                 SocketChannel c = p.openSocketChannel(); Selector sel = p.openSelector()) {
                c.configureBlocking(false);
                boolean now = c.connect(server.getLocalAddress());
                SelectionKey k = c.register(sel, SelectionKey.OP_CONNECT | SelectionKey.OP_READ);
                int first = now ? -1 : sel.select(5000);
                int ready = k.readyOps();
                boolean done = c.finishConnect();
                sel.selectedKeys().clear();
                int later = sel.selectNow();
                try (SocketChannel accepted = server.accept()) {
                    accepted.write(ByteBuffer.wrap(new byte[] {1}));
                    int readable = sel.select(5000);
                    return first + " " + ready + " " + done + " " + later + " " + readable + " " + k.readyOps();
                }
            }
        });
        scenario("the key sets refuse what their contract refuses", (p, dir) -> {
            Pipe pipe = p.openPipe();
            try (Selector sel = p.openSelector(); Pipe.SourceChannel src = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
                src.configureBlocking(false);
                SelectionKey k = src.register(sel, SelectionKey.OP_READ);
                Set<SelectionKey> keys = sel.keys(), selected = sel.selectedKeys();
                return List.of(tried(() -> keys.add(k)), tried(() -> keys.remove(k)), tried(() -> keys.remove("x")),
                        tried(() -> { keys.clear(); return "cleared"; }), tried(() -> keys.contains("x")), tried(() -> selected.add(k)),
                        tried(() -> selected.addAll(List.of())), tried(() -> selected.remove("x")),
                        tried(() -> selected.contains(k)), tried(() -> selected.removeAll(List.of("x"))),
                        tried(() -> selected.retainAll(List.of())), tried(() -> { selected.clear(); return "cleared"; }),
                        tried(selected::size));
            }
        });
        scenario("a pipe carries bytes, is selectable, and ends when its sink closes", (p, dir) -> {
            Pipe pipe = p.openPipe();
            try (Selector sel = p.openSelector(); Pipe.SourceChannel src = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
                src.configureBlocking(false);
                SelectionKey k = src.register(sel, SelectionKey.OP_READ);
                int none = sel.selectNow();
                int written = sink.write(ByteBuffer.wrap("Hello there.".getBytes()));
                int ready = sel.select(5000);
                ByteBuffer in = ByteBuffer.allocate(32);
                int read = src.read(in);
                int nothing = src.read(ByteBuffer.allocate(4));
                sink.close();
                sel.select(5000);
                int eof = src.read(ByteBuffer.allocate(4));
                return none + " " + written + " " + ready + " " + k.readyOps() + " " + read + " " + Referee.text(in) + " "
                        + nothing + " " + eof + " " + (src.validOps() == SelectionKey.OP_READ)
                        + " " + (sink.validOps() == SelectionKey.OP_WRITE);
            }
        });
        scenario("a write into a pipe whose source is closed fails", (p, dir) -> {
            Pipe pipe = p.openPipe();
            try (Pipe.SinkChannel sink = pipe.sink()) {
                pipe.source().close();
                return sink.write(ByteBuffer.wrap(new byte[] {1}));
            }
        });
        scenario("an action selecting again is refused", (p, dir) -> {
            Pipe pipe = p.openPipe();
            try (Selector sel = p.openSelector(); Pipe.SourceChannel src = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
                sink.configureBlocking(false).register(sel, SelectionKey.OP_WRITE);
                return sel.select(k -> {
                    try {
                        sel.selectNow();
                    } catch (Exception e) {
                        throw new IllegalStateException(e.getClass().getSimpleName() + ": " + e.getMessage());
                    }
                }, 5000);
            }
        });
    }

    /** The number of a channel's socket: the library says it; the JDK's is found as the one socket it holds. */
    private static int socketOf(SocketChannel c, SelectorProvider p) throws Exception {
        if (c instanceof FfmSocketChannel f) {
            return f.librarySocket().fd();
        }
        int port = ((java.net.InetSocketAddress) c.getLocalAddress()).getPort();
        return Fds.socketWithLocalPort(port);
    }

    @Test
    void theSelectorGivesWhatTheJdksGives() {
        Referee.assertSameOnBoth(SCENARIOS, dir);
    }

    /** A close from another thread makes the selection in progress return, with no exception, as a wake-up would. */
    @Test
    void aCloseDuringASelectionEndsItAsAWakeupWould() throws Exception {
        for (SelectorProvider p : List.of(JDK, OURS)) {
            var made = Fds.opened(p::openSelector);
            int epfd = made.the("anon_inode:[eventpoll]");
            Selector sel = made.value();
            try (ExecutorService pool = Executors.newSingleThreadExecutor()) {
                Future<Object> selecting = pool.submit(() -> {
                    try {
                        return sel.select();
                    } catch (Exception e) {
                        return e.getClass().getName();
                    }
                });
                Fds.awaitWaitingOn(epfd, Fds.SYS_EPOLL_WAIT, Fds.SYS_EPOLL_PWAIT);
                sel.close();
                assertEquals(0, selecting.get(), p.toString());
                assertFalse(sel.isOpen());
            }
        }
    }

    /** As the {@code Selector} contract says: a selecting thread holds the selector's monitor, then its selected-key set's. */
    @Test
    void aSelectionHoldsTheSelectorAndItsSelectedKeySet() throws Exception {
        for (SelectorProvider p : List.of(JDK, OURS)) {
            var made = Fds.opened(p::openSelector);
            int epfd = made.the("anon_inode:[eventpoll]");
            try (Selector sel = made.value(); ExecutorService pool = Executors.newSingleThreadExecutor()) {
                CompletableFuture<Long> tid = new CompletableFuture<>();
                Future<Integer> selecting = pool.submit(() -> {
                    tid.complete(Thread.currentThread().threadId());
                    return sel.select();
                });
                Fds.awaitWaitingOn(epfd, Fds.SYS_EPOLL_WAIT, Fds.SYS_EPOLL_PWAIT);
                Set<Integer> held = new TreeSet<>();
                for (MonitorInfo m : ManagementFactory.getThreadMXBean().getThreadInfo(new long[] {tid.get()}, true, false)[0].getLockedMonitors()) {
                    held.add(m.getIdentityHashCode());
                }
                boolean both = held.contains(System.identityHashCode(sel))
                        && held.contains(System.identityHashCode(sel.selectedKeys()));
                sel.wakeup();
                selecting.get();
                assertTrue(both, p + " holds " + held);
                List<Boolean> inAction = new ArrayList<>();
                Pipe pipe = p.openPipe();
                try (Pipe.SourceChannel src = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
                    sink.configureBlocking(false).register(sel, SelectionKey.OP_WRITE);
                    sel.select(k -> inAction.add(Thread.holdsLock(sel) && Thread.holdsLock(sel.selectedKeys())), 5000);
                    sel.selectNow();
                }
                assertEquals(List.of(true), inAction, p.toString());
            }
        }
    }

    /**
     * A registration racing the channel's close ends in a key (cancelled with the channel) or in
     * {@link ClosedChannelException}, never in another failure, and leaves the selector sound.
     */
    @Test
    void aRegistrationRacingACloseNeverFailsOtherwise() throws Exception {
        for (SelectorProvider p : List.of(JDK, OURS)) {
            Set<String> seen = new TreeSet<>();
            try (Selector sel = p.openSelector(); ExecutorService pool = Executors.newFixedThreadPool(2)) {
                for (int i = 0; i < 300; i++) {
                    SocketChannel c = p.openSocketChannel();
                    c.configureBlocking(false);
                    CountDownLatch go = new CountDownLatch(1);
                    Future<String> registering = pool.submit(() -> {
                        go.await();
                        try {
                            SelectionKey k = c.register(sel, SelectionKey.OP_READ);
                            return "key";
                        } catch (Exception e) {
                            return e.getClass().getName();
                        }
                    });
                    Future<?> closing = pool.submit(() -> {
                        go.await();
                        c.close();
                        return null;
                    });
                    go.countDown();
                    seen.add(registering.get());
                    closing.get();
                }
                sel.selectNow();
                seen.add("keys left " + sel.keys().size());
            }
            seen.remove("key");
            seen.remove(ClosedChannelException.class.getName());
            assertEquals(Set.of("keys left 0"), seen, p.toString());
        }
    }
}
