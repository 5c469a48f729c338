package dev.ffmsockets.nio;

import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Gathering writes and scattering reads of the channels, with the JDK's channels as the referee: one system call
 * for many buffers, every byte in order across buffers of every kind and size, positions where the bytes end, one
 * datagram spread over several buffers and gathered from several.
 */
@ExtendWith(NoDescriptorLeaks.class)
class GatherScatterTest {

    private static final SelectorProvider JDK = SelectorProvider.provider(), OURS = FfmSelectorProvider.provider();

    @TempDir
    Path dir;

    private int unique;

    /** A connected stream pair (AF_UNIX or TCP loopback) of provider {@code p}: the client, then the accepted. */
    private SocketChannel[] pair(SelectorProvider p, boolean unix) throws Exception {
        SocketAddress at = unix ? UnixDomainSocketAddress.of(dir.resolve("gs" + ++unique))
                : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (ServerSocketChannel server = unix ? p.openServerSocketChannel(StandardProtocolFamily.UNIX) : p.openServerSocketChannel()) {
            server.bind(at);
            SocketChannel c = unix ? p.openSocketChannel(StandardProtocolFamily.UNIX) : p.openSocketChannel();
            c.connect(server.getLocalAddress());
            return new SocketChannel[] {c, server.accept()};
        }
    }

    /**
     * Buffers of sizes drawn from {@code seed}: heap and direct, empty ones among them, some far larger than
     * 64 KiB, each filled with bytes of the same seed.
     */
    private static ByteBuffer[] buffers(long seed, int count, boolean fill) {
        Random r = new Random(seed);
        ByteBuffer[] b = new ByteBuffer[count];
        for (int i = 0; i < count; i++) {
            int kind = r.nextInt(10);
            int size = kind == 0 ? 0 : kind == 1 ? 65536 + r.nextInt(200_000) : r.nextInt(3000);
            b[i] = r.nextBoolean() ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
            if (fill) {
                byte[] bytes = new byte[size];
                r.nextBytes(bytes);
                b[i].put(bytes).flip();
            }
        }
        return b;
    }

