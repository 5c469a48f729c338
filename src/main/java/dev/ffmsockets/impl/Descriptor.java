package dev.ffmsockets.impl;

import dev.ffmsockets.ErrnoException;
import dev.ffmsockets.kernel.Kernel;
import dev.ffmsockets.Family;
import dev.ffmsockets.SocketType;

import dev.ffmsockets.poller.Poller;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

import static dev.ffmsockets.posix.Posix.AF_UNIX;
import static dev.ffmsockets.posix.Posix.SHUT_RDWR;
import static dev.ffmsockets.posix.Posix.SOCK_CLOEXEC;
import static dev.ffmsockets.posix.Posix.SOCK_STREAM;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * A socket descriptor's state: its number, whether it is closed, how many calls are using it, and which threads
 * wait in those calls. The one rule here: <em>the number is released ({@code close(2)}) only when no call uses
 * it</em>, so that no call can ever reach a file or socket someone else opened under the same number, and a
 * close wakes every waiting call without touching the socket itself.
 *
 * <p>Every call brackets its system calls with {@link #begin} and {@link #end} (in {@code finally}: {@code end}
 * is never skipped). {@link #close} marks the descriptor closed; if calls are in flight it replaces the number
 * with a dead socket ({@code dup2(2)}, as the JDK's pre-close does), so that a call about to start finds a socket
 * that answers at once, then wakes the waiting threads: a signal for a platform thread inside a system call (see
 * {@link ThreadSignal}), an unpark for a parked thread. Other descriptors of the same socket (a {@code dup}, a
 * forked child, a socket-activated listener) are untouched; the socket ends when the last of them is closed. The
 * last call to leave releases the number.
 */
public final class Descriptor {

    private static final VarHandle STATE, W0, W1, DEFERRED;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            STATE = l.findVarHandle(Descriptor.class, "state", int.class);
            W0 = l.findVarHandle(Descriptor.class, "w0", Object.class);
            W1 = l.findVarHandle(Descriptor.class, "w1", Object.class);
            DEFERRED = l.findVarHandle(Descriptor.class, "deferred", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** What a waiter slot holds while a close wakes the waiter in it: the waiter cannot leave meanwhile. */
    private static final Object WAKING = new Object();

    /** The state's top bit: closed. The rest: how many calls are in flight. */
    private static final int CLOSED = 0x8000_0000;

    /** A socket whose peer is closed: what the number of a closed descriptor refers to until it is released. */
    private static int deadSocket = -1;

    final int fd;
    final Family family;
    final SocketType type;
    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    /**
     * The threads waiting in a call: a platform thread's frame or a virtual thread, in one of two slots (a reader and
     * a writer, the usual most), the rest in a list guarded by this.
     */
    @SuppressWarnings("unused") // through W0, W1
    private volatile Object w0, w1;
    private Object[] waiters = new Object[2];
    private int waiting;
    /** Whether the socket is registered with the read poller, the write poller (it stays so until closed). */
    private volatile boolean inReadPoller, inWritePoller;
    /** The errno a receive met after bytes had arrived, which the next receive reports; 0 for none. */
    @SuppressWarnings("unused") // through DEFERRED
    private volatile int deferred;

    /**
     * Takes ownership of an open socket descriptor.
     *
     * @param fd     the descriptor
     * @param family its address family
     * @param type   its type
     */
    public Descriptor(int fd, Family family, SocketType type) {
        this.fd = fd;
        this.family = family;
        this.type = type;
    }

    /** {@return the descriptor number} */
    public int fd() {
        return fd;
    }

    /** {@return the address family} */
    public Family family() {
        return family;
    }

    /** {@return the socket type} */
    public SocketType type() {
        return type;
    }

    /**
     * Enters a call: counts it in flight, or throws if the descriptor is closed.
     *
     * @param call the call, for the message
     * @throws SocketException the closed-socket exception
     */
    public void begin(String call) throws SocketException {
        for (;;) {
            int s = state;
            if (s < 0) {
                throw Errors.closed(call, "fd " + fd);
            }
            if (STATE.weakCompareAndSet(this, s, s + 1)) {
                return;
            }
        }
    }

    /** Leaves a call; the last one out of a closed descriptor releases the number. */
    public void end() {
        if ((int) STATE.getAndAdd(this, -1) - 1 == CLOSED) {
            release();
        }
    }

    /** {@return whether the descriptor is closed or detached} */
    public boolean isClosed() {
        return state < 0;
    }

    /** {@return what a message says the call was made on: the target, or {@code fd N}} */
    String detail(Object target) {
        return target != null ? target.toString() : "fd " + fd;
    }

    /**
     * Closes the descriptor: idempotent, never throws. Wakes every call in flight (they fail with the
     * closed-socket exception) and releases the number when the last has left, here or in its {@link #end}.
     */
    public void close() {
        int s;
        do {
            s = state;
            if (s < 0) {
                return;
            }
        } while (!STATE.weakCompareAndSet(this, s, (s | CLOSED) + 1)); // closed, and held by this close
        if (inReadPoller || inWritePoller) {
            try {
                Poller.deregister(fd, inReadPoller, inWritePoller);
            } catch (RuntimeException | Error e) {
                // close never throws; the registration goes with the file when the kernel releases it
            }
        }
        try {
            if (s != 0) {
                wake();
            }
        } finally {
            end();
        }
    }

    /**
     * Keeps the error a receive met after some bytes had arrived ({@code MSG_WAITALL} over several calls), which it
     * then returned: the next receive reports it, as the kernel does with an error it meets after copying bytes.
     */
    void defer(IOException e) {
        if (e instanceof ErrnoException x && !(e instanceof SocketTimeoutException) && x.errno() != 0) {
            deferred = x.errno();
        }
    }

    /** Throws the error {@linkplain #defer deferred} by the receive before, once. */
    void reportDeferred(String call) throws IOException {
        if (deferred != 0) {
            int errno = (int) DEFERRED.getAndSet(this, 0);
            if (errno != 0) {
                throw Errors.of(call, detail(null), errno, false);
            }
        }
    }

    /** Pre-closes the number and wakes the waiters; a failure here must not stop the release. */
    private void wake() {
        Frame f = Frame.acquire();
        try {
            boolean signals = ThreadSignal.available();
            if (!signals || !replaceWithDeadSocket(f)) {
                Kernel.shutdown(f.capture, fd, SHUT_RDWR); // the fallback: ends the socket for every descriptor
            }
            wake(W0, signals, f);
            wake(W1, signals, f);
            synchronized (this) {
                for (int i = 0; i < waiting; i++) {
                    wake(waiters[i], signals, f);
                }
            }
        } catch (RuntimeException | Error e) {
            // close never throws: the number is still released by end(), and the calls see the closed state
        } finally {
            f.release();
        }
    }

    /** Wakes the waiter in a slot, holding the slot meanwhile so that the waiter cannot leave under the signal. */
    private void wake(VarHandle slot, boolean signals, Frame f) {
        Object v = slot.getVolatile(this);
        if (v != null && v != WAKING && slot.compareAndSet(this, v, WAKING)) {
            try {
                wake(v, signals, f);
            } finally {
                slot.setVolatile(this, v);
            }
        }
    }

    private static void wake(Object waiter, boolean signals, Frame f) {
        if (waiter instanceof Frame platform) {
            if (signals) {
                ThreadSignal.send(platform.tid(), f.capture);
            }
            LockSupport.unpark(platform.owner);
        } else {
            LockSupport.unpark((Thread) waiter);
        }
    }

    private boolean replaceWithDeadSocket(Frame f) {
        int dead = deadSocket(f);
        return dead >= 0 && Kernel.dup2(f.capture, dead, fd) == fd;
    }

    private static synchronized int deadSocket(Frame f) {
        if (deadSocket < 0 && Kernel.socketpair(f.capture, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, f.option) == 0) {
            Kernel.close(f.capture, f.option.getAtIndex(JAVA_INT, 1));
            deadSocket = f.option.getAtIndex(JAVA_INT, 0);
        }
        return deadSocket;
    }

    /** {@return the number of the dead socket closed descriptors are replaced with, or -1 before the first} */
    public static synchronized int deadSocket() {
        return deadSocket;
    }

    private void release() {
        Frame f = Frame.acquire();
        try {
            Kernel.close(f.capture, fd);
        } finally {
            f.release();
        }
    }

    /**
     * Gives up the number without closing it, when no call is in flight.
     *
     * @return whether it was detached; {@code false} if closed, or a call is in flight
     */
    public boolean detach() {
        return STATE.compareAndSet(this, 0, CLOSED);
    }

    /** {@return whether calls are in flight} */
    public boolean busy() {
        return (state & ~CLOSED) != 0;
    }

    /**
     * Parks the calling virtual thread in the poller for {@code events} of this socket, registering the socket with
     * that poller first if it is not yet.
     */
    void awaitInPoller(int events, long deadline) throws IOException {
        Poller p = Poller.of(events);
        boolean read = events == dev.ffmsockets.posix.Posix.POLLIN;
        if (read ? !inReadPoller : !inWritePoller) {
            p.register(fd);
            if (read) {
                inReadPoller = true;
            } else {
                inWritePoller = true;
            }
        }
        p.await(fd, deadline);
    }

    /**
     * Records a thread that waits in a call: a platform thread's {@link Frame} while it is inside a system call that
     * may block, a virtual thread while it is parked. A close wakes it; its caller checks {@link #isClosed} after
     * this and before it waits (a platform thread need not: its system call meets the dead socket).
     *
     * @return where it is recorded, for {@link #removeWaiter}
     */
    int addWaiter(Object waiter) {
        if (W0.compareAndSet(this, null, waiter)) {
            return 0;
        }
        if (W1.compareAndSet(this, null, waiter)) {
            return 1;
        }
        synchronized (this) {
            if (waiting == waiters.length) {
                waiters = Arrays.copyOf(waiters, 2 * waiting);
            }
            waiters[waiting++] = waiter;
        }
        return 2;
    }

    /**
     * Forgets a waiter. A close that is waking it holds its slot until the signal is sent, so a signal never lands
     * after the waiter left (on a thread gone, or in a call of someone else's).
     */
    void removeWaiter(Object waiter, int where) {
        if (where < 2) {
            VarHandle slot = where == 0 ? W0 : W1;
            while (!slot.compareAndSet(this, waiter, null)) {
                Thread.onSpinWait(); // a close is sending the signal
            }
            return;
        }
        synchronized (this) {
            for (int i = 0; i < waiting; i++) {
                if (waiters[i] == waiter) {
                    waiters[i] = waiters[--waiting];
                    waiters[waiting] = null;
                    return;
                }
            }
        }
    }
}
