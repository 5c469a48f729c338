package dev.ffmsockets;

import dev.ffmsockets.impl.Blocking;
import dev.ffmsockets.impl.Connector;
import dev.ffmsockets.impl.Control;
import dev.ffmsockets.impl.Descriptor;
import dev.ffmsockets.impl.Transfers;
import dev.ffmsockets.posix.Posix;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NoConnectionPendingException;
import java.time.Duration;
import java.util.Objects;

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
 *         byte[] buf = new byte[64];
 *         int n = client.recv(buf);   // 12 here ("Hello there."); -1 at end of stream
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
 * <p>Instances are safe for use by several threads. This class is for the platforms the layer below has bindings
 * for: Linux x86_64, aarch64, riscv64 and s390x with glibc, Linux x86_64 with musl.
 */
public final class Socket extends SocketControl implements AutoCloseable {

    static {
        dev.ffmsockets.impl.SocketParts.register(new dev.ffmsockets.impl.SocketParts.Access() {
            @Override
            public Transfers transfers(Socket s) {
                return s.io;
            }

            @Override
            public Socket accept(Socket s, long timeoutNanos) throws IOException {
                return s.accept(timeoutNanos);
            }
        });
    }

    private Socket(int fd, Family family, SocketType type, int statusFlags, boolean blocking, boolean connected) {
        super(new Descriptor(fd, family, type), new Blocking(statusFlags, blocking), new Connector(connected));
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
     * status flags ({@code O_NONBLOCK}), and each has its own mode and timeout, whatever the other does with the
     * flag: a send or receive in non-blocking mode (or with a timeout, or on a virtual thread) passes
     * {@code MSG_DONTWAIT}, {@code accept}, {@code connect}, {@code splice} and {@code sendfile}, which have no such
     * flag, set {@code O_NONBLOCK} again if another descriptor cleared it, and a call in blocking mode that meets
     * {@code EAGAIN} waits in {@code poll(2)} and tries again.
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
        return adopt(fd, null);
    }

    /**
     * {@link #adopt(int)} in the mode given, or the descriptor's own if {@code null}. Another descriptor of the same
     * open file shares its {@code O_NONBLOCK} flag, which this leaves set if it is: a blocking socket over it then
     * waits in {@code poll(2)} rather than in the call, and keeps its mode whatever the other does.
     */
    static Socket adopt(int fd, Boolean blocking) throws IOException {
        if (fd < 0) {
            throw new IllegalArgumentException("adopt: descriptor " + fd + " is negative");
        }
        Family family = Family.of(Control.domainOfAdopted(fd));
        SocketType type = SocketType.of(Control.intOption(fd, SO_TYPE));
        int flags = Control.statusFlags(fd);
        boolean mode = blocking != null ? blocking : (flags & O_NONBLOCK) == 0;
        Socket s = new Socket(fd, family, type, flags, true, false);
        if (!mode) {
            s.mode.setBlocking(s.d, false); // O_NONBLOCK if the descriptor lacks it; nothing is owned until then
        }
        return s;
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
     * @param length    the number of bytes received (for a datagram larger than the buffer, the part that fit)
     * @param sender    the sender's address, or {@code null} when the kernel gave none (a connected stream socket)
     * @param truncated whether the datagram was longer than the buffer, and its end is lost (the kernel keeps no
     *                  part of a datagram once one was read); always {@code false} on a stream socket
     */
    public record Received(int length, SockAddr sender, boolean truncated) {
        /**
         * What was received, not truncated.
         *
         * @param length the number of bytes received
         * @param sender the sender's address, or {@code null}
         */
        public Received(int length, SockAddr sender) {
            this(length, sender, false);
        }
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
        return accept(0);
    }

    /** {@link #accept()} waiting at most {@code timeoutNanos} (0: the socket's own timeout). */
    private Socket accept(long timeoutNanos) throws IOException {
        int flags = SOCK_CLOEXEC | (Thread.currentThread().isVirtual() ? SOCK_NONBLOCK : 0);
        int fd = io.acceptWithin(flags, timeoutNanos);
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
        long nanos = Blocking.positiveNanos("connect", timeout);
        checkFamily("connect", remote);
        connector.connect(d, mode, remote, nanos, true);
    }

    /**
     * Opens a TCP socket connected to {@code host}: resolves it with {@code getaddrinfo(3)} and tries each address
     * in the order it gives (as a C client's loop over {@code res->ai_next} does, and Python's
     * {@code socket.create_connection}), each with {@code socket(2)} and {@code connect(2)} waiting at most
     * {@code timeout}; a socket whose connection failed is closed before the next is tried. Named apart from the
     * instance {@link #connect(SockAddr)}: called through a socket, a static {@code connect} would compile and make a
     * second socket, leaving the first unconnected.
     *
     * @param host    a host name or an address literal, such as {@code "localhost"}, {@code "::1"}
     * @param port    the port, 0 to 65535
     * @param timeout how long each address may take to connect; positive, or {@code null} for no limit
     * @return the connected socket, in blocking mode with no timeout
     * @throws IllegalArgumentException      if the host is empty, the port out of range or the timeout not positive
     * @throws java.net.UnknownHostException if the name does not resolve (the message names the {@code EAI_*} error)
     * @throws IOException                   the last address's failure, with the earlier ones
     *                                       {@linkplain Throwable#getSuppressed() suppressed} in it
     */
    public static Socket openConnected(String host, int port, Duration timeout) throws IOException {
        if (timeout != null) {
            Blocking.positiveNanos("connect", timeout); // refused before any lookup
        }
        IOException failed = null;
        for (InetSockAddr address : InetSockAddr.resolve(host, port)) {
            Socket s = open(address.family(), SocketType.STREAM);
            try {
                if (timeout == null) {
                    s.connect(address);
                } else {
                    s.connect(address, timeout);
                }
                return s;
            } catch (IOException e) {
                s.close();
                if (failed != null) {
                    e.addSuppressed(failed);
                }
                failed = e;
            } catch (RuntimeException | Error e) {
                s.close();
                throw e;
            }
        }
        throw failed;
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