    private static String digest(ByteBuffer[] bufs, int from, int to) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int i = from; i < to; i++) {
            md.update(bufs[i].duplicate().flip());
        }
        return HexFormat.of().formatHex(md.digest()).substring(0, 16);
    }

    /**
     * Blocking gathering writes of more buffers than one call takes (1,500, about 26 MiB) against a reader that
     * scatters into buffers of other sizes: the same bytes arrive, the write returns them all, every source
     * position is at its limit. Returned as text, to be the JDK's.
     */
    private String streamThrough(SelectorProvider p, boolean unix, long seed) throws Exception {
        SocketChannel[] c = pair(p, unix);
        try (SocketChannel a = c[0]; SocketChannel b = c[1]; ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            ByteBuffer[] out = buffers(seed, 1500, true);
            long total = 0;
            for (ByteBuffer x : out) {
                total += x.remaining();
            }
            String sent = digest(outAsWritten(out), 0, out.length);
            Future<Long> writing = pool.submit(() -> {
                // the JDK's blocking gathering write on a virtual thread may return after one writev: write on
                // until every buffer is empty (ours writes all in one call, see the test below)
                long w = 0;
                for (int from = 0; from < out.length; ) {
                    w += a.write(out, from, Math.min(700, out.length - from));
                    while (from < out.length && !out[from].hasRemaining()) {
                        from++;
                    }
                }
                a.shutdownOutput();
                return w;
            });
            ByteBuffer[] in = buffers(seed + 1, 1200, false);
            List<ByteBuffer> got = new ArrayList<>();
            long read = 0;
            int first = 0;
            while (true) {
                long n = b.read(in, first, in.length - first);
                if (n < 0) {
                    break;
                }
                read += n;
                while (first < in.length && !in[first].hasRemaining()) {
                    first++;
                }
                if (first == in.length) { // all full: keep their bytes, start over with fresh ones of the same sizes
                    for (ByteBuffer x : in) {
                        got.add(copy(x));
                        x.clear();
                    }
                    first = 0;
                }
            }
            for (ByteBuffer x : in) {
                got.add(copy(x));
            }
            long written = writing.get();
            boolean drained = true;
            for (ByteBuffer x : out) {
                drained &= !x.hasRemaining();
            }
            return "wrote " + written + " of " + total + ", read " + read + ", positions at limits " + drained
                    + ", same bytes " + sent.equals(digest(got.toArray(ByteBuffer[]::new), 0, got.size()));
        }
    }

    /** The bytes a buffer holds between 0 and its position, as a buffer positioned at their end. */
    private static ByteBuffer copy(ByteBuffer x) {
        ByteBuffer c = ByteBuffer.allocate(x.position());
        c.put(x.duplicate().flip());
        return c;
    }

    /** The sources as they will look once written: every byte up to the limit behind the position. */
    private static ByteBuffer[] outAsWritten(ByteBuffer[] out) {
        ByteBuffer[] w = new ByteBuffer[out.length];
        for (int i = 0; i < out.length; i++) {
            w[i] = out[i].duplicate().position(out[i].limit());
        }
        return w;
    }

    @BeforeAll
    static void startTheJdksPollers() throws Exception {
        Referee.startThePollers();
    }

    @Test
    void manyBuffersOfEveryKindGoThroughWholeAndInOrderAsWithTheJdk() throws Exception {
        for (boolean unix : new boolean[] {true, false}) {
            for (long seed = 1; seed <= dev.ffmsockets.testing.Emulation.scaled(2); seed++) {
                String jdk = streamThrough(JDK, unix, seed), ours = streamThrough(OURS, unix, seed);
                assertTrue(jdk.endsWith("positions at limits true, same bytes true"), jdk);
                assertEquals(jdk, ours, (unix ? "AF_UNIX" : "TCP") + ", seed " + seed);
            }
        }
    }

    /**
     * A blocking gathering write returns when every byte is written, as {@code GatheringByteChannel} specifies: one
     * call for more bytes than the socket buffers hold, a reader on the other side.
     */
    @Test
    void aBlockingGatheringWriteWritesEverything() throws Exception {
        SocketChannel[] c = pair(OURS, false);
        try (SocketChannel a = c[0]; SocketChannel b = c[1]; ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            ByteBuffer[] out = buffers(5, 100, true);
            long total = 0;
            for (ByteBuffer x : out) {
                total += x.remaining();
            }
            Future<Long> reading = pool.submit(() -> {
                long n = 0;
                ByteBuffer in = ByteBuffer.allocate(1 << 16);
                for (long k; (k = b.read(in.clear())) >= 0; ) {
                    n += k;
                }
                return n;
            });
            assertEquals(total, a.write(out));
            a.shutdownOutput();
            assertEquals(total, reading.get());
            for (ByteBuffer x : out) {
                assertEquals(0, x.remaining());
            }
        }
    }

    /**
     * In non-blocking mode a gathering write into full socket buffers makes one call and says what it took: the
     * positions moved by exactly what it returned, in order (a buffer partly sent only when all before it went).
     */
    @Test
    void aNonBlockingGatheringWriteMovesThePositionsByWhatItReturns() throws Exception {
        SocketChannel[] c = pair(OURS, true);
        try (SocketChannel a = c[0]; SocketChannel b = c[1]) {
            a.configureBlocking(false);
            ByteBuffer[] out = buffers(9, 200, true);
            long before = 0;
            for (ByteBuffer x : out) {
                before += x.remaining();
            }
            long total = 0, n;
            int calls = 0;
            do {
                n = a.write(out);
                total += n;
                calls++;
                long left = 0;
                boolean seenPartial = false, ordered = true;
                for (ByteBuffer x : out) {
                    left += x.remaining();
                    if (seenPartial && x.position() > 0) {
                        ordered = false;
                    }
                    seenPartial |= x.hasRemaining();
                }
                assertEquals(before - total, left, "after call " + calls);
                assertTrue(ordered, "bytes went from a later buffer while an earlier one had some left");
            } while (n > 0);
            assertTrue(total > 0 && total < before, "the socket buffers filled before all of it went: " + total + " of " + before);
            assertTrue(calls > 1, "calls until one took nothing: " + calls);
        }
    }

    /**
     * What {@link #oneCallEach} traces: an AF_UNIX pair of this package's channels at the path given, a gathering
     * write of a heap, a direct and a heap buffer, a scattering read into two.
     */
    public static final class GatherOnce {
        public static void main(String[] args) throws Exception {
            SocketAddress at = UnixDomainSocketAddress.of(args[0]);
            try (ServerSocketChannel server = OURS.openServerSocketChannel(StandardProtocolFamily.UNIX).bind(at);
                 SocketChannel a = OURS.openSocketChannel(StandardProtocolFamily.UNIX)) {
                a.connect(at);
                try (SocketChannel b = server.accept()) {
                    long n = a.write(new ByteBuffer[] {ascii("Hello"), direct(" there"), ascii(".")});
                    ByteBuffer x = ByteBuffer.allocate(4), y = ByteBuffer.allocateDirect(8);
                    long m = b.read(new ByteBuffer[] {x, y});
                    System.out.println("wrote " + n + " read " + m + " " + texts(new ByteBuffer[] {x, y}));
                }
            }
        }
    }

    /**
     * Traced with strace: a gathering write is one {@code sendmsg} carrying the three buffers, and a scattering
     * read one {@code recvmsg} into two, not a call per buffer.
     */
    @Test
    void oneCallEach() throws Exception {
        dev.ffmsockets.testing.Emulation.nativeOnly(dev.ffmsockets.testing.Emulation.Difference.STRACE);
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process p = new ProcessBuilder("strace", "-f", "-qq", "-e", "trace=sendmsg,sendto,write,writev,recvmsg,recvfrom,read,readv",
                javaBin, "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                GatherOnce.class.getName(), dir.resolve("once.sock").toString()).redirectErrorStream(true).start();
        String out;
        try (var in = p.getInputStream(); var stdin = p.getOutputStream(); var err = p.getErrorStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertEquals(0, p.waitFor(), "strace is needed (scripts/test installs it)\n" + out);
        assertTrue(out.contains("wrote 12 read 12 [Hell|o there.]"), out);
        List<String> sends = out.lines().filter(l -> l.contains("\"Hello\"") || l.contains("\" there\"")).toList();
        assertEquals(1, sends.size(), "one call sends the three buffers:\n" + String.join("\n", sends));
        assertTrue(sends.getFirst().contains("sendmsg(") && sends.getFirst().contains("msg_iovlen=3")
                && sends.getFirst().endsWith("= 12"), sends.getFirst());
        List<String> receives = out.lines().filter(l -> l.contains("\"Hell\"")).toList();
        assertEquals(1, receives.size(), "one call receives into the two buffers:\n" + String.join("\n", receives));
        assertTrue(receives.getFirst().contains("recvmsg(") && receives.getFirst().contains("msg_iovlen=2")
                && receives.getFirst().endsWith("= 12"), receives.getFirst());
    }

    /**
     * One datagram gathered from three buffers, scattered into three of other sizes, then one larger than all the
     * room: cut, and the next read gets the next datagram. Returned as text, to be the JDK's.
     */
    private static String datagrams(SelectorProvider p) throws Exception {
        try (DatagramChannel a = p.openDatagramChannel(); DatagramChannel b = p.openDatagramChannel()) {
            a.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            b.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            a.connect(b.getLocalAddress());
            b.connect(a.getLocalAddress());
            StringBuilder log = new StringBuilder();
            ByteBuffer[] out = {ascii("Hello"), ByteBuffer.allocateDirect(0), ascii(" there"), direct(".")};
            log.append("wrote ").append(a.write(out)).append(' ');
            log.append("left ").append(out[0].remaining() + out[2].remaining() + out[3].remaining()).append(' ');
            ByteBuffer[] in = {ByteBuffer.allocate(4), ByteBuffer.allocateDirect(0), ByteBuffer.allocateDirect(5),
                    ByteBuffer.allocate(20)};
            log.append("read ").append(b.read(in)).append(' ').append(texts(in));
            a.write(new ByteBuffer[] {ascii("0123456789"), direct("abcdefghij")});
            a.write(new ByteBuffer[] {ascii("next")});
            ByteBuffer[] small = {ByteBuffer.allocate(3), ByteBuffer.allocateDirect(4)};
            log.append(" | read ").append(b.read(small)).append(' ').append(texts(small));
            ByteBuffer[] next = {ByteBuffer.allocateDirect(2), ByteBuffer.allocate(8)};
            log.append(" | read ").append(b.read(next)).append(' ').append(texts(next));
            return log.toString();
        }
    }

    @Test
    void aDatagramIsGatheredAndScatteredWholeAsWithTheJdk() throws Exception {
        String jdk = datagrams(JDK);
        assertEquals("wrote 12 left 0 read 12 [Hell||o the|re.] | read 7 [012|3456] | read 4 [ne|xt]", jdk);
        assertEquals(jdk, datagrams(OURS));
    }

    private static ByteBuffer ascii(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static ByteBuffer direct(String s) {
        ByteBuffer b = ByteBuffer.allocateDirect(s.length());
        return b.put(s.getBytes(StandardCharsets.US_ASCII)).flip();
    }

    private static String texts(ByteBuffer[] bufs) {
        List<String> t = new ArrayList<>();
        for (ByteBuffer x : bufs) {
            t.add(StandardCharsets.US_ASCII.decode(x.duplicate().flip()).toString());
        }
        return "[" + String.join("|", t) + "]";
    }
}
