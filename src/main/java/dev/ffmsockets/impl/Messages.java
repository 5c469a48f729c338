package dev.ffmsockets.impl;

import dev.ffmsockets.ControlMessage;
import dev.ffmsockets.Message;
import dev.ffmsockets.MsgFlag;
import dev.ffmsockets.ReceivedFd;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.kernel.Kernel;
import dev.ffmsockets.raw.iovec;
import dev.ffmsockets.raw.msghdr;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.List;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * {@code sendmsg(2)} and {@code recvmsg(2)} over several buffers, with an address and control messages. Each
 * attempt builds its {@code msghdr}, {@code iovec}s, address and control data in its {@link Frame} (or, for more
 * than {@link Frame#IOVS} buffers or {@link Frame#CONTROL} bytes of control data, in a confined arena closed before
 * any wait): a message call holds no native memory while its thread waits. Heap buffers are copied through the
 * frame's buffer, on a stream socket at most {@link Frame#CHUNK} bytes of them per call (a stream call may move
 * fewer bytes than offered, and a large heap buffer is not copied whole again for each short transfer); direct
 * buffers and native segments are handed to the kernel as they are.
 *
 * <p>Descriptors received are owned from the moment {@code recvmsg} returns: they are wrapped in
 * {@link ReceivedFd}s before anything else can fail, and closed if anything does.
 */
public final class Messages {

    private Messages() {
    }

    /** The most buffers one call takes ({@code IOV_MAX}). */
    public static final int IOV_MAX = 1024;
    /**
     * The most control room a receive allocates: far more than any control data Linux hands over with one message
     * (its largest, 253 descriptors, take about 1 KiB).
     */
    public static final int MAX_CONTROL = 64 * 1024;

    /**
     * Sends one message.
     *
     * @param bufs    {@code ByteBuffer}s (from position to limit; positions advance past what was sent) or
     *                {@code MemorySegment}s
     * @param target  the address to send to, or {@code null}
     * @param control the control messages, encoded by {@link ControlCodec}
     * @param held    the descriptors of sockets passed in {@code control}, entered by the caller
     * @return the bytes sent; -1 when the call would block and may not wait
     */
    public static long send(Descriptor d, Blocking b, Object[] bufs, SockAddr target, List<ControlMessage> control,
                            List<Descriptor> held, int flags) throws IOException {
        long space = ControlCodec.space(control);
        d.begin("sendmsg");
        try {
            long r = Io.run(d, b, "sendmsg", target, POLLOUT, b.deadline(), true, Io.mayNotWait(flags),
                    (f, fd) -> {
                        try (Room mem = new Room(f, bufs.length, space)) {
                            MemorySegment msg = mem.msg;
                            iovecs(f, msg, mem.iov, bufs, true, heapRoom(d));
                            if (target != null) {
                                msghdr.msg_namelen(msg, f.encode(target));
                                msghdr.msg_name(msg, f.target);
                            }
                            if (space > 0) {
                                ControlCodec.encode(control, held, mem.control);
                                msghdr.msg_control(msg, mem.control);
                                msghdr.msg_controllen(msg, space);
                            }
                            return Kernel.sendmsg(f.capture, fd, msg, flags | MSG_NOSIGNAL | f.noWait);
                        }
                    });
            if (r > 0 && bufs instanceof ByteBuffer[]) {
                advance(bufs, r); // positions move; segments, which have none, stay as given
            }
            return r;
        } finally {
            d.end();
        }
    }

