package dev.ffmsockets.netty;

import dev.ffmsockets.Family;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.impl.Addresses;
import dev.ffmsockets.impl.Errors;
import dev.ffmsockets.kernel.Critical;
import dev.ffmsockets.kernel.Kernel;
import dev.ffmsockets.raw.msghdr;
import io.netty.buffer.ByteBuf;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The transport's system calls on a non-blocking descriptor, straight into and out of Netty's buffers: a direct
 * buffer by its memory address, a heap buffer's array itself (no copy either way). {@code send} and {@code recv} are
 * critical calls (no thread-state change around them, and the heap reachable): every call here has
 * {@code MSG_DONTWAIT}, so none waits while it holds off the garbage collector. Each call is one system call; "would block" is 0, end of stream -1, and
 * any other failure an exception that carries errno.
 */
final class Io {

    private static final int SEND = MSG_NOSIGNAL | MSG_DONTWAIT;

    private Io() {
    }

    static IOException failure(String call, String detail, int errno) {
        return Errors.of(call, detail, errno, false);
    }

    /** {@code recv(2)} into {@code buf}'s writable bytes; moves its writer index. */
    static int recv(Scratch s, int fd, ByteBuf buf) throws IOException {
        int at = buf.writerIndex(), room = buf.writableBytes();
        MemorySegment m = memory(buf, at, room);
        long n = Critical.recv(s.capture, fd, m, room, MSG_DONTWAIT);
        if (n > 0) {
            buf.writerIndex(at + (int) n);
            return (int) n;
        }
        if (n == 0) {
            return room == 0 ? 0 : -1;
        }
        int errno = Kernel.errno(s.capture);
        if (errno == EAGAIN || errno == EINTR) {
            return 0;
        }
        throw failure("recv", "fd " + fd, errno);
    }

    /** {@code send(2)} of {@code length} bytes of a direct {@code buf} from {@code index}. */
    static long send(Scratch s, int fd, ByteBuf buf, int index, int length) throws IOException {
        MemorySegment m = memory(buf, index, length);
        long n = Critical.send(s.capture, fd, m, length, SEND);
        return sent(s, fd, "send", n);
    }

    /**
     * {@code length} bytes of {@code buf} from {@code index}, without a copy: a direct buffer's memory by its address
     * (the segment has no size: only the kernel touches it, within {@code length}), a heap buffer's array.
     */
    private static MemorySegment memory(ByteBuf buf, int index, int length) {
        if (buf.hasMemoryAddress()) {
            return MemorySegment.ofAddress(buf.memoryAddress() + index);
        }
        if (buf.hasArray()) {
            return MemorySegment.ofArray(buf.array()).asSlice(buf.arrayOffset() + index, length);
        }
        return MemorySegment.ofBuffer(buf.internalNioBuffer(index, length));
    }

    /**
     * Sends the first of {@code count} buffers, or as many as lead with direct ones: one {@code sendmsg(2)} of the
     * direct buffers that come first (up to {@value Scratch#IOV_MAX}), or one critical {@code send(2)} of a single
     * buffer or of a heap buffer's array when one comes first (a heap buffer has no address to put in an
     * {@code iovec}; sent on its own, it needs no copy). Each buffer is taken from its position to its limit, and the positions move past what was
     * sent, as a {@code GatheringByteChannel}'s write moves them (Netty's outbound buffer keeps these buffers between
     * writes, and takes a partly written one as it is left).
     */
    static long gather(Scratch s, int fd, ByteBuffer[] buffers, int count) throws IOException {
        long n;
        int c;
        if (count == 1 || !buffers[0].isDirect() || !buffers[1].isDirect()) {
            MemorySegment one = MemorySegment.ofBuffer(buffers[0]);
            n = sent(s, fd, "send", Critical.send(s.capture, fd, one, one.byteSize(), SEND));
            c = 1;
        } else {
            c = 0;
            while (c < Math.min(count, Scratch.IOV_MAX) && buffers[c].isDirect()) {
                MemorySegment b = MemorySegment.ofBuffer(buffers[c]);
                s.iov.set(JAVA_LONG, c * Scratch.IOV_SIZE + Scratch.IOV_BASE, b.address());
                s.iov.set(JAVA_LONG, c * Scratch.IOV_SIZE + Scratch.IOV_LEN, b.byteSize());
                c++;
            }
            msghdr.msg_iovlen(s.msg, c);
            n = sent(s, fd, "sendmsg", Kernel.sendmsg(s.capture, fd, s.msg, SEND));
        }
        long left = n;
        for (int i = 0; i < c && left > 0; i++) {
            ByteBuffer b = buffers[i];
            int step = (int) Math.min(b.remaining(), left);
            b.position(b.position() + step);
            left -= step;
        }
        return n;
    }

