package dev.ffmsockets.impl;

import dev.ffmsockets.SockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.IllegalBlockingModeException;

import static dev.ffmsockets.posix.Posix.MSG_DONTWAIT;
import static dev.ffmsockets.posix.Posix.MSG_ERRQUEUE;
import static dev.ffmsockets.posix.Posix.MSG_NOSIGNAL;
import static dev.ffmsockets.posix.Posix.MSG_PEEK;
import static dev.ffmsockets.posix.Posix.MSG_TRUNC;
import static dev.ffmsockets.posix.Posix.MSG_WAITALL;

/**
 * The sends and receives of one socket over every kind of buffer, on {@link Io#transfer}, the one loop: buffer
 * adaptation is here and only here. A {@code byte[]}, a heap {@code ByteBuffer} and a heap segment go through
 * native memory around the call, a chunk at a time on a stream socket; a direct {@code ByteBuffer} and a native
 * segment are handed to the kernel as they are. Sends use {@code MSG_NOSIGNAL}.
 */
public final class Transfers {

    private final Descriptor d;
    private final Blocking b;
    /** The segments of the direct buffers last sent from and received into, held weakly. */
    private volatile View sent, received;

    /**
     * The transfers of a socket.
     *
     * @param d its descriptor
     * @param b its blocking policy
     */
    public Transfers(Descriptor d, Blocking b) {
        this.d = d;
        this.b = b;
    }

    /** How much of {@code len} bytes of heap memory goes into one call: a chunk on a stream, all of a datagram. */
    private long portion(Object buf, long len) {
        boolean heap = !(buf instanceof MemorySegment s && s.isNative());
        return heap && d.type == SocketType.STREAM ? Math.min(len, Frame.CHUNK) : len;
    }

    /**
     * One {@code send(2)}: of a {@code byte[]} or segment; on a stream socket possibly fewer bytes than given.
     *
     * @return how many were sent; 0 in non-blocking mode when none could be
     */
    public long send(Object buf, long off, long len) throws IOException {
        return send(buf, off, len, 0);
    }

    /**
     * One {@code send(2)} with flags of the caller's ({@code MSG_DONTWAIT}: 0 when it would wait).
     *
     * @return how many were sent; 0 when none could be without waiting, in non-blocking mode or with MSG_DONTWAIT
     */
    public long send(Object buf, long off, long len, int flags) throws IOException {
        d.begin("send");
        try {
            return send(buf, off, len, b.deadline(), flags);
        } finally {
            d.end();
        }
    }

    private long send(Object buf, long off, long len, long deadline, int flags) throws IOException {
        Frame f = Io.transfer(d, b, Io.Op.SEND, buf, off, portion(buf, len), flags | MSG_NOSIGNAL, null, deadline);
        return f == null ? 0 : done(f);
    }

    /**
     * One {@code send(2)} of the bytes between the buffer's position and limit; the position advances.
     *
     * @return how many were sent
     */
    public int send(ByteBuffer src) throws IOException {
        return send(src, 0);
    }

    /** One {@code send(2)} of the buffer's remaining bytes with the caller's flags; the position advances. */
    public int send(ByteBuffer src, int flags) throws IOException {
        d.begin("send");
        try {
            return send(src, b.deadline(), flags);
        } finally {
            d.end();
        }
    }

    private int send(ByteBuffer src, long deadline, int flags) throws IOException {
        int pos = src.position(), len = src.limit() - pos;
        int n = (int) (src.hasArray() ? send(src.array(), src.arrayOffset() + pos, len, deadline, flags)
                : send(segment(src, true), 0, len, deadline, flags));
        src.position(pos + n);
        return n;
    }

    /**
     * Sends every byte, calling {@code send(2)} until they are gone; blocking mode only. The socket's timeout
     * bounds the whole call; when it expires, the exception says how many bytes went out.
     */
    public void sendAll(Object buf, long off, long len) throws IOException {
        requireBlocking();
        d.begin("send");
        long deadline = b.deadline();
        long sent = 0;
        try {
            do {
                long n = send(buf, off + sent, len - sent, deadline, 0);
                if (n == 0) {
                    requireBlocking(); // made non-blocking meanwhile
                }
                sent += n;
            } while (sent < len);
        } catch (dev.ffmsockets.ErrnoSocketTimeoutException e) {
            throw Errors.timedOut(e, sent, len);
        } finally {
            d.end();
        }
    }