    /**
     * Receives one message; on a stream socket with {@code MSG_WAITALL} in blocking mode, as many as fill the
     * buffers, their control messages together.
     *
     * @param bufs         {@code ByteBuffer}s (positions advance past what arrived) or {@code MemorySegment}s
     * @param controlSpace the bytes of room for control data
     * @return the message, owning its descriptors; {@code null} when the call would block and may not wait
     */
    public static Message receive(Descriptor d, Blocking b, Object[] bufs, int controlSpace, int flags)
            throws IOException {
        long room = length(bufs);
        // what a later attempt of a MSG_WAITALL receive fills: a segment has no position to advance, so the
        // segments here are cut past what arrived (the caller's array is left as it was)
        Object[] rest = bufs instanceof ByteBuffer[] ? bufs : bufs.clone();
        boolean all = (flags & MSG_WAITALL) != 0 && d.type == SocketType.STREAM && (flags & (MSG_PEEK | MSG_ERRQUEUE)) == 0;
        d.begin("recvmsg");
        Message whole = null;
        try {
            d.reportDeferred("recvmsg");
            long deadline = b.deadline();
            do {
                Message[] got = new Message[1];
                long r;
                try {
                    r = Io.run(d, b, "recvmsg", null, POLLIN, deadline, true, Io.mayNotWait(flags),
                            (f, fd) -> {
                                try (Room mem = new Room(f, rest.length, controlSpace)) {
                                    MemorySegment msg = mem.msg;
                                    List<MemorySegment> copies = iovecs(f, msg, mem.iov, rest, false, heapRoom(d));
                                    MemorySegment name = f.addr;
                                    msghdr.msg_name(msg, name);
                                    msghdr.msg_namelen(msg, (int) name.byteSize());
                                    MemorySegment control = controlSpace > 0 ? mem.control : null;
                                    if (control != null) {
                                        msghdr.msg_control(msg, control);
                                        msghdr.msg_controllen(msg, controlSpace);
                                    }
                                    long n = Kernel.recvmsg(f.capture, fd, msg, flags | MSG_CMSG_CLOEXEC | f.noWait);
                                    if (n < 0) {
                                        return n;
                                    }
                                    Message m = ControlCodec.decode(f, msg, name, control, n, d.family);
                                    try {
                                        copyOut(rest, copies, n);
                                    } catch (RuntimeException | Error e) {
                                        m.close();
                                        throw e;
                                    }
                                    got[0] = m;
                                    return n;
                                }
                            });
                } catch (IOException e) {
                    if (whole != null && whole.length() > 0 && !d.isClosed()) {
                        // as C: what arrived before a timeout or an error is returned, with its descriptors; the
                        // error comes at the next call
                        d.defer(e);
                        Message done = whole;
                        whole = null;
                        return done;
                    }
                    throw e;
                }
                Message m = got[0];
                if (r < 0) {
                    Message done = whole; // would block: what arrived so far (its descriptors open), or null
                    whole = null;
                    return done;
                }
                if (r == 0 && d.isClosed()) {
                    m.close();
                    throw Errors.closed("recvmsg", d.detail(null)); // the dead socket's end of stream
                }
                advance(rest, r);
                whole = whole == null ? m : join(whole, m);
                if (r == 0) {
                    break;
                }
            } while (all && whole.length() < room && b.blocking());
            if (whole.length() == 0 && room > 0 && d.type != SocketType.DGRAM) {
                whole = new Message(-1, whole.sender(), whole.flags(), whole.control()); // end of stream
            }
            Message done = whole;
            whole = null;
            return done;
        } finally {
            if (whole != null) {
                whole.close(); // failed after some arrived: its descriptors are closed
            }
            d.end();
        }
    }

    /** {@return the bytes of the buffers: each {@code ByteBuffer}'s remaining, each segment's size} */
    public static long length(Object[] bufs) {
        long n = 0;
        for (Object o : bufs) {
            n += size(o);
        }
        return n;
    }

    /** {@return the bytes of one buffer: a {@code ByteBuffer}'s remaining, a segment's size} */
    private static long size(Object buf) {
        return buf instanceof ByteBuffer bb ? bb.remaining() : ((MemorySegment) buf).byteSize();
    }

    /** {@return whether a buffer is heap memory, which goes through native memory} */
    private static boolean onHeap(Object buf) {
        return buf instanceof ByteBuffer bb ? !bb.isDirect() : !((MemorySegment) buf).isNative();
    }

    private static Message join(Message a, Message b) {
        List<ControlMessage> control = new ArrayList<>(a.control());
        control.addAll(b.control());
        java.util.Set<MsgFlag> flags = java.util.EnumSet.noneOf(MsgFlag.class);
        flags.addAll(a.flags());
        flags.addAll(b.flags());
        return new Message(a.length() + b.length(), a.sender(), flags, control);
    }

    /**
     * The memory of one attempt: the frame's, or when the message does not fit there, a confined arena's, closed
     * with the attempt. The {@code msghdr} is zeroed.
     */
    private static final class Room implements AutoCloseable {
        final Arena arena;
        final MemorySegment msg, iov, control;

        Room(Frame f, int buffers, long controlSpace) {
            if (buffers <= Frame.IOVS && controlSpace <= Frame.CONTROL) {
                arena = null;
                msg = f.msg;
                iov = f.iov;
                control = f.control.asSlice(0, controlSpace);
                for (long at = 0; at < msg.byteSize(); at += Long.BYTES) {
                    msg.set(JAVA_LONG, at, 0L); // a msghdr is 7 words: cheaper than fill, which is not inlined
                }
            } else {
                arena = Arena.ofConfined();
                msg = arena.allocate(msghdr.layout());
                iov = arena.allocate(iovec.layout(), Math.max(1, buffers));
                control = arena.allocate(Math.max(1, controlSpace), 8).asSlice(0, controlSpace);
            }
        }

        @Override
        public void close() {
            if (arena != null) {
                arena.close();
            }
        }
    }

