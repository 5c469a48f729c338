package dev.ffmsockets.nio;

import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static dev.ffmsockets.nio.Referee.JDK;
import static dev.ffmsockets.nio.Referee.OURS;
import static dev.ffmsockets.nio.Referee.loopback;
import static dev.ffmsockets.nio.Referee.pair;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Threads on one channel, against the JDK's: two writers never interleave their bytes, a blocking-mode change waits
 * for the write in progress, a close wakes a reader with {@link AsynchronousCloseException}, and a non-blocking
 * connect racing a close never leaves a connection reported on a closed channel. The same for the {@code java.net}
 * adapter's streams, against {@code java.net.Socket}. Every scenario gives a result that does not depend on timing.
 */
class ConcurrencyAgainstTheJdkTest extends AgainstTheJdk {

    private static final int CHUNK = 256 * 1024, WRITES = 16;

    /** A write's bytes: {@code CHUNK} of one value, so that an interleaving shows as a run of another length. */
    private static byte[] chunk(int writer) {
        byte[] b = new byte[CHUNK];
        Arrays.fill(b, (byte) ('A' + writer));
        return b;
    }

    /**
     * Reads every byte from {@code in} and says whether it is made of whole writes: runs of one value whose lengths
     * are multiples of {@code CHUNK} (two writes of one writer may follow each other).
     */
    private static String wholeWrites(InputStream in, int total) throws Exception {
        byte[] all = in.readNBytes(total);
        int runs = 0, broken = 0;
        for (int i = 0; i < all.length; ) {
            int j = i;
            while (j < all.length && all[j] == all[i]) {
                j++;
            }
            runs++;
            if ((j - i) % CHUNK != 0) {
                broken++;
            }
            i = j;
        }
        return "bytes " + all.length + ", runs broken " + broken + (runs > 0 ? "" : " (none)");
    }

