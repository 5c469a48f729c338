package dev.ffmsockets;
import dev.ffmsockets.impl.Blocking;
import dev.ffmsockets.impl.Connector;
import dev.ffmsockets.impl.Control;
import dev.ffmsockets.impl.Descriptor;
import dev.ffmsockets.impl.Io;
import dev.ffmsockets.impl.Messages;
import dev.ffmsockets.impl.Options;
import dev.ffmsockets.impl.Splicing;
import dev.ffmsockets.impl.Transfers;
import dev.ffmsockets.posix.Posix;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import static dev.ffmsockets.posix.Posix.*;

/**
 * The datagram, message, batch, transfer and escape-hatch calls of {@link Socket}, which are documented there: a
 * part of its façade kept apart so that each file holds one concern.
 */
abstract class SocketCalls extends SocketIo {

    SocketCalls(Descriptor d, Blocking mode, Connector connector) {
        super(d, mode, connector);
    }

    /**
     * Dissolves a datagram socket's default peer: {@code connect(2)} to {@code AF_UNSPEC}, as C does; the socket then
     * takes datagrams from anyone again, and sends need a target. Nothing to do on a socket with no peer.
     *
     * @throws IOException a closed socket, ...
     */
    public void disconnect() throws IOException {
        Control.disconnect(d);
        connector.disconnected();
    }

    // ---- datagrams ---------------------------------------------------------------------------------------------

    /**
     * Sends a datagram to {@code target}: {@code sendto(2)} with {@code MSG_NOSIGNAL}.
     *
     * @param src    the datagram
     * @param target where to
     * @return how many bytes were sent: all, or 0 in non-blocking mode when there was no room
     * @throws IllegalArgumentException if the address is of another family than the socket
     * @throws IOException              {@code EMSGSIZE}, {@code ECONNREFUSED} (port unreachable), ...
     */
    public int sendTo(byte[] src, SockAddr target) throws IOException {
        checkFamily("sendto", target);
        return (int) io.sendTo(src, 0, src.length, target);
    }

    /**
     * Sends {@code len} bytes of {@code src} from {@code off} as a datagram to {@code target}: {@code sendto(2)}.
     *
     * @param src    the array
     * @param off    where the datagram starts in it
     * @param len    its length
     * @param target where to
     * @return as for {@link Socket#sendTo(byte[], SockAddr) Socket.sendTo(byte[], SockAddr)}
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} are outside {@code src} (before any call)
     * @throws IOException               as for {@link Socket#sendTo(byte[], SockAddr) Socket.sendTo(byte[], SockAddr)}
     */
    public int sendTo(byte[] src, int off, int len, SockAddr target) throws IOException {
        Objects.checkFromIndexSize(off, len, src.length);
        checkFamily("sendto", target);
        return (int) io.sendTo(src, off, len, target);
    }

    /**
     * Sends the bytes between {@code src}'s position and limit as a datagram: {@code sendto(2)}. The position
     * advances past what was sent.
     *
     * @param src    the datagram
     * @param target where to
     * @return as for {@link Socket#sendTo(byte[], SockAddr) Socket.sendTo(byte[], SockAddr)}
     * @throws IOException as for {@link Socket#sendTo(byte[], SockAddr) Socket.sendTo(byte[], SockAddr)}
     */
    public int sendTo(ByteBuffer src, SockAddr target) throws IOException {
        checkFamily("sendto", target);
        return io.sendTo(src, target);
    }

    /**
     * Sends a segment as a datagram: {@code sendto(2)}.
     *
     * @param src    the datagram
     * @param target where to
     * @return as for {@link Socket#sendTo(byte[], SockAddr) Socket.sendTo(byte[], SockAddr)}
     * @throws IOException as for {@link Socket#sendTo(byte[], SockAddr) Socket.sendTo(byte[], SockAddr)}
     */
    public long sendTo(MemorySegment src, SockAddr target) throws IOException {
        checkFamily("sendto", target);
        return io.sendTo(src, 0, src.byteSize(), target);
    }

