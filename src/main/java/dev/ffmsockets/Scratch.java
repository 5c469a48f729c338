package dev.ffmsockets;

import dev.ffmsockets.raw.sockaddr_storage;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Native memory each thread uses for the calls of {@link Socket}: an address and its length, a
 * {@code pollfd}, an option value, and a buffer through which Java arrays and heap buffers are sent and
 * received. Kept per thread so that the steady send and receive paths allocate nothing; freed with the thread.
 */
final class Scratch {

    private static final ThreadLocal<Scratch> CURRENT = ThreadLocal.withInitial(Scratch::new);

    /** How much of a byte array one send or receive on a stream socket moves at most. */
    static final int STREAM_CHUNK = 64 * 1024;
    /** Buffers above this size are used once and not kept per thread. */
    private static final long KEEP_LIMIT = 1L << 20;

    final MemorySegment addr;
    final MemorySegment addrLen;
    final MemorySegment pollfd;
    final MemorySegment option;
    final MemorySegment optionLen;
    private MemorySegment buffer;

    private Scratch() {
        Arena arena = Arena.ofAuto();
        addr = arena.allocate(sockaddr_storage.layout());
        addrLen = arena.allocate(ValueLayout.JAVA_INT);
        pollfd = arena.allocate(dev.ffmsockets.raw.pollfd.layout());
        option = arena.allocate(64, 8);
        optionLen = arena.allocate(ValueLayout.JAVA_INT);
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
        long rounded = Math.max(4096, Long.highestOneBit(Math.max(1, size - 1)) << 1);
        MemorySegment fresh = Arena.ofAuto().allocate(rounded, 16);
        if (rounded <= KEEP_LIMIT) {
            buffer = fresh;
        }
        return fresh;
    }
}
