package dev.ffmsockets;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;

/**
 * A descriptor received in a message ({@code SCM_RIGHTS}), owned: it is closed by {@link #close()} unless it has been
 * taken ({@link #take()}, {@link #toSocket()}), so that a descriptor the kernel handed over is never leaked, whatever
 * the receiver does or fails to do: one neither taken nor closed is closed when this object becomes unreachable (a
 * {@link java.lang.ref.Cleaner}), as a {@link Message} dropped without its try-with-resources. Close it all the same:
 * that is when the receiver chooses, the collector's time is not. Received with {@code MSG_CMSG_CLOEXEC}:
 * close-on-exec is set.
 */
public final class ReceivedFd implements AutoCloseable {

    private final OwnedFd owned;
    private final Cleaner.Cleanable cleanable;

    private ReceivedFd(int fd) {
        OwnedFd[] o = new OwnedFd[1];
        this.cleanable = OwnedFd.register(this, fd, o);
        this.owned = o[0];
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
    public int fd() {
        try {
            return owned.get();
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** {@return whether this object still owns the descriptor} */
    public boolean isOpen() {
        return fd() >= 0;
    }

    /**
     * Takes the descriptor: the caller owns it from now on, and closing this object no longer closes it.
     *
     * @return the descriptor
     * @throws IllegalStateException if it was taken or closed already
     */
    public int take() {
        try {
            return owned.take("the received descriptor");
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Takes the descriptor as a {@link Socket} in blocking mode, as {@link #toSocket(boolean) toSocket(true)}.
     *
     * @return the socket, which now owns the descriptor
     * @throws IOException              if {@code adopt} fails ({@code ENOTSOCK} for a file or a pipe)
     * @throws IllegalArgumentException if it is a socket of another family or type
     * @throws IllegalStateException    if it was taken or closed already
     */
    public Socket toSocket() throws IOException {
        return toSocket(true);
    }

    /**
     * Takes the descriptor as a {@link Socket} ({@link Socket#adopt}) in the mode asked for, whatever mode the
     * sender's socket had: the sender's descriptor and this one share the open file and its {@code O_NONBLOCK}
     * flag, which is left as it is for the sender (a blocking socket over a descriptor that has it waits in
     * {@code poll(2)}). If it is not a socket of a family and type the wrapper knows, it stays owned by this object.
     *
     * @param blocking whether the socket is in blocking mode
     * @return the socket, which now owns the descriptor
     * @throws IOException              if {@code adopt} fails ({@code ENOTSOCK} for a file or a pipe)
     * @throws IllegalArgumentException if it is a socket of another family or type
     * @throws IllegalStateException    if it was taken or closed already
     */
    public Socket toSocket(boolean blocking) throws IOException {
        try {
            synchronized (owned) {
                int fd = owned.get();
                if (fd < 0) {
                    throw new IllegalStateException("the received descriptor was taken or closed already");
                }
                Socket s = Socket.adopt(fd, blocking);
                owned.take("the received descriptor");
                return s;
            }
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * Takes the descriptor as an {@link OpenFile}: a file or a pipe another process passed, to send from or splice
     * into.
     *
     * @return the open file, which now owns the descriptor
     * @throws IllegalStateException if it was taken or closed already
     */
    public OpenFile toOpenFile() {
        return OpenFile.adopt(take());
    }

    /** Closes the descriptor ({@code close(2)}) unless it was taken. Idempotent. */
    @Override
    public void close() {
        cleanable.clean();
    }

    /** {@return for example {@code ReceivedFd[7]}, or {@code ReceivedFd[taken or closed]}} */
    @Override
    public String toString() {
        int fd = fd();
        return "ReceivedFd[" + (fd >= 0 ? fd : "taken or closed") + "]";
    }
}
