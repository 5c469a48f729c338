package dev.ffmsockets;

import dev.ffmsockets.impl.Cleaning;
import dev.ffmsockets.impl.Splicing;

import java.lang.ref.Cleaner;
import java.nio.channels.ClosedChannelException;

/**
 * A descriptor number owned by a handle ({@link ReceivedFd}, {@link OpenFile}): taken once, or closed once — by
 * the handle's close, or by the cleaner when the handle becomes unreachable — and, while a call uses it, closed
 * only when that call leaves. The cleaner's action is this object, which never refers to the handle.
 */
final class OwnedFd implements Runnable {

    private int fd;
    private int users;
    private boolean closed;

    private OwnedFd(int fd) {
        this.fd = fd;
    }

    /** Owns {@code fd} for {@code handle}: the returned cleanable closes it, now or once the handle is unreachable. */
    static Cleaner.Cleanable register(Object handle, int fd, OwnedFd[] out) {
        OwnedFd owned = new OwnedFd(fd);
        out[0] = owned;
        return Cleaning.register(handle, owned);
    }

    /** {@return the number while owned, else -1} */
    synchronized int get() {
        return closed ? -1 : fd;
    }

    /**
     * Gives the number up: from now on it is the caller's.
     *
     * @throws IllegalStateException if it was taken or closed, or a call uses it
     */
    synchronized int take(String what) {
        if (closed) {
            throw new IllegalStateException(what + " was taken or closed already");
        }
        if (users > 0) {
            throw new IllegalStateException(what + " is in use by a transfer");
        }
        closed = true;
        int taken = fd;
        fd = -1;
        return taken;
    }

    /** The number for a call, which a close does not release until {@link #leave}. */
    synchronized int enter() throws ClosedChannelException {
        if (closed) {
            throw new ClosedChannelException();
        }
        users++;
        return fd;
    }

    /** Ends a call's use; releases the number if it was closed meanwhile. */
    synchronized void leave() {
        if (--users == 0 && closed) {
            release();
        }
    }

    /** Closes: at once, or when the last call using the number leaves. */
    @Override
    public synchronized void run() {
        closed = true;
        if (users == 0) {
            release();
        }
    }

    private void release() {
        if (fd >= 0) {
            Splicing.close(fd);
            fd = -1;
        }
    }
}
