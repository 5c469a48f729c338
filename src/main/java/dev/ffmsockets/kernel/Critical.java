package dev.ffmsockets.kernel;

import dev.ffmsockets.raw.sockets_h;

import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * {@link Kernel}'s calls on heap memory: {@code send}, {@code recv}, {@code sendto} and {@code recvfrom} linked
 * {@code critical}, so that the kernel reads and writes a Java array itself. One rule sets them apart: a critical
 * call holds off every garbage collection while it runs, so each is made with {@code MSG_DONTWAIT} and never waits.
 */
public final class Critical {

    private Critical() {
    }

    private static final class H_send {
        static final MethodHandle H = Downcalls.link(sockets_h.send$address(), sockets_h.send$descriptor(), Linker.Option.critical(true));
    }
    private static final class H_recv {
        static final MethodHandle H = Downcalls.link(sockets_h.recv$address(), sockets_h.recv$descriptor(), Linker.Option.critical(true));
    }
    private static final class H_sendto {
        static final MethodHandle H = Downcalls.link(sockets_h.sendto$address(), sockets_h.sendto$descriptor(), Linker.Option.critical(true));
    }
    private static final class H_recvfrom {
        static final MethodHandle H = Downcalls.link(sockets_h.recvfrom$address(), sockets_h.recvfrom$descriptor(), Linker.Option.critical(true));
    }

    /**
     * {@code send} of heap memory, the array itself handed to the kernel ({@code critical}). The flags must hold
     * {@code MSG_DONTWAIT}: a critical call that waited would stall every garbage collection meanwhile.
     */
    public static long send(MemorySegment capture, int fd, MemorySegment buf, long len, int flags) {
        if (Injection.ON && (len = Injection.limit(Injection.SEND, capture, fd, len)) < 0) {
            return -1;
        }
        assert (flags & 0x40) != 0 : "MSG_DONTWAIT";
        try {
            return (long) H_send.H.invokeExact(capture, fd, buf, len, flags);
        } catch (Throwable t) {
            throw Kernel.rethrow(t);
        }
    }

    /** {@code recv} into heap memory, as {@link #send} sends: only with {@code MSG_DONTWAIT}. */
    public static long recv(MemorySegment capture, int fd, MemorySegment buf, long len, int flags) {
        if (Injection.ON && (len = Injection.limit(Injection.RECV, capture, fd, len)) < 0) {
            return -1;
        }
        assert (flags & 0x40) != 0 : "MSG_DONTWAIT";
        try {
            return (long) H_recv.H.invokeExact(capture, fd, buf, len, flags);
        } catch (Throwable t) {
            throw Kernel.rethrow(t);
        }
    }

    /** {@code sendto} of heap memory, as {@link #send} sends: only with {@code MSG_DONTWAIT}. */
    public static long sendto(MemorySegment capture, int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) {
        if (Injection.ON && (len = Injection.limit(Injection.SEND, capture, fd, len)) < 0) {
            return -1;
        }
        assert (flags & 0x40) != 0 : "MSG_DONTWAIT";
        try {
            return (long) H_sendto.H.invokeExact(capture, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw Kernel.rethrow(t);
        }
    }

    /** {@code recvfrom} into heap memory, as {@link #send} sends: only with {@code MSG_DONTWAIT}. */
    public static long recvfrom(MemorySegment capture, int fd, MemorySegment buf, long len, int flags, MemorySegment addr, MemorySegment addrLen) {
        if (Injection.ON && (len = Injection.limit(Injection.RECV, capture, fd, len)) < 0) {
            return -1;
        }
        assert (flags & 0x40) != 0 : "MSG_DONTWAIT";
        try {
            return (long) H_recvfrom.H.invokeExact(capture, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw Kernel.rethrow(t);
        }
    }
}
