package dev.ffmsockets;

import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * sendMsg and recvMsg on a stream, where a call may move fewer bytes than offered: every byte arrives once and in
 * order over buffers of every kind, and a {@code MSG_WAITALL} receive into segments fills them in order.
 */
@ExtendWith(NoDescriptorLeaks.class)
class MessageStreamsTest {

    /**
     * Cuts {@code bytes} (or room for as many) into heap and direct ByteBuffers, or heap and native segments, of
     * every size; one in eight far larger than the 64 KiB a call copies of heap memory.
     */
    private static Object[] cut(byte[] bytes, long seed, boolean segments, Arena arena) {
        Random r = new Random(seed);
        List<Object> parts = new ArrayList<>();
        for (int at = 0; at < bytes.length; ) {
            int n = Math.min(bytes.length - at, r.nextInt(8) == 0 ? 65536 + r.nextInt(150_000) : r.nextInt(3000));
            boolean heap = r.nextBoolean();
            MemorySegment part = heap ? MemorySegment.ofArray(new byte[n]) : arena.allocate(Math.max(1, n)).asSlice(0, n);
            MemorySegment.copy(MemorySegment.ofArray(bytes), at, part, 0, n);
            parts.add(segments ? part : part.asByteBuffer()); // a heap or a direct buffer
            at += n;
        }
        return segments ? parts.toArray(MemorySegment[]::new) : parts.toArray(ByteBuffer[]::new);
    }

    /**
     * After a call moved {@code n} bytes of {@code bufs} from index {@code from}: the index of the first buffer with
     * bytes left. A ByteBuffer's position has advanced already; a segment, which has none, is cut here.
     */
    private static int moved(Object[] bufs, int from, long n) {
        long left = n;
        for (int i = from; i < bufs.length && left > 0 && bufs[i] instanceof MemorySegment seg; i++) {
            long k = Math.min(left, seg.byteSize());
            bufs[i] = seg.asSlice(k);
            left -= k;
        }
        int i = from;
        while (i < bufs.length && (bufs[i] instanceof ByteBuffer b ? !b.hasRemaining() : ((MemorySegment) bufs[i]).byteSize() == 0)) {
            i++;
        }
        return i;
    }

    /**
     * Megabytes through sendMsg and recvMsg on a stream, over buffers of every kind, heap ones far larger than the
     * 64 KiB a call copies: every byte arrives once and in order, each side calling again from where the last call
     * stopped.
     */
    @ParameterizedTest
    @CsvSource({"1, false", "2, false", "3, true", "4, true"})
    void manyBuffersOfEveryKindStreamThroughMessagesWholeAndInOrder(long seed, boolean segments) throws Exception {
        byte[] bytes = new byte[3_000_000];
        new Random(seed).nextBytes(bytes);
        try (Socket.Pair p = Socket.pair(); Arena arena = Arena.ofShared()) {
            Object[] out = cut(bytes, seed * 10, segments, arena);
            Object[] in = cut(new byte[bytes.length], seed * 10 + 1, segments, arena);
            Object[] received = in.clone();
            var w = dev.ffmsockets.testing.Background.start(true, () -> {
                for (int from = 0; from < out.length; ) {
                    Object[] b = Arrays.copyOfRange(out, from, Math.min(out.length, from + 1024));
                    long n = b instanceof MemorySegment[] m ? p.first().sendMsg(m, null, List.of())
                            : p.first().sendMsg((ByteBuffer[]) b, null, List.of());
                    from = moved(out, from, n);
                }
            });
            for (int from = 0; from < in.length; ) {
                Object[] b = Arrays.copyOfRange(in, from, Math.min(in.length, from + 1024));
                try (Message m = b instanceof MemorySegment[] segs ? p.second().recvMsg(segs, 0)
                        : p.second().recvMsg((ByteBuffer[]) b, 0)) {
                    assertTrue(m.length() > 0, "end of stream before every byte arrived");
                    from = moved(in, from, m.length());
                }
            }
            Throwable t = w.outcome().get();
            if (t != null) {
                throw new AssertionError(t);
            }
            byte[] got = new byte[bytes.length];
            int at = 0;
            for (Object o : received) {
                MemorySegment s = o instanceof ByteBuffer b ? MemorySegment.ofBuffer(b.flip()) : (MemorySegment) o;
                MemorySegment.copy(s, 0, MemorySegment.ofArray(got), at, s.byteSize());
                at += (int) s.byteSize();
            }
            assertEquals(bytes.length, at);
            assertEquals(-1, Arrays.mismatch(bytes, got), "bytes differ");
        }
    }

