package dev.ffmsockets.nio;

import dev.ffmsockets.testing.Fds;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.ffmsockets.nio.Referee.JDK;
import static dev.ffmsockets.nio.Referee.Named;
import static dev.ffmsockets.nio.Referee.OURS;
import static dev.ffmsockets.nio.Referee.Scenario;
import static dev.ffmsockets.nio.Referee.loopback;
import static dev.ffmsockets.nio.Referee.pair;
import static dev.ffmsockets.nio.Referee.text;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The JDK's own provider as the referee: each scenario runs on the JDK's channels and selector and on this
 * package's, and must give the same result or the same exception (type and, for misuse, message).
 */
class ChannelsAgainstTheJdkTest extends AgainstTheJdk {

    private static final AtomicInteger UNIQUE = new AtomicInteger();

    private static final List<Scenario> SCENARIOS = new ArrayList<>();

    static {
        // an echo driven by a selector: accept, non-blocking connect, read, write, end of stream
        for (boolean unix : new boolean[] {false, true}) {
            SCENARIOS.add((p, dir) -> {
                SocketAddress at = unix ? UnixDomainSocketAddress.of(dir.resolve("echo" + UNIQUE.incrementAndGet())) : loopback();
                try (Selector sel = p.openSelector();
                     ServerSocketChannel server = unix ? p.openServerSocketChannel(StandardProtocolFamily.UNIX) : p.openServerSocketChannel();
                     SocketChannel client = unix ? p.openSocketChannel(StandardProtocolFamily.UNIX) : p.openSocketChannel()) {
                    server.bind(at).configureBlocking(false);
                    server.register(sel, SelectionKey.OP_ACCEPT);
                    client.configureBlocking(false);
                    boolean now = client.connect(server.getLocalAddress());
                    SelectionKey ck = client.register(sel, now ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT);
                    StringBuilder log = new StringBuilder();
                    ByteBuffer back = ByteBuffer.allocate(64);
                    SocketChannel accepted = null;
                    try {
                        while (back.position() < 12) {
                            sel.select(5000);
                            for (var it = sel.selectedKeys().iterator(); it.hasNext(); ) {
                                SelectionKey k = it.next();
                                it.remove();
                                if (k.isAcceptable()) {
                                    accepted = server.accept();
                                    accepted.configureBlocking(false);
                                    accepted.register(sel, SelectionKey.OP_READ);
                                    log.append("accepted;");
                                } else if (k.isConnectable()) {
                                    log.append("finish=").append(client.finishConnect()).append(';');
                                    k.interestOps(SelectionKey.OP_WRITE);
                                } else if (k.isWritable()) {
                                    client.write(ByteBuffer.wrap("Hello there.".getBytes(StandardCharsets.US_ASCII)));
                                    k.interestOps(SelectionKey.OP_READ);
                                } else if (k.isReadable() && k.channel() == accepted) {
                                    ByteBuffer b = ByteBuffer.allocate(64);
                                    accepted.read(b);
                                    b.flip();
                                    accepted.write(b);
                                } else if (k.isReadable()) {
                                    client.read(back);
                                }
                            }
                        }
                        client.shutdownOutput();
                        accepted.configureBlocking(true);
                        accepted.keyFor(sel).cancel();
                        sel.selectNow();
                        accepted.configureBlocking(true);
                        log.append("eof=").append(accepted.read(ByteBuffer.allocate(4)));
                    } finally {
                        if (accepted != null) {
                            accepted.close();
                        }
                    }
                    return log.toString().replace("finish=true;", "") + " " + text(back) + " valid=" + ck.isValid();
                }
            });
        }
        // wakeup before select makes it return at once; selectNow after it clears
        SCENARIOS.add((p, dir) -> {
            try (Selector sel = p.openSelector()) {
                sel.wakeup();
                int a = sel.select();
                int b = sel.selectNow();
                return a + " " + b;
            }
        });
        // a wakeup from another thread ends a select in progress
        SCENARIOS.add((p, dir) -> {
            try (Selector sel = p.openSelector(); ExecutorService pool = Executors.newSingleThreadExecutor()) {
                CompletableFuture<Integer> selecting = CompletableFuture.supplyAsync(() -> {
                    try {
                        return sel.select();
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }, pool);
                while (!selecting.isDone()) {
                    sel.wakeup();
                    Thread.onSpinWait();
                }
                return selecting.get();
            }
        });
        // a cancelled key leaves keys() at the next selection, and its operations fail
        SCENARIOS.add((p, dir) -> {
            SocketChannel[] c = pair(p, dir, false);
            try (Selector sel = p.openSelector(); SocketChannel a = c[0]; SocketChannel b = c[1]) {
                a.configureBlocking(false);
                SelectionKey k = a.register(sel, SelectionKey.OP_READ);
                k.cancel();
                int before = sel.keys().size();
                sel.selectNow();
                String interest;
                try {
                    k.interestOps(SelectionKey.OP_WRITE);
                    interest = "no exception";
                } catch (java.nio.channels.CancelledKeyException e) {
                    interest = "CancelledKeyException";
                }
                return before + " " + sel.keys().size() + " " + k.isValid() + " " + interest + " " + b.isOpen();
            }
        });
        // select(Consumer) hands each ready key to the action
        SCENARIOS.add((p, dir) -> {
            SocketChannel[] c = pair(p, dir, true);
            try (Selector sel = p.openSelector(); SocketChannel a = c[0]; SocketChannel b = c[1]) {
                a.configureBlocking(false);
                b.configureBlocking(false);
                a.register(sel, SelectionKey.OP_WRITE);
                b.register(sel, SelectionKey.OP_READ);
                List<String> seen = new ArrayList<>();
                int n = sel.select(k -> seen.add((k.channel() == a ? "a" : "b") + k.readyOps()), 5000);
                return n + " " + seen + " selected=" + sel.selectedKeys().size();
            }
        });
        // misuse
        SCENARIOS.add((p, dir) -> {
            try (Selector sel = p.openSelector(); SocketChannel a = p.openSocketChannel()) {
                return a.register(sel, SelectionKey.OP_READ); // blocking: refused
            }
        });
        SCENARIOS.add((p, dir) -> {
            try (SocketChannel a = p.openSocketChannel()) {
                a.configureBlocking(false);
                Selector sel = p.openSelector();
                sel.close();
                return a.register(sel, SelectionKey.OP_READ);
            }
        });
        SCENARIOS.add((p, dir) -> {
            Selector sel = p.openSelector();
            sel.close();
            return sel.select(1);
        });
        SCENARIOS.add((p, dir) -> {
            try (Selector sel = p.openSelector(); SocketChannel a = p.openSocketChannel()) {
                a.configureBlocking(false);
                return a.register(sel, SelectionKey.OP_ACCEPT); // not a valid operation of a socket channel
            }
        });
        SCENARIOS.add((p, dir) -> {
            try (SocketChannel a = p.openSocketChannel()) {
                return a.read(ByteBuffer.allocate(1));
            }
        });
        SCENARIOS.add((p, dir) -> {
            SocketChannel a = p.openSocketChannel();
            a.close();
            return a.read(ByteBuffer.allocate(1));
        });
        SCENARIOS.add((p, dir) -> {
            try (SocketChannel a = p.openSocketChannel()) {
                return a.finishConnect();
            }
        });
        SCENARIOS.add((p, dir) -> {
            try (ServerSocketChannel s = p.openServerSocketChannel()) {
                return s.accept();
            }
        });
        SCENARIOS.add((p, dir) -> {
            try (ServerSocketChannel s = p.openServerSocketChannel()) {
                s.bind(loopback());
                return s.bind(loopback());
            }
        });
        SCENARIOS.add((p, dir) -> {
            try (ServerSocketChannel s = p.openServerSocketChannel()) {
                s.bind(loopback()).configureBlocking(false);
                return s.accept();
            }
        });
        SCENARIOS.add((p, dir) -> {
            SocketChannel[] c = pair(p, dir, false);
            try (SocketChannel a = c[0]; SocketChannel b = c[1]) {
                return a.connect(b.getLocalAddress());
            }
        });
        SCENARIOS.add((p, dir) -> {
            try (SocketChannel a = p.openSocketChannel()) {
                return a.connect(InetSocketAddress.createUnresolved("example.invalid", 80));
            }
        });
        // a refused connection: blocking closes the channel; non-blocking reports it at finishConnect
        SCENARIOS.add((p, dir) -> {
            InetSocketAddress refused;
            try (ServerSocketChannel s = JDK.openServerSocketChannel()) {
                refused = (InetSocketAddress) s.bind(loopback()).getLocalAddress();
            }
            SocketChannel a = p.openSocketChannel();
            try {
                return a.connect(refused);
            } finally {
                assertFalse(a.isOpen(), "a refused blocking connect closes the channel");
            }
        });
        SCENARIOS.add((p, dir) -> {
            InetSocketAddress refused;
            try (ServerSocketChannel s = JDK.openServerSocketChannel()) {
                refused = (InetSocketAddress) s.bind(loopback()).getLocalAddress();
            }
            try (SocketChannel a = p.openSocketChannel(); Selector sel = p.openSelector()) {
                a.configureBlocking(false);
                if (!a.connect(refused)) {
                    a.register(sel, SelectionKey.OP_CONNECT);
                    sel.select(5000);
                }
                return a.finishConnect();
            }
        });
        // addresses of a dual-stack socket read as IPv4; options; gathering and scattering
        SCENARIOS.add((p, dir) -> {
            SocketChannel[] c = pair(p, dir, false);
            try (SocketChannel a = c[0]; SocketChannel b = c[1]) {
                a.setOption(StandardSocketOptions.TCP_NODELAY, true);
                a.write(new ByteBuffer[] {ByteBuffer.wrap("Hello".getBytes()), ByteBuffer.allocate(0), ByteBuffer.wrap(" there.".getBytes())});
                ByteBuffer x = ByteBuffer.allocate(5), y = ByteBuffer.allocate(7);
                long n = 0;
                while (n < 12) {
                    n += b.read(new ByteBuffer[] {x, y});
                }
                return ((InetSocketAddress) a.getRemoteAddress()).getAddress() + " " + a.getOption(StandardSocketOptions.TCP_NODELAY)
                        + " " + text(x) + "|" + text(y) + " " + a.isConnected() + " " + a.isConnectionPending()
                        + " " + (a.getRemoteAddress().equals(b.getLocalAddress()));
            }
        });
        SCENARIOS.add((p, dir) -> {
            SocketChannel[] c = pair(p, dir, true);
            try (SocketChannel a = c[0]; SocketChannel b = c[1]) {
                a.shutdownOutput();
                int eof = b.read(ByteBuffer.allocate(1));
                a.shutdownInput();
                return eof + " " + a.read(ByteBuffer.allocate(1)) + " " + a.socket();
            }
        });
        SCENARIOS.add((p, dir) -> {
            SocketChannel[] c = pair(p, dir, false);
            try (SocketChannel a = c[0]; SocketChannel b = c[1]) {
                a.socket().setTcpNoDelay(true);
                return a.socket().isConnected() + " " + (a.socket().getChannel() == a) + " " + a.socket().getTcpNoDelay()
                        + " " + (a.socket().getPort() == ((InetSocketAddress) b.getLocalAddress()).getPort());
            }
        });
        // datagrams: receive gives the sender, truncates what does not fit; send, connect, read, write, disconnect.
        // The JDK has no AF_UNIX datagram channel: ours over AF_UNIX must give what the JDK's gives over UDP.
        for (boolean unixIfOurs : new boolean[] {false, true}) {
            SCENARIOS.add((p, dir) -> {
                boolean unix = unixIfOurs && p == OURS;
                SocketAddress aAt = unix ? UnixDomainSocketAddress.of(dir.resolve("da" + UNIQUE.incrementAndGet())) : loopback();
                SocketAddress bAt = unix ? UnixDomainSocketAddress.of(dir.resolve("db" + UNIQUE.incrementAndGet())) : loopback();
                try (var a = unix ? p.openDatagramChannel(StandardProtocolFamily.UNIX) : p.openDatagramChannel();
                     var b = unix ? p.openDatagramChannel(StandardProtocolFamily.UNIX) : p.openDatagramChannel()) {
                    a.bind(aAt);
                    b.bind(bAt);
                    int sent = a.send(ByteBuffer.wrap("Hello there.".getBytes()), b.getLocalAddress());
                    ByteBuffer small = ByteBuffer.allocate(5);
                    SocketAddress from = b.receive(small);
                    String first = text(small) + " from a: " + from.equals(a.getLocalAddress());
                    b.configureBlocking(false);
                    SocketAddress none = b.receive(ByteBuffer.allocate(5));
                    b.configureBlocking(true);
                    a.connect(b.getLocalAddress());
                    int written = a.write(ByteBuffer.wrap("again".getBytes()));
                    ByteBuffer in = ByteBuffer.allocate(16);
                    b.receive(in);
                    String wrong;
                    try {
                        a.send(ByteBuffer.wrap(new byte[1]), a.getLocalAddress());
                        wrong = "sent";
                    } catch (Exception e) {
                        wrong = e.getClass().getSimpleName();
                    }
                    boolean was = a.isConnected();
                    a.disconnect();
                    return sent + " " + first + " " + none + " " + written + " " + text(in) + " " + wrong + " "
                            + was + " " + a.isConnected() + " " + a.getRemoteAddress();
                }
            });
        }
        // the local address of a channel not yet bound is null, for every kind of channel
        SCENARIOS.add((p, dir) -> {
            try (var a = p.openSocketChannel(); var b = p.openSocketChannel(StandardProtocolFamily.UNIX);
                 var c = p.openDatagramChannel(); var d = p.openServerSocketChannel()) {
                return a.getLocalAddress() + " " + b.getLocalAddress() + " " + c.getLocalAddress() + " " + d.getLocalAddress();
            }
        });
        // the JDK's extended keys (jdk.net.ExtendedSocketOptions), which software written for its sockets sets
        SCENARIOS.add((p, dir) -> {
            try (var a = p.openSocketChannel()) {
                a.setOption(dev.ffmsockets.testing.JdkOptions.of("TCP_KEEPIDLE", Integer.class), 41);
                a.setOption(dev.ffmsockets.testing.JdkOptions.of("TCP_KEEPINTERVAL", Integer.class), 7);
                a.setOption(dev.ffmsockets.testing.JdkOptions.of("TCP_KEEPCOUNT", Integer.class), 5);
                a.setOption(dev.ffmsockets.testing.JdkOptions.of("TCP_QUICKACK", Boolean.class), true);
                return a.getOption(dev.ffmsockets.testing.JdkOptions.of("TCP_KEEPIDLE", Integer.class)) + " "
                        + a.getOption(dev.ffmsockets.testing.JdkOptions.of("TCP_KEEPINTERVAL", Integer.class)) + " "
                        + a.getOption(dev.ffmsockets.testing.JdkOptions.of("TCP_KEEPCOUNT", Integer.class)) + " "
                        + a.getOption(dev.ffmsockets.testing.JdkOptions.of("TCP_QUICKACK", Boolean.class)) + " "
                        + a.supportedOptions().containsAll(List.of(dev.ffmsockets.testing.JdkOptions.of("TCP_KEEPIDLE", Integer.class),
                        dev.ffmsockets.testing.JdkOptions.of("TCP_KEEPINTERVAL", Integer.class), dev.ffmsockets.testing.JdkOptions.of("TCP_KEEPCOUNT", Integer.class),
                        dev.ffmsockets.testing.JdkOptions.of("TCP_QUICKACK", Boolean.class)));
            }
        });
        // misuse of reads and writes, in both modes: a write after shutdownOutput (one buffer and gathering), a
        // read-only buffer to read into (one and scattering, stream and datagram)
        for (boolean blocking : new boolean[] {true, false}) {
            for (int k = 0; k < 4; k++) {
                int which = k;
                SCENARIOS.add((p, dir) -> {
                    SocketChannel[] c = pair(p, dir, false);
                    try (SocketChannel a = c[0]; SocketChannel b = c[1]) {
                        a.configureBlocking(blocking);
                        ByteBuffer ro = ByteBuffer.allocate(4).asReadOnlyBuffer();
                        switch (which) {
                            case 0 -> {
                                a.shutdownOutput();
                                return a.write(ByteBuffer.allocate(1));
                            }
                            case 1 -> {
                                a.shutdownOutput();
                                return a.write(new ByteBuffer[] {ByteBuffer.allocate(1), ByteBuffer.allocate(1)});
                            }
                            case 2 -> {
                                return a.read(ro);
                            }
                            default -> {
                                return a.read(new ByteBuffer[] {ByteBuffer.allocate(4), ro});
                            }
                        }
                    }
                });
            }
            SCENARIOS.add((p, dir) -> {
                try (var a = p.openDatagramChannel(); var b = p.openDatagramChannel()) {
                    a.bind(loopback()).configureBlocking(blocking);
                    a.connect(b.bind(loopback()).getLocalAddress());
                    return a.read(ByteBuffer.allocate(4).asReadOnlyBuffer());
                }
            });
        }
        SCENARIOS.add((p, dir) -> {
            try (var a = p.openDatagramChannel()) {
                return a.read(ByteBuffer.allocate(1));
            }
        });
        SCENARIOS.add((p, dir) -> {
            try (var a = p.openDatagramChannel(); Selector sel = p.openSelector(); var b = p.openDatagramChannel()) {
                a.bind(loopback()).configureBlocking(false);
                SelectionKey k = a.register(sel, SelectionKey.OP_READ | SelectionKey.OP_WRITE);
                sel.selectNow();
                int first = k.readyOps();
                b.send(ByteBuffer.wrap(new byte[] {7}), a.getLocalAddress());
                sel.select(5000);
                return first + " " + k.readyOps() + " " + (a.validOps() == (SelectionKey.OP_READ | SelectionKey.OP_WRITE));
            }
        });
        // a channel of another provider on this selector
        SCENARIOS.add((p, dir) -> {
            SelectorProvider other = p == JDK ? OURS : JDK;
            try (Selector sel = p.openSelector(); SocketChannel a = other.openSocketChannel()) {
                a.configureBlocking(false);
                return a.register(sel, SelectionKey.OP_READ);
            }
        });
    }

    @Test
    void everyScenarioGivesWhatTheJdkGives() {
        List<Named> named = new ArrayList<>();
        for (int i = 0; i < SCENARIOS.size(); i++) {
            named.add(new Named("scenario " + i, SCENARIOS.get(i)));
        }
        Referee.assertSameOnBoth(named, dir);
    }

    @Test
    void closeWakesABlockedReadWithAsynchronousCloseException() throws Exception {
        SocketChannel[] c = pair(OURS, dir, false);
        try (SocketChannel a = c[0]; SocketChannel b = c[1]; ExecutorService pool = Executors.newSingleThreadExecutor()) {
            var reading = pool.submit(() -> a.read(ByteBuffer.allocate(1)));
            Fds.awaitWaitingOn(((FfmSocketChannel) a).librarySocket().fd(), Fds.SYS_RECVFROM);
            a.close();
            var e = assertThrows(java.util.concurrent.ExecutionException.class, reading::get);
            assertInstanceOf(java.nio.channels.AsynchronousCloseException.class, e.getCause());
            assertTrue(b.isOpen());
        }
    }

    @Test
    void anInterruptedReadClosesTheChannelWithClosedByInterruptException() throws Exception {
        SocketChannel[] c = pair(OURS, dir, false);
        try (SocketChannel a = c[0]; SocketChannel b = c[1]) {
            CompletableFuture<Throwable> failed = new CompletableFuture<>();
            Thread t = Thread.ofPlatform().start(() -> {
                try {
                    a.read(ByteBuffer.allocate(1));
                    failed.complete(null);
                } catch (Throwable e) {
                    failed.complete(e);
                }
                assertTrue(Thread.currentThread().isInterrupted(), "the interrupt status is kept");
            });
            Fds.awaitWaitingOn(((FfmSocketChannel) a).librarySocket().fd(), Fds.SYS_RECVFROM);
            t.interrupt();
            assertInstanceOf(java.nio.channels.ClosedByInterruptException.class, failed.get());
            t.join();
            assertFalse(a.isOpen());
            assertTrue(b.isOpen());
        }
    }
}
