package dev.ffmsockets;

import java.io.IOException;

/**
 * A C call on a socket's descriptor that {@code Socket.call} makes under the socket's guarantees, the way a call
 * of the C-style API is written: it returns what C returns, -1 with {@link dev.ffmsockets.posix.Posix#errno()}
 * set on failure. The call must go through the C-style API ({@link dev.ffmsockets.posix.Posix}), which is what
 * sets that errno; a downcall of one's own is a {@link Capturing} call.
 *
 * {@snippet :
 * // TCP_INFO, which the wrapper has no option for
 * MemorySegment info = arena.allocate(232), len = arena.allocateFrom(C_INT, 232);
 * socket.call(Readiness.NONE, fd -> getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, len));
 * }
 */
@FunctionalInterface
public interface SocketCall {

    /**
     * Makes the call.
     *
     * @param fd the socket's descriptor, valid for the whole call
     * @return what C returned: -1 with errno set on failure
     * @throws IOException for a failure of the caller's own
     */
    long call(int fd) throws IOException;

    /**
     * A C call through a downcall of the caller's own (a function the C-style API does not bind, such as an
     * {@code ioctl} request of its own), which reports its errno itself: the downcall is linked with
     * {@code Linker.Option.captureCallState("errno")} and given the segment this call receives, where the JVM
     * writes the errno right after the C function returns.
     *
     * {@snippet :
     * MethodHandle ioctl = Linker.nativeLinker().downcallHandle(ioctlAddress,
     *         FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
     *         Linker.Option.captureCallState("errno"), Linker.Option.firstVariadicArg(2));
     * socket.call(Readiness.NONE, (fd, state) -> (int) ioctl.invokeExact(state, fd, SIOCATMARK, atMark));
     * }
     */
    @FunctionalInterface
    interface Capturing {
        /**
         * Makes the call.
         *
         * @param fd            the socket's descriptor, valid for the whole call
         * @param capturedState where the downcall captures errno ({@code Linker.Option.captureStateLayout()}),
         *                      valid for this call only
         * @return what C returned: -1 (or any negative value) on failure, with errno captured
         * @throws Throwable what the downcall throws: an {@link IOException} or an unchecked exception passes
         *                   through, anything else is wrapped in an {@link IOException}
         */
        long call(int fd, java.lang.foreign.MemorySegment capturedState) throws Throwable;
    }

    /** What a call that would block ({@code EAGAIN}) waits for before it is made again. */
    enum Readiness {
        /** The call never waits: {@code EAGAIN} is an error like any other. */
        NONE,
        /** Readable ({@code POLLIN}): a receive. */
        READ,
        /** Writable ({@code POLLOUT}): a send. */
        WRITE
    }
}