    /**
     * A segment has no position: when part of a {@code MSG_WAITALL} receive arrived before the call had to wait,
     * the rest must land after it, not over it. The second send goes only once the receiver waits in the poller.
     */
    @Test
    void waitAllIntoSegmentsPutsWhatArrivesLaterAfterWhatCameFirst() throws Exception {
        try (Socket.Pair p = Socket.pair(); Arena arena = Arena.ofConfined()) {
            MemorySegment[] parts = {arena.allocate(3), arena.allocate(4), arena.allocate(3)};
            long[] length = new long[1];
            p.first().sendAll("abcd".getBytes(US_ASCII)); // there before the call: its first recvmsg takes it
            var r = dev.ffmsockets.testing.Background.start(true, () -> {
                try (Message m = p.second().recvMsg(parts, 0, MsgFlag.WAITALL)) {
                    length[0] = m.length();
                }
            });
            VirtualThreadsTest.awaitParked(r::thread, p.second().fd());
            p.first().sendAll("efghij".getBytes(US_ASCII));
            Throwable t = r.outcome().get();
            if (t != null) {
                throw new AssertionError(t);
            }
            assertEquals(10, length[0]);
            StringBuilder got = new StringBuilder();
            for (MemorySegment s : parts) {
                got.append(new String(s.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE), US_ASCII));
            }
            assertEquals("abcdefghij", got.toString());
        }
    }

    /**
     * On a stream a message call copies at most 64 KiB of heap memory, however much room the socket has; a datagram
     * goes whole.
     */
    @Test
    void heapMemoryGoesAChunkPerCallOnAStreamAndWholeInADatagram() throws Exception {
        try (Socket.Pair stream = Socket.pair(); Socket.Pair dgram = Socket.pair(Family.UNIX, SocketType.DGRAM)) {
            stream.first().setOption(java.net.StandardSocketOptions.SO_SNDBUF, 4 << 20);
            stream.second().setOption(java.net.StandardSocketOptions.SO_RCVBUF, 4 << 20);
            ByteBuffer big = ByteBuffer.allocate(1 << 20);
            assertEquals(64 * 1024, stream.first().sendMsg(new ByteBuffer[] {big}, null, List.of()));
            assertEquals(64 * 1024, big.position());
            ByteBuffer direct = ByteBuffer.allocateDirect(1 << 20);
            assertTrue(stream.first().sendMsg(new ByteBuffer[] {direct}, null, List.of()) > 64 * 1024,
                    "native memory is not cut");
            dgram.first().setOption(java.net.StandardSocketOptions.SO_SNDBUF, 1 << 20);
            byte[] bytes = new byte[100_000];
            new Random(5).nextBytes(bytes);
            assertEquals(100_000, dgram.first().sendMsg(new ByteBuffer[] {ByteBuffer.wrap(bytes, 0, 70_000),
                    ByteBuffer.wrap(bytes, 70_000, 30_000)}, null, List.of()));
            ByteBuffer in = ByteBuffer.allocate(200_000);
            try (Message m = dgram.second().recvMsg(new ByteBuffer[] {in}, 0)) {
                assertEquals(100_000, m.length());
            }
            assertArrayEquals(bytes, Arrays.copyOf(in.array(), 100_000));
        }
    }
}
