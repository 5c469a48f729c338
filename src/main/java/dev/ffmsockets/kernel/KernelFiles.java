package dev.ffmsockets.kernel;

import dev.ffmsockets.raw.sockets_h;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The C library's calls on pipes and files that socket transfers use ({@code pipe2}, {@code splice},
 * {@code sendfile}, {@code open}, {@code lseek}), linked and called as {@link Kernel}'s socket calls are: errno captured into
 * memory the caller passes, nothing checked here.
 */
public final class KernelFiles {

    static {
        Platform.require();
    }

    private KernelFiles() {
    }

    private static final class H_splice { static final MethodHandle H = Downcalls.link(sockets_h.splice$address(), sockets_h.splice$descriptor()); }
    private static final class H_pipe2 { static final MethodHandle H = Downcalls.link(sockets_h.pipe2$address(), sockets_h.pipe2$descriptor()); }
    private static final class H_sendfile { static final MethodHandle H = Downcalls.link(sockets_h.sendfile$address(), sockets_h.sendfile$descriptor()); }
    private static final class H_open {
        static final MethodHandle H = Downcalls.link(sockets_h.open.address(), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
    }

    private static final class H_lseek { static final MethodHandle H = Downcalls.link(sockets_h.lseek$address(), sockets_h.lseek$descriptor()); }
    private static final class H_open3 {
        static final MethodHandle H = Downcalls.link(sockets_h.open.address(), FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
    }

    /** {@code splice}; errno into {@code capture}. */
    public static long splice(MemorySegment capture, int fdIn, MemorySegment offIn, int fdOut, MemorySegment offOut, long len, int flags) {
        try {
            return (long) H_splice.H.invokeExact(capture, fdIn, offIn, fdOut, offOut, len, flags);
        } catch (Throwable t) {
            throw Kernel.rethrow(t);
        }
    }

    /** {@code pipe2}; errno into {@code capture}. */
    public static int pipe2(MemorySegment capture, MemorySegment fds, int flags) {
        try {
            return (int) H_pipe2.H.invokeExact(capture, fds, flags);
        } catch (Throwable t) {
            throw Kernel.rethrow(t);
        }
    }

    /** {@code sendfile}; errno into {@code capture}. */
    public static long sendfile(MemorySegment capture, int outFd, int inFd, MemorySegment offset, long count) {
        try {
            return (long) H_sendfile.H.invokeExact(capture, outFd, inFd, offset, count);
        } catch (Throwable t) {
            throw Kernel.rethrow(t);
        }
    }

    /** {@code open}; errno into {@code capture}. */
    public static int open(MemorySegment capture, MemorySegment path, int flags) {
        try {
            return (int) H_open.H.invokeExact(capture, path, flags);
        } catch (Throwable t) {
            throw Kernel.rethrow(t);
        }
    }

    /** {@code open} with a mode, for {@code O_CREAT}; errno into {@code capture}. */
    public static int open(MemorySegment capture, MemorySegment path, int flags, int mode) {
        try {
            return (int) H_open3.H.invokeExact(capture, path, flags, mode);
        } catch (Throwable t) {
            throw Kernel.rethrow(t);
        }
    }

    /** {@code lseek}; errno into {@code capture}. */
    public static long lseek(MemorySegment capture, int fd, long offset, int whence) {
        try {
            return (long) H_lseek.H.invokeExact(capture, fd, offset, whence);
        } catch (Throwable t) {
            throw Kernel.rethrow(t);
        }
    }
}
