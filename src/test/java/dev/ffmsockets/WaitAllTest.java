package dev.ffmsockets;

import dev.ffmsockets.testing.Background;
import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link MsgFlag#WAITALL} that cannot fill its room: as C (socket(7), SO_RCVTIMEO), the bytes that arrived before a
 * timeout, an end of stream or an error are returned, with the descriptors they brought, and the error is reported by
 * the next call. Nothing taken from the kernel is dropped.
 */
@ExtendWith(NoDescriptorLeaks.class)
class WaitAllTest {

    private static final Duration TIMEOUT = Duration.ofMillis(150);

    @TempDir
    Path dir;

    /** How a receive is asked for: each fills {@code room} bytes at most and says how many came. */
    enum Call {
        BYTES, HEAP_BUFFER, DIRECT_BUFFER, SEGMENT, MESSAGE;

        /** Receives with WAITALL into room of {@code size} bytes, returning the count and leaving the bytes in out. */
        int recv(Socket s, int size, byte[] out) throws Exception {
            switch (this) {
                case BYTES -> {
                    byte[] in = new byte[size + 7];
                    int n = s.recv(in, 7, size, MsgFlag.WAITALL);
                    System.arraycopy(in, 7, out, 0, Math.max(n, 0));
                    return n;
                }
                case HEAP_BUFFER, DIRECT_BUFFER -> {
                    ByteBuffer in = this == HEAP_BUFFER ? ByteBuffer.allocate(size) : ByteBuffer.allocateDirect(size);
                    int n = s.recv(in, MsgFlag.WAITALL);
                    assertEquals(Math.max(n, 0), in.position(), "the position is past what arrived");
                    in.flip().get(out, 0, in.remaining());
                    return n;
                }
                case SEGMENT -> {
                    // two native segments: the second is filled after the first
                    try (Arena a = Arena.ofConfined()) {
                        MemorySegment[] in = {a.allocate(size / 2), a.allocate(size - size / 2)};
                        try (Message m = s.recvMsg(in, 0, MsgFlag.WAITALL)) {
                            int n = (int) m.length();
                            int first = Math.min(Math.max(n, 0), size / 2);
                            MemorySegment.copy(in[0], JAVA_BYTE, 0, out, 0, first);
                            MemorySegment.copy(in[1], JAVA_BYTE, 0, out, first, Math.max(n, 0) - first);
                            return n;
                        }
                    }
                }
                case MESSAGE -> {
                    // scattered over three buffers, each filled after the one before
                    int a = size / 3, b = size / 3;
                    ByteBuffer[] parts = {ByteBuffer.allocate(a), ByteBuffer.allocateDirect(b),
                            ByteBuffer.allocate(size - a - b)};
                    try (Message m = s.recvMsg(parts, 0, MsgFlag.WAITALL)) {
                        int n = (int) m.length();
                        int at = 0;
                        for (ByteBuffer p : parts) {
                            int k = p.position();
                            p.flip().get(out, at, k);
                            at += k;
                        }
                        assertEquals(Math.max(n, 0), at);
                        return n;
                    }
                }
                default -> throw new AssertionError(this);
            }
        }
    }

    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        String[] kinds = {"tcp4", "tcp6", "unix-path", "socketpair"};
        int[] arrived = {1, 10, 5000, 200_000};
        Call[] calls = Call.values();
        int i = 0;
        for (String kind : kinds) {
            for (int n : arrived) {
                // every call and both kinds of thread over the kinds and sizes, without the whole product
                all.add(Arguments.of(kind, n, calls[i % calls.length], i % 2 == 1));
                i++;
            }
        }
        for (Call c : calls) {
            all.add(Arguments.of("tcp4", 3000, c, false));
            all.add(Arguments.of("socketpair", 3000, c, true));
        }
        return all.stream();
    }

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static Throwable run(boolean virtual, Background.Call call) throws Exception {
        return Background.start(virtual, call).outcome().get();
    }

    private static void ok(Throwable t) {
        if (t != null) {
            throw new AssertionError(t);
        }
    }

    @ParameterizedTest(name = "{0}: {1} bytes then the timeout, {2}, virtual {3}")
    @MethodSource("cases")
    void aTimeoutReturnsWhatArrivedAndTheNextCallTimesOut(String kind, int arrived, Call call, boolean virtual)
            throws Exception {
        try (Connected c = Connected.make(kind, dir)) {
            c.peer().setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            byte[] sent = random(arrived, arrived);
            // the sender keeps the socket open: only the timeout ends the wait
            var sender = Background.start(false, () -> c.client().sendAll(sent));
            c.peer().setTimeout(TIMEOUT);
            int room = arrived + 1000;
            ok(run(virtual, () -> {
                byte[] got = new byte[room];
                int n = 0;
                // a large amount may come in more than one return: each returns what came before its timeout
                while (n < arrived) {
                    byte[] part = new byte[room];
                    int k = call.recv(c.peer(), room - n, part);
                    assertTrue(k > 0, "bytes that arrived are returned, not a timeout: " + k);
                    System.arraycopy(part, 0, got, n, k);
                    n += k;
                }
                assertEquals(arrived, n);
                assertArrayEquals(sent, Arrays.copyOf(got, n));
                // nothing more comes: the next call waits out its timeout, having taken nothing
                SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                        () -> call.recv(c.peer(), 10, new byte[10]));
                assertEquals(0, e.bytesTransferred);
            }));
            ok(sender.outcome().get());
            // and what comes later is received whole
            c.client().sendAll(new byte[] {1, 2, 3});
            byte[] three = new byte[3];
            assertEquals(3, call.recv(c.peer(), 3, three));
            assertArrayEquals(new byte[] {1, 2, 3}, three);
        }
    }

    @ParameterizedTest(name = "{0}: {1} bytes then end of stream, {2}")
    @MethodSource("cases")
    void anEndOfStreamReturnsWhatArrivedThenMinusOne(String kind, int arrived, Call call, boolean virtual)
            throws Exception {
        try (Connected c = Connected.make(kind, dir)) {
            byte[] sent = random(arrived, ~arrived);
            var sender = Background.start(false, () -> {
                c.client().sendAll(sent);
                c.client().shutdownOutput();
            });
            ok(run(virtual, () -> {
                byte[] got = new byte[arrived + 100];
                int n = 0;
                while (n < arrived) {
                    byte[] part = new byte[arrived + 100];
                    int k = call.recv(c.peer(), arrived + 100 - n, part);
                    assertTrue(k > 0, "bytes that arrived are returned: " + k);
                    System.arraycopy(part, 0, got, n, k);
                    n += k;
                }
                assertArrayEquals(sent, Arrays.copyOf(got, n));
                assertEquals(-1, call.recv(c.peer(), 10, new byte[10]), "then the end of stream");
            }));
            ok(sender.outcome().get());
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("dev.ffmsockets.WaitAllTest#calls")
    void aResetReturnsWhatArrivedAndTheNextCallReportsIt(Call call) throws Exception {
        for (String kind : new String[] {"tcp4", "tcp6"}) {
            try (Connected c = Connected.make(kind, dir)) {
                byte[] sent = random(1234, 5);
                c.client().sendAll(sent);
                var reader = Background.start(false, () -> {
                    byte[] got = new byte[5000];
                    int n = call.recv(c.peer(), 5000, got);
                    assertEquals(sent.length, n, "what arrived before the reset");
                    assertArrayEquals(sent, Arrays.copyOf(got, n));
                    // the reset comes next, as in C: a receive after a short MSG_WAITALL reports the error
                    Exception e = assertThrows(Exception.class, () -> call.recv(c.peer(), 10, new byte[10]));
                    assertInstanceOf(SocketException.class, e, e.toString());
                    assertInstanceOf(ErrnoException.class, e);
                    assertEquals("ECONNRESET", ((ErrnoException) e).errnoName());
                    // and is reported once: then the stream has ended
                    assertEquals(-1, call.recv(c.peer(), 10, new byte[10]));
                });
                // the reader has the bytes or is waiting for more: either way the reset comes after them
                awaitAllTaken(c.peer());
                c.client().setOption(StandardSocketOptions.SO_LINGER, 0);
                c.client().close();
                ok(reader.outcome().get());
            }
        }
    }

    static Stream<Call> calls() {
        return Stream.of(Call.values());
    }

    /** Waits until nothing is queued on {@code s}: a receiver has taken the bytes. */
    private static void awaitAllTaken(Socket s) throws Exception {
        byte[] one = new byte[1];
        long until = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (s.recv(ByteBuffer.wrap(one), MsgFlag.PEEK, MsgFlag.DONTWAIT) > 0) {
            assertTrue(System.nanoTime() < until, "the receiver never took the bytes");
            Thread.onSpinWait();
        }
    }

    @Test
    void descriptorsThatCameWithTheBytesAreReturnedWithThemOnATimeout() throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM); Socket.Pair passed = Socket.pair()) {
            long before = Fds.open();
            p.first().sendMsg(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {1, 2, 3})}, null,
                    List.of(ControlMessage.rights(passed.first(), passed.first())));
            p.first().sendMsg(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {4, 5})}, null,
                    List.of(ControlMessage.rights(passed.first())));
            p.second().setTimeout(TIMEOUT);
            for (boolean virtual : new boolean[] {false, true}) {
                ok(run(virtual, () -> {
                    ByteBuffer in = ByteBuffer.allocate(64);
                    try (Message m = p.second().recvMsg(new ByteBuffer[] {in}, ControlMessage.spaceForDescriptors(8),
                            MsgFlag.WAITALL)) {
                        assertTrue(m.length() > 0 && m.length() <= 5, "what arrived: " + m.length());
                        int n = (int) m.length();
                        for (ReceivedFd fd : m.descriptors()) {
                            assertTrue(fd.isOpen(), "handed over open");
                            try (Socket s = fd.toSocket()) {
                                s.sendAll(new byte[] {9});
                            }
                            byte[] one = new byte[1];
                            assertEquals(1, passed.second().recv(one));
                            assertEquals(9, one[0]);
                        }
                        assertEquals(n == 3 ? 2 : 3, m.descriptors().size());
                    }
                }));
                if (Fds.open() == before) {
                    break; // both messages came in one return
                }
            }
            assertEquals(before, Fds.open(), "every descriptor that came was handed over and closed");
        }
    }
}
