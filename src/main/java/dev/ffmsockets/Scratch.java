package dev.ffmsockets;

import dev.ffmsockets.raw.sockaddr_storage;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;

/**
 * Native memory each thread uses for the calls of {@link Socket}: an address to send to and one received, a
 * {@code pollfd}, an option value, and a buffer through which Java arrays and heap buffers are sent and
 * received. Kept per thread so that the steady send and receive paths allocate nothing; freed with the thread.
 *
 * <p>It also remembers the last address encoded, the last decoded and the last segments made for direct
 * buffers, so that a server answering the same peer again and again, or a loop over the same buffer, does not
 * make them anew each time (as {@code java.nio}'s datagram channel caches its last sender).
 */
final class Scratch {

    private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);

    /** How much of a byte array one send or receive on a stream socket moves at most. */
    static final int STREAM_CHUNK = 64 * 1024;
    /** Buffers above this size are used once and not kept per thread. */
    private static final long KEEP_LIMIT = 1L << 20;

    /** Where a received address is written. */
    final MemorySegment addr;
    final MemorySegment addrLen;
    /** Where an address to bind, connect or send to is written, by {@link #encode}. */
    final MemorySegment target;
    final MemorySegment pollfd;
    /** An {@code epoll_event} for registering with a {@link Poller}. */
    final MemorySegment epollEvent;
    final MemorySegment option;
    final MemorySegment optionLen;
    private MemorySegment buffer;

    private SockAddr encoded;
    private int encodedLength;
    private final MemorySegment decodedBytes;
    private SockAddr decoded;
    private int decodedLength = -1;

    /** A segment made for a direct buffer, for the position and limit it had. */
    private static final class View {
        WeakReference<ByteBuffer> of = new WeakReference<>(null);
        int position, limit;
        MemorySegment segment;
    }

    private final View[] views = {new View(), new View()};
    private int nextView;

    private Scratch() {
        // one block, cut in pieces: one allocation per thread, and close together in memory (there may be
        // tens of thousands of virtual threads)
        long storage = sockaddr_storage.sizeof();
        MemorySegment block = Arena.ofAuto().allocate(3 * storage + 64 + 32, 16);
        addr = block.asSlice(0, storage);
        target = block.asSlice(storage, storage);
        decodedBytes = block.asSlice(2 * storage, storage);
        option = block.asSlice(3 * storage, 64);
        long small = 3 * storage + 64;
        addrLen = block.asSlice(small, ValueLayout.JAVA_INT.byteSize());
        optionLen = block.asSlice(small + 4, ValueLayout.JAVA_INT.byteSize());
        pollfd = block.asSlice(small + 8, dev.ffmsockets.raw.pollfd.sizeof());
        epollEvent = block.asSlice(small + 16, dev.ffmsockets.raw.epoll_event.sizeof());
    }

    static Scratch current() {
        return CURRENT.get();
    }

    /** A native buffer of at least {@code size} bytes. */
    MemorySegment buffer(long size) {
        MemorySegment b = buffer;
        if (b != null && b.byteSize() >= size) {
            return b;
        }
        long rounded = Math.max(256, Long.highestOneBit(Math.max(1, size - 1)) << 1);
        MemorySegment fresh = Arena.ofAuto().allocate(rounded, 16);
        if (rounded <= KEEP_LIMIT) {
            buffer = fresh;
        }
        return fresh;
    }

    /** Writes {@code a} into {@link #target}, unless it is the address written last; returns its C length. */
    int encode(SockAddr a) {
        if (a != encoded) {
            encodedLength = SockAddrs.encode(a, target);
            encoded = a;
        }
        return encodedLength;
    }

    /** The address C wrote into {@link #addr}: the one decoded last when the bytes are the same. */
    SockAddr decode(int length) throws IOException {
        if (length == decodedLength && MemorySegment.mismatch(addr, 0, length, decodedBytes, 0, length) == -1) {
            return decoded;
        }
        SockAddr a = SockAddrs.decode(addr, length);
        MemorySegment.copy(addr, 0, decodedBytes, 0, length);
        decoded = a;
        decodedLength = length;
        return a;
    }

    /**
     * The bytes between a direct buffer's position and limit as a segment: the one made last time for the same
     * buffer, position and limit, or a new one.
     */
    MemorySegment view(ByteBuffer b) {
        int position = b.position(), limit = b.limit();
        for (View v : views) {
            if (v.of.refersTo(b) && v.position == position && v.limit == limit) {
                return v.segment;
            }
        }
        View v = views[nextView];
        nextView = (nextView + 1) % views.length;
        v.of = new WeakReference<>(b);
        v.position = position;
        v.limit = limit;
        return v.segment = MemorySegment.ofBuffer(b);
    }
}