    /**
     * Receives a datagram and its sender: {@code recvfrom(2)}. A datagram larger than the space is cut to it, and
     * {@link Socket.Received#truncated()} says so.
     *
     * @param dst where the datagram goes, between position and limit; the position advances past it
     * @return the length and the sender (whose address is {@code null} when the kernel gives none, as on a
     *         connected stream socket); {@code null} in non-blocking mode when nothing is there
     * @throws ReadOnlyBufferException if {@code dst} is read-only
     * @throws IOException             a timeout, {@code ECONNREFUSED} (port unreachable), a closed socket, ...
     */
    public Socket.Received recvFrom(ByteBuffer dst) throws IOException {
        return io.recvFrom(dst);
    }

    /**
     * Receives a datagram and its sender into an array: {@code recvfrom(2)}.
     *
     * @param dst where the datagram goes
     * @return the length and the sender; {@code null} in non-blocking mode when nothing is there
     * @throws IOException as for {@link Socket#recvFrom(ByteBuffer) Socket.recvFrom(ByteBuffer)}
     */
    public Socket.Received recvFrom(byte[] dst) throws IOException {
        return io.recvFrom(dst, 0, dst.length);
    }

    /**
     * Receives a datagram and its sender into an array: {@code recvfrom(2)}.
     *
     * @param dst where the datagram goes
     * @param off where in {@code dst}
     * @param len at most this many bytes
     * @return the length and the sender; {@code null} in non-blocking mode when nothing is there
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} are outside {@code dst}
     * @throws IOException               as for {@link Socket#recvFrom(ByteBuffer) Socket.recvFrom(ByteBuffer)}
     */
    public Socket.Received recvFrom(byte[] dst, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, dst.length);
        return io.recvFrom(dst, off, len);
    }

    /**
     * Receives a datagram and its sender into a segment: {@code recvfrom(2)}.
     *
     * @param dst where the datagram goes
     * @return the length and the sender; {@code null} in non-blocking mode when nothing is there
     * @throws IllegalArgumentException if {@code dst} is read-only
     * @throws IOException              as for {@link Socket#recvFrom(ByteBuffer) Socket.recvFrom(ByteBuffer)}
     */
    public Socket.Received recvFrom(MemorySegment dst) throws IOException {
        requireWritable(dst);
        return io.recvFrom(dst, 0, dst.byteSize());
    }

    // ---- messages -------------------------------------------------------------------------------------------

    /**
     * Sends a message: {@code sendmsg(2)} with {@code MSG_NOSIGNAL}, gathering the bytes of several buffers, to an
     * address or the connected peer, with control messages ({@link ControlMessage}: descriptors or sockets to
     * pass, credentials, the source address, a UDP segment size). The sockets passed cannot be closed under the
     * call. Positions advance past what was sent. On a stream socket it may send fewer bytes than offered, as
     * {@code send} may (call again from where it stopped); heap memory goes through native memory, at most 64 KiB
     * of it per call there. A datagram goes whole or not at all.
     *
     * @param srcs    the bytes, between each buffer's position and limit, in order; at most 1024
     * @param target  the destination, or {@code null} for the connected peer
     * @param control the control messages, possibly none
     * @param flags   flags of this call ({@link MsgFlag#DONTWAIT}, {@link MsgFlag#MORE}, ...)
     * @return how many bytes were sent; 0 when none could be without waiting
     * @throws IllegalArgumentException if there are more than 1024 buffers, a control message cannot be sent
     *                                  (more than 253 descriptors, a received one), control messages come with no
     *                                  data on a stream socket (Linux would drop them unseen) or the address is of
     *                                  another family
     * @throws IOException              {@code EMSGSIZE}, {@code EPERM} (credentials not one's own), a closed socket
     *                                  among those passed, ...
     */
    public long sendMsg(ByteBuffer[] srcs, SockAddr target, List<ControlMessage> control, MsgFlag... flags)
            throws IOException {
        return sendMsg((Object[]) srcs, target, control, flags);
    }

    /**
     * Sends a message from segments, as {@link Socket#sendMsg(ByteBuffer[], SockAddr, List, MsgFlag...) Socket.sendMsg(ByteBuffer[], SockAddr, List, MsgFlag...)}.
     *
     * @param srcs    the bytes, in order; at most 1024 segments
     * @param target  the destination, or {@code null} for the connected peer
     * @param control the control messages, possibly none
     * @param flags   flags of this call
     * @return how many bytes were sent; 0 when none could be without waiting
     * @throws IOException as for {@link Socket#sendMsg(ByteBuffer[], SockAddr, List, MsgFlag...) Socket.sendMsg(ByteBuffer[], SockAddr, List, MsgFlag...)}
     */
    public long sendMsg(MemorySegment[] srcs, SockAddr target, List<ControlMessage> control, MsgFlag... flags)
            throws IOException {
        return sendMsg((Object[]) srcs, target, control, flags);
    }

    private long sendMsg(Object[] srcs, SockAddr target, List<ControlMessage> control, MsgFlag... flags)
            throws IOException {
        Messages.check("sendmsg", srcs);
        if (target != null) {
            checkFamily("sendmsg", target);
        }
        List<ControlMessage> c = List.copyOf(control);
        dev.ffmsockets.impl.ControlCodec.space(c); // refuses what cannot be sent, before anything is held
        if (!c.isEmpty() && d.type() == SocketType.STREAM && Messages.length(srcs) == 0) {
            // Linux sends nothing for an empty stream write, and the control messages would be dropped unseen
            throw new IllegalArgumentException("sendmsg: on a stream socket control messages travel with data: "
                    + "send at least one byte with them");
        }
        List<Descriptor> held = new ArrayList<>();
        try {
            for (ControlMessage m : c) {
                if (m instanceof ControlMessage.SocketRights r) {
                    for (Socket s : r.sockets()) {
                        s.d.begin("sendmsg");
                        held.add(s.d);
                    }
                }
            }
            return Math.max(0, Messages.send(d, mode, srcs, target, c, held, MsgFlag.bits(flags)));
        } finally {
            held.forEach(Descriptor::end);
        }
    }

    /**
     * Receives a message: {@code recvmsg(2)} with {@code MSG_CMSG_CLOEXEC}, scattering the bytes over several
     * buffers, with the sender, the flags that came back ({@link MsgFlag#TRUNC}, {@link MsgFlag#CTRUNC},
     * {@link MsgFlag#EOR}) and the control messages. Descriptors received are owned by the message: close it (a
     * try-with-resources) and every one not {@linkplain ReceivedFd#take taken} is closed. Control data that does
     * not fit in {@code controlSpace} is cut ({@link MsgFlag#CTRUNC}), and the kernel closes the descriptors it
     * could not hand over. Positions advance past what arrived. On a stream socket at most 64 KiB of heap memory
     * is offered per call; with {@link MsgFlag#WAITALL} in blocking mode the calls go on until every buffer is
     * full, each segment filled after what came before, not over it; when the stream ends, an error comes or the
     * timeout expires first, the message returned holds what arrived, with its descriptors, and the error or timeout
     * is reported by the next call. Bytes and descriptors taken from the kernel are never dropped.
     *
     * @param dsts         where the bytes go, between each buffer's position and limit, in order; at most 1024
     * @param controlSpace bytes of room for control data: {@link ControlMessage#space} of each message expected,
     *                     added up (0 for none); room beyond 64 KiB is not allocated, no control data is larger
     * @param flags        flags of this call ({@link MsgFlag#PEEK}, {@link MsgFlag#DONTWAIT},
     *                     {@link MsgFlag#WAITALL}, {@link MsgFlag#TRUNC}, ...)
     * @return the message, whose length is -1 at end of stream; {@code null} when nothing could be received
     *         without waiting
     * @throws IllegalArgumentException if there are more than 1024 buffers or {@code controlSpace} is negative
     * @throws ReadOnlyBufferException  if a buffer is read-only
     * @throws IOException              as for {@link Socket#recv(byte[]) Socket.recv(byte[])}
     */
    public Message recvMsg(ByteBuffer[] dsts, int controlSpace, MsgFlag... flags) throws IOException {
        return recvMsg((Object[]) dsts, controlSpace, flags);
    }

    /**
     * Receives a message into segments, as {@link Socket#recvMsg(ByteBuffer[], int, MsgFlag...) Socket.recvMsg(ByteBuffer[], int, MsgFlag...)}.
     *
     * @param dsts         where the bytes go, in order; at most 1024 segments
     * @param controlSpace bytes of room for control data
     * @param flags        flags of this call
     * @return the message; {@code null} when nothing could be received without waiting
     * @throws IllegalArgumentException if a segment is read-only, or as for
     *                                  {@link Socket#recvMsg(ByteBuffer[], int, MsgFlag...) Socket.recvMsg(ByteBuffer[], int, MsgFlag...)}
     * @throws IOException              as for {@link Socket#recv(byte[]) Socket.recv(byte[])}
     */
    public Message recvMsg(MemorySegment[] dsts, int controlSpace, MsgFlag... flags) throws IOException {
        return recvMsg((Object[]) dsts, controlSpace, flags);
    }

    private Message recvMsg(Object[] dsts, int controlSpace, MsgFlag... flags) throws IOException {
        Messages.check("recvmsg", dsts);
        if (controlSpace < 0) {
            throw new IllegalArgumentException("recvmsg: controlSpace " + controlSpace + " is negative");
        }
        return Messages.receive(d, mode, dsts, Math.min(controlSpace, Messages.MAX_CONTROL), MsgFlag.bits(flags));
    }

    // ---- batches ------------------------------------------------------------------------------------------------

    /**
     * Sends the datagrams of a batch from {@code from} on: {@code sendmmsg(2)} with {@code MSG_NOSIGNAL}, once.
     * In blocking mode it waits until at least one can go; it may send fewer than all, so send the rest with
     * {@code from} moved on by what it returned.
     *
     * @param batch the datagrams
     * @param from  the first to send, 0 to {@link DatagramBatch#count()}
     * @return how many were sent; 0 in non-blocking mode when none could be
     * @throws IndexOutOfBoundsException if {@code from} is outside the batch
     * @throws IllegalStateException     if the batch is closed
     * @throws IOException               as for {@link Socket#sendTo(byte[], SockAddr) Socket.sendTo(byte[], SockAddr)}, for the first datagram
     */
    public int sendMany(DatagramBatch batch, int from) throws IOException {
        return batch.batch.send(d, mode, from);
    }

    /**
     * Sends the datagrams of a batch: {@link Socket#sendMany(DatagramBatch, int) sendMany(batch, 0)}.
     *
     * @param batch the datagrams
     * @return how many were sent
     * @throws IOException as for {@link Socket#sendMany(DatagramBatch, int) Socket.sendMany(DatagramBatch, int)}
     */
    public int sendMany(DatagramBatch batch) throws IOException {
        return sendMany(batch, 0);
    }

    /**
     * Receives datagrams into a batch: {@code recvmmsg(2)} with {@code MSG_WAITFORONE}: waits (as the mode and
     * timeout allow) for one, then takes as many as are queued, up to the batch's capacity, without waiting more.
     * The batch then holds them: {@link DatagramBatch#length} (the bytes in the slot), {@link DatagramBatch#sender},
     * {@link DatagramBatch#control} (each datagram's control messages, its descriptors owned by the batch until
     * taken), ... With {@link MsgFlag#TRUNC}, {@link DatagramBatch#datagramLength} is a cut datagram's whole length.
     *
     * @param batch where they go
     * @param flags flags of this call ({@link MsgFlag#DONTWAIT}, {@link MsgFlag#TRUNC}, ...)
     * @return how many arrived; 0 when none could be received without waiting
     * @throws IllegalStateException if the batch is closed
     * @throws IOException           as for {@link Socket#recvFrom(ByteBuffer) Socket.recvFrom(ByteBuffer)}
     */
    public int recvMany(DatagramBatch batch, MsgFlag... flags) throws IOException {
        return batch.batch.receive(d, mode, MsgFlag.bits(flags));
    }

    /**
     * Receives datagrams into a batch, as {@link Socket#recvMany(DatagramBatch, MsgFlag...) Socket.recvMany(DatagramBatch, MsgFlag...)} with no flags.
     *
     * @param batch where they go
     * @return how many arrived; 0 in non-blocking mode when none were there
     * @throws IOException as for {@link Socket#recvFrom(ByteBuffer) Socket.recvFrom(ByteBuffer)}
     */
    public int recvMany(DatagramBatch batch) throws IOException {
        return batch.batch.receive(d, mode, 0);
    }

    // ---- transfers in the kernel -------------------------------------------------------------------------------

    /**
     * Moves bytes from another socket to this one inside the kernel: {@code splice(2)} from {@code source} into a
     * pipe and from the pipe into this socket, never through Java memory; for proxies. Stops after {@code count}
     * bytes or at the end of {@code source}'s stream. Both sockets in blocking mode; each one's timeout bounds the
     * waits on it over the whole call (the exception then says how many bytes were moved). Closing either socket
     * from another thread ends the call with the closed-socket exception.
     *
     * @param source the socket to read from (a stream)
     * @param count  at most this many bytes ({@link Long#MAX_VALUE}: until end of stream)
     * @return how many bytes were moved; 0 when {@code source} was at end of stream
     * @throws IllegalArgumentException     if {@code count} is negative, or either socket is not a
     *                                      {@link SocketType#STREAM} socket (a datagram source would wait for
     *                                      datagrams and cut them into the stream)
     * @throws IllegalBlockingModeException if either socket is in non-blocking mode
     * @throws IOException                  {@code EINVAL} (a socket type splice does not take), {@code EPIPE}, a
     *                                      timeout, a closed socket, ...
     */
    public long transferFrom(Socket source, long count) throws IOException {
        Objects.requireNonNull(source, "source");
        if (count < 0) {
            throw new IllegalArgumentException("transferFrom: count " + count + " is negative");
        }
        if (source.d.type() != SocketType.STREAM || d.type() != SocketType.STREAM) {
            throw new IllegalArgumentException("transferFrom: moves a stream to a stream, not " + source.d.type()
                    + " to " + d.type());
        }
        return Splicing.relay(source.d, source.mode, d, mode, count);
    }

    /**
     * Sends part of a file inside the kernel: {@code open(2)} and {@code sendfile(2)}, never through Java memory;
     * for file servers. Stops after {@code count} bytes or at the end of the file. Blocking mode; the timeout
     * bounds the whole call (the exception then says how many bytes went).
     *
     * @param file     the file, on the default file system
     * @param position where in the file to start
     * @param count    at most this many bytes ({@link Long#MAX_VALUE}: to the end)
     * @return how many bytes were sent
     * @throws IllegalArgumentException              if {@code position} or {@code count} is negative
     * @throws java.nio.file.NoSuchFileException     if the file does not exist
     * @throws java.nio.file.AccessDeniedException   if it cannot be read
     * @throws IllegalBlockingModeException          if the socket is in non-blocking mode
     * @throws IOException                           {@code EPIPE}, a timeout, a closed socket, ...
     */
    public long sendFile(Path file, long position, long count) throws IOException {
        Objects.requireNonNull(file, "file");
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("sendFile: position " + position + " and count " + count
                    + " must not be negative");
        }
        return Splicing.sendFile(d, mode, file, position, count);
    }

    /**
     * Sends part of an open file inside the kernel, as {@link Socket#sendFile(Path, long, long) sendFile(Path, long, long)} but with no
     * {@code open(2)} per call: {@code sendfile(2)} from {@code position}; the file's own offset is left as it was.
     *
     * @param file     the open file, which a close during the call does not release until it returns
     * @param position where in the file to start
     * @param count    at most this many bytes ({@link Long#MAX_VALUE}: to the end)
     * @return how many bytes were sent
     * @throws IllegalArgumentException                if {@code position} or {@code count} is negative
     * @throws java.nio.channels.ClosedChannelException if the file is closed
     * @throws IllegalBlockingModeException            if the socket is in non-blocking mode
     * @throws IOException                             {@code EPIPE}, {@code EINVAL} (a file not open for reading,
     *                                                 a pipe), a timeout, a closed socket, ...
     */
    public long sendFile(OpenFile file, long position, long count) throws IOException {
        Objects.requireNonNull(file, "file");
        if (position < 0 || count < 0) {
            throw new IllegalArgumentException("sendFile: position " + position + " and count " + count
                    + " must not be negative");
        }
        int in = file.enter("sendfile");
        try {
            return Splicing.sendFile(d, mode, in, position, count);
        } finally {
            file.leave();
        }
    }

    /**
     * Receives from this stream socket into a file or a pipe inside the kernel: {@code splice(2)} through a pipe,
     * the bytes never in Java memory (a download straight to disk). Stops after {@code count} bytes or at the end
     * of the stream. Blocking mode; the timeout bounds the waits for the socket over the whole call (the exception
     * then says how many bytes were moved, and none is lost: what was taken from the socket was written). A
     * failure of the target (a full disk) loses what was taken from the socket for it, which its exception counts.
     * A pipe without room is waited for: in {@code splice} if it is blocking, in {@code poll(2)} if not (on a
     * virtual thread too, which then holds its carrier, as for a file's I/O).
     *
     * @param target   the open file or pipe, which a close during the call does not release until it returns
     * @param position where in the file to write, its own offset left as it was; or -1: at its offset, which
     *                 advances (a pipe takes only -1)
     * @param count    at most this many bytes ({@link Long#MAX_VALUE}: to the end of the stream)
     * @return how many bytes were moved
     * @throws IllegalArgumentException                if {@code position} is below -1, {@code count} is negative,
     *                                                 the socket is not a {@link SocketType#STREAM} socket, or the
     *                                                 target is one {@code splice(2)} would refuse (not open for
     *                                                 writing, in append mode, a pipe given a position): before a
     *                                                 byte is taken from the socket
     * @throws java.nio.channels.ClosedChannelException if the target is closed
     * @throws IllegalBlockingModeException            if the socket is in non-blocking mode
     * @throws IOException                             {@code ENOSPC}, {@code EIO}, a timeout, a closed socket, ...
     */
    public long spliceTo(OpenFile target, long position, long count) throws IOException {
        Objects.requireNonNull(target, "target");
        if (position < -1 || count < 0) {
            throw new IllegalArgumentException("spliceTo: position " + position + " must be -1 or more and count "
                    + count + " not negative");
        }
        if (d.type() != SocketType.STREAM) {
            throw new IllegalArgumentException("spliceTo: moves a stream, not " + d.type());
        }
        int out = target.enter("splice");
        try {
            return Splicing.toFile(d, mode, out, position, count);
        } finally {
            target.leave();
        }
    }

    // ---- any other call ---------------------------------------------------------------------------------------

    /**
     * Makes a C call of the caller's on this socket's descriptor under the wrapper's guarantees, as Go's
     * {@code RawConn} does: the number cannot be released by a concurrent {@link Socket#close()} while the call runs
     * (a close wakes it, as any call); {@code EINTR} is retried; on {@code EAGAIN} the call waits for
     * {@code readiness} (a virtual thread parks in the poller, the descriptor being non-blocking) for at most the
     * socket's timeout, then is made again; other failures throw with their errno. The call reports failure as
     * the C-style API does: -1 with {@link Posix#errno()} set, which is set to 0 before the call so that an earlier
     * call's errno is never taken for this one's (a failure that sets none throws {@link IllegalStateException}). A
     * downcall of one's own, which the C-style API's errno knows nothing of, is made by
     * {@link Socket#call(SocketCall.Readiness, SocketCall.Capturing) call(SocketCall.Readiness, SocketCall.Capturing)}.
     *
     * {@snippet :
     * // TCP_INFO, which the wrapper has no option for
     * try (Arena arena = Arena.ofConfined()) {
     *     MemorySegment info = arena.allocate(232), len = arena.allocateFrom(C_INT, 232);
     *     socket.call(Readiness.NONE, fd -> getsockopt(fd, IPPROTO_TCP, TCP_INFO, info, len));
     * }
     * }
     *
     * @param readiness what an {@code EAGAIN} waits for; {@link SocketCall.Readiness#NONE}: it is an error
     * @param call      the call, given the descriptor
     * @return what the call returned, never negative; -1 only in non-blocking mode when it would wait
     * @throws IOException           the exception of the call's errno, a timeout, a closed socket, or the call's own
     * @throws IllegalStateException if the call failed and set no errno
     */
    public long call(SocketCall.Readiness readiness, SocketCall call) throws IOException {
        Objects.requireNonNull(call, "call");
        return run(readiness, (f, fd) -> {
            Posix.setErrno(0); // a failure that sets none must not be read as an earlier call's errno
            long r = call.call(fd);
            if (r < 0) {
                f.errno(requireErrno(Posix.errno(), "through the C-style API (Posix), which sets Posix.errno(); "
                        + "a downcall of your own is a SocketCall.Capturing call"));
            }
            return r;
        });
    }

    /**
     * Makes a C call through a downcall of the caller's own under the wrapper's guarantees, as
     * {@link Socket#call(SocketCall.Readiness, SocketCall) call(SocketCall.Readiness, SocketCall)}: the downcall, linked with
     * {@code Linker.Option.captureCallState("errno")}, reports its own errno into the segment it is given, so that
     * no earlier call's errno is ever taken for its own.
     *
     * @param readiness what an {@code EAGAIN} waits for; {@link SocketCall.Readiness#NONE}: it is an error
     * @param call      the call, given the descriptor and the captured-state segment
     * @return what the call returned, never negative; -1 only in non-blocking mode when it would wait
     * @throws IOException           the exception of the call's errno, a timeout, a closed socket, or the call's own
     * @throws IllegalStateException if the call failed and captured no errno
     */
    public long call(SocketCall.Readiness readiness, SocketCall.Capturing call) throws IOException {
        Objects.requireNonNull(call, "call");
        return run(readiness, (f, fd) -> {
            f.errno(0);
            long r;
            try {
                r = call.call(fd, f.capture());
            } catch (IOException | RuntimeException | Error e) {
                throw e;
            } catch (Throwable t) {
                throw new IOException("call: " + t, t);
            }
            if (r < 0) {
                requireErrno(f.errno(), "into the segment it is given: link the downcall with "
                        + "Linker.Option.captureCallState(\"errno\") and pass that segment first");
            }
            return r;
        });
    }

    private static int requireErrno(int errno, String how) {
        if (errno == 0) {
            throw new IllegalStateException("call: the call failed and reported no errno; it reports it " + how);
        }
        return errno;
    }

    private long run(SocketCall.Readiness readiness, Io.Syscall op) throws IOException {
        Objects.requireNonNull(readiness, "readiness");
        int events = switch (readiness) {
            case NONE -> 0;
            case READ -> POLLIN;
            case WRITE -> POLLOUT;
        };
        d.begin("call");
        try {
            return Io.run(d, mode, "call", null, events, mode.deadline(), true, false, op);
        } finally {
            d.end();
        }
    }

}
