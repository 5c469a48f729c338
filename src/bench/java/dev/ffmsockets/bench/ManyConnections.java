package dev.ffmsockets.bench;

import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.testing.FileLimit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;

/**
 * W5: N connections at once, each a virtual thread doing 1-byte ping-pong; total round trips per second. The
 * server and the clients are two processes (each then needs N descriptors, not 2N), started by {@link Bench}.
 *
 * <ul>
 *   <li>{@code safe}: the safe wrapper on both sides, a virtual thread per connection (the library's poller);</li>
 *   <li>{@code java.net}: java.net.Socket on both sides, a virtual thread per connection (the JDK's poller);</li>
 *   <li>{@code nio-selector}: one java.nio Selector thread echoes every connection; the clients as for java.net.</li>
 * </ul>
 *
 * <p>usage: ManyConnections server IMPL N — prints "listening on port P", echoes until killed;
 * ManyConnections client IMPL PORT N SECONDS WARMUP — prints one JSON line.
 */
public final class ManyConnections {

    private ManyConnections() {
    }

    public static void main(String[] args) throws Exception {
        String impl = args[1];
        if (args[0].equals("server")) {
            try (FileLimit limit = new FileLimit(Integer.parseInt(args[2]) + 1024)) {
                switch (impl) {
                    case "safe" -> safeServer();
                    case "java.net" -> netServer();
                    case "nio-selector" -> selectorServer();
                    default -> throw new IllegalArgumentException(impl);
                }
            }
        } else {
            int port = Integer.parseInt(args[2]), n = Integer.parseInt(args[3]);
            try (FileLimit limit = new FileLimit(n + 1024)) {
                clients(impl, port, n, Double.parseDouble(args[4]), Double.parseDouble(args[5]));
            }
            System.exit(0);
        }
    }

    private static void listening(int port) {
        System.out.println("listening on port " + port);
        System.out.flush();
    }

    private static void safeServer() throws IOException {
        Socket server = Socket.open(Family.INET, SocketType.STREAM);
        server.bind(InetSockAddr.loopback(0));
        server.listen(4096);
        listening(((InetSockAddr) server.localAddress()).port());
        Thread.ofVirtual().start(() -> {
            try {
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
        });
        waitForever();
    }

    private static void netServer() throws IOException {
        ServerSocket server = new ServerSocket(0, 4096, InetAddress.getLoopbackAddress());
        listening(server.getLocalPort());
        Thread.ofVirtual().start(() -> {
            try {
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
        });
        waitForever();
    }

    private static void selectorServer() throws IOException {
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
    }

    private static void waitForever() {
        try {
            Thread.currentThread().join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One client connection's ping: send a byte, wait for it back. */
    interface Ping {
        void ping() throws IOException;
    }

    private static Ping connect(String impl, int port) throws IOException {
        if (impl.equals("safe")) {
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

    private static void clients(String impl, int port, int n, double seconds, double warmup) throws Exception {
        LongAdder trips = new LongAdder();
        java.util.concurrent.CountDownLatch connected = new java.util.concurrent.CountDownLatch(n);
        for (int i = 0; i < n; i++) {
            Thread.ofVirtual().start(() -> {
                try {
                    Ping p = connect(impl, port);
                    connected.countDown();
                    for (;;) {
                        p.ping();
                        trips.increment();
                    }
                } catch (IOException e) {
                    System.err.println("client: " + e);
                    connected.countDown();
                }
            });
        }
        connected.await();
        Thread.sleep((long) (warmup * 1000)); // the harness measures a window of time
        long start = System.nanoTime(), before = trips.sum();
        Thread.sleep((long) (seconds * 1000));
        long after = trips.sum(), end = System.nanoTime();
        double elapsed = (end - start) / 1e9;
        System.out.printf(Locale.ROOT, "{\"workload\":\"W5\",\"impl\":\"%s\",\"connections\":%d,\"ops\":%d,\"seconds\":%.3f,"
                + "\"rate\":%.1f}%n", impl, n, after - before, elapsed, (after - before) / elapsed);
    }
}
