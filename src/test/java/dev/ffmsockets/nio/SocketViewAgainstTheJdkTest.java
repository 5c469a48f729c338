package dev.ffmsockets.nio;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.ffmsockets.nio.Referee.Named;
import static dev.ffmsockets.nio.Referee.loopback;
import static dev.ffmsockets.nio.Referee.pair;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The {@code java.net} views of the channels ({@code socket()}) against the JDK's: a live view in every state of its
 * channel (unbound, bound, connecting, connected, shut down either way, reset, closed), its streams with their own
 * timeout, and what the views accept and connect reaching the channels. Ports and addresses the kernel chooses are
 * reported by what they equal, so that both providers' runs read the same.
 */
class SocketViewAgainstTheJdkTest extends AgainstTheJdk {

    /** Everything the view says, with the server's port written {@code P} and its own {@code L}. */
    private static String view(Socket v, int serverPort) {
        String s = "connected=" + v.isConnected() + " bound=" + v.isBound() + " closed=" + v.isClosed()
                + " ishut=" + v.isInputShutdown() + " oshut=" + v.isOutputShutdown()
                + " port=" + v.getPort() + " inet=" + v.getInetAddress() + " remote=" + v.getRemoteSocketAddress()
                + " localPort=" + (v.getLocalPort() > 0 ? "L" : v.getLocalPort()) + " localAddr=" + v.getLocalAddress()
                + " local=" + v.getLocalSocketAddress() + " str=" + v;
        String local = v.getLocalPort() > 0 ? String.valueOf(v.getLocalPort()) : "\u0000";
        return s.replace(":" + serverPort, ":P").replace("=" + serverPort, "=P").replace(":" + local, ":L")
                .replace("=" + local, "=L");
    }

    private static final List<Named> SCENARIOS = new ArrayList<>();

    private static void scenario(String name, Referee.Scenario s) {
        SCENARIOS.add(new Named(name, s));
    }

