package dev.ffmsockets;

import java.io.IOException;

/**
 * A C call on a socket's descriptor that {@link Socket#call} makes under the socket's guarantees, the way a call
 * of the C-style API is written: it returns what C returns, -1 with {@link dev.ffmsockets.posix.Posix#errno()}
 * set on failure.
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
