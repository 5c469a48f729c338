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
 * The sending and receiving calls of {@link Socket}, which are documented there: a part of its façade kept apart so
 * that each file holds one concern. Holds the socket's descriptor, blocking policy and connect state.
 */
abstract class SocketIo {

    final Descriptor d;
    final Blocking mode;
    final Transfers io;
    /** The connect state: nothing started, in progress, connected. */
    final Connector connector;

    SocketIo(Descriptor d, Blocking mode, Connector connector) {
        this.d = d;
        this.mode = mode;
        this.connector = connector;
        this.io = new Transfers(d, mode);
    }

    /** Refuses an address of another family than the socket's, saying how to write an IPv4 peer of IPv6. */
    void checkFamily(String call, SockAddr address) {
        Objects.requireNonNull(address, "address");
        if (address.family() != d.family()) {
            throw new IllegalArgumentException(call + ": " + address + " is an " + address.family()
                    + " address and this socket is " + d.family()
                    + (d.family() == Family.INET6 && address.family() == Family.INET
                    ? " (write IPv4 peers of an IPv6 socket as ::ffff:a.b.c.d)" : ""));
        }
    }

    // ---- sending ---------------------------------------------------------------------------------------------

    /**
     * Sends bytes: {@code send(2)} with {@code MSG_NOSIGNAL}. On a stream socket it may send fewer than all of them.
     *
     * @param src the bytes
     * @return how many were sent; 0 in non-blocking mode when none could be
     * @throws IOException {@code EPIPE}, {@code ECONNRESET}, {@code EMSGSIZE}, a timeout, a closed socket, ...
     */
    public int send(byte[] src) throws IOException {
        return send(src, 0, src.length);
    }