    static {
        // Netty's order: the view is taken before a non-blocking connect, and must show the connection after it
        scenario("view taken before a non-blocking connect", (p, dir) -> {
            try (ServerSocketChannel server = p.openServerSocketChannel().bind(loopback());
                 SocketChannel c = p.openSocketChannel(); Selector sel = p.openSelector()) {
                int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
                Socket v = c.socket();
                StringBuilder log = new StringBuilder("before: ").append(view(v, port));
                c.configureBlocking(false);
                if (!c.connect(server.getLocalAddress())) {
                    log.append("\npending: ").append(view(v, port));
                    c.register(sel, SelectionKey.OP_CONNECT);
                    while (!c.finishConnect()) {
                        sel.select(5000);
                    }
                    c.keyFor(sel).cancel();
                    sel.selectNow();
                }
                log.append("\nconnected: ").append(view(v, port));
                try (SocketChannel accepted = server.accept()) {
                    log.append("\nsame local port as the peer sees: ").append(
                            ((InetSocketAddress) accepted.getRemoteAddress()).getPort() == v.getLocalPort());
                    String stream;
                    try {
                        stream = "read " + v.getInputStream().read();
                    } catch (Exception e) {
                        stream = e.getClass().getName();
                    }
                    log.append("\nstream of a non-blocking channel: ").append(stream);
                    c.configureBlocking(true);
                    v.getOutputStream().write("Hello".getBytes());
                    ByteBuffer in = ByteBuffer.allocate(5);
                    while (in.hasRemaining()) {
                        accepted.read(in);
                    }
                    accepted.write(ByteBuffer.wrap("there".getBytes()));
                    byte[] back = v.getInputStream().readNBytes(5);
                    log.append("\nstreams: ").append(Referee.text(in)).append(' ').append(new String(back));
                    c.shutdownOutput();
                    log.append("\noutput shut: ").append(view(v, port));
                    v.shutdownInput();
                    log.append("\ninput shut: ").append(view(v, port)).append(" read=").append(c.read(ByteBuffer.allocate(1)));
                }
                c.close();
                log.append("\nclosed: ").append(view(v, port));
                return log;
            }
        });
        scenario("bind and connect through the view", (p, dir) -> {
            try (ServerSocketChannel server = p.openServerSocketChannel().bind(loopback());
                 SocketChannel c = p.openSocketChannel()) {
                int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
                Socket v = c.socket();
                v.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                String bound = view(v, port) + " channel=" + c.getLocalAddress().equals(v.getLocalSocketAddress());
                v.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                try (SocketChannel accepted = server.accept()) {
                    return bound + "\n" + view(v, port) + " channel connected=" + c.isConnected() + " remote="
                            + c.getRemoteAddress().toString().replace(":" + port, ":P") + " peer=" + accepted.isConnected();
                }
            }
        });
        scenario("connect to a name keeps the name", (p, dir) -> {
            try (ServerSocketChannel server = p.openServerSocketChannel().bind(loopback());
                 SocketChannel c = p.openSocketChannel()) {
                int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
                c.connect(new InetSocketAddress("localhost", port));
                server.accept().close();
                return c.getRemoteAddress().toString().replace(":" + port, ":P") + " " + view(c.socket(), port);
            }
        });
        scenario("the view of a view's accept has its channel", (p, dir) -> {
            try (ServerSocketChannel server = p.openServerSocketChannel(); SocketChannel c = p.openSocketChannel()) {
                ServerSocket sv = server.socket();
                String unbound = sv.isBound() + " " + sv.getLocalPort() + " " + sv.getInetAddress() + " " + sv;
                sv.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                c.connect(server.getLocalAddress());
                try (Socket accepted = sv.accept()) {
                    return unbound + " | " + sv.isBound() + " " + (sv.getLocalPort() > 0) + " " + sv.getInetAddress()
                            + " " + (accepted.getChannel() instanceof SocketChannel ch && ch.isConnected())
                            + " " + accepted.isConnected() + " " + (accepted.getPort() > 0);
                }
            }
        });
        scenario("the views refuse non-blocking channels", (p, dir) -> {
            try (ServerSocketChannel server = p.openServerSocketChannel().bind(loopback());
                 SocketChannel c = p.openSocketChannel()) {
                server.configureBlocking(false);
                List<String> seen = new ArrayList<>();
                try {
                    seen.add("accept " + server.socket().accept());
                } catch (Exception e) {
                    seen.add(e.getClass().getName());
                }
                server.socket().setSoTimeout(100);
                try {
                    seen.add("timed accept " + server.socket().accept());
                } catch (Exception e) {
                    seen.add(e.getClass().getName());
                }
                c.configureBlocking(false);
                try {
                    c.socket().connect(server.getLocalAddress());
                    seen.add("connected");
                } catch (Exception e) {
                    seen.add(e.getClass().getName());
                }
                return seen;
            }
        });
        scenario("a reset is reported by every later read; shutdowns after it do nothing", (p, dir) -> {
            SocketChannel[] c = pair(p, dir, false);
            try (SocketChannel a = c[0]; SocketChannel b = c[1]) {
                b.setOption(StandardSocketOptions.SO_LINGER, 0);
                b.close(); // a reset
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    try {
                        seen.add("read " + a.read(ByteBuffer.allocate(8)));
                    } catch (Exception e) {
                        seen.add(Referee.thrown(e));
                    }
                }
                try {
                    seen.add("stream " + a.socket().getInputStream().read());
                } catch (Exception e) {
                    seen.add(Referee.thrown(e));
                }
                a.shutdownInput();
                a.shutdownOutput();
                seen.add(a.socket().isInputShutdown() + " " + a.socket().isOutputShutdown() + " " + a.isConnected());
                return seen;
            }
        });
        scenario("connect through the view of a dual-stack channel to an IPv4 address", (p, dir) -> {
            try (ServerSocketChannel server = p.openServerSocketChannel().bind(new InetSocketAddress("127.0.0.1", 0));
                 SocketChannel c = p.openSocketChannel()) {
                int port = ((InetSocketAddress) server.getLocalAddress()).getPort();
                c.socket().connect(new InetSocketAddress("127.0.0.1", port));
                server.accept().close();
                return c.isConnected() + " " + view(c.socket(), port);
            }
        });
        // available() is every byte queued (FIONREAD), not a bounded peek; the count grows only as bytes arrive,
        // so it is read until it stops short of nothing more to come (bounded: the sender is done)
        scenario("available() of the view's stream as bytes are queued and read", (p, dir) -> {
            SocketChannel[] ends = Referee.pair(p, dir, false);
            try (SocketChannel c = ends[0]; SocketChannel a = ends[1]) {
                int total = 100_000;
                c.write(ByteBuffer.allocate(total));
                java.io.InputStream in = a.socket().getInputStream();
                List<Integer> seen = new ArrayList<>();
                long until = System.nanoTime() + 10_000_000_000L;
                int n;
                while ((n = in.available()) < total && System.nanoTime() < until) {
                    Thread.onSpinWait();
                }
                seen.add(n);
                seen.add(in.read(new byte[30_000]));
                seen.add(in.available());
                a.shutdownInput();
                seen.add(in.available());
                return seen;
            }
        });
    }

    @Test
    void theViewsGiveWhatTheJdksGive() {
        Referee.assertSameOnBoth(SCENARIOS, dir);
    }

    /**
     * The view's {@code SO_TIMEOUT} bounds its streams' reads only: after a view's read has timed out, a read of the
     * channel itself waits on, through several times the view's timeout (measured by a view read of another
     * connection with three times that timeout), and returns what is sent then.
     */
    @Test
    void theViewsTimeoutBoundsItsStreamNeverTheChannelsOwnRead() throws Exception {
        for (SelectorProvider p : List.of(Referee.JDK, Referee.OURS)) {
            SocketChannel[] c = pair(p, dir, false), clock = pair(p, dir, false);
            try (SocketChannel a = c[0]; SocketChannel b = c[1]; SocketChannel k = clock[0]; SocketChannel k2 = clock[1];
                 ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                a.socket().setSoTimeout(50);
                InputStream in = a.socket().getInputStream();
                String stream;
                try {
                    stream = "read " + in.read();
                } catch (SocketTimeoutException e) {
                    stream = "timed out";
                }
                Future<Integer> own = pool.submit(() -> a.read(ByteBuffer.allocate(4)));
                k.socket().setSoTimeout(150);
                try {
                    k.socket().getInputStream().read();
                } catch (SocketTimeoutException expected) {
                    // 150 ms have passed
                }
                boolean stillWaiting = !own.isDone();
                b.write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
                assertEquals("timed out, still waiting true, read 3", stream + ", still waiting " + stillWaiting
                        + ", read " + own.get(), p.toString());
            }
        }
    }

    /** An interrupt of a thread reading the view's stream closes the channel, as the JDK's. */
    @Test
    void anInterruptOfAStreamReadClosesTheChannel() throws Exception {
        for (SelectorProvider p : List.of(Referee.JDK, Referee.OURS)) {
            SocketChannel[] c = pair(p, dir, false);
            try (SocketChannel a = c[0]; SocketChannel b = c[1]) {
                CompletableFuture<String> outcome = new CompletableFuture<>();
                Thread t = Thread.ofVirtual().start(() -> {
                    try {
                        outcome.complete("read " + a.socket().getInputStream().read());
                    } catch (Exception e) {
                        outcome.complete(e.getClass().getName() + " interrupted=" + Thread.currentThread().isInterrupted());
                    }
                });
                awaitParked(t);
                t.interrupt();
                assertEquals("java.nio.channels.ClosedByInterruptException interrupted=true open=false peer=true",
                        outcome.get() + " open=" + a.isOpen() + " peer=" + b.isOpen(), p.toString());
            }
        }
    }

    /** Waits until a virtual thread is parked (waiting for I/O, as both providers park it). */
    static void awaitParked(Thread t) {
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (t.getState() != Thread.State.WAITING && t.getState() != Thread.State.TIMED_WAITING) {
            if (System.nanoTime() > deadline || !t.isAlive()) {
                throw new AssertionError(t + " never parked: " + t.getState());
            }
            Thread.onSpinWait();
        }
    }
}
