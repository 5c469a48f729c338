package dev.ffmsockets;

import dev.ffmsockets.testing.Background;
import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** transferFrom (splice through a pipe) and sendFile (sendfile): bytes that never pass through Java. */
@ExtendWith(NoDescriptorLeaks.class)
class TransferTest {

    @TempDir
    Path dir;

    /** Two connected stream sockets: over TCP on loopback, or a Unix pair. */
    private static Socket.Pair connected(boolean tcp) throws Exception {
        if (!tcp) {
            return Socket.pair();
        }
        try (Socket server = Socket.open(Family.INET, SocketType.STREAM)) {
            server.bind(InetSockAddr.loopback(0));
            server.listen(1);
            Socket client = Socket.open(Family.INET, SocketType.STREAM);
            client.connect(server.localAddress());
            return new Socket.Pair(client, server.accept());
        }
    }

    /** Everything {@code s} receives until end of stream, read on a thread of its own. */
    private static CompletableFuture<byte[]> drain(Socket s) {
        return CompletableFuture.supplyAsync(() -> {
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            try {
                for (int n; (n = s.recv(buf)) > 0; ) {
                    all.write(buf, 0, n);
                }
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
            return all.toByteArray();
        }, r -> Thread.ofPlatform().daemon().start(r));
    }

    @ParameterizedTest(name = "tcp={0} virtual={1}")
    @CsvSource({"true, false", "false, false", "true, true", "false, true"})
    void aRelayMovesEveryByteUntilEndOfStream(boolean tcp, boolean virtual) throws Exception {
        byte[] data = new byte[5 << 20];
        new Random(3).nextBytes(data);
        try (Socket.Pair in = connected(tcp); Socket.Pair out = connected(tcp)) {
            CompletableFuture<byte[]> received = drain(out.second());
            Background writer = Background.start(false, () -> {
                in.first().sendAll(data);
                in.first().shutdownOutput();
            });
            long[] moved = new long[1];
            Background relay = Background.start(virtual, () -> moved[0] = out.first().transferFrom(in.second(), Long.MAX_VALUE));
            assertNull(relay.outcome().get());
            assertNull(writer.outcome().get());
            assertEquals(data.length, moved[0]);
            out.first().shutdownOutput();
            assertArrayEquals(data, received.get());
            assertEquals(0, out.first().transferFrom(in.second(), 100), "at end of stream");
        }
    }

    @Test
    void aCountStopsTheRelayAndTheRestStaysQueued() throws Exception {
        try (Socket.Pair in = connected(true); Socket.Pair out = Socket.pair()) {
            byte[] data = new byte[5000];
            new Random(5).nextBytes(data);
            in.first().sendAll(data);
            long moved = 0;
            while (moved < 1000) {
                moved += out.first().transferFrom(in.second(), 1000 - moved);
            }
            assertEquals(1000, moved);
            byte[] first = new byte[1000];
            assertEquals(1000, out.second().recv(first, 0, 1000, MsgFlag.WAITALL));
            assertArrayEquals(Arrays.copyOf(data, 1000), first);
            byte[] rest = new byte[4000];
            assertEquals(4000, in.second().recv(rest, 0, 4000, MsgFlag.WAITALL));
            assertArrayEquals(Arrays.copyOfRange(data, 1000, 5000), rest);
        }
    }

    @Test
    void theSourcesTimeoutEndsAWaitAndSaysWhatWasMoved() throws Exception {
        try (Socket.Pair in = Socket.pair(); Socket.Pair out = Socket.pair()) {
            in.first().sendAll(new byte[300]);
            in.second().setTimeout(Duration.ofMillis(50));
            SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                    () -> out.first().transferFrom(in.second(), 1000));
            assertTrue(e.getMessage().contains("300 of 1000"), e.getMessage());
            assertEquals(300, out.second().recv(new byte[1000], 0, 300, MsgFlag.WAITALL));
        }
    }

    @ParameterizedTest(name = "close source={0}, virtual={1}")
    @CsvSource({"true, false", "false, false", "true, true", "false, true"})
    void closingEitherSocketEndsAWaitingRelay(boolean closeSource, boolean virtual) throws Exception {
        try (Socket.Pair in = Socket.pair(); Socket.Pair out = Socket.pair()) {
            int srcFd = in.second().fd();
            Background relay = Background.start(virtual, () -> out.first().transferFrom(in.second(), Long.MAX_VALUE));
            if (virtual) {
                while (relay.thread().getState() != Thread.State.WAITING) {
                    Thread.onSpinWait();
                }
            } else {
                Fds.awaitWaitingOn(srcFd, Fds.SYS_SPLICE); // in splice(2) on the source, or in poll for it
            }
            (closeSource ? in.second() : out.first()).close();
            Throwable t = relay.outcome().get();
            assertInstanceOf(SocketException.class, t);
            assertTrue(t.getMessage().contains("Socket closed"), t.getMessage());
        }
    }

    @Test
    void nonBlockingSocketsAndBadArgumentsAreRefused() throws Exception {
        try (Socket.Pair in = Socket.pair(); Socket.Pair out = Socket.pair()) {
            in.second().setBlocking(false);
            assertThrows(IllegalBlockingModeException.class, () -> out.first().transferFrom(in.second(), 1));
            assertThrows(IllegalArgumentException.class, () -> out.first().transferFrom(in.first(), -1));
            try (Socket udp = Socket.open(Family.INET, SocketType.DGRAM)) {
                udp.bind(InetSockAddr.loopback(0));
                // refused before any call: a datagram source would wait for datagrams and cut them into the stream
                assertThrows(IllegalArgumentException.class, () -> out.first().transferFrom(udp, 10));
                assertThrows(IllegalArgumentException.class, () -> udp.transferFrom(in.first(), 10));
            }
            assertThrows(IllegalArgumentException.class, () -> out.first().sendFile(dir.resolve("x"), -1, 1));
            assertThrows(NoSuchFileException.class, () -> out.first().sendFile(dir.resolve("missing"), 0, 1));
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void sendFileSendsTheRangeAskedFor(boolean virtual) throws Exception {
        byte[] data = new byte[3 << 20];
        new Random(9).nextBytes(data);
        Path file = Files.write(dir.resolve("served.bin"), data);
        try (Socket.Pair p = connected(true)) {
            CompletableFuture<byte[]> received = drain(p.second());
            long[] sent = new long[2];
            Background b = Background.start(virtual, () -> {
                sent[0] = p.first().sendFile(file, 12_345, 1_000_000);
                sent[1] = p.first().sendFile(file, 1_012_345, Long.MAX_VALUE); // to the end
                p.first().shutdownOutput();
            });
            assertNull(b.outcome().get());
            assertEquals(1_000_000, sent[0]);
            assertEquals(data.length - 1_012_345, sent[1]);
            assertArrayEquals(Arrays.copyOfRange(data, 12_345, data.length), received.get());
            assertEquals(0, p.first().sendFile(file, data.length + 10L, 100), "past the end");
        }
    }
}
