package dev.ffmsockets.impl;

import dev.ffmsockets.kernel.Kernel;
import dev.ffmsockets.Family;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.SocketType;

import java.io.IOException;
import java.nio.channels.NoConnectionPendingException;

import static dev.ffmsockets.posix.Posix.*;

/**
 * Connecting: {@code connect(2)} and what its result means, which differs by family.
 * <ul>
 *   <li>Internet: {@code EINPROGRESS} (and {@code EINTR} of a blocking connect) means the connection goes on
 *       without the caller; it is complete when the socket is writable, and {@code SO_ERROR} says how it
 *       ended. {@code EAGAIN} means no local port was free: an error, not a connection in progress.</li>
 *   <li>AF_UNIX: a connect completes at once or not at all. {@code EAGAIN} means the listener's queue is full:
 *       a waiting connect tries again until the deadline (Linux reports no readiness for that room, so at growing
 *       intervals); in non-blocking mode it fails with {@code EAGAIN}, with nothing in progress. {@code EINTR}
 *       is tried again.</li>
 * </ul>
 * It also keeps the state {@code finishConnect} needs: nothing started, in progress, or connected.
 */
public final class Connector {

    private static final int NONE = 0, PENDING = 1, CONNECTED = 2;

    private volatile int state;

    /**
     * The connect state of a new socket.
     *
     * @param connected whether it is connected already (accepted, or one of a pair)
     */
    public Connector(boolean connected) {
        state = connected ? CONNECTED : NONE;
    }

    /** Records that a datagram socket's association was dissolved: nothing started, nothing connected. */
    public void disconnected() {
        state = NONE;
    }

    /**
     * Connects.
     *
     * @param d       the descriptor
     * @param b       its blocking policy
     * @param remote  the peer
     * @param timeout how long to wait, in nanoseconds; 0 for no limit
     * @param wait    whether to wait for the connection; {@code false} in non-blocking mode
     * @return {@code true} once connected, {@code false} when in progress (only without {@code wait})
     * @throws IOException the errno's exception, a timeout, the closed-socket exception
     */
    public boolean connect(Descriptor d, Blocking b, SockAddr remote, long timeout, boolean wait) throws IOException {
        d.begin("connect");
        try {
            boolean virtual = Thread.currentThread().isVirtual();
            if (virtual || timeout != 0 || !wait) {
                b.requireNonBlockingFd(d);
                b.checkNonBlockingFd(d); // connect has no flag of its own for this one call
            }
            long deadline = Blocking.deadline(timeout);
            boolean unix = d.family == Family.UNIX;
            for (int attempt = 0; ; attempt++) {
                int errno = attempt(d, b, remote, virtual);
                if (errno == 0 || attempt > 0 && unix && errno == EISCONN) {
                    state = CONNECTED;
                    return true;
                }
                if (d.isClosed()) {
                    throw Errors.closed("connect", d.detail(remote));
                }
                if (unix) {
                    if (errno == EAGAIN && !wait) {
                        throw Errors.of("connect", remote + ", whose listen queue is full", errno, false);
                    }
                    if (errno == EAGAIN) {
                        Io.await(d, "connect", remote, POLLOUT, deadline, timeout, attempt);
                    } else if (errno != EINTR) {
                        throw Control.failure(d, "connect", remote, errno);
                    }
                    continue;
                }
                if (errno != EINPROGRESS && errno != EINTR) {
                    throw Control.failure(d, "connect", remote, errno);
                }
                if (!wait) {
                    state = PENDING;
                    return false;
                }
                return complete(d, remote, deadline, timeout);
            }
        } finally {
            d.end();
        }
    }

    /** One {@code connect(2)}; returns 0 or its errno. */
    private static int attempt(Descriptor d, Blocking b, SockAddr remote, boolean virtual) {
        Frame f = Frame.acquire();
        try {
            int len = f.encode(remote);
            // a blocking connect: a close signals it out
            int waiting = !virtual && !b.fdNonBlocking() ? d.addWaiter(f.asWaiter()) : -1;
            try {
                return Kernel.connect(f.capture, d.fd, f.target, len) == 0 ? 0 : f.errno();
            } finally {
                if (waiting >= 0) {
                    d.removeWaiter(f, waiting);
                }
            }
        } finally {
            f.release();
        }
    }

    /** Waits until an Internet connection in progress is made or fails. */
    private boolean complete(Descriptor d, Object target, long deadline, long timeout) throws IOException {
        do {
            Io.await(d, "connect", target, POLLOUT, deadline, timeout, -1);
        } while (!Io.poll(d, "connect", target, POLLOUT, 0));
        int error = Control.pendingError(d, target);
        if (error != 0) {
            state = NONE;
            throw Control.failure(d, "connect", target, error);
        }
        state = CONNECTED;
        return true;
    }

    /**
     * Completes a connection started in non-blocking mode, as {@code SocketChannel.finishConnect} does: in
     * non-blocking mode it returns {@code false} while the connection is in progress; in blocking mode it waits,
     * at most for the socket's timeout.
     *
     * @param d the descriptor
     * @param b its blocking policy
     * @return whether the socket is connected
     * @throws NoConnectionPendingException if no connection was started (and the socket is not connected)
     * @throws IOException                  how the connection failed, a closed socket
     */
    public boolean finishConnect(Descriptor d, Blocking b) throws IOException {
        d.begin("connect");
        try {
            switch (state) {
                case CONNECTED:
                    return true;
                case NONE:
                    if (d.type != SocketType.DGRAM && connectedAnyway(d)) {
                        state = CONNECTED;
                        return true;
                    }
                    throw new NoConnectionPendingException();
                default:
                    if (Io.poll(d, "connect", null, POLLOUT, 0)) {
                        int error = Control.pendingError(d, null);
                        if (error != 0) {
                            state = NONE;
                            throw Control.failure(d, "connect", null, error);
                        }
                        state = CONNECTED;
                        return true;
                    }
                    return b.blocking() && complete(d, null, b.deadline(), b.timeout());
            }
        } finally {
            d.end();
        }
    }

    /** Whether a socket this object saw no connect on (an adopted one) has a peer: {@code getpeername(2)}. */
    private static boolean connectedAnyway(Descriptor d) {
        Frame f = Frame.acquire();
        try {
            f.addrLen.set(java.lang.foreign.ValueLayout.JAVA_INT, 0, (int) f.addr.byteSize());
            return Kernel.getpeername(f.capture, d.fd, f.addr, f.addrLen) == 0;
        } finally {
            f.release();
        }
    }
}
