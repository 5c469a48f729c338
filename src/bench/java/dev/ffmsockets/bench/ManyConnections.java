package dev.ffmsockets.bench;

import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.testing.FileLimit;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;

/**
 * W5: N connections at once, each a virtual thread doing 1-byte ping-pong; total round trips per second. The
 * server and the clients are two processes (each then needs N descriptors, not 2N), started by {@link Bench}, and
 * both take commands on standard input, so that Bench can measure the implementations in interleaved windows and
 * the server's memory at N/2 and N connections.
 *
 * <ul>
 *   <li>{@code safe}: the safe wrapper on both sides, a virtual thread per connection (the library's poller);</li>
 *   <li>{@code safe-spin}: the same, with the pollers polling a few times before they park
 *       ({@code -Dffmsockets.poller.spin}, off by default);</li>
 *   <li>{@code java.net}: java.net.Socket on both sides, a virtual thread per connection (the JDK's poller);</li>
 *   <li>{@code nio-selector}: one java.nio Selector thread echoes every connection; the clients as for java.net.</li>
 * </ul>
 *
 * <p>usage: {@code ManyConnections server IMPL N} — prints "listening on port P", then answers "memory" with a JSON
 * line (its RSS, and its heap in use after a full collection); {@code ManyConnections client IMPL PORT N} — connects
 * N/2 clients and prints "connected N/2", on "more" the rest ("connected N"); then "warmup S" and "window S" run
 * every client for S seconds (the window prints a JSON line); between them the clients wait, idle.
 */
public final class ManyConnections {

    private ManyConnections() {
    }