    /** Sends every byte between the buffer's position and limit, as {@link #sendAll(Object, long, long)}. */
    public void sendAll(ByteBuffer src) throws IOException {
        requireBlocking();
        d.begin("send");
        long deadline = b.deadline();
        int start = src.position();
        try {
            while (src.hasRemaining()) {
                if (send(src, deadline, 0) == 0) {
                    requireBlocking(); // made non-blocking meanwhile
                }
            }
        } catch (dev.ffmsockets.ErrnoSocketTimeoutException e) {
            throw Errors.timedOut(e, src.position() - start, src.limit() - start);
        } finally {
            d.end();
        }
    }

    /**
     * One {@code recv(2)} into a {@code byte[]} or segment.
     *
     * @return how many bytes arrived; -1 at end of stream (not for datagrams); 0 in non-blocking mode when none
     *         are there
     */
    public long recv(Object buf, long off, long len) throws IOException {
        return recv(buf, off, len, 0);
    }

    /**
     * One {@code recv(2)} with flags of the caller's: {@code MSG_PEEK}, {@code MSG_DONTWAIT} (0 when it would wait),
     * {@code MSG_WAITALL} (on a stream, receives until {@code len} bytes, end of stream or, in non-blocking mode or
     * with {@code MSG_DONTWAIT}, until it would wait), {@code MSG_TRUNC} (a datagram's real length).
     *
     * @return as {@link #recv(Object, long, long)}
     */
    public long recv(Object buf, long off, long len, int flags) throws IOException {
        d.begin("recv");
        try {
            return recv(buf, off, len, flags, b.deadline());
        } finally {
            d.end();
        }
    }

    /**
     * One {@code recv(2)} that waits at most {@code timeoutNanos}, whatever the socket's own timeout: the read of a
     * {@code java.net} view whose {@code SO_TIMEOUT} bounds its streams only. The descriptor becomes non-blocking
     * (once), so that a platform thread waits in {@code poll(2)} for the time left.
     *
     * @param timeoutNanos how long it may wait; 0 for no limit
     * @return as {@link #recv(Object, long, long)}
     * @throws dev.ffmsockets.ErrnoSocketTimeoutException if nothing arrived in time
     */
    public long recvWithin(Object buf, long off, long len, long timeoutNanos) throws IOException {
        d.begin("recv");
        try {
            return recv(buf, off, len, 0, within(timeoutNanos));
        } finally {
            d.end();
        }
    }

    /**
     * The deadline of a call that may wait {@code timeoutNanos} (0: the socket's own timeout) whatever the socket's
     * timeout; a bounded wait needs a non-blocking descriptor, which it then keeps. Called inside {@code begin}.
     */
    private long within(long timeoutNanos) throws IOException {
        if (timeoutNanos <= 0) {
            return b.deadline();
        }
        b.requireNonBlockingFd(d);
        return Blocking.deadline(timeoutNanos);
    }

    private long recv(Object buf, long off, long len, int flags, long deadline) throws IOException {
        boolean all = (flags & MSG_WAITALL) != 0 && d.type == SocketType.STREAM && (flags & (MSG_PEEK | MSG_ERRQUEUE)) == 0;
        long got = 0;
        do {
            Frame f;
            try {
                f = Io.transfer(d, b, Io.Op.RECV, buf, off + got, portion(buf, len - got), flags, null, deadline);
            } catch (IOException e) {
                if (got > 0 && !d.isClosed()) {
                    d.defer(e);
                    return got; // as C: what arrived before a timeout or an error is returned, the error comes next
                }
                throw e;
            }
            if (f == null) {
                break;
            }
            long r = done(f);
            if (r == 0 && len > 0 && d.type != SocketType.DGRAM) {
                return got > 0 ? got : -1;
            }
            got += r;
        } while (all && got < len && b.blocking() && !Io.mayNotWait(flags));
        return got;
    }

    /** One {@code recv(2)} into the space between the buffer's position and limit; the position advances. */
    public int recv(ByteBuffer dst) throws IOException {
        return recv(dst, 0);
    }

    /** {@link #recv(ByteBuffer)} with the caller's flags, as {@link #recv(Object, long, long, int)}. */
    public int recv(ByteBuffer dst, int flags) throws IOException {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int pos = dst.position(), len = dst.limit() - pos;
        int r = (int) (dst.hasArray() ? recv(dst.array(), dst.arrayOffset() + pos, len, flags)
                : recv(segment(dst, false), 0, len, flags));
        if (r > 0) {
            dst.position(pos + Math.min(r, len)); // with MSG_TRUNC, r is a datagram's whole length
        }
        return r;
    }

    /**
     * One {@code sendto(2)}: a datagram of a {@code byte[]} or segment to {@code target}.
     *
     * @return how many bytes were sent: all, or 0 in non-blocking mode
     */
    public long sendTo(Object buf, long off, long len, SockAddr target) throws IOException {
        d.begin("sendto");
        try {
            Frame f = Io.transfer(d, b, Io.Op.SENDTO, buf, off, len, MSG_NOSIGNAL, target, b.deadline());
            return f == null ? 0 : done(f);
        } finally {
            d.end();
        }
    }