    /**
     * Receives one datagram into {@code buf}'s writable bytes (a longer one is cut to them, as the JDK's channels cut
     * it), its sender's address into the scratch {@code sockaddr}; moves the writer index.
     *
     * @return the bytes received (0 for an empty datagram), or -1 if none has come
     */
    static int recvFrom(Scratch s, int fd, ByteBuf buf) throws IOException {
        int at = buf.writerIndex(), room = buf.writableBytes();
        s.addrLen.set(JAVA_INT, 0, Scratch.ADDR_SIZE);
        long n = Critical.recvfrom(s.capture, fd, memory(buf, at, room), room, MSG_DONTWAIT, s.addr, s.addrLen);
        if (n >= 0) {
            buf.writerIndex(at + (int) Math.min(n, room));
            return (int) n;
        }
        int errno = Kernel.errno(s.capture);
        if (errno == EAGAIN || errno == EINTR) {
            return -1;
        }
        throw Errors.of("recvfrom", "fd " + fd, errno, true);
    }

    /** {@return the sender of the datagram {@link #recvFrom} took last} */
    static SockAddr sender(Scratch s, Family family) {
        return Addresses.decode(s.addr, s.addrLen.get(JAVA_INT, 0), family);
    }

    /**
     * Sends {@code buf}'s readable bytes as one datagram: to {@code target}, or to the connected peer for
     * {@code null}; a buffer of several direct components with one {@code sendmsg(2)} of them all.
     *
     * @return {@code false} if the socket's buffer is full (nothing was sent)
     */
    static boolean sendTo(Scratch s, int fd, ByteBuf buf, SockAddr target) throws IOException {
        int length = buf.readableBytes();
        int addrLen = target == null ? 0 : Addresses.encode(target, s.addr);
        MemorySegment name = target == null ? MemorySegment.NULL : s.addr;
        long n;
        String call;
        if (buf.nioBufferCount() == 1) {
            call = "sendto";
            n = Critical.sendto(s.capture, fd, memory(buf, buf.readerIndex(), length), length, SEND, name, addrLen);
        } else {
            call = "sendmsg";
            ByteBuffer[] parts = buf.nioBuffers();
            int c = parts.length;
            if (c > Scratch.IOV_MAX) {
                throw new IOException("sendmsg: a datagram of " + c + " buffers; at most " + Scratch.IOV_MAX);
            }
            for (int i = 0; i < c; i++) {
                MemorySegment b = MemorySegment.ofBuffer(parts[i]); // direct: the channel copies others first
                s.iov.set(JAVA_LONG, i * Scratch.IOV_SIZE + Scratch.IOV_BASE, b.address());
                s.iov.set(JAVA_LONG, i * Scratch.IOV_SIZE + Scratch.IOV_LEN, b.byteSize());
            }
            msghdr.msg_iovlen(s.msg, c);
            msghdr.msg_name(s.msg, name);
            msghdr.msg_namelen(s.msg, addrLen);
            try {
                n = Kernel.sendmsg(s.capture, fd, s.msg, SEND);
            } finally {
                msghdr.msg_name(s.msg, MemorySegment.NULL);
                msghdr.msg_namelen(s.msg, 0);
            }
        }
        if (n >= 0) {
            return true;
        }
        int errno = Kernel.errno(s.capture);
        if (errno == EAGAIN || errno == EINTR) {
            return false;
        }
        throw Errors.of(call, target == null ? "fd " + fd : "fd " + fd + " to " + target, errno, true);
    }

    private static long sent(Scratch s, int fd, String call, long n) throws IOException {
        if (n >= 0) {
            return n;
        }
        int errno = Kernel.errno(s.capture);
        if (errno == EAGAIN || errno == EINTR) {
            return 0;
        }
        throw failure(call, "fd " + fd, errno);
    }
}