    @Test
    void twoWritersNeverInterleaveTheirBytes() throws Exception {
        for (SelectorProvider p : List.of(JDK, OURS)) {
            SocketChannel[] c = pair(p, dir, false);
            try (SocketChannel a = c[0]; SocketChannel b = c[1]; ExecutorService pool = Executors.newFixedThreadPool(3)) {
                a.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024); // each write waits for room, again and again
                b.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
                List<Future<?>> writers = new ArrayList<>();
                for (int w = 0; w < 2; w++) {
                    byte[] bytes = chunk(w);
                    writers.add(pool.submit(() -> {
                        for (int i = 0; i < WRITES; i++) {
                            a.write(ByteBuffer.wrap(bytes));
                        }
                        return null;
                    }));
                }
                Future<String> read = pool.submit(() -> wholeWrites(java.nio.channels.Channels.newInputStream(b), 2 * WRITES * CHUNK));
                for (Future<?> f : writers) {
                    f.get();
                }
                assertEquals("bytes " + 2 * WRITES * CHUNK + ", runs broken 0", read.get(), p.toString());
            }
        }
    }

    @Test
    void twoWritersOfTheAdaptersStreamNeverInterleave() throws Exception {
        for (boolean ours : new boolean[] {false, true}) {
            try (ServerSocket server = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
                 java.net.Socket a = ours ? new dev.ffmsockets.net.FfmSocket() : new java.net.Socket();
                 ExecutorService pool = Executors.newFixedThreadPool(3)) {
                a.setSendBufferSize(16 * 1024);
                a.connect(server.getLocalSocketAddress());
                try (java.net.Socket b = server.accept()) {
                    b.setReceiveBufferSize(16 * 1024);
                    OutputStream out = a.getOutputStream();
                    List<Future<?>> writers = new ArrayList<>();
                    for (int w = 0; w < 2; w++) {
                        byte[] bytes = chunk(w);
                        writers.add(pool.submit(() -> {
                            for (int i = 0; i < WRITES; i++) {
                                out.write(bytes);
                            }
                            return null;
                        }));
                    }
                    Future<String> read = pool.submit(() -> wholeWrites(b.getInputStream(), 2 * WRITES * CHUNK));
                    for (Future<?> f : writers) {
                        f.get();
                    }
                    assertEquals("bytes " + 2 * WRITES * CHUNK + ", runs broken 0", read.get(), ours ? "FfmSocket" : "java.net");
                }
            }
        }
    }

    /**
     * {@code configureBlocking(false)} while a blocking write is under way waits for it: the write returns every byte,
     * and the mode changes after it. The write is known to be under way once the peer has some of its bytes, and
     * cannot end before the peer reads, since the buffers are small.
     */
    @Test
    void aBlockingModeChangeWaitsForTheWriteInProgress() throws Exception {
        for (SelectorProvider p : List.of(JDK, OURS)) {
            SocketChannel[] c = pair(p, dir, false);
            try (SocketChannel a = c[0]; SocketChannel b = c[1]; ExecutorService pool = Executors.newFixedThreadPool(2);
                 Selector sel = p.openSelector()) {
                a.setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
                b.setOption(StandardSocketOptions.SO_RCVBUF, 16 * 1024);
                int total = 4 * 1024 * 1024;
                CompletableFuture<Integer> written = new CompletableFuture<>();
                pool.submit(() -> {
                    try {
                        written.complete(a.write(ByteBuffer.allocate(total)));
                    } catch (Exception e) {
                        written.completeExceptionally(e);
                    }
                });
                b.configureBlocking(false).register(sel, SelectionKey.OP_READ);
                sel.select(10_000); // the write has begun
                Future<Boolean> change = pool.submit(() -> {
                    a.configureBlocking(false);
                    return true;
                });
                ByteBuffer in = ByteBuffer.allocate(64 * 1024);
                long got = 0;
                while (got < total) {
                    sel.select(10_000);
                    sel.selectedKeys().clear();
                    int n = b.read(in.clear());
                    got += Math.max(n, 0);
                }
                assertEquals("written " + total + ", read " + total + ", changed true, non-blocking true",
                        "written " + written.get() + ", read " + got + ", changed " + change.get() + ", non-blocking "
                                + !a.isBlocking(), p.toString());
            }
        }
    }

    /** A close wakes a reader parked in a read with {@link AsynchronousCloseException}. */
    @Test
    void aCloseWakesAParkedReader() throws Exception {
        for (SelectorProvider p : List.of(JDK, OURS)) {
            SocketChannel[] c = pair(p, dir, false);
            try (SocketChannel a = c[0]; SocketChannel b = c[1]) {
                CompletableFuture<String> outcome = new CompletableFuture<>();
                Thread reader = Thread.ofVirtual().start(() -> {
                    try {
                        outcome.complete("read " + a.read(ByteBuffer.allocate(4)));
                    } catch (Exception e) {
                        outcome.complete(e.getClass().getName());
                    }
                });
                SocketViewAgainstTheJdkTest.awaitParked(reader);
                a.close();
                assertEquals(AsynchronousCloseException.class.getName() + " peer open true",
                        outcome.get() + " peer open " + b.isOpen(), p.toString());
            }
        }
    }

    /**
     * A non-blocking connect racing a close: whatever {@code finishConnect} said, once the close has returned the
     * channel is neither connected nor connecting, and a later {@code finishConnect} says it is closed.
     */
    @Test
    void aConnectRacingACloseNeverReportsAConnectionOnAClosedChannel() throws Exception {
        for (SelectorProvider p : List.of(JDK, OURS)) {
            List<String> wrong = new ArrayList<>();
            try (ServerSocketChannel server = p.openServerSocketChannel().bind(loopback(), 1000);
                 ExecutorService pool = Executors.newFixedThreadPool(2)) {
                server.configureBlocking(false);
                for (int i = 0; i < 200; i++) {
                    SocketChannel c = p.openSocketChannel();
                    c.configureBlocking(false);
                    c.connect(server.getLocalAddress());
                    java.util.concurrent.CountDownLatch go = new java.util.concurrent.CountDownLatch(1);
                    Future<String> finishing = pool.submit(() -> {
                        go.await();
                        try {
                            c.finishConnect();
                        } catch (Exception e) {
                            // closed first
                        }
                        return "fine";
                    });
                    Future<?> closing = pool.submit(() -> {
                        go.await();
                        c.close();
                        return null;
                    });
                    go.countDown();
                    String f = finishing.get();
                    closing.get();
                    String after;
                    try {
                        after = "finishConnect " + c.finishConnect();
                    } catch (java.nio.channels.ClosedChannelException e) {
                        after = "closed";
                    }
                    if (!f.equals("fine") || c.isConnected() || c.isConnectionPending() || !after.equals("closed")) {
                        wrong.add(f + " connected=" + c.isConnected() + " pending=" + c.isConnectionPending() + " " + after);
                    }
                    SocketChannel accepted;
                    while ((accepted = server.accept()) != null) {
                        accepted.close();
                    }
                }
            }
            assertEquals(List.of(), wrong, p.toString());
        }
    }
}
