package dev.ffmsockets.posix;

import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;

/**
 * The checks that make the C-style API memory-safe: every length against the segment it describes, before
 * the call. Each failure names the function, the argument and both sizes.
 */
final class Checks {

    private Checks() {
    }

    /** C's {@code NULL}: a native segment at address 0. */
    static boolean isNull(MemorySegment seg) {
        return seg.isNative() && seg.address() == 0;
    }

    /** A {@code size_t} length of bytes C reads from {@code buf}. */
    static void length(String fn, long len, MemorySegment buf) {
        if (len < 0 || len > buf.byteSize()) {
            throw new IndexOutOfBoundsException(fn + ": length " + len + " is outside buf of " + buf.byteSize()
                    + " bytes; nothing was sent or written");
        }
    }

    /** A {@code size_t} length of bytes C writes into {@code buf}. */
    static void writableLength(String fn, long len, MemorySegment buf) {
        if (len < 0 || len > buf.byteSize()) {
            throw new IndexOutOfBoundsException(fn + ": length " + len + " is outside buf of " + buf.byteSize()
                    + " bytes; nothing was received");
        }
        notReadOnly(fn, "buf", buf);
    }

    /** A {@code socklen_t} length (unsigned in C) of {@code seg}; returns it as a {@code long}. */
    static long socklen(String fn, String lenName, int len, String segName, MemorySegment seg) {
        long n = Integer.toUnsignedLong(len);
        if (n > seg.byteSize()) {
            throw new IndexOutOfBoundsException(fn + ": " + lenName + " " + n + " is larger than " + segName
                    + " of " + seg.byteSize() + " bytes" + sizeless(segName, seg));
        }
        return n;
    }

    /**
     * What to do about a pointer of 0 bytes to native memory: one read from a struct (C gives its size elsewhere), or
     * an empty string otherwise.
     */
    static String sizeless(String segName, MemorySegment seg) {
        // a pointer read from memory is a segment of 0 bytes in the global scope; one an arena made has the arena's
        if (seg.byteSize() != 0 || !seg.isNative() || seg.address() == 0
                || !seg.scope().equals(java.lang.foreign.Arena.global().scope())) {
            return "";
        }
        return "; " + segName + " is a pointer read from a struct, which Java gives 0 bytes (it cannot know its size):"
                + " for an addrinfo use Posix.ai_addr(ai), which sizes it by ai_addrlen; otherwise give it its size"
                + " with " + segName + ".reinterpret(size) (restricted: the calling module needs native access)";
    }

    /**
     * A value-result {@code socklen_t *}: it must hold a {@code socklen_t}, and the length it holds must fit
     * {@code seg}, which C writes into. Returns that length.
     */
    static long valueResult(String fn, String lenName, MemorySegment len, String segName, MemorySegment seg) {
        if (len.byteSize() < Integer.BYTES) {
            throw new IndexOutOfBoundsException(fn + ": " + lenName + " of " + len.byteSize()
                    + " bytes cannot hold a socklen_t" + (isNull(len) ? " (it is NULL)" : ""));
        }
        notReadOnly(fn, lenName, len);
        long n = socklen(fn, "*" + lenName, len.get(JAVA_INT_UNALIGNED, 0), segName, seg);
        notReadOnly(fn, segName, seg);
        return n;
    }

    /** {@code seg} must hold {@code size} bytes that C reads. */
    static void holds(String fn, String name, MemorySegment seg, long size) {
        if (seg.byteSize() < size) {
            throw new IndexOutOfBoundsException(fn + ": " + name + " of " + seg.byteSize()
                    + " bytes is smaller than the " + size + " bytes it must hold");
        }
    }

    /** {@code seg} must hold {@code size} bytes that C writes. */
    static void writable(String fn, String name, MemorySegment seg, long size) {
        holds(fn, name, seg, size);
        notReadOnly(fn, name, seg);
    }

    /** {@code count} elements of {@code elementSize} bytes in {@code seg}; returns their size in bytes. */
    static long count(String fn, String countName, long count, String segName, MemorySegment seg, long elementSize) {
        if (count < 0 || count > seg.byteSize() / elementSize) {
            throw new IndexOutOfBoundsException(fn + ": " + countName + " " + Long.toUnsignedString(count)
                    + " elements of " + elementSize + " bytes do not fit in " + segName + " of " + seg.byteSize()
                    + " bytes");
        }
        return count * elementSize;
    }

    /** A NUL-terminated string in {@code seg}; returns its size including the NUL. */
    static long cString(String fn, String name, MemorySegment seg) {
        long size = seg.byteSize();
        for (long i = 0; i < size; i++) {
            if (seg.get(JAVA_BYTE, i) == 0) {
                return i + 1;
            }
        }
        throw new IndexOutOfBoundsException(fn + ": " + name + " has no terminating NUL within its " + size
                + " bytes" + (isNull(seg) ? " (it is NULL)" : ""));
    }

    private static void notReadOnly(String fn, String name, MemorySegment seg) {
        if (seg.isReadOnly()) {
            throw new IllegalArgumentException(fn + ": " + name + " is read-only, and C would write into it");
        }
    }
}
