package dev.ffmsockets.posix;

import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.VarHandle;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * What one thread needs to make downcalls the way C does: where the JVM leaves {@code errno} after each
 * call, this thread's {@code errno} as {@link Posix#errno()} reports it, and native scratch memory through
 * which heap segments are passed.
 *
 * <p>Every thread has its own (a {@link ThreadLocal}), so errno can never leak from one thread to another,
 * and nothing is allocated per call once a thread has made its first calls. The memory belongs to an
 * automatic arena: it is freed when the thread is gone.
 */
final class CallState {

    private static final StructLayout CAPTURE_LAYOUT = Linker.Option.captureStateLayout();
    private static final VarHandle CAPTURED_ERRNO =
            CAPTURE_LAYOUT.varHandle(groupElement("errno")).withInvokeExactBehavior();

    private static final ThreadLocal<CallState> CURRENT = ThreadLocal.withInitial(CallState::new);

    /** Scratch slots, one per pointer argument of a call: its data buffer, its address, others. */
    static final int DATA = 0, ADDR = 1, EXTRA = 2, RESULT = 3;
    private static final int SLOTS = 4;
    /** Scratch larger than this is used once and left to the garbage collector, not kept per thread. */
    private static final long KEEP_LIMIT = 1L << 20;

    /** Filled by the JVM right after each downcall with the errno the call left. */
    final MemorySegment capture;
    /** A socklen_t that value-result length arguments are passed through (see {@link Posix#accept}). */
    final MemorySegment length;
    /** The errno of this thread's last failing call. */
    int errno;

    private final MemorySegment[] scratch = new MemorySegment[SLOTS];

    private CallState() {
        // one allocation per thread (there may be tens of thousands of virtual threads)
        MemorySegment block = Arena.ofAuto().allocate(CAPTURE_LAYOUT.byteSize() + 8, 8);
        capture = block.asSlice(0, CAPTURE_LAYOUT);
        length = block.asSlice(CAPTURE_LAYOUT.byteSize(), ValueLayout.JAVA_INT.byteSize(), 4);
    }

    static CallState current() {
        return CURRENT.get();
    }

    /** Records the captured errno as this thread's errno; called only when a call reports failure. */
    void failed() {
        errno = (int) CAPTURED_ERRNO.get(capture, 0L);
    }

    /** Native memory of at least {@code size} bytes for slot {@code slot}. */
    MemorySegment scratch(int slot, long size) {
        MemorySegment s = scratch[slot];
        if (s != null && s.byteSize() >= size) {
            return s;
        }
        long rounded = size <= 256 ? 256 : Long.highestOneBit(size - 1) << 1;
        MemorySegment fresh = Arena.ofAuto().allocate(rounded, 16);
        if (rounded <= KEEP_LIMIT) {
            scratch[slot] = fresh;
        }
        return fresh;
    }

    /**
     * The segment to hand to C for {@code len} bytes that C reads: {@code seg} itself when it is native,
     * else scratch holding a copy of its first {@code len} bytes.
     */
    MemorySegment in(int slot, MemorySegment seg, long len) {
        if (seg.isNative()) {
            return seg;
        }
        MemorySegment s = scratch(slot, len);
        MemorySegment.copy(seg, 0, s, 0, len);
        return s;
    }

    /** The segment to hand to C for {@code len} bytes that C writes: {@code seg} when native, else scratch. */
    MemorySegment out(int slot, MemorySegment seg, long len) {
        return seg.isNative() ? seg : scratch(slot, len);
    }

    /** Copies what C wrote into scratch back to the caller's heap segment. */
    static void back(MemorySegment passed, MemorySegment seg, long n) {
        if (passed != seg && n > 0) {
            MemorySegment.copy(passed, 0, seg, 0, n);
        }
    }
}
