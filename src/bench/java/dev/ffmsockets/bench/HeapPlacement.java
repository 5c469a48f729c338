package dev.ffmsockets.bench;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;

/**
 * Where a Java array's bytes are in memory, for W2's {@code safe-array-aligned}: the {@code byte[]} path with the bytes
 * starting on a page, as C's and every native buffer of the benchmarks do, to tell the cost of an array's placement
 * from the cost of the path. The array is large enough to be a humongous object, which the collector does not move;
 * {@link #requireUnmoved} checks that at the end, so a moved array cannot pass unnoticed.
 */
final class HeapPlacement {

    /** 4 MiB: a humongous object for G1 at any region size it picks for this machine's heap. */
    static final int HUGE = 4 << 20;

    /** memchr over the array itself (critical, heap access): it returns the address of the byte it finds. */
    private static final MethodHandle MEMCHR = Linker.nativeLinker().downcallHandle(
            Linker.nativeLinker().defaultLookup().find("memchr").orElseThrow(),
            FunctionDescriptor.of(ValueLayout.JAVA_LONG, ValueLayout.ADDRESS, ValueLayout.JAVA_INT, ValueLayout.JAVA_LONG),
            Linker.Option.critical(true));

    private HeapPlacement() {
    }

    /** The address of {@code a[i]} now. */
    static long address(byte[] a, int i) {
        byte keep = a[i];
        a[i] = 1;
        try {
            return (long) MEMCHR.invokeExact(MemorySegment.ofArray(a).asSlice(i), 1, 1L);
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        } finally {
            a[i] = keep;
        }
    }

    /** The first index of {@code a} whose byte starts a page. */
    static int pageOffset(byte[] a) {
        return (int) ((4096 - address(a, 0) % 4096) % 4096);
    }

    /** Fails if the collector moved {@code a} since {@code at} started a page. */
    static void requireUnmoved(byte[] a, int at) {
        if (address(a, at) % 4096 != 0) {
            throw new IllegalStateException("the collector moved the page-aligned array: its measurement is void");
        }
    }
}
