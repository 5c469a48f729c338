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

import static dev.ffmsockets.posix.Posix.MSG_NOSIGNAL;

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
        d.begin("send");
        try {
            return send(buf, off, len, b.deadline());
        } finally {
            d.end();
        }
    }

    private long send(Object buf, long off, long len, long deadline) throws IOException {
        Frame f = Io.transfer(d, b, Io.Op.SEND, buf, off, portion(buf, len), MSG_NOSIGNAL, null, deadline);
        return f == null ? 0 : done(f);
    }

    /**
     * One {@code send(2)} of the bytes between the buffer's position and limit; the position advances.
     *
     * @return how many were sent
     */
    public int send(ByteBuffer src) throws IOException {
        d.begin("send");
        try {
            return send(src, b.deadline());
        } finally {
            d.end();
        }
    }

    private int send(ByteBuffer src, long deadline) throws IOException {
        int pos = src.position(), len = src.limit() - pos;
        int n = (int) (src.hasArray() ? send(src.array(), src.arrayOffset() + pos, len, deadline)
                : send(segment(src, true), 0, len, deadline));
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
                long n = send(buf, off + sent, len - sent, deadline);
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
                if (send(src, deadline) == 0) {
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
        d.begin("recv");
        try {
            Frame f = Io.transfer(d, b, Io.Op.RECV, buf, off, portion(buf, len), 0, null, b.deadline());
            if (f == null) {
                return 0;
            }
            long r = done(f);
            return r == 0 && len > 0 && d.type != SocketType.DGRAM ? -1 : r;
        } finally {
            d.end();
        }
    }

    /** One {@code recv(2)} into the space between the buffer's position and limit; the position advances. */
    public int recv(ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int pos = dst.position(), len = dst.limit() - pos;
        int r = (int) (dst.hasArray() ? recv(dst.array(), dst.arrayOffset() + pos, len) : recv(segment(dst, false), 0, len));
        if (r > 0) {
            dst.position(pos + r);
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
        d.begin("recvfrom");
        try {
            Frame f = Io.transfer(d, b, Io.Op.RECVFROM, buf, off, len, 0, null, b.deadline());
            if (f == null) {
                return null;
            }
            try {
                return new Socket.Received((int) f.result, f.decode(d.family));
            } finally {
                f.release();
            }
        } finally {
            d.end();
        }
    }

    /** One {@code recvfrom(2)} into a buffer, whose position advances; the sender, or {@code null} (would block). */
    public SockAddr recvFrom(ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        int pos = dst.position(), len = dst.limit() - pos;
        d.begin("recvfrom");
        try {
            Frame f = dst.hasArray()
                    ? Io.transfer(d, b, Io.Op.RECVFROM, dst.array(), dst.arrayOffset() + pos, len, 0, null, b.deadline())
                    : Io.transfer(d, b, Io.Op.RECVFROM, segment(dst, false), 0, len, 0, null, b.deadline());
            if (f == null) {
                return null;
            }
            try {
                dst.position(pos + (int) Math.min(f.result, len));
                return f.decode(d.family);
            } finally {
                f.release();
            }
        } finally {
            d.end();
        }
    }

    /**
     * {@code accept4(2)} with {@code flags}.
     *
     * @return the new descriptor, or -1 in non-blocking mode when no connection is pending
     */
    public int accept(int flags) throws IOException {
        d.begin("accept");
        try {
            Frame f = Io.transfer(d, b, Io.Op.ACCEPT, null, 0, 0, flags, null, b.deadline());
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