    /** One {@code sendto(2)} of the bytes between the buffer's position and limit; the position advances. */
    public int sendTo(ByteBuffer src, SockAddr target) throws IOException {
        int pos = src.position(), len = src.limit() - pos;
        int n = (int) (src.hasArray() ? sendTo(src.array(), src.arrayOffset() + pos, len, target)
                : sendTo(segment(src, true), 0, len, target));
        src.position(pos + n);
        return n;
    }

    /**
     * One {@code recvfrom(2)} into a {@code byte[]} or segment.
     *
     * @return the length and the sender; {@code null} in non-blocking mode when nothing is there
     */
    public Socket.Received recvFrom(Object buf, long off, long len) throws IOException {
        return recvFromWithin(buf, off, len, 0);
    }

    /**
     * One {@code recvfrom(2)} that waits at most {@code timeoutNanos} (0: the socket's own timeout), as
     * {@link #recvWithin}.
     *
     * @return as {@link #recvFrom(Object, long, long)}
     */
    public Socket.Received recvFromWithin(Object buf, long off, long len, long timeoutNanos) throws IOException {
        d.begin("recvfrom");
        try {
            // on a datagram socket, MSG_TRUNC makes recvfrom return the datagram's whole length, so that a datagram
            // cut to the buffer is told (on a stream it would mean "discard": never there)
            boolean datagram = d.type == SocketType.DGRAM;
            Frame f = Io.transfer(d, b, Io.Op.RECVFROM, buf, off, len, datagram ? MSG_TRUNC : 0, null,
                    within(timeoutNanos));
            if (f == null) {
                return null;
            }
            try {
                return new Socket.Received((int) Math.min(f.result, len), f.decode(d.family), f.result > len);
            } finally {
                f.release();
            }
        } finally {
            d.end();
        }
    }

    /** One {@code recvfrom(2)} into a buffer, whose position advances; {@code null} when it would block. */
    public Socket.Received recvFrom(ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int pos = dst.position(), len = dst.limit() - pos;
        Socket.Received r = dst.hasArray() ? recvFrom(dst.array(), dst.arrayOffset() + pos, len)
                : recvFrom(segment(dst, false), 0, len);
        if (r != null) {
            dst.position(pos + Math.min(r.length(), len));
        }
        return r;
    }

    /**
     * {@code accept4(2)} with {@code flags}.
     *
     * @return the new descriptor, or -1 in non-blocking mode when no connection is pending
     */
    public int accept(int flags) throws IOException {
        return acceptWithin(flags, 0);
    }

    /**
     * {@code accept4(2)} that waits at most {@code timeoutNanos} (0: the socket's own timeout), as
     * {@link #recvWithin}.
     *
     * @return as {@link #accept(int)}
     */
    public int acceptWithin(int flags, long timeoutNanos) throws IOException {
        d.begin("accept");
        try {
            Frame f = Io.transfer(d, b, Io.Op.ACCEPT, null, 0, 0, flags, null, within(timeoutNanos));
            return f == null ? -1 : (int) done(f);
        } finally {
            d.end();
        }
    }

    /** The frame's result, and the frame given back. */
    private static long done(Frame f) {
        long r = f.result;
        f.release();
        return r;
    }

    private void requireBlocking() {
        if (!b.blocking()) {
            throw new IllegalBlockingModeException();
        }
    }

    /** A segment made for a direct (or read-only heap) buffer, for the position and limit it had; held weakly. */
    private record View(WeakReference<ByteBuffer> of, WeakReference<MemorySegment> segment, int position, int limit) {
    }

    /**
     * The bytes between the position and limit of a buffer without an accessible array (direct, or read-only) as
     * a segment: the one made last time for the same buffer, position and limit if the garbage collector has
     * not taken it, or a new one. A buffer used once is never kept alive.
     */
    private MemorySegment segment(ByteBuffer buffer, boolean sending) {
        View v = sending ? sent : received;
        if (v != null && v.of().refersTo(buffer) && v.position() == buffer.position() && v.limit() == buffer.limit()) {
            MemorySegment s = v.segment().get();
            if (s != null) {
                return s;
            }
        }
        MemorySegment s = MemorySegment.ofBuffer(buffer);
        View fresh = new View(new WeakReference<>(buffer), new WeakReference<>(s), buffer.position(), buffer.limit());
        if (sending) {
            sent = fresh;
        } else {
            received = fresh;
        }
        return s;
    }
}
