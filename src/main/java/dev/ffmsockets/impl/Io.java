package dev.ffmsockets.impl;

import dev.ffmsockets.kernel.Critical;
import dev.ffmsockets.kernel.Kernel;
import dev.ffmsockets.Family;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.poller.Poller;
import dev.ffmsockets.raw.pollfd;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.LockSupport;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The call helper: the one loop that makes a socket's system calls, and the one place that decides what a failed
 * call does next. {@code EINTR} is retried; {@code EAGAIN} waits for readiness until the call's deadline, or
 * returns "would block" in non-blocking mode; anything else, and a socket closed meanwhile, throws. How a thread
 * waits is decided here only:
 * <ul>
 *   <li>a platform thread on a descriptor without {@code O_NONBLOCK} makes the blocking system call itself, as C
 *       does (recorded as a waiter of the descriptor, so a close can signal it out);</li>
 *   <li>a platform thread on a non-blocking descriptor waits in {@code poll(2)} for the time left;</li>
 *   <li>a virtual thread never makes a system call that can block: the descriptor is non-blocking before its
 *       first call, and it parks in the {@link Poller}, unmounting from its carrier;</li>
 *   <li>where Linux reports no readiness to wait for (room in an AF_UNIX listener's queue, in an unconnected
 *       AF_UNIX datagram peer's), the call is tried again at growing intervals, from 50 µs to about 25 ms.</li>
 * </ul>
 * Native memory (a {@link Frame}) is held only around each system call: never across a wait.
 */
public final class Io {

    private Io() {
    }

    /** The transfers the one loop makes. */
    public enum Op {
        /** {@code send(2)}. */
        SEND("send", POLLOUT, true),
        /** {@code sendto(2)}. */
        SENDTO("sendto", POLLOUT, true),
        /** {@code recv(2)}. */
        RECV("recv", POLLIN, false),
        /** {@code recvfrom(2)}, the sender's address into the frame. */
        RECVFROM("recvfrom", POLLIN, false),
        /** {@code accept4(2)}. */
        ACCEPT("accept", POLLIN, false);

        final String call;
        final int events;
        final boolean sends;

        Op(String call, int events, boolean sends) {
            this.call = call;
            this.events = events;
            this.sends = sends;
        }
    }

    /**
     * Makes one transfer: tries the system call, and waits and tries again as the socket's mode and the deadline
     * allow. Heap memory (an array, a heap segment) goes through the frame's native buffer: copied in before a
     * send, out after a receive.
     *
     * @param d        the descriptor, {@linkplain Descriptor#begin entered} by the caller
     * @param b        its blocking policy
     * @param op       the system call
     * @param buf      the bytes to send or the room to receive into: a {@code byte[]} or a {@link MemorySegment}
     *                 (native or heap); {@code null} for accept
     * @param off      where they start in {@code buf}
     * @param len      how many
     * @param flags    the call's flags
     * @param peer     the address to send to ({@link Op#SENDTO}), else {@code null}
     * @param deadline when waiting must end ({@code System.nanoTime()}), 0 for never
     * @return the frame, still held, with the call's {@link Frame#result} (and for {@link Op#RECVFROM} the
     *         sender in its address memory): the caller reads it and {@linkplain Frame#release releases} it;
     *         {@code null} when the call would block in non-blocking mode
     * @throws IOException the exception of the errno, a timeout, or the closed-socket exception
     */
    public static Frame transfer(Descriptor d, Blocking b, Op op, Object buf, long off, long len, int flags,
                                 SockAddr peer, long deadline) throws IOException {
        boolean virtual = Thread.currentThread().isVirtual();
        if (virtual) {
            b.requireNonBlockingFd(d);
        }
        if (!op.sends && op != Op.ACCEPT) {
            d.reportDeferred(op.call);
        }
        int noWait = noWait(b, virtual);
        if (op == Op.ACCEPT && noWait != 0) {
            b.checkNonBlockingFd(d); // accept4 has no flag of its own for this one call
        }
        byte[] array = buf instanceof byte[] a ? a : null;
        MemorySegment seg = buf instanceof MemorySegment s ? s : null;
        boolean heap = array != null || seg != null && !seg.isNative();
        if (heap && len >= HEAP_DIRECT && (op == Op.SEND || op == Op.RECV)) {
            return heap(d, b, op, array != null ? MemorySegment.ofArray(array) : seg, off, len, flags, deadline);
        }
        if (seg != null && !heap && (off != 0 || len != seg.byteSize())) {
            seg = seg.asSlice(off, len);
        }
        boolean unobservable = op == Op.SENDTO && d.family == Family.UNIX && d.type == SocketType.DGRAM;
        for (int attempt = 0; ; attempt++) {
            Frame f = Frame.acquire();
            int errno;
            try {
                MemorySegment nat = heap ? f.buffer(len) : seg;
                if (heap && op.sends) {
                    if (array != null) {
                        MemorySegment.copy(array, (int) off, nat, JAVA_BYTE, 0, (int) len);
                    } else {
                        MemorySegment.copy(seg, off, nat, 0, len);
                    }
                }
                int addrLen = peer != null ? f.encode(peer) : 0;
                // a call that may block in the kernel is a waiter a close signals out
                int waiting = !virtual && !b.fdNonBlocking() ? d.addWaiter(f.asWaiter()) : -1;
                long r;
                try {
                    r = call(op, f, d.fd, nat, len, op == Op.ACCEPT ? flags : flags | noWait, addrLen);
                } finally {
                    if (waiting >= 0) {
                        d.removeWaiter(f, waiting);
                    }
                }
                if (r >= 0) {
                    if (!op.sends && op != Op.ACCEPT) {
                        if (r == 0 && d.isClosed()) {
                            throw Errors.closed(op.call, d.detail(null)); // the dead socket's end of stream
                        }
                        long n = Math.min(r, len);
                        if (heap && n > 0) {
                            if (array != null) {
                                MemorySegment.copy(nat, JAVA_BYTE, 0, array, (int) off, (int) n);
                            } else {
                                MemorySegment.copy(nat, 0, seg, off, n);
                            }
                        }
                    }
                    f.result = r;
                    return f;
                }
                errno = f.errno();
            } catch (IOException | RuntimeException | Error e) {
                f.release();
                throw e;
            }
            f.release();
            if (errno == EAGAIN && mayNotWait(flags) && !d.isClosed()) {
                return null; // this call may not wait
            }
            if (!again(d, b, op.call, peer, errno, op.events, deadline, b.timeout(), unobservable ? attempt : -1)) {
                return null;
            }
        }
    }

    /**
     * A send or receive of heap memory with no copy: the kernel is handed the Java array itself, by a
     * {@code critical} call, which is sound because it never waits ({@code MSG_DONTWAIT}); when it would have
     * waited, the thread waits for readiness as any other and tries again. For large transfers only: a small one
     * costs less to copy than a wait costs when the data is not there yet.
     */
    private static Frame heap(Descriptor d, Blocking b, Op op, MemorySegment heap, long off, long len, int flags,
                              long deadline) throws IOException {
        MemorySegment slice = heap.asSlice(off, len);
        for (;;) {
            Frame f = Frame.acquire();
            int errno;
            try {
                long r = op == Op.SEND ? Critical.send(f.capture, d.fd, slice, len, flags | MSG_DONTWAIT)
                        : Critical.recv(f.capture, d.fd, slice, len, flags | MSG_DONTWAIT);
                if (r >= 0) {
                    if (r == 0 && op == Op.RECV && d.isClosed()) {
                        throw Errors.closed(op.call, d.detail(null));
                    }
                    f.result = r;
                    return f;
                }
                errno = f.errno();
            } catch (IOException | RuntimeException | Error e) {
                f.release();
                throw e;
            }
            f.release();
            if (errno == EAGAIN && mayNotWait(flags) && !d.isClosed()) {
                return null; // this call may not wait
            }
            if (!again(d, b, op.call, null, errno, op.events, deadline, b.timeout(), -1)) {
                return null;
            }
        }
    }

    /**
     * The flag a send or receive adds so as not to block in the kernel when the socket's descriptor should have
     * {@code O_NONBLOCK} (a virtual thread, a timeout, non-blocking mode): the flag is of the open file, which other
     * descriptors share (a {@code dup}, a detached or passed copy, another process), and one of them may have
     * cleared it.
     */
    static int noWait(Blocking b, boolean virtual) {
        return virtual || b.fdNonBlocking() ? MSG_DONTWAIT : 0;
    }

    /**
     * Whether a receive with {@code flags} returns rather than waits when nothing is there: with the caller's
     * {@code MSG_DONTWAIT}, and with {@code MSG_ERRQUEUE}, whose queue is read without waiting (ip(7)): readiness
     * for reading says nothing about it, so a wait would last the whole timeout, or spin while ordinary data is
     * queued.
     */
    public static boolean mayNotWait(int flags) {
        return (flags & (MSG_DONTWAIT | MSG_ERRQUEUE)) != 0;
    }

    /** From this many bytes on, heap memory is handed to the kernel by {@link #heap} rather than copied. */
    static final long HEAP_DIRECT = 16 * 1024;

    private static long call(Op op, Frame f, int fd, MemorySegment buf, long len, int flags, int addrLen) {
        return switch (op) {
            case SEND -> Kernel.send(f.capture, fd, buf, len, flags);
            case SENDTO -> Kernel.sendto(f.capture, fd, buf, len, flags, f.target, addrLen);
            case RECV -> Kernel.recv(f.capture, fd, buf, len, flags);
            case RECVFROM -> {
                f.addrLen.set(JAVA_INT, 0, (int) f.addr.byteSize());
                yield Kernel.recvfrom(f.capture, fd, buf, len, flags, f.addr, f.addrLen);
            }
            case ACCEPT -> Kernel.accept4(f.capture, fd, MemorySegment.NULL, MemorySegment.NULL, flags);
        };
    }

    /** A system call for {@link #run}: its C result (-1 on failure, errno then in {@code f}). */
    @FunctionalInterface
    public interface Syscall {
        /**
         * Makes the call.
         *
         * @param f  the frame: native memory for the call, and where errno goes
         * @param fd the socket's descriptor
         * @return what C returned
         * @throws IOException a failure of the call's own
         */
        long call(Frame f, int fd) throws IOException;
    }

    /**
     * Makes any system call on the socket under the same rules as {@link #transfer}: retried on {@code EINTR}, on
     * {@code EAGAIN} waiting for {@code events} as the thread and the socket's mode require, until the deadline. For
     * the calls that are not on a hot path (messages, batches, transfers, the caller's own).
     *
     * @param events   what to wait for on {@code EAGAIN}; 0: never wait, {@code EAGAIN} is an error
     * @param mayBlock whether the call can block on a blocking descriptor (a platform thread in it is then a
     *                 waiter a close signals out)
     * @param dontWait whether the caller asked not to wait ({@code MSG_DONTWAIT}): {@code EAGAIN} then returns
     * @return the call's result, never negative; or -1 when it would block and the socket (or the call) may not wait
     */
    public static long run(Descriptor d, Blocking b, String call, Object target, int events, long deadline,
                           boolean mayBlock, boolean dontWait, Syscall op) throws IOException {
        boolean virtual = Thread.currentThread().isVirtual();
        if (virtual) {
            b.requireNonBlockingFd(d);
        }
        // no readiness says when an unconnected AF_UNIX datagram peer has room: try again at growing intervals
        boolean unobservable = events == POLLOUT && target instanceof SockAddr && d.family == Family.UNIX
                && d.type == SocketType.DGRAM;
        for (int attempt = 0; ; attempt++) {
            Frame f = Frame.acquire();
            long r;
            int errno;
            try {
                int waiting = mayBlock && !virtual && !b.fdNonBlocking() ? d.addWaiter(f.asWaiter()) : -1;
                f.noWait = noWait(b, virtual);
                try {
                    r = op.call(f, d.fd);
                } finally {
                    if (waiting >= 0) {
                        d.removeWaiter(f, waiting);
                    }
                }
                errno = r < 0 ? f.errno() : 0;
            } finally {
                f.release();
            }
            if (r >= 0) {
                return r;
            }
            if (errno == EAGAIN && (dontWait || events == 0)) {
                if (d.isClosed()) {
                    throw Errors.closed(call, d.detail(target));
                }
                if (events == 0) {
                    throw Errors.of(call, d.detail(target), errno, d.type == SocketType.DGRAM); // nothing to wait for
                }
                return -1;
            }
            if (!again(d, b, call, target, errno, events, deadline, b.timeout(), unobservable ? attempt : -1)) {
                return -1;
            }
        }
    }

    /**
     * After a call failed with {@code errno}: retries on {@code EINTR}; on {@code EAGAIN} waits until the call may
     * succeed (or returns {@code false}: would block, in non-blocking mode); throws for anything else, and for a
     * socket closed meanwhile.
     *
     * @param backoff the attempt number when readiness cannot be observed (retry at growing intervals), else -1
     * @return {@code true} to try again, {@code false} when the call would block in non-blocking mode
     */
    static boolean again(Descriptor d, Blocking b, String call, Object target, int errno, int events, long deadline,
                         long timeout, int backoff) throws IOException {
        if (d.isClosed()) {
            throw Errors.closed(call, d.detail(target));
        }
        if (errno == EINTR) {
            return true;
        }
        if (errno != EAGAIN) {
            throw Errors.of(call, d.detail(target), errno, d.type == SocketType.DGRAM);
        }
        if (!b.blocking()) {
            return false;
        }
        await(d, call, target, events, deadline, timeout, backoff);
        return true;
    }

    /**
     * Waits until the descriptor may be ready for {@code events}, the deadline passes (a timeout exception), the
     * descriptor is closed (the closed-socket exception) or a virtual thread is interrupted.
     */
    static void await(Descriptor d, String call, Object target, int events, long deadline, long timeout,
                      int backoff) throws IOException {
        long left = deadline == 0 ? Long.MAX_VALUE : deadline - System.nanoTime();
        if (left <= 0) {
            throw Errors.timedOut(call, d.detail(target), timeout);
        }
        Thread me = Thread.currentThread();
        if (me.isVirtual() && me.isInterrupted()) {
            throw new InterruptedIOException(call + "(" + d.detail(target) + "): interrupted while waiting");
        }
        Object waiter = me.isVirtual() ? me : Frame.acquire().asWaiter(); // a platform thread's frame is its own
        int where = d.addWaiter(waiter);
        try {
            if (d.isClosed()) {
                throw Errors.closed(call, d.detail(target));
            }
            if (backoff >= 0) {
                LockSupport.parkNanos(Math.min(left, 50_000L << Math.min(backoff, 9))); // 50 µs doubling to ~25 ms
            } else if (me.isVirtual()) {
                d.awaitInPoller(events, deadline);
            } else {
                poll(d, call, target, events, deadline == 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000));
            }
        } catch (IOException e) {
            throw d.isClosed() ? Errors.closed(call, d.detail(target)) : e;
        } finally {
            d.removeWaiter(waiter, where);
        }
        if (d.isClosed()) {
            throw Errors.closed(call, d.detail(target));
        }
    }

    /**
     * {@code poll(2)} on the descriptor alone for up to {@code millis} (-1: no limit).
     *
     * @return whether it is ready
     */
    static boolean poll(Descriptor d, String call, Object target, int events, int millis) throws IOException {
        Frame f = Frame.acquire();
        try {
            pollfd.fd(f.pollfd, d.fd);
            pollfd.events(f.pollfd, (short) events);
            pollfd.revents(f.pollfd, (short) 0);
            int r = Kernel.poll(f.capture, f.pollfd, 1, millis);
            if (r < 0 && f.errno() != EINTR) {
                throw Errors.of("poll", d.detail(target), f.errno(), false);
            }
            return r > 0;
        } finally {
            f.release();
        }
    }
}
