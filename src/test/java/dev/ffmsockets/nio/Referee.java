package dev.ffmsockets.nio;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The JDK's own provider as the referee: a scenario runs on the JDK's channels and selector and on this package's,
 * and must give the same result or the same exception (type and, for misuse, message).
 */
final class Referee {

    static final SelectorProvider JDK = SelectorProvider.provider(), OURS = FfmSelectorProvider.provider();

    private static final AtomicInteger UNIQUE = new AtomicInteger();

    private Referee() {
    }

    /**
     * Blocking I/O on virtual threads opens descriptors of its own once, the JDK's pollers and the library's: made
     * before a test that counts descriptors.
     */
    static void startThePollers() throws Exception {
        for (SelectorProvider p : List.of(JDK, OURS)) {
            try (ServerSocketChannel s = p.openServerSocketChannel().bind(loopback());
                 ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                var accepted = pool.submit(() -> {
                    try (SocketChannel a = s.accept()) {
                        return a.read(ByteBuffer.allocate(1));
                    }
                });
                try (SocketChannel c = pool.submit(() -> {
                    SocketChannel o = p.openSocketChannel();
                    o.connect(s.getLocalAddress());
                    return o;
                }).get()) {
                    c.write(ByteBuffer.wrap(new byte[] {1}));
                    accepted.get();
                }
            }
        }
    }

    /** A scenario: what it returns (or throws) is compared, provider against provider. */
    interface Scenario {
        Object run(SelectorProvider p, Path dir) throws Exception;
    }

    /** A scenario with its name, for the report. */
    record Named(String name, Scenario scenario) {
    }

    /** What a scenario gave: {@code returned ...}, or the exception's first {@code java.*} class and its message. */
    static String outcome(Scenario s, SelectorProvider p, Path dir) {
        try {
            return "returned " + s.run(p, dir);
        } catch (Exception e) {
            return thrown(e);
        }
    }

    /**
     * An exception as both providers are compared on it: its first class of {@code java.*}, and its message unless
     * it is the failure of a system call (whose message is the library's: call, address, errno).
     */
    static String thrown(Throwable e) {
        Class<?> c = e.getClass();
        while (!c.getPackageName().startsWith("java.")) {
            c = c.getSuperclass();
        }
        boolean ours = e instanceof dev.ffmsockets.ErrnoException || e instanceof java.net.SocketException;
        return c.getName() + (ours ? "" : ": " + e.getMessage());
    }

    /** Runs every scenario on both providers; fails listing each that differs. */
    static void assertSameOnBoth(List<Named> scenarios, Path dir) {
        List<String> differ = new ArrayList<>();
        for (Named n : scenarios) {
            String jdk = outcome(n.scenario(), JDK, dir);
            String ours = outcome(n.scenario(), OURS, dir);
            if (Boolean.getBoolean("referee.print")) { // -Dreferee.print=true shows what each gave
                System.out.println(n.name() + "\n  JDK:  " + jdk.replace("\n", "\n        ") + "\n  ours: "
                        + ours.replace("\n", "\n        "));
            }
            if (!jdk.equals(ours)) {
                differ.add(n.name() + ": JDK " + jdk + " | ours " + ours);
            }
        }
        assertEquals(List.of(), differ, String.join("\n", differ));
    }

    static InetSocketAddress loopback() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
    }

    /** A unique path in {@code dir} for an AF_UNIX socket. */
    static UnixDomainSocketAddress unixAt(Path dir, String prefix) {
        return UnixDomainSocketAddress.of(dir.resolve(prefix + UNIQUE.incrementAndGet()));
    }

    /** A connected pair over TCP loopback (or AF_UNIX when {@code unix}): the client, then the accepted. */
    static SocketChannel[] pair(SelectorProvider p, Path dir, boolean unix) throws Exception {
        SocketAddress at = unix ? unixAt(dir, "s") : loopback();
        try (ServerSocketChannel server = unix ? p.openServerSocketChannel(StandardProtocolFamily.UNIX) : p.openServerSocketChannel()) {
            server.bind(at);
            SocketChannel c = unix ? p.openSocketChannel(StandardProtocolFamily.UNIX) : p.openSocketChannel();
            c.connect(server.getLocalAddress());
            return new SocketChannel[] {c, server.accept()};
        }
    }

    /** The bytes between position 0 and the buffer's position, as ASCII. */
    static String text(ByteBuffer b) {
        b.flip();
        return StandardCharsets.US_ASCII.decode(b).toString();
    }
}
