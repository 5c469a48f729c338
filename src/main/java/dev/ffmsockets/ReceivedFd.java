package dev.ffmsockets;

import dev.ffmsockets.posix.Posix;

import java.io.IOException;

/**
 * A descriptor received in a message ({@code SCM_RIGHTS}), owned: it is closed by {@link #close()} unless it has been
 * taken ({@link #take()}, {@link #toSocket()}), so that a descriptor the kernel handed over is never leaked, whatever
 * the receiver does or fails to do. Received with {@code MSG_CMSG_CLOEXEC}: close-on-exec is set.
 */
public final class ReceivedFd implements AutoCloseable {

    private int fd;

    private ReceivedFd(int fd) {
        this.fd = fd;
    }

    /**
     * Takes ownership of a descriptor: for one received otherwise, as by {@link dev.ffmsockets.posix.Posix#recvmsg}.
     *
     * @param fd the descriptor
     * @return its owner
     * @throws IllegalArgumentException if {@code fd} is negative
     */
    public static ReceivedFd of(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("a descriptor is not negative: " + fd);
        }
        return new ReceivedFd(fd);
    }

    /** {@return the descriptor, still owned by this object; -1 once taken or closed} */
    public synchronized int fd() {
        return fd;
    }

    /** {@return whether this object still owns the descriptor} */
    public synchronized boolean isOpen() {
        return fd >= 0;
    }

    /**
     * Takes the descriptor: the caller owns it from now on, and closing this object no longer closes it.
     *
     * @return the descriptor
     * @throws IllegalStateException if it was taken or closed already
     */
    public synchronized int take() {
        if (fd < 0) {
            throw new IllegalStateException("the received descriptor was taken or closed already");
        }
        int taken = fd;
        fd = -1;
        return taken;
    }

    /**
     * Takes the descriptor as a {@link Socket} ({@link Socket#adopt}); if it is not a socket of a family and type
     * the wrapper knows, it stays owned by this object.
     *
     * @return the socket, which now owns the descriptor
     * @throws IOException              if {@code adopt} fails ({@code ENOTSOCK} for a file or a pipe)
     * @throws IllegalArgumentException if it is a socket of another family or type
     * @throws IllegalStateException    if it was taken or closed already
     */
    public synchronized Socket toSocket() throws IOException {
        if (fd < 0) {
            throw new IllegalStateException("the received descriptor was taken or closed already");
        }
        Socket s = Socket.adopt(fd);
        fd = -1;
        return s;
    }

    /** Closes the descriptor ({@code close(2)}) unless it was taken. Idempotent. */
    @Override
    public synchronized void close() {
        if (fd >= 0) {
            Posix.close(fd);
            fd = -1;
        }
    }

    /** {@return for example {@code ReceivedFd[7]}, or {@code ReceivedFd[taken or closed]}} */
    @Override
    public synchronized String toString() {
        return "ReceivedFd[" + (fd >= 0 ? fd : "taken or closed") + "]";
    }
}
