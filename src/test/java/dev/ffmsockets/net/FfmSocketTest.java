package dev.ffmsockets.net;

import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.LinuxSocketOptions;
import dev.ffmsockets.PeerCredentials;
import dev.ffmsockets.UnixSockAddr;
import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.*;

/** The java.net adapters over real sockets, each behaviour checked against the JDK's own sockets where they have it. */
@ExtendWith(NoDescriptorLeaks.class)
class FfmSocketTest {

    @TempDir
    Path dir;

    /**
     * The JDK's sockets on virtual threads open descriptors of their own the first time (its pollers): made here,
     * before any test counts descriptors.
     */
    @org.junit.jupiter.api.BeforeAll
    static void startTheJdksPollers() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> done = echo(server, pool, 1);
            try (Socket c = pool.submit(() -> new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())).get()) {
                pool.submit(() -> {
                    c.getOutputStream().write(1);
                    return c.getInputStream().read();
                }).get();
            }
            done.get();
        }
    }

    /** An echo server of the JDK's on a thread: echoes each connection until end of stream. */
    private static Future<?> echo(ServerSocket server, ExecutorService pool, int connections) {
        return pool.submit(() -> {
            for (int i = 0; i < connections; i++) {
                try (Socket peer = server.accept()) {
                    peer.getInputStream().transferTo(peer.getOutputStream());
                }
            }
            return null;
        });
    }

    private static void roundTrip(Socket s, int size) throws IOException {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<byte[]> back = pool.submit(() -> s.getInputStream().readNBytes(size));
            s.getOutputStream().write(data);
            assertArrayEquals(data, back.get());
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void tcpThroughTheFactoryToAJdkServerByNameAndByAddress() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<?> done = echo(server, pool, 3);
            FfmSocketFactory f = new FfmSocketFactory();
            try (Socket s = f.createSocket("localhost", server.getLocalPort())) {
                assertInstanceOf(FfmSocket.class, s);
                assertTrue(s.isConnected() && s.isBound());
                assertEquals(server.getLocalPort(), s.getPort());
                assertEquals(server.getLocalSocketAddress(), s.getRemoteSocketAddress());
                assertTrue(s.getLocalPort() > 0);
                roundTrip(s, 1 << 20);
            }
            try (Socket s = f.createSocket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                roundTrip(s, 1000);
            }
            try (Socket s = f.createSocket()) {
                assertFalse(s.isConnected());
                s.setTcpNoDelay(true);           // before the socket exists: applied when it is made
                s.setSoTimeout(5000);
                s.connect(server.getLocalSocketAddress(), 5000);
                assertTrue(s.getTcpNoDelay());
                assertEquals(5000, s.getSoTimeout());
                roundTrip(s, 70_000);
            }
            done.get();
        }
    }

    @Test
    void unixPathnameBothWaysWithTheJdk() throws Exception {
        Path path = dir.resolve("jdk.sock");
        // our client, the JDK's AF_UNIX server
        try (ServerSocketChannel jdk = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            jdk.bind(UnixDomainSocketAddress.of(path));
            Future<?> done = pool.submit(() -> {
                try (SocketChannel peer = jdk.accept()) {
                    Channels.newInputStream(peer).transferTo(Channels.newOutputStream(peer));
                }
                return null;
            });
            try (Socket s = new FfmSocketFactory(path.toString()).createSocket("ignored.invalid", 1)) {
                assertEquals(UnixDomainSocketAddress.of(path), s.getRemoteSocketAddress());
                assertNull(s.getInetAddress());
                assertEquals(0, s.getPort());
                assertEquals(-1, s.getLocalPort());
                s.setTcpNoDelay(true);    // what drivers call blindly: accepted, no effect on AF_UNIX
                assertTrue(s.getTcpNoDelay());
                s.setTrafficClass(0x10);
                assertEquals(0x10, s.getTrafficClass());
                s.setKeepAlive(true);
                assertTrue(s.getKeepAlive());
                assertThrows(UnsupportedOperationException.class, () -> s.setOption(StandardSocketOptions.TCP_NODELAY, true));
                PeerCredentials me = s.getOption(LinuxSocketOptions.SO_PEERCRED);
                assertEquals(ProcessHandle.current().pid(), me.pid());
                roundTrip(s, 3 << 20);
            }
            done.get();
        }
        // the JDK's client, our AF_UNIX server
        Path ours = dir.resolve("ours.sock");
        try (ServerSocket server = FfmServerSocketFactory.unix(ours).createServerSocket(0);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            assertEquals(UnixDomainSocketAddress.of(ours), server.getLocalSocketAddress());
            assertEquals(-1, server.getLocalPort());
            Future<?> done = echo(server, pool, 1);
            try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(ours))) {
                byte[] data = "Hello there.".getBytes();
                Channels.newOutputStream(c).write(data);
                c.shutdownOutput();
                assertArrayEquals(data, Channels.newInputStream(c).readAllBytes());
            }
            done.get();
        }
    }

    @Test
    void abstractNamesThroughFactoriesAndConnect() throws Exception {
        String name = "ffm-net-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        try (ServerSocket server = new FfmServerSocketFactory("@" + name).createServerSocket(0);
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            NativeSocketAddress local = assertInstanceOf(NativeSocketAddress.class, server.getLocalSocketAddress());
            assertEquals(UnixSockAddr.abstractName(name), local.sockAddr());
            Future<?> done = echo(server, pool, 2);
            try (Socket s = new FfmSocketFactory("@" + name).createSocket("localhost", 5432)) {
                assertEquals(local, s.getRemoteSocketAddress());
                roundTrip(s, 100_000);
            }
            try (Socket s = new FfmSocket()) {
                s.connect(NativeSocketAddress.of(UnixSockAddr.abstractName(name)));
                roundTrip(s, 10);
            }
            done.get();
        }
    }

    @Test
    void ourTcpServerSocketServesTheJdksClient() throws Exception {
        try (ServerSocket server = new FfmServerSocketFactory().createServerSocket(0, 0, InetAddress.getLoopbackAddress());
             ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            assertTrue(server.getReuseAddress(), "SO_REUSEADDR is on by default, as java.net's");
            assertEquals(InetAddress.getLoopbackAddress(), server.getInetAddress());
            Future<?> done = echo(server, pool, 1);
            try (Socket c = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort())) {
                roundTrip(c, 1 << 20);
            }
            done.get();
            server.setSoTimeout(1);
            assertThrows(SocketTimeoutException.class, server::accept);
            assertFalse(server.isClosed(), "a timed-out accept leaves the server open, as java.net's");
        }
    }

    /**
     * The same misuse of the JDK's socket and of ours: the same exception type and message. {@code make} gives a
     * fresh socket of each kind.
     */
    private interface Scenario {
        Object run(Socket s, InetSocketAddress listening, InetSocketAddress refused) throws Exception;
    }

    private static String outcome(Scenario sc, Socket s, InetSocketAddress listening, InetSocketAddress refused) {
        try (s) {
            Object r = sc.run(s, listening, refused);
            return "returned " + r + (s.isClosed() ? " (closed)" : "");
        } catch (Exception e) {
            Class<?> c = e.getClass();
            // ours are subclasses of the JDK's types: compare the java.net type
            while (!c.getPackageName().startsWith("java.")) {
                c = c.getSuperclass();
            }
            // a failed system call's message is ours (call, address, errno); misuse messages are the JDK's
            String msg = e instanceof dev.ffmsockets.ErrnoException || e.getClass().getName().startsWith("sun.")
                    || c == SocketTimeoutException.class || c == ConnectException.class
                    || c == UnsupportedOperationException.class // ours names the socket's family and type
                    ? "(" + c.getSimpleName() + ")"
                    : e.getMessage();
            return c.getName() + ": " + msg + (s.isClosed() ? " (closed)" : "");
        }
    }

    @Test
    void misuseGivesWhatTheJdkGives() throws Exception {
        Scenario[] scenarios = {
            (s, l, r) -> { s.connect(null); return null; },
            (s, l, r) -> { s.connect(l, -1); return null; },
            (s, l, r) -> s.getInputStream(),
            (s, l, r) -> s.getOutputStream(),
            (s, l, r) -> { s.close(); s.connect(l); return null; },
            (s, l, r) -> { s.close(); return s.getInputStream(); },
            (s, l, r) -> { s.close(); s.setSoTimeout(5); return null; },
            (s, l, r) -> { s.close(); return s.getSoTimeout(); },
            (s, l, r) -> { s.connect(l); s.connect(l); return null; },
            (s, l, r) -> { s.connect(r); return null; },
            (s, l, r) -> { s.connect(InetSocketAddress.createUnresolved("no.such.host.invalid", 1)); return null; },
            (s, l, r) -> { s.connect(l); s.shutdownInput(); s.shutdownInput(); return null; },
            (s, l, r) -> { s.connect(l); s.shutdownOutput(); s.shutdownOutput(); return null; },
            (s, l, r) -> { s.connect(l); s.shutdownInput(); return s.getInputStream().read(); },
            (s, l, r) -> { s.connect(l); InputStream in = s.getInputStream(); s.shutdownInput(); return in.read(); },
            (s, l, r) -> { s.connect(l); s.shutdownInput(); return s.getInputStream(); },
            (s, l, r) -> { s.connect(l); s.shutdownOutput(); return s.getOutputStream(); },
            (s, l, r) -> { s.connect(l); InputStream in = s.getInputStream(); s.close(); return in.read(); },
            (s, l, r) -> { s.connect(l); OutputStream out = s.getOutputStream(); s.close(); out.write(1); return null; },
            (s, l, r) -> { s.setSoTimeout(-1); return null; },
            (s, l, r) -> { s.connect(l); s.setSoTimeout(20); return s.getInputStream().read(); },
            (s, l, r) -> { s.shutdownInput(); return null; },
            (s, l, r) -> { s.bind(null); s.bind(null); return null; },
            (s, l, r) -> { s.connect(l); s.getInputStream().close(); return s.isClosed(); },
            (s, l, r) -> { s.connect(l); return s.isBound() + " " + s.isConnected() + " " + s.getChannel(); },
            (s, l, r) -> s.isBound() + " " + s.isConnected() + " " + s.getRemoteSocketAddress() + " " + s.getInetAddress()
                    + " " + s.getPort() + " " + s.getLocalPort() + " " + s.getLocalSocketAddress(),
            (s, l, r) -> { s.setSoLinger(true, -1); return null; },
            (s, l, r) -> { s.setSoLinger(true, 7); return s.getSoLinger(); },
            (s, l, r) -> { s.connect(l); s.setSoLinger(false, 0); return s.getSoLinger(); },
            (s, l, r) -> { s.setTrafficClass(256); return null; },
            (s, l, r) -> { s.setReceiveBufferSize(0); return null; },
            (s, l, r) -> { s.setSendBufferSize(-5); return null; },
            (s, l, r) -> { s.connect(l); s.setSendBufferSize(4096); return s.getSendBufferSize() >= 4096; },
            (s, l, r) -> { s.connect(l); s.setKeepAlive(true); s.setReuseAddress(true); s.setOOBInline(true);
                           return s.getKeepAlive() + " " + s.getReuseAddress() + " " + s.getOOBInline(); },
            (s, l, r) -> { s.connect(l); s.setTrafficClass(0x20); return s.getTrafficClass(); },
            (s, l, r) -> { s.connect(l); return s.getOption(StandardSocketOptions.SO_LINGER); },
            (s, l, r) -> { s.connect(l); return s.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 3); },
            (s, l, r) -> { s.connect(l); s.close(); s.close(); return s.isClosed(); },
            (s, l, r) -> s.getLocalAddress() + " " + s.getLocalPort(), // unbound: the wildcard as the JDK names it
            (s, l, r) -> { s.connect(l); s.setOption(dev.ffmsockets.testing.JdkOptions.of("TCP_KEEPIDLE", Integer.class), 33);
                           return s.getOption(dev.ffmsockets.testing.JdkOptions.of("TCP_KEEPIDLE", Integer.class)); },
        };
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
             ServerSocket closedOne = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            InetSocketAddress listening = (InetSocketAddress) server.getLocalSocketAddress();
            InetSocketAddress refused = (InetSocketAddress) closedOne.getLocalSocketAddress();
            closedOne.close();
            for (int i = 0; i < scenarios.length; i++) {
                String jdk = outcome(scenarios[i], new Socket(), listening, refused);
                String ours = outcome(scenarios[i], new FfmSocket(), listening, refused);
                assertEquals(jdk, ours, "scenario " + i);
                drain(server);
            }
        }
    }

    /** What java.net says of a socket's names once it is closed: a client's, an accepted one's, a server's. */
    private static String namesAfterClose(ServerSocket ss, Socket s) throws IOException {
        ss.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        int port = ss.getLocalPort();
        s.connect(ss.getLocalSocketAddress());
        Socket p = ss.accept();
        int clientPort = s.getLocalPort();
        s.close();
        p.close();
        ss.close();
        InetSocketAddress local = (InetSocketAddress) s.getLocalSocketAddress(), remote = (InetSocketAddress) s.getRemoteSocketAddress();
        InetSocketAddress acceptedLocal = (InetSocketAddress) p.getLocalSocketAddress();
        InetSocketAddress serverLocal = (InetSocketAddress) ss.getLocalSocketAddress();
        return String.join(" ",
                "client:", s.getInetAddress().getHostAddress(), "" + (s.getPort() == port), "" + (s.getLocalPort() == clientPort),
                s.getLocalAddress().toString(), local.getAddress().toString(), "" + (local.getPort() == clientPort),
                remote.getAddress().getHostAddress(), "" + (remote.getPort() == port), "" + s.isBound(), "" + s.isConnected(),
                "accepted:", p.getInetAddress().getHostAddress(), "" + (p.getLocalPort() == port), "" + (p.getPort() == clientPort),
                acceptedLocal.getAddress().toString(), "" + (acceptedLocal.getPort() == port), "" + p.isBound(),
                "server:", ss.getInetAddress().getHostAddress(), "" + (ss.getLocalPort() == port),
                serverLocal.getAddress().getHostAddress(), "" + (serverLocal.getPort() == port), "" + ss.isBound());
    }

    /** java.net keeps reporting a closed socket's port, peer and binding: so do the adapters. */
    @Test
    void namesOutliveCloseAsJavaNetSays() throws Exception {
        String jdk = namesAfterClose(new ServerSocket(), new Socket());
        assertEquals("client: 127.0.0.1 true true 0.0.0.0/0.0.0.0 0.0.0.0/0.0.0.0 true 127.0.0.1 true true true "
                + "accepted: 127.0.0.1 true true 0.0.0.0/0.0.0.0 true true server: 127.0.0.1 true 127.0.0.1 true true", jdk);
        assertEquals(jdk, namesAfterClose(new FfmServerSocket(), new FfmSocket()));
    }

    /** Accepts and closes what the scenarios connected, so the listen queue never fills. */
    private static void drain(ServerSocket server) throws IOException {
        server.setSoTimeout(1);
        while (true) {
            try {
                server.accept().close();
            } catch (SocketTimeoutException none) {
                return;
            }
        }
    }

    @Test
    void closeFromAnotherThreadWakesABlockedRead() throws Exception {
        Path path = dir.resolve("close.sock");
        try (ServerSocket server = FfmServerSocketFactory.unix(path).createServerSocket(0);
             Socket s = FfmSocketFactory.unix(path).createSocket();
             ExecutorService pool = Executors.newCachedThreadPool()) {
            s.connect(UnixDomainSocketAddress.of(path));
            try (Socket peer = server.accept()) {
                int fd = ((FfmSocket) s).socket().fd();
                CompletableFuture<Exception> failed = CompletableFuture.supplyAsync(() -> {
                    try {
                        return new AssertionError("read returned " + s.getInputStream().read());
                    } catch (Exception e) {
                        return e;
                    }
                }, pool).thenApply(e -> e instanceof Exception x ? x : null);
                Fds.awaitBlockedIn(Fds.SYS_RECVFROM, fd);
                s.close();
                Exception e = failed.get();
                assertInstanceOf(SocketException.class, e);
                assertTrue(e.getMessage().contains("Socket closed"), e.getMessage());
                assertNotNull(peer);
            }
        }
    }

    @Test
    void aReadTimeoutLeavesTheSocketUsableAndWritesAreNotBoundByIt() throws Exception {
        Path path = dir.resolve("timeout.sock");
        // the pool first, closed last: if a check fails, the sockets close first and end the write it waits for
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor();
             ServerSocket server = FfmServerSocketFactory.unix(path).createServerSocket(0);
             Socket s = FfmSocketFactory.unix(path).createSocket("localhost", 0);
             Socket peer = server.accept()) {
            s.setSoTimeout(1);
            assertThrows(SocketTimeoutException.class, () -> s.getInputStream().read());
            peer.getOutputStream().write(42);
            assertEquals(42, s.getInputStream().read(), "still usable after a timeout");
            // 16 MiB cannot fit the socket buffers: the write waits for the reader, far longer than the 1 ms read
            // timeout, which must not cut it short
            byte[] data = new byte[16 << 20];
            new Random(7).nextBytes(data);
            CompletableFuture<Thread> writer = new CompletableFuture<>();
            Future<?> writing = pool.submit(() -> {
                writer.complete(Thread.currentThread());
                s.getOutputStream().write(data);
                return null;
            });
            // the writer waits on full buffers (in the poller: nobody reads yet); it must go on waiting, not fail,
            // for twenty read timeouts' worth and more
            int fd = ((FfmSocket) s).socket().fd();
            Thread t = writer.get();
            long giveUp = System.nanoTime() + 60_000_000_000L;
            while (!dev.ffmsockets.poller.Poller.isWaiting(t, fd)) {
                assertFalse(writing.isDone(), "the write ended before it had to wait");
                assertTrue(System.nanoTime() < giveUp, "the writer never waited in the poller");
                Thread.onSpinWait();
            }
            long parked = System.nanoTime();
            while (System.nanoTime() - parked < 20_000_000L) {
                assertFalse(writing.isDone(), "the write was cut short while it waited");
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
            }
            assertArrayEquals(data, peer.getInputStream().readNBytes(data.length));
            writing.get();
        }
    }

    @Test
    void availableSaysWhatIsQueued() throws Exception {
        Path path = dir.resolve("available.sock");
        try (ServerSocket server = FfmServerSocketFactory.unix(path).createServerSocket(0);
             Socket s = FfmSocketFactory.unix(path).createSocket("localhost", 0);
             Socket peer = server.accept()) {
            assertEquals(0, s.getInputStream().available());
            peer.getOutputStream().write(new byte[100]);
            peer.getOutputStream().flush();
            assertEquals(100, s.getInputStream().available());
            assertEquals(100, s.getInputStream().readNBytes(100).length);
            assertEquals(0, s.getInputStream().available());
        }
    }

    @Test
    void hostNamesResolveWithGetaddrinfoAndEveryAddressIsTried() throws Exception {
        // ::1 listens and 127.0.0.1 refuses, or the other way: whichever getaddrinfo gives first, the factory
        // reaches the one that listens
        for (InetAddress listen : new InetAddress[] {InetAddress.getByName("127.0.0.1"), InetAddress.getByName("::1")}) {
            try (ServerSocket server = new ServerSocket(0, 50, listen)) {
                java.util.List<InetSockAddr> all = InetSockAddr.resolve("localhost", server.getLocalPort());
                boolean reachable = all.stream().anyMatch(a -> a.address().equals(listen));
                if (!reachable) {
                    continue; // this machine's localhost has no such address
                }
                try (Socket s = new FfmSocketFactory().createSocket("localhost", server.getLocalPort());
                     Socket peer = server.accept()) {
                    assertEquals(listen, s.getInetAddress());
                    assertEquals(s.getLocalPort(), peer.getPort());
                }
            }
        }
        UnknownHostException e = assertThrows(UnknownHostException.class,
                () -> new FfmSocketFactory().createSocket("no-such-host.invalid", 80));
        assertTrue(e.getMessage().contains("no-such-host.invalid") && e.getMessage().contains("EAI_"), e.getMessage());
    }

    @Test
    void manyConnectionsSomeFailingLeaveNoDescriptor() throws Exception {
        Path path = dir.resolve("many.sock");
        FfmSocketFactory factory = FfmSocketFactory.unix(path);
        for (int i = 0; i < 50; i++) {
            assertThrows(SocketException.class, () -> factory.createSocket("localhost", 1)); // no such file
        }
        try (ServerSocket server = FfmServerSocketFactory.unix(path).createServerSocket(0)) {
            for (int i = 0; i < 200; i++) {
                try (Socket s = factory.createSocket(); Socket peer = accepting(server, s)) {
                    assertTrue(s.isConnected() && peer.isConnected());
                }
            }
        }
        Socket s = factory.createSocket();
        assertThrows(ConnectException.class, () -> s.connect(UnixDomainSocketAddress.of(path))); // ECONNREFUSED
        assertTrue(s.isClosed(), "a failed connect closes the socket, as java.net's does");
    }

    private static Socket accepting(ServerSocket server, Socket client) throws IOException {
        client.connect(server.getLocalSocketAddress());
        return server.accept();
    }

    @Test
    void wrappingASocketOfTheLibrary() throws Exception {
        try (dev.ffmsockets.Socket.Pair pair = dev.ffmsockets.Socket.pair()) {
            FfmSocket a = new FfmSocket(pair.first());
            assertTrue(a.isConnected());
            byte[] data = new byte[5000];
            Arrays.fill(data, (byte) 9);
            a.getOutputStream().write(data);
            byte[] got = new byte[5000];
            assertEquals(5000, pair.second().inputStream().readNBytes(got, 0, 5000));
            assertArrayEquals(data, got);
            a.close();
            assertFalse(pair.first().isOpen(), "the wrapper owns the socket it wraps");
        }
        try (dev.ffmsockets.Socket udp = dev.ffmsockets.Socket.open(dev.ffmsockets.Family.INET, dev.ffmsockets.SocketType.DGRAM)) {
            assertThrows(IllegalArgumentException.class, () -> new FfmSocket(udp));
        }
    }

    @Test
    void badFactoryTargetsAreRefusedClearly() {
        assertThrows(IllegalArgumentException.class, () -> new FfmSocketFactory(""));
        assertNull(new FfmSocketFactory((String) null).target(), "drivers pass null when given no argument");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new FfmSocketFactory("/" + "x".repeat(200)));
        assertTrue(e.getMessage().contains("108") || e.getMessage().contains("sun_path"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new FfmServerSocketFactory().createServerSocket(70000));
        assertThrows(IllegalArgumentException.class,
                () -> new FfmSocketFactory("/tmp/x.sock").createSocket("h", 1, InetAddress.getLoopbackAddress(), 0));
    }
}
