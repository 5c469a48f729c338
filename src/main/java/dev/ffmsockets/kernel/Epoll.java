package dev.ffmsockets.kernel;

import dev.ffmsockets.raw.sockets_h;

import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/** {@link Kernel}'s calls of readiness: {@code epoll(7)} and {@code eventfd(2)}, errno captured as every call's. */
public final class Epoll {

    private Epoll() {
    }

    private static final class H_epoll_create1 { static final MethodHandle H = Downcalls.link(sockets_h.epoll_create1$address(), sockets_h.epoll_create1$descriptor()); }
    private static final class H_epoll_ctl { static final MethodHandle H = Downcalls.link(sockets_h.epoll_ctl$address(), sockets_h.epoll_ctl$descriptor()); }
    private static final class H_epoll_wait { static final MethodHandle H = Downcalls.link(sockets_h.epoll_wait$address(), sockets_h.epoll_wait$descriptor()); }
    private static final class H_eventfd { static final MethodHandle H = Downcalls.link(sockets_h.eventfd$address(), sockets_h.eventfd$descriptor()); }

    /** {@code epoll_create1}; errno into {@code capture}. */
    public static int epoll_create1(MemorySegment capture, int flags) {
        try {
            return (int) H_epoll_create1.H.invokeExact(capture, flags);
        } catch (Throwable t) {
            throw Kernel.rethrow(t);
        }
    }

    /** {@code epoll_ctl}; errno into {@code capture}. */
    public static int epoll_ctl(MemorySegment capture, int epfd, int op, int fd, MemorySegment event) {
        try {
            return (int) H_epoll_ctl.H.invokeExact(capture, epfd, op, fd, event);
        } catch (Throwable t) {
            throw Kernel.rethrow(t);
        }
    }

    /** {@code epoll_wait}; errno into {@code capture}. */
    public static int epoll_wait(MemorySegment capture, int epfd, MemorySegment events, int max, int timeout) {
        try {
            return (int) H_epoll_wait.H.invokeExact(capture, epfd, events, max, timeout);
        } catch (Throwable t) {
            throw Kernel.rethrow(t);
        }
    }

    /** {@code eventfd}; errno into {@code capture}. */
    public static int eventfd(MemorySegment capture, int initval, int flags) {
        try {
            return (int) H_eventfd.H.invokeExact(capture, initval, flags);
        } catch (Throwable t) {
            throw Kernel.rethrow(t);
        }
    }
}
