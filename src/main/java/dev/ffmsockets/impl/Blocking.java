package dev.ffmsockets.impl;

import dev.ffmsockets.kernel.Kernel;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;

import static dev.ffmsockets.posix.Posix.F_SETFL;
import static dev.ffmsockets.posix.Posix.O_NONBLOCK;

/**
 * The blocking-mode policy of one socket: the mode the user asked for, its timeout, and whether the descriptor
 * has {@code O_NONBLOCK}. The rule: <em>{@code O_NONBLOCK} is set once, when a call first needs it, and never
 * cleared under a call</em>. A virtual thread needs it before its first system call (it must never block in
 * one, which would hold its carrier); so do a timeout and non-blocking mode (a call is tried, then waits for
 * readiness as long as is left). Once set it stays: a platform thread then waits in {@code poll(2)} rather than
 * in the system call, as the JDK's sockets do. Only {@link #restoreForDetach}, with no call in flight, clears it,
 * so that a detached descriptor is handed back in the mode the user set.
 */
public final class Blocking {

    private volatile boolean blocking;
    private volatile long timeoutNanos;
    private volatile boolean nonBlockingFd;
    /** Guarded by this: the descriptor's other status flags, kept by {@code F_SETFL}. */
    private final int statusFlags;

    /**
     * The policy of a descriptor.
     *
     * @param statusFlags the descriptor's status flags ({@code F_GETFL}), {@code O_NONBLOCK} included
     * @param blocking    the mode of the socket
     */
    public Blocking(int statusFlags, boolean blocking) {
        this.statusFlags = statusFlags & ~O_NONBLOCK;
        this.nonBlockingFd = (statusFlags & O_NONBLOCK) != 0;
        this.blocking = blocking;
    }

    /** {@return whether the socket is in blocking mode} */
    public boolean blocking() {
        return blocking;
    }

    /** {@return the timeout in nanoseconds, 0 for none} */
    public long timeout() {
        return timeoutNanos;
    }

    /** {@return the deadline of a call starting now with the socket's timeout ({@code System.nanoTime()}), 0 for none} */
    public long deadline() {
        return deadline(timeoutNanos);
    }

    /**
     * The deadline of a wait of {@code timeout} nanoseconds starting now.
     *
     * @param timeout nanoseconds, 0 for none
     * @return the deadline on {@code System.nanoTime()}'s scale, 0 for none
     */
    public static long deadline(long timeout) {
        return timeout == 0 ? 0 : Math.max(1, System.nanoTime() + timeout);
    }

    /** {@return whether the descriptor has O_NONBLOCK now; once true, it stays true until a detach} */
    boolean fdNonBlocking() {
        return nonBlockingFd;
    }

    /**
     * Puts {@code O_NONBLOCK} on the descriptor if it does not have it yet: one {@code fcntl(F_SETFL)}.
     *
     * @param d the descriptor
     * @throws IOException if {@code fcntl} fails
     */
    public void requireNonBlockingFd(Descriptor d) throws IOException {
        if (!nonBlockingFd) {
            setFd(d, true);
        }
    }

    /**
     * Makes sure a descriptor that should have {@code O_NONBLOCK} still has it, for the calls with no flag of their
     * own to stay out of a wait in the kernel ({@code accept}, {@code connect}, {@code splice}, {@code sendfile};
     * a send or receive adds {@code MSG_DONTWAIT} instead): the flag belongs to the open file, and another
     * descriptor of it (a {@code dup}, a detached or passed copy, another process) may have cleared it. One
     * {@code fcntl(F_GETFL)}, and {@code F_SETFL} if it was cleared.
     *
     * @param d the descriptor, entered
     * @throws IOException if {@code fcntl} fails
     */
    public void checkNonBlockingFd(Descriptor d) throws IOException {
        if (nonBlockingFd && (Control.statusFlags(d.fd) & O_NONBLOCK) == 0) {
            synchronized (this) {
                nonBlockingFd = false;
                setFd(d, true);
            }
        }
    }

    private synchronized void setFd(Descriptor d, boolean nonBlocking) throws IOException {
        if (nonBlockingFd == nonBlocking) {
            return;
        }
        Frame f = Frame.acquire();
        try {
            if (Kernel.fcntl(f.capture, d.fd, F_SETFL, statusFlags | (nonBlocking ? O_NONBLOCK : 0)) < 0) {
                throw Errors.of("fcntl", "fd " + d.fd + ", F_SETFL", f.errno(), false);
            }
        } finally {
            f.release();
        }
        nonBlockingFd = nonBlocking;
    }

    /**
     * Sets the mode; non-blocking mode needs {@code O_NONBLOCK}.
     *
     * @param d        the descriptor
     * @param blocking the mode
     * @throws IOException if {@code fcntl} fails
     */
    public void setBlocking(Descriptor d, boolean blocking) throws IOException {
        if (!blocking) {
            requireNonBlockingFd(d);
        }
        this.blocking = blocking;
    }

    /**
     * Sets the timeout; a timeout needs {@code O_NONBLOCK}.
     *
     * @param d     the descriptor
     * @param nanos the timeout, 0 for none
     * @throws IOException if {@code fcntl} fails
     */
    public void setTimeout(Descriptor d, long nanos) throws IOException {
        if (nanos != 0) {
            requireNonBlockingFd(d);
        }
        timeoutNanos = nanos;
    }

    /**
     * Gives the descriptor back the mode the user set, before it is handed over; only with no call in flight.
     *
     * @param d the descriptor, detached
     * @throws IOException if {@code fcntl} fails
     */
    public void restoreForDetach(Descriptor d) throws IOException {
        setFd(d, !blocking);
    }

    /**
     * A timeout a caller gave, in nanoseconds (a duration too long for them, about 146 years, as half the range).
     *
     * @param call the call, for the message
     * @param d    the timeout
     * @return its nanoseconds
     * @throws IllegalArgumentException if it is zero or negative
     */
    public static long positiveNanos(String call, Duration d) {
        Objects.requireNonNull(d, "timeout");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(call + ": timeout " + d + " is not positive: pass a positive "
                    + "duration, " + (call.equals("setTimeout") ? "null for no limit, " : "")
                    + "or use setBlocking(false) for calls that return at once instead of waiting");
        }
        try {
            return d.toNanos();
        } catch (ArithmeticException tooLong) {
            return Long.MAX_VALUE / 2;
        }
    }
}