    /**
     * Points the message at the buffers: an {@code iovec} each in {@code iov}; heap memory through a copy in the
     * frame's buffer (filled now when sending), at most {@code heapRoom} bytes of it.
     *
     * @return for each buffer, the copy made of it, or {@code null} where the buffer itself is used
     */
    private static List<MemorySegment> iovecs(Frame f, MemorySegment msg, MemorySegment iov, Object[] bufs,
                                              boolean sending, long heapRoom) {
        List<MemorySegment> copies = new ArrayList<>(bufs.length);
        long heapLeft = heapRoom, heapBytes = 0;
        for (Object b : bufs) {
            if (onHeap(b)) {
                heapBytes += Math.min(size(b), heapLeft - heapBytes);
            }
        }
        MemorySegment heap = heapBytes > 0 ? f.buffer(heapBytes) : null;
        long heapAt = 0;
        for (int i = 0; i < bufs.length; i++) {
            MemorySegment s = segment(bufs[i], sending);
            long len = s.byteSize();
            MemorySegment copy = null;
            if (!s.isNative()) {
                len = Math.min(len, heapLeft);
                heapLeft -= len;
                copy = heap == null ? MemorySegment.NULL : heap.asSlice(heapAt, len);
                heapAt += len;
                if (sending) {
                    MemorySegment.copy(s, 0, copy, 0, len);
                }
            }
            copies.add(copy);
            MemorySegment e = iovec.asSlice(iov, i);
            iovec.iov_base(e, copy != null ? copy : s);
            iovec.iov_len(e, len);
            if (len < s.byteSize()) {
                break; // cut: no byte after it may go before the rest of it
            }
        }
        msghdr.msg_iov(msg, iov);
        msghdr.msg_iovlen(msg, copies.size());
        return copies;
    }

    /** {@return the most heap bytes one call copies: a chunk on a stream socket, all of a message otherwise} */
    private static long heapRoom(Descriptor d) {
        return d.type == SocketType.STREAM ? Frame.CHUNK : Long.MAX_VALUE;
    }

    /** The bytes of a buffer as a segment: a {@code ByteBuffer}'s from position to limit. */
    private static MemorySegment segment(Object buf, boolean sending) {
        if (buf instanceof ByteBuffer bb) {
            if (!sending && bb.isReadOnly()) {
                throw new ReadOnlyBufferException();
            }
            return MemorySegment.ofBuffer(bb);
        }
        MemorySegment s = (MemorySegment) buf;
        if (!sending && s.isReadOnly()) {
            throw new IllegalArgumentException("a segment to receive into is read-only");
        }
        return s;
    }

    /** Copies the {@code n} bytes received into heap buffers out of their copies. */
    private static void copyOut(Object[] bufs, List<MemorySegment> copies, long n) {
        long left = n;
        for (int i = 0; i < copies.size() && left > 0; i++) {
            MemorySegment copy = copies.get(i);
            if (copy == null) {
                left -= Math.min(left, size(bufs[i])); // the kernel wrote it in place
                continue;
            }
            MemorySegment s = segment(bufs[i], false);
            long k = Math.min(left, Math.min(copy.byteSize(), s.byteSize()));
            MemorySegment.copy(copy, 0, s, 0, k);
            left -= k;
        }
    }

    /**
     * Moves past {@code n} bytes, in order: a {@code ByteBuffer}'s position advances; a segment, which has none, is
     * replaced in {@code bufs} by what is left of it.
     */
    private static void advance(Object[] bufs, long n) {
        long left = n;
        for (int i = 0; i < bufs.length && left > 0; i++) {
            if (bufs[i] instanceof ByteBuffer bb) {
                int k = (int) Math.min(left, bb.remaining());
                bb.position(bb.position() + k);
                left -= k;
            } else {
                MemorySegment s = (MemorySegment) bufs[i];
                long k = Math.min(left, s.byteSize());
                bufs[i] = s.asSlice(k);
                left -= k;
            }
        }
    }

    /**
     * Checks buffers before any call: not null, not too many, each a {@code ByteBuffer} or a {@code MemorySegment}.
     *
     * @throws IllegalArgumentException if there are more than {@link #IOV_MAX}
     * @throws NullPointerException     if one is null
     */
    public static void check(String call, Object[] bufs) {
        java.util.Objects.requireNonNull(bufs, "buffers");
        if (bufs.length > IOV_MAX) {
            throw new IllegalArgumentException(call + ": " + bufs.length + " buffers; at most " + IOV_MAX
                    + " (IOV_MAX) go in one call");
        }
        for (int i = 0; i < bufs.length; i++) {
            java.util.Objects.requireNonNull(bufs[i], () -> "buffer " + java.util.Arrays.asList(bufs).indexOf(null));
        }
    }

    static byte[] bytes(MemorySegment s, long off, int n) {
        byte[] b = new byte[n];
        MemorySegment.copy(s, JAVA_BYTE, off, b, 0, n);
        return b;
    }
}
