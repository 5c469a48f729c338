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
 * A POSIX socket, owned: idiomatic Java over the C socket calls, one system call per method where the
 * operation allows it, with the C name in each method's description.
 *
 * {@snippet :
 * try (Socket server = Socket.open(Family.INET, SocketType.STREAM)) {
 *     server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
 *     server.bind(InetSockAddr.loopback(0));
 *     server.listen(16);
 *     try (Socket client = Socket.open(Family.INET, SocketType.STREAM)) {
 *         client.connect(server.localAddress(), Duration.ofSeconds(5));
 *         try (Socket peer = server.accept()) {
 *             peer.sendAll(ByteBuffer.wrap("Hello there.".getBytes(US_ASCII)));
 *         }
 *         int n = client.recv(buf);   // -1 at end of stream
 *     }
 * }
 * }
 *
 * <h2>What it does for you</h2>
 * <ul>
 *   <li>Sockets are made with {@code SOCK_CLOEXEC} (accepted ones too), and every send uses
 *       {@code MSG_NOSIGNAL}: a vanished peer is an exception, never a {@code SIGPIPE}.</li>
 *   <li>Arguments are checked before any system call ({@link IllegalArgumentException}); a failed call throws an
 *       {@link IOException} of the standard type that carries its errno (see {@link ErrnoException}). What the
 *       kernel reports (a sender's address, a peer's name) is always decoded, whatever it is.</li>
 *   <li>{@code EINTR} is retried. A {@linkplain #setTimeout timeout} bounds a whole call, {@code sendAll} included;
 *       it is the socket's own, there is no global default.</li>
 *   <li>{@link #close()} is idempotent, never throws, and is safe while other threads are inside calls on the
 *       socket: they are woken and fail with the closed-socket exception, and the descriptor number is released
 *       only when the last of them has left, so no call can ever reach a file or socket that someone else opened
 *       under the same number. Other descriptors of the same socket (a {@code dup}, a forked child) are not
 *       affected: close never calls {@code shutdown(2)}.</li>
 * </ul>
 *
 * <h2>Blocking, non-blocking, timeouts</h2>
 * In blocking mode (the default) a call waits until it can complete, at most for the timeout if one is set. In
 * non-blocking mode ({@link #setBlocking setBlocking(false)}) a call that would wait returns at once with a
 * would-block result instead, as {@code java.nio} does: {@code recv} and {@code send} return 0, {@code accept} and
 * {@code recvFrom} return {@code null}, {@code connect} returns {@code false} (then {@link #finishConnect}).
 *
 * <h2>Threads, virtual and platform</h2>
 * How a call waits depends on the calling thread, never on what it returns or throws:
 * <ul>
 *   <li>A platform thread, on a socket without timeout that no virtual thread has used, makes the blocking system
 *       call itself, as C does: no extra system call on the hot path. Otherwise it tries the call on the
 *       non-blocking descriptor and waits in {@code poll(2)} for the time left.</li>
 *   <li>A virtual thread never blocks in a system call, which would hold its carrier. Its first call makes the
 *       descriptor non-blocking ({@code O_NONBLOCK}, once; it stays so until {@link #detach}); then each call is
 *       tried, and on {@code EAGAIN} the thread parks in the library's own epoll poller until the socket is ready,
 *       the timeout passes or the socket is closed. Native memory is held only around each system call, never
 *       while a thread waits: ten thousand virtual threads can wait in {@code recv} and hold none.</li>
 * </ul>
 * A parked virtual thread that is interrupted gets an {@link InterruptedIOException} (its interrupt status kept);
 * a platform thread inside a system call cannot be interrupted, as with C.
 *
 * <h2>Closed sockets</h2>
 * A call on a closed socket, or one woken because another thread closed it, throws a {@link SocketException} whose
 * message says {@code Socket closed} and whose errno is {@code EBADF}. The {@linkplain #inputStream streams} do the
 * same; the {@linkplain #channel() channel} throws {@link ClosedChannelException} and
 * {@link AsynchronousCloseException}, as {@link ByteChannel} requires.
 *
 * <p>Instances are safe for use by several threads. This class is for Linux x86_64 with glibc, as the layer below.
 */
public final class Socket implements AutoCloseable {

    private final Descriptor d;
    private final Blocking mode;
    private final Connector connector;
    private final Transfers io;

    private Socket(int fd, Family family, SocketType type, int statusFlags, boolean blocking, boolean connected) {
        d = new Descriptor(fd, family, type);
        mode = new Blocking(statusFlags, blocking);
        connector = new Connector(connected);
        io = new Transfers(d, mode);
    }

    // ---- making sockets -------------------------------------------------------------------------------------

    /**
     * Opens a socket: {@code socket(2)} with {@code SOCK_CLOEXEC} and protocol 0.
     *
     * @param family the address family
     * @param type   the socket type
     * @return the new socket, in blocking mode
     * @throws IOException {@code EAFNOSUPPORT}, {@code EMFILE}, {@code ENFILE}, {@code ENOBUFS}, ...
     */
    public static Socket open(Family family, SocketType type) throws IOException {
        return open(family, type, 0);
    }

    /**
     * Opens a socket with a protocol: {@code socket(2)} with {@code SOCK_CLOEXEC}.
     *
     * @param family   the address family
     * @param type     the socket type
     * @param protocol 0, or an {@code IPPROTO_*} value such as {@link dev.ffmsockets.posix.Posix#IPPROTO_SCTP}
     * @return the new socket, in blocking mode
     * @throws IOException {@code EPROTONOSUPPORT}, {@code EMFILE}, ...
     */
    public static Socket open(Family family, SocketType type, int protocol) throws IOException {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(type, "type");
        return new Socket(Control.socket(family, type, protocol), family, type, 0, true, false);
    }

    /**
     * Two sockets connected to each other: {@code socketpair(2)} with {@code SOCK_CLOEXEC}.
     *
     * @param family {@link Family#UNIX} (Linux supports no other)
     * @param type   the socket type
     * @return the pair, each in blocking mode
     * @throws IOException {@code EOPNOTSUPP} for an Internet family, {@code EMFILE}, ...
     */
    public static Pair pair(Family family, SocketType type) throws IOException {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(type, "type");
        int[] sv = Control.socketpair(family, type);
        return new Pair(new Socket(sv[0], family, type, 0, true, true), new Socket(sv[1], family, type, 0, true, true));
    }

    /**
     * Two connected AF_UNIX stream sockets: {@code socketpair(AF_UNIX, SOCK_STREAM)}, the usual pair.
     *
     * @return the pair, each in blocking mode
     * @throws IOException {@code EMFILE}, ...
     */
    public static Pair pair() throws IOException {
        return pair(Family.UNIX, SocketType.STREAM);
    }

    /**
     * A second socket over the same kernel socket: {@code fcntl(F_DUPFD_CLOEXEC)}, as C's {@code dup}. Closing one
     * does not affect the other; the peer reads end of stream when both are closed. The two share the open file's
     * status flags ({@code O_NONBLOCK}), and each has its own mode and timeout.
     *
     * @return the new socket, in blocking mode
     * @throws IOException {@code EMFILE}, a closed socket, ...
     */
    public Socket dup() throws IOException {
        int fd = Control.dup(d);
        try {
            int flags = Control.statusFlags(fd);
            return new Socket(fd, d.family(), d.type(), flags, true, false);
        } catch (IOException | RuntimeException e) {
            Posix.close(fd);
            throw e;
        }
    }

    /**
     * Takes ownership of a socket descriptor made elsewhere. Its family, type and blocking mode are read with
     * {@code getsockopt(2)} ({@code SO_DOMAIN}, {@code SO_TYPE}) and {@code fcntl(2)} ({@code F_GETFL}); if that
     * fails the descriptor is not taken, and stays the caller's.
     *
     * @param fd an open socket descriptor of family AF_INET, AF_INET6 or AF_UNIX
     * @return the socket, which now owns {@code fd}
     * @throws IllegalArgumentException if {@code fd} is negative or a socket of another family or type
     * @throws IOException              {@code EBADF}, {@code ENOTSOCK}
     */
    public static Socket adopt(int fd) throws IOException {
        if (fd < 0) {
            throw new IllegalArgumentException("adopt: descriptor " + fd + " is negative");
        }
        Family family = Family.of(Control.intOption(fd, SO_DOMAIN));
        SocketType type = SocketType.of(Control.intOption(fd, SO_TYPE));
        int flags = Control.statusFlags(fd);
        return new Socket(fd, family, type, flags, (flags & O_NONBLOCK) == 0, false);
    }

    /**
     * Two connected sockets from {@link #pair}; closing the pair closes both.
     *
     * @param first  one end
     * @param second the other end
     */
    public record Pair(Socket first, Socket second) implements AutoCloseable {
        /** Closes both sockets. */
        @Override
        public void close() {
            first.close();
            second.close();
        }
    }

    /**
     * What {@code recvFrom} received.
     *
     * @param length the number of bytes received (for a datagram larger than the buffer, the part that fit)
     * @param sender the sender's address, or {@code null} when the kernel gave none (a connected stream socket)
     */
    public record Received(int length, SockAddr sender) {
    }

    // ---- the descriptor -------------------------------------------------------------------------------------

    /**
     * Closes the socket: marks it closed, wakes every thread inside a call on it, and releases the descriptor with
     * {@code close(2)} as soon as no call uses it, here or when the last woken call leaves. Idempotent; never
     * throws. The peer reads end of stream once no other descriptor of the socket is open.
     */
    @Override
    public void close() {
        d.close();
    }

    /**
     * Gives up ownership of the descriptor without closing it; the socket is then closed and the caller owns the
     * number, in the blocking mode this socket was in ({@code O_NONBLOCK} cleared for blocking mode, even if a
     * virtual thread or a timeout needed it).
     *
     * @return the descriptor
     * @throws IllegalStateException if the socket is closed, or a call on it is in flight in another thread
     */
    public int detach() {
        if (!d.detach()) {
            throw new IllegalStateException(d.isClosed() ? "detach: the socket is closed"
                    : "detach: calls are in flight on fd " + d.fd() + " in other threads");
        }
        try {
            mode.restoreForDetach(d);
        } catch (IOException e) {
            // F_SETFL on a valid descriptor does not fail; if it did, the number is still the caller's
        }
        return d.fd();
    }

    /** {@return whether the socket is open: not closed, not detached} */
    public boolean isOpen() {
        return !d.isClosed();
    }

    /** {@return the descriptor, or -1 once closed or detached; using it directly bypasses this class's guarantees} */
    public int fd() {
        return d.isClosed() ? -1 : d.fd();
    }

    /** {@return the address family} */
    public Family family() {
        return d.family();
    }

    /** {@return the socket type} */
    public SocketType type() {
        return d.type();
    }

    // ---- binding, listening, connecting -------------------------------------------------------------------

    private void checkFamily(String call, SockAddr address) {
        Objects.requireNonNull(address, "address");
        if (address.family() != d.family()) {
            throw new IllegalArgumentException(call + ": " + address + " is an " + address.family()
                    + " address and this socket is " + d.family()
                    + (d.family() == Family.INET6 && address.family() == Family.INET
                    ? " (write IPv4 peers of an IPv6 socket as ::ffff:a.b.c.d)" : ""));
        }
    }

    /**
     * Binds the socket to a local address: {@code bind(2)}.
     *
     * @param local the address; port 0 lets the kernel pick a free port (read it back with {@link #localAddress})
     * @throws IllegalArgumentException if the address is of another family than the socket
     * @throws java.net.BindException   {@code EADDRINUSE}, {@code EADDRNOTAVAIL}, {@code EACCES}
     * @throws IOException              {@code EINVAL} (already bound), a closed socket, ...
     */
    public void bind(SockAddr local) throws IOException {
        checkFamily("bind", local);
        Control.bind(d, local);
    }

    /**
     * Marks the socket as accepting connections: {@code listen(2)}.
     *
     * @param backlog the length of the queue of pending connections; the kernel caps it at
     *                {@code net.core.somaxconn}, and takes a negative value as that cap, as C and Python do
     * @throws IOException {@code EOPNOTSUPP} for a datagram socket, {@code EADDRINUSE}, ...
     */
    public void listen(int backlog) throws IOException {
        Control.listen(d, backlog);
    }

    /**
     * Accepts a connection: {@code accept4(2)} with {@code SOCK_CLOEXEC} (and {@code SOCK_NONBLOCK} on a virtual
     * thread, which needs it). The new socket is in blocking mode with no timeout; its peer's address is read when
     * asked for, with {@link #remoteAddress()}, so that nothing can fail after the connection is taken.
     *
     * @return the connected socket, or {@code null} in non-blocking mode when no connection is pending
     * @throws java.net.SocketTimeoutException if the timeout expired
     * @throws IOException                     {@code EINVAL} (not listening), {@code EMFILE}, a closed socket, ...
     */
    public Socket accept() throws IOException {
        int flags = SOCK_CLOEXEC | (Thread.currentThread().isVirtual() ? SOCK_NONBLOCK : 0);
        int fd = io.accept(flags);
        // a virtual thread's accepted descriptor is non-blocking already; the socket is in blocking mode
        return fd < 0 ? null : new Socket(fd, d.family(), d.type(), flags & SOCK_NONBLOCK, true, true);
    }

    /**
     * Connects to a peer: {@code connect(2)}, waiting at most for the socket's timeout if it has one. In
     * non-blocking mode, returns {@code false} when an Internet connection is in progress ({@code EINPROGRESS});
     * complete it with {@link #finishConnect()}. On AF_UNIX a connection is made at once or not at all: when the
     * listener's queue is full, a blocking connect waits for room (trying again at growing intervals, since Linux
     * reports no readiness for it) and non-blocking mode fails with {@code EAGAIN}. For a datagram socket, sets the
     * default peer.
     *
     * @param remote the peer's address
     * @return {@code true} once connected; {@code false} only in non-blocking mode
     * @throws IllegalArgumentException        if the address is of another family than the socket
     * @throws java.net.ConnectException       {@code ECONNREFUSED}, {@code ETIMEDOUT}
     * @throws java.net.NoRouteToHostException {@code EHOSTUNREACH}, {@code ENETUNREACH}
     * @throws java.net.SocketTimeoutException if the socket's timeout expired
     * @throws IOException                     {@code EISCONN}, {@code EADDRNOTAVAIL}, {@code EAGAIN}, a closed socket
     */
    public boolean connect(SockAddr remote) throws IOException {
        checkFamily("connect", remote);
        return connector.connect(d, mode, remote, mode.timeout(), mode.blocking());
    }

    /**
     * Connects to a peer, waiting at most {@code timeout}: {@code connect(2)} on the non-blocking descriptor, then a
     * wait for writability and {@code getsockopt(SO_ERROR)} (on AF_UNIX, for room in the listener's queue). After a
     * failure the socket's state is unspecified, as POSIX says: close it.
     *
     * @param remote  the peer's address
     * @param timeout how long to wait for the connection; positive
     * @throws IllegalArgumentException        if the timeout is not positive or the address is of another family
     * @throws java.net.SocketTimeoutException if the connection was not made in time
     * @throws java.net.ConnectException       {@code ECONNREFUSED}, {@code ETIMEDOUT}
     * @throws IOException                     as for {@link #connect(SockAddr)}
     */
    public void connect(SockAddr remote, Duration timeout) throws IOException {
        long nanos = positiveNanos("connect", timeout);
        checkFamily("connect", remote);
        connector.connect(d, mode, remote, nanos, true);
    }

    /**
     * Completes a connection started in non-blocking mode: {@code poll(2)} without waiting, then
     * {@code getsockopt(SO_ERROR)}; in blocking mode it waits for the connection, at most for the timeout.
     *
     * @return {@code true} when connected (also when it already was), {@code false} while still in progress
     * @throws NoConnectionPendingException if no connection was started on this socket and it is not connected
     * @throws java.net.ConnectException    {@code ECONNREFUSED}, ...
     * @throws IOException                  a closed socket, ...
     */
    public boolean finishConnect() throws IOException {
        return connector.finishConnect(d, mode);
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
     * @throws IOException               as for {@link #send(byte[])}
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
     * @throws IOException as for {@link #send(byte[])}
     */
    public int send(ByteBuffer src) throws IOException {
        return io.send(src);
    }

    /**
     * Sends the bytes of a segment, native or heap: {@code send(2)} with {@code MSG_NOSIGNAL}.
     *
     * @param src the bytes
     * @return how many were sent; 0 in non-blocking mode when none could be
     * @throws IOException as for {@link #send(byte[])}
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
     * @throws IOException as for {@link #send(byte[])}
     */
    public int send(ByteBuffer src, MsgFlag... flags) throws IOException {
        return io.send(src, MsgFlag.bits(flags));
    }

    /**
     * Sends {@code len} bytes of {@code src} from {@code off} with flags of this call, as
     * {@link #send(ByteBuffer, MsgFlag...)}.
     *
     * @param src   the bytes
     * @param off   where they start
     * @param len   how many
     * @param flags the flags
     * @return how many were sent; 0 when none could be without waiting
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} are outside {@code src}
     * @throws IOException               as for {@link #send(byte[])}
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
     * @throws IOException                  as for {@link #send(byte[])}; some bytes may have been sent
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
     * @throws IOException                  as for {@link #sendAll(byte[])}
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
     * @throws IOException                  as for {@link #sendAll(byte[])}; the position shows what was sent
     */
    public void sendAll(ByteBuffer src) throws IOException {
        io.sendAll(src);
    }

    /**
     * Sends all the bytes of a segment, calling {@code send(2)} until they are gone.
     *
     * @param src the bytes
     * @throws IllegalBlockingModeException if the socket is in non-blocking mode
     * @throws IOException                  as for {@link #sendAll(byte[])}
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
     * @return as for {@link #recv(byte[])}
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} are outside {@code dst}
     * @throws IOException               as for {@link #recv(byte[])}
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
     * @return as for {@link #recv(byte[])}
     * @throws ReadOnlyBufferException if {@code dst} is read-only
     * @throws IOException             as for {@link #recv(byte[])}
     */
    public int recv(ByteBuffer dst) throws IOException {
        return io.recv(dst);
    }

    /**
     * Receives bytes into a segment, native or heap: {@code recv(2)}.
     *
     * @param dst where they go
     * @return as for {@link #recv(byte[])}
     * @throws IllegalArgumentException if {@code dst} is read-only
     * @throws IOException              as for {@link #recv(byte[])}
     */
    public long recv(MemorySegment dst) throws IOException {
        requireWritable(dst);
        return io.recv(dst, 0, dst.byteSize());
    }

    /**
     * Receives bytes with flags of this call: {@code recv(2)} with {@code flags}: {@link MsgFlag#PEEK} (the bytes
     * stay queued), {@link MsgFlag#DONTWAIT} (return 0 rather than wait, whatever the mode),
     * {@link MsgFlag#WAITALL} (on a stream, fill the space unless the stream ends, an error comes, or the call may
     * not wait), {@link MsgFlag#TRUNC} (return a datagram's real length, even when it was cut), {@link MsgFlag#OOB}.
     * The position advances past what arrived (at most to the limit).
     *
     * @param dst   where the bytes go, between position and limit
     * @param flags the flags
     * @return as for {@link #recv(byte[])}; with {@link MsgFlag#TRUNC}, a datagram's real length
     * @throws ReadOnlyBufferException if {@code dst} is read-only
     * @throws IOException             as for {@link #recv(byte[])}
     */
    public int recv(ByteBuffer dst, MsgFlag... flags) throws IOException {
        return io.recv(dst, MsgFlag.bits(flags));
    }

    /**
     * Receives at most {@code len} bytes into {@code dst} from {@code off} with flags of this call, as
     * {@link #recv(ByteBuffer, MsgFlag...)}.
     *
     * @param dst   where they go
     * @param off   where in {@code dst}
     * @param len   at most this many
     * @param flags the flags
     * @return as for {@link #recv(ByteBuffer, MsgFlag...)}
     * @throws IndexOutOfBoundsException if {@code off} and {@code len} are outside {@code dst}
     * @throws IOException               as for {@link #recv(byte[])}
     */
    public int recv(byte[] dst, int off, int len, MsgFlag... flags) throws IOException {
        Objects.checkFromIndexSize(off, len, dst.length);
        return (int) io.recv(dst, off, len, MsgFlag.bits(flags));
    }

    private static void requireWritable(MemorySegment dst) {
        if (dst.isReadOnly()) {
            throw new IllegalArgumentException("the segment to receive into is read-only");
        }
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
     * Sends the bytes between {@code src}'s position and limit as a datagram: {@code sendto(2)}. The position
     * advances past what was sent.
     *
     * @param src    the datagram
     * @param target where to
     * @return as for {@link #sendTo(byte[], SockAddr)}
     * @throws IOException as for {@link #sendTo(byte[], SockAddr)}
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
     * @return as for {@link #sendTo(byte[], SockAddr)}
     * @throws IOException as for {@link #sendTo(byte[], SockAddr)}
     */
    public long sendTo(MemorySegment src, SockAddr target) throws IOException {
        checkFamily("sendto", target);
        return io.sendTo(src, 0, src.byteSize(), target);
    }

    /**
     * Receives a datagram and its sender: {@code recvfrom(2)}. A datagram larger than the space is truncated.
     *
     * @param dst where the datagram goes, between position and limit; the position advances past it
     * @return the length and the sender (whose address is {@code null} when the kernel gives none, as on a
     *         connected stream socket); {@code null} in non-blocking mode when nothing is there
     * @throws ReadOnlyBufferException if {@code dst} is read-only
     * @throws IOException             a timeout, {@code ECONNREFUSED} (port unreachable), a closed socket, ...
     */
    public Received recvFrom(ByteBuffer dst) throws IOException {
        return io.recvFrom(dst);
    }

    /**
     * Receives a datagram and its sender into an array: {@code recvfrom(2)}.
     *
     * @param dst where the datagram goes
     * @return the length and the sender; {@code null} in non-blocking mode when nothing is there
     * @throws IOException as for {@link #recvFrom(ByteBuffer)}
     */
    public Received recvFrom(byte[] dst) throws IOException {
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
     * @throws IOException               as for {@link #recvFrom(ByteBuffer)}
     */
    public Received recvFrom(byte[] dst, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, dst.length);
        return io.recvFrom(dst, off, len);
    }

    /**
     * Receives a datagram and its sender into a segment: {@code recvfrom(2)}.
     *
     * @param dst where the datagram goes
     * @return the length and the sender; {@code null} in non-blocking mode when nothing is there
     * @throws IllegalArgumentException if {@code dst} is read-only
     * @throws IOException              as for {@link #recvFrom(ByteBuffer)}
     */
    public Received recvFrom(MemorySegment dst) throws IOException {
        requireWritable(dst);
        return io.recvFrom(dst, 0, dst.byteSize());
    }

    // ---- messages -------------------------------------------------------------------------------------------

    /**
     * Sends a message: {@code sendmsg(2)} with {@code MSG_NOSIGNAL}, gathering the bytes of several buffers, to an
     * address or the connected peer, with control messages ({@link ControlMessage}: descriptors or sockets to
     * pass, credentials, the source address, a UDP segment size). The sockets passed cannot be closed under the
     * call. Positions advance past what was sent.
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
     * Sends a message from segments, as {@link #sendMsg(ByteBuffer[], SockAddr, List, MsgFlag...)}.
     *
     * @param srcs    the bytes, in order; at most 1024 segments
     * @param target  the destination, or {@code null} for the connected peer
     * @param control the control messages, possibly none
     * @param flags   flags of this call
     * @return how many bytes were sent; 0 when none could be without waiting
     * @throws IOException as for {@link #sendMsg(ByteBuffer[], SockAddr, List, MsgFlag...)}
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
        if (!c.isEmpty() && type() == SocketType.STREAM && Messages.length(srcs) == 0) {
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
     * could not hand over. Positions advance past what arrived.
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
     * @throws IOException              as for {@link #recv(byte[])}
     */
    public Message recvMsg(ByteBuffer[] dsts, int controlSpace, MsgFlag... flags) throws IOException {
        return recvMsg((Object[]) dsts, controlSpace, flags);
    }

    /**
     * Receives a message into segments, as {@link #recvMsg(ByteBuffer[], int, MsgFlag...)}.
     *
     * @param dsts         where the bytes go, in order; at most 1024 segments
     * @param controlSpace bytes of room for control data
     * @param flags        flags of this call
     * @return the message; {@code null} when nothing could be received without waiting
     * @throws IllegalArgumentException if a segment is read-only, or as for
     *                                  {@link #recvMsg(ByteBuffer[], int, MsgFlag...)}
     * @throws IOException              as for {@link #recv(byte[])}
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
     * @throws IOException               as for {@link #sendTo(byte[], SockAddr)}, for the first datagram
     */
    public int sendMany(DatagramBatch batch, int from) throws IOException {
        return batch.batch.send(d, mode, from);
    }

    /**
     * Sends the datagrams of a batch: {@link #sendMany(DatagramBatch, int) sendMany(batch, 0)}.
     *
     * @param batch the datagrams
     * @return how many were sent
     * @throws IOException as for {@link #sendMany(DatagramBatch, int)}
     */
    public int sendMany(DatagramBatch batch) throws IOException {
        return sendMany(batch, 0);
    }

    /**
     * Receives datagrams into a batch: {@code recvmmsg(2)} with {@code MSG_WAITFORONE}: waits (as the mode and
     * timeout allow) for one, then takes as many as are queued, up to the batch's capacity, without waiting more.
     * The batch then holds them: {@link DatagramBatch#length}, {@link DatagramBatch#sender}, ...
     *
     * @param batch where they go
     * @param flags flags of this call ({@link MsgFlag#DONTWAIT}, ...)
     * @return how many arrived; 0 when none could be received without waiting
     * @throws IllegalStateException if the batch is closed
     * @throws IOException           as for {@link #recvFrom(ByteBuffer)}
     */
    public int recvMany(DatagramBatch batch, MsgFlag... flags) throws IOException {
        return batch.batch.receive(d, mode, MsgFlag.bits(flags));
    }

    /**
     * Receives datagrams into a batch, as {@link #recvMany(DatagramBatch, MsgFlag...)} with no flags.
     *
     * @param batch where they go
     * @return how many arrived; 0 in non-blocking mode when none were there
     * @throws IOException as for {@link #recvFrom(ByteBuffer)}
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
        if (source.type() != SocketType.STREAM || type() != SocketType.STREAM) {
            throw new IllegalArgumentException("transferFrom: moves a stream to a stream, not " + source.type()
                    + " to " + type());
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

    // ---- any other call ---------------------------------------------------------------------------------------

    /**
     * Makes a C call of the caller's on this socket's descriptor under the wrapper's guarantees, as Go's
     * {@code RawConn} does: the number cannot be released by a concurrent {@link #close()} while the call runs
     * (a close wakes it, as any call); {@code EINTR} is retried; on {@code EAGAIN} the call waits for
     * {@code readiness} (a virtual thread parks in the poller, the descriptor being non-blocking) for at most the
     * socket's timeout, then is made again; other failures throw with their errno. The call reports failure as
     * the C-style API does: -1 with {@link Posix#errno()} set.
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
     * @throws IOException the exception of the call's errno, a timeout, a closed socket, or the call's own
     */
    public long call(SocketCall.Readiness readiness, SocketCall call) throws IOException {
        Objects.requireNonNull(readiness, "readiness");
        Objects.requireNonNull(call, "call");
        int events = switch (readiness) {
            case NONE -> 0;
            case READ -> POLLIN;
            case WRITE -> POLLOUT;
        };
        d.begin("call");
        try {
            return Io.run(d, mode, "call", null, events, mode.deadline(), true, false, (f, fd) -> {
                long r = call.call(fd);
                if (r < 0) {
                    f.errno(Posix.errno());
                }
                return r;
            });
        } finally {
            d.end();
        }
    }

    // ---- shutdown, addresses -------------------------------------------------------------------------------

    /**
     * Shuts down the receiving side: {@code shutdown(2)} with {@code SHUT_RD}; later receives return end of stream.
     *
     * @throws IOException {@code ENOTCONN}, a closed socket, ...
     */
    public void shutdownInput() throws IOException {
        Control.shutdown(d, SHUT_RD);
    }

    /**
     * Shuts down the sending side: {@code shutdown(2)} with {@code SHUT_WR}; the peer reads end of stream.
     *
     * @throws IOException {@code ENOTCONN}, a closed socket, ...
     */
    public void shutdownOutput() throws IOException {
        Control.shutdown(d, SHUT_WR);
    }

    /**
     * The address the socket is bound to: {@code getsockname(2)}.
     *
     * @return the local address (an unbound Internet socket has the wildcard address and port 0)
     * @throws IOException a closed socket, ...
     */
    public SockAddr localAddress() throws IOException {
        return Control.name(d, true);
    }

    /**
     * The address of the connected peer: {@code getpeername(2)}.
     *
     * @return the peer's address
     * @throws IOException {@code ENOTCONN}, a closed socket, ...
     */
    public SockAddr remoteAddress() throws IOException {
        return Control.name(d, false);
    }

    // ---- options, modes ----------------------------------------------------------------------------------------

    /**
     * Sets a socket option: {@code setsockopt(2)}. Accepts the {@link java.net.StandardSocketOptions} that apply
     * to this socket and {@link LinuxSocketOptions}.
     *
     * @param option the option
     * @param value  its value
     * @param <T>    its type
     * @throws UnsupportedOperationException if the option does not apply to this socket or can only be read
     * @throws IllegalArgumentException      if the value is null or out of the option's range
     * @throws IOException                   {@code ENOPROTOOPT}, {@code EPERM}, a closed socket, ...
     */
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        Options.set(d, option, value);
    }

    /**
     * Reads a socket option: {@code getsockopt(2)}.
     *
     * @param option the option
     * @param <T>    its type
     * @return its value
     * @throws UnsupportedOperationException if the option does not apply to this socket
     * @throws IOException                   {@code ENOPROTOOPT}, a closed socket, ...
     */
    public <T> T getOption(SocketOption<T> option) throws IOException {
        return Options.get(d, option);
    }

    /** {@return the options {@link #setOption} and {@link #getOption} accept on this socket} */
    public Set<SocketOption<?>> supportedOptions() {
        return Options.supported(d.family(), d.type());
    }

    /**
     * Sets how long a call may wait; {@code null} for no limit (the default). It bounds the whole of a call
     * ({@code accept}, {@code connect}, sends and receives, {@code sendAll} included), and is reported as
     * {@link java.net.SocketTimeoutException}. Setting a timeout puts {@code O_NONBLOCK} on the descriptor
     * ({@code fcntl(2)}, once): the calls are tried, and wait for readiness only as long as is left.
     *
     * @param timeout a positive duration, or {@code null}
     * @throws IllegalArgumentException if the duration is zero or negative (for calls that never wait, use
     *                                  {@link #setBlocking setBlocking(false)})
     * @throws IOException              a closed socket, ...
     */
    public void setTimeout(Duration timeout) throws IOException {
        long nanos = timeout == null ? 0 : positiveNanos("setTimeout", timeout);
        d.begin("fcntl");
        try {
            mode.setTimeout(d, nanos);
        } finally {
            d.end();
        }
    }

    /** {@return the timeout, or {@code null} for none} */
    public Duration timeout() {
        long t = mode.timeout();
        return t == 0 ? null : Duration.ofNanos(t);
    }

    /**
     * Puts the socket in blocking or non-blocking mode. Non-blocking mode puts {@code O_NONBLOCK} on the
     * descriptor ({@code fcntl(2)} with {@code F_SETFL}, once).
     *
     * @param blocking {@code true} for blocking mode (the default)
     * @throws IOException a closed socket, ...
     */
    public void setBlocking(boolean blocking) throws IOException {
        d.begin("fcntl");
        try {
            mode.setBlocking(d, blocking);
        } finally {
            d.end();
        }
    }

    /** {@return whether the socket is in blocking mode} */
    public boolean isBlocking() {
        return mode.blocking();
    }

    private static long positiveNanos(String call, Duration d) {
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

    // ---- views ----------------------------------------------------------------------------------------------

    /**
     * An {@link InputStream} over {@link #recv(byte[], int, int)}: {@code read} returns -1 at end of stream and
     * fails with the closed-socket exception once the socket is closed. Closing the stream closes the socket, as
     * {@code java.net.Socket}'s streams do. Blocking mode only.
     *
     * @return the stream
     */
    public InputStream inputStream() {
        return new SocketStreams.Input(this);
    }

    /**
     * An {@link OutputStream} over {@link #sendAll(byte[], int, int)}; writing nothing sends nothing (no empty
     * datagram). Closing it closes the socket, as {@code java.net.Socket}'s streams do. Blocking mode only.
     *
     * @return the stream
     */
    public OutputStream outputStream() {
        return new SocketStreams.Output(this);
    }

    /**
     * A {@link ByteChannel} over {@link #recv(ByteBuffer)} and {@link #send(ByteBuffer)}, in whichever mode the
     * socket is. As {@code ByteChannel} requires, a closed socket gives {@link ClosedChannelException}, and a call
     * woken because another thread closed the socket {@link AsynchronousCloseException}. Closing the channel closes
     * the socket.
     *
     * @return the channel
     */
    public ByteChannel channel() {
        return new SocketStreams.Channel(this);
    }

    /** {@return for example {@code Socket[fd 5, AF_INET, SOCK_STREAM]}, or {@code Socket[closed, ...]}} */
    @Override
    public String toString() {
        return "Socket[" + (isOpen() ? "fd " + d.fd() : "closed") + ", " + d.family() + ", " + d.type() + "]";
    }
}