    public static void main(String[] args) throws Exception {
        String impl = args[1];
        BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII));
        if (args[0].equals("server")) {
            try (FileLimit limit = new FileLimit(Integer.parseInt(args[2]) + 1024)) {
                switch (impl) { // the acceptors on virtual threads, as a thread-per-connection server has them
                    case "safe", "safe-spin" -> Thread.ofVirtual().start(ManyConnections::safeServer);
                    case "java.net" -> Thread.ofVirtual().start(ManyConnections::netServer);
                    case "nio-selector" -> Thread.ofPlatform().daemon().start(ManyConnections::selectorServer);
                    default -> throw new IllegalArgumentException(impl);
                }
                for (String c; (c = commands.readLine()) != null; ) {
                    if (c.equals("memory")) {
                        System.gc();
                        System.out.printf(Locale.ROOT, "{\"rss_kb\":%d,\"heap_used\":%d}%n", rssKb(),
                                ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
                    }
                }
            }
        } else {
            int port = Integer.parseInt(args[2]), n = Integer.parseInt(args[3]);
            try (FileLimit limit = new FileLimit(n + 1024)) {
                new Clients(impl, port).run(n, commands);
            }
        }
        System.exit(0);
    }

    static long rssKb() {
        try {
            for (String l : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (l.startsWith("VmRSS:")) {
                    return Long.parseLong(l.replaceAll("\\D", ""));
                }
            }
        } catch (IOException e) {
            // reported as -1
        }
        return -1;
    }

    private static void listening(int port) {
        System.out.println("listening on port " + port);
        System.out.flush();
    }

    private static void safeServer() {
        try {
            Socket server = Socket.open(Family.INET, SocketType.STREAM);
            server.bind(InetSockAddr.loopback(0));
            server.listen(4096);
            listening(((InetSockAddr) server.localAddress()).port());
            for (;;) {
                Socket peer = server.accept();
                Thread.ofVirtual().start(() -> {
                    byte[] b = new byte[1];
                    try (peer) {
                        while (peer.recv(b) > 0) {
                            peer.sendAll(b);
                        }
                    } catch (IOException gone) {
                        // the client went away
                    }
                });
            }
        } catch (IOException e) {
            e.printStackTrace();
        }
    }

    private static void netServer() {
        try {
            ServerSocket server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
            listening(server.getLocalPort());
            for (;;) {
                java.net.Socket peer = server.accept();
                Thread.ofVirtual().start(() -> {
                    byte[] b = new byte[1];
                    try (peer) {
                        InputStream in = peer.getInputStream();
                        OutputStream out = peer.getOutputStream();
                        while (in.read(b) > 0) {
                            out.write(b);
                        }
                    } catch (IOException gone) {
                        // the client went away
                    }
                });
            }
        } catch (IOException e) {
            e.printStackTrace();
        }
    }

    private static void selectorServer() {
        try {
            ServerSocketChannel server = ServerSocketChannel.open();
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4096);
            server.configureBlocking(false);
            Selector selector = Selector.open();
            server.register(selector, SelectionKey.OP_ACCEPT);
            listening(((InetSocketAddress) server.getLocalAddress()).getPort());
            ByteBuffer buf = ByteBuffer.allocateDirect(64);
            for (;;) {
                selector.select();
                for (SelectionKey key : selector.selectedKeys()) {
                    if (key.isAcceptable()) {
                        SocketChannel c;
                        while ((c = server.accept()) != null) {
                            c.configureBlocking(false);
                            c.register(selector, SelectionKey.OP_READ);
                        }
                    } else if (key.isReadable()) {
                        SocketChannel c = (SocketChannel) key.channel();
                        buf.clear();
                        int n;
                        try {
                            n = c.read(buf);
                        } catch (IOException gone) {
                            n = -1;
                        }
                        if (n < 0) {
                            key.cancel();
                            c.close();
                        } else if (n > 0) {
                            c.write(buf.flip()); // 1-byte messages: the send buffer always has room
                        }
                    }
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            e.printStackTrace();
        }
    }

    /** One client connection's ping: send a byte, wait for it back. */
    interface Ping {
        void ping() throws IOException;
    }

    /** The clients: virtual threads that ping while the gate is open and wait, parked, while it is shut. */
    private static final class Clients {
        private final String impl;
        private final int port;
        private final LongAdder trips = new LongAdder();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean open;

        Clients(String impl, int port) {
            this.impl = impl;
            this.port = port;
        }

        void run(int n, BufferedReader commands) throws Exception {
            open(n / 2);
            System.out.println("connected " + threads.size());
            for (String c; (c = commands.readLine()) != null; ) {
                if (c.equals("more")) {
                    open(n - n / 2);
                    System.out.println("connected " + threads.size());
                } else if (c.startsWith("warmup ")) {
                    run(Double.parseDouble(c.substring(7)));
                    System.out.println("warm");
                } else if (c.startsWith("window ")) {
                    long start = System.nanoTime(), before = trips.sum();
                    run(Double.parseDouble(c.substring(7)));
                    long after = trips.sum();
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    System.out.printf(Locale.ROOT, "{\"workload\":\"W5\",\"impl\":\"%s\",\"connections\":%d,\"ops\":%d,"
                            + "\"seconds\":%.3f,\"rate\":%.1f}%n", impl, threads.size(), after - before, elapsed,
                            (after - before) / elapsed);
                } else {
                    break;
                }
            }
        }

        /** Opens the gate for {@code seconds}: every client pings meanwhile. */
        private void run(double seconds) throws InterruptedException {
            open = true;
            threads.forEach(LockSupport::unpark);
            Thread.sleep((long) (seconds * 1000)); // the window is a length of time
            open = false;
        }

        private void open(int count) throws InterruptedException {
            CountDownLatch connected = new CountDownLatch(count);
            for (int i = 0; i < count; i++) {
                threads.add(Thread.ofVirtual().start(() -> {
                    Ping p;
                    try {
                        p = ManyConnections.connect(impl, port);
                    } catch (IOException e) {
                        System.err.println("client: " + e);
                        return;
                    } finally {
                        connected.countDown();
                    }
                    try {
                        for (;;) {
                            while (!open) {
                                LockSupport.park();
                            }
                            p.ping();
                            trips.increment();
                        }
                    } catch (IOException e) {
                        System.err.println("client: " + e);
                    }
                }));
            }
            connected.await();
        }
    }

    private static Ping connect(String impl, int port) throws IOException {
        if (impl.startsWith("safe")) {
            Socket s = Socket.open(Family.INET, SocketType.STREAM);
            s.connect(InetSockAddr.loopback(port));
            byte[] b = new byte[1];
            return () -> {
                s.sendAll(b);
                if (s.recv(b) != 1) {
                    throw new IOException("end of stream");
                }
            };
        }
        java.net.Socket s = new java.net.Socket(InetAddress.getLoopbackAddress(), port);
        s.setTcpNoDelay(true);
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] b = new byte[1];
        return () -> {
            out.write(b);
            if (in.read(b) != 1) {
                throw new IOException("end of stream");
            }
        };
    }
}