    /**
     * Sends {@code len} bytes of {@code src} from {@code off}: {@code send(2)} with {@code MSG_NOSIGNAL}. On a
     * stream socket at most 64 KiB go in one call.
     *
     * @param src the bytes
     * @param off where they start
     * @param len how many
     * @return how many were sent; 0 in non-blocking mode when none could be
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} are outside {@code src}
     * @throws IOException               as for {@link Socket#send(byte[]) Socket.send(byte[])}
     */
    public int send(byte[] src, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, src.length);
        return (int) io.send(src, off, len);
    }

    /**
     * Sends the bytes between {@code src}'s position and limit, heap or direct: {@code send(2)} with
     * {@code MSG_NOSIGNAL}. The position advances past what was sent.
     *
     * @param src the bytes
     * @return how many were sent; 0 in non-blocking mode when none could be
     * @throws IOException as for {@link Socket#send(byte[]) Socket.send(byte[])}
     */
    public int send(ByteBuffer src) throws IOException {
        return io.send(src);
    }

    /**
     * Sends the bytes of a segment, native or heap: {@code send(2)} with {@code MSG_NOSIGNAL}.
     *
     * @param src the bytes
     * @return how many were sent; 0 in non-blocking mode when none could be
     * @throws IOException as for {@link Socket#send(byte[]) Socket.send(byte[])}
     */
    public long send(MemorySegment src) throws IOException {
        return io.send(src, 0, src.byteSize());
    }

    /**
     * Sends bytes with flags of this call: {@code send(2)} with {@code MSG_NOSIGNAL} and {@code flags}, such as
     * {@link MsgFlag#DONTWAIT} (return 0 rather than wait, whatever the mode), {@link MsgFlag#MORE},
     * {@link MsgFlag#OOB}. The position advances past what was sent.
     *
     * @param src   the bytes, between position and limit
     * @param flags the flags
     * @return how many were sent; 0 when none could be without waiting
     * @throws IOException as for {@link Socket#send(byte[]) Socket.send(byte[])}
     */
    public int send(ByteBuffer src, MsgFlag... flags) throws IOException {
        return io.send(src, MsgFlag.bits(flags));
    }

    /**
     * Sends {@code len} bytes of {@code src} from {@code off} with flags of this call, as
     * {@link Socket#send(ByteBuffer, MsgFlag...) Socket.send(ByteBuffer, MsgFlag...)}.
     *
     * @param src   the bytes
     * @param off   where they start
     * @param len   how many
     * @param flags the flags
     * @return how many were sent; 0 when none could be without waiting
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} are outside {@code src}
     * @throws IOException               as for {@link Socket#send(byte[]) Socket.send(byte[])}
     */
    public int send(byte[] src, int off, int len, MsgFlag... flags) throws IOException {
        Objects.checkFromIndexSize(off, len, src.length);
        return (int) io.send(src, off, len, MsgFlag.bits(flags));
    }

    /**
     * Sends all the bytes, calling {@code send(2)} until they are gone. Blocking mode only. The timeout bounds the
     * whole call; the {@link java.net.SocketTimeoutException} then says how many bytes went out.
     *
     * @param src the bytes
     * @throws IllegalBlockingModeException if the socket is in non-blocking mode
     * @throws IOException                  as for {@link Socket#send(byte[]) Socket.send(byte[])}; some bytes may have been sent
     */
    public void sendAll(byte[] src) throws IOException {
        sendAll(src, 0, src.length);
    }

    /**
     * Sends {@code len} bytes of {@code src} from {@code off}, calling {@code send(2)} until they are gone.
     *
     * @param src the bytes
     * @param off where they start
     * @param len how many
     * @throws IndexOutOfBoundsException    if {@code off} and {@code len} are outside {@code src}
     * @throws IllegalBlockingModeException if the socket is in non-blocking mode
     * @throws IOException                  as for {@link Socket#sendAll(byte[]) Socket.sendAll(byte[])}
     */
    public void sendAll(byte[] src, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, src.length);
        io.sendAll(src, off, len);
    }

    /**
     * Sends all the bytes between {@code src}'s position and limit, calling {@code send(2)} until they are gone;
     * the position ends at the limit.
     *
     * @param src the bytes
     * @throws IllegalBlockingModeException if the socket is in non-blocking mode
     * @throws IOException                  as for {@link Socket#sendAll(byte[]) Socket.sendAll(byte[])}; the position shows what was sent
     */
    public void sendAll(ByteBuffer src) throws IOException {
        io.sendAll(src);
    }

    /**
     * Sends all the bytes of a segment, calling {@code send(2)} until they are gone.
     *
     * @param src the bytes
     * @throws IllegalBlockingModeException if the socket is in non-blocking mode
     * @throws IOException                  as for {@link Socket#sendAll(byte[]) Socket.sendAll(byte[])}
     */
    public void sendAll(MemorySegment src) throws IOException {
        io.sendAll(src, 0, src.byteSize());
    }

    // ---- receiving -------------------------------------------------------------------------------------------

    /**
     * Receives bytes: {@code recv(2)}.
     *
     * @param dst where they go
     * @return how many arrived; -1 at end of stream (stream and seqpacket sockets); 0 in non-blocking mode when
     *         none are there (or for an empty datagram)
     * @throws java.net.SocketTimeoutException if the timeout expired
     * @throws IOException                     {@code ECONNRESET}, a closed socket, ...
     */
    public int recv(byte[] dst) throws IOException {
        return recv(dst, 0, dst.length);
    }

    /**
     * Receives at most {@code len} bytes into {@code dst} from {@code off}: {@code recv(2)}. On a stream socket at
     * most 64 KiB arrive in one call; a datagram larger than {@code len} is truncated.
     *
     * @param dst where they go
     * @param off where in {@code dst}
     * @param len at most this many
     * @return as for {@link Socket#recv(byte[]) Socket.recv(byte[])}
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} are outside {@code dst}
     * @throws IOException               as for {@link Socket#recv(byte[]) Socket.recv(byte[])}
     */
    public int recv(byte[] dst, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, dst.length);
        return (int) io.recv(dst, off, len);
    }

    /**
     * Receives bytes into the space between {@code dst}'s position and limit, heap or direct: {@code recv(2)}.
     * The position advances past what arrived.
     *
     * @param dst where they go
     * @return as for {@link Socket#recv(byte[]) Socket.recv(byte[])}
     * @throws ReadOnlyBufferException if {@code dst} is read-only
     * @throws IOException             as for {@link Socket#recv(byte[]) Socket.recv(byte[])}
     */
    public int recv(ByteBuffer dst) throws IOException {
        return io.recv(dst);
    }

    /**
     * Receives bytes into a segment, native or heap: {@code recv(2)}.
     *
     * @param dst where they go
     * @return as for {@link Socket#recv(byte[]) Socket.recv(byte[])}
     * @throws IllegalArgumentException if {@code dst} is read-only
     * @throws IOException              as for {@link Socket#recv(byte[]) Socket.recv(byte[])}
     */
    public long recv(MemorySegment dst) throws IOException {
        requireWritable(dst);
        return io.recv(dst, 0, dst.byteSize());
    }

    /**
     * Receives bytes with flags of this call: {@code recv(2)} with {@code flags}: {@link MsgFlag#PEEK} (the bytes
     * stay queued), {@link MsgFlag#DONTWAIT} (return 0 rather than wait, whatever the mode),
     * {@link MsgFlag#WAITALL} (on a stream, fill the space unless the stream ends, an error comes, the timeout
     * expires or the call may not wait; as in C, the bytes that arrived before are returned and the error or timeout
     * is reported by the next call), {@link MsgFlag#TRUNC} (return a datagram's real length, even when it was cut), {@link MsgFlag#OOB}.
     * The position advances past what arrived (at most to the limit).
     *
     * @param dst   where the bytes go, between position and limit
     * @param flags the flags
     * @return as for {@link Socket#recv(byte[]) Socket.recv(byte[])}; with {@link MsgFlag#TRUNC}, a datagram's real length
     * @throws ReadOnlyBufferException if {@code dst} is read-only
     * @throws IOException             as for {@link Socket#recv(byte[]) Socket.recv(byte[])}
     */
    public int recv(ByteBuffer dst, MsgFlag... flags) throws IOException {
        return io.recv(dst, MsgFlag.bits(flags));
    }

    /**
     * Receives at most {@code len} bytes into {@code dst} from {@code off} with flags of this call, as
     * {@link Socket#recv(ByteBuffer, MsgFlag...) Socket.recv(ByteBuffer, MsgFlag...)}.
     *
     * @param dst   where they go
     * @param off   where in {@code dst}
     * @param len   at most this many
     * @param flags the flags
     * @return as for {@link Socket#recv(ByteBuffer, MsgFlag...) Socket.recv(ByteBuffer, MsgFlag...)}
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} are outside {@code dst}
     * @throws IOException               as for {@link Socket#recv(byte[]) Socket.recv(byte[])}
     */
    public int recv(byte[] dst, int off, int len, MsgFlag... flags) throws IOException {
        Objects.checkFromIndexSize(off, len, dst.length);
        return (int) io.recv(dst, off, len, MsgFlag.bits(flags));
    }

    static void requireWritable(MemorySegment dst) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("the segment to receive into is read-only");
        }
    }

}
