package dev.ffmsockets;

import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.raw.pollfd;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

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
 *       {@link IOException} of the standard type that carries its errno (see {@link ErrnoException}).</li>
 *   <li>{@code EINTR} is retried. A {@linkplain #setTimeout timeout} bounds every wait of a call, the remaining time
 *       recomputed after each wake-up; it is the socket's own, there is no global default.</li>
 *   <li>{@link #close()} is idempotent and safe while other threads are inside calls on the socket: they are woken
 *       (with {@code shutdown(2)}) and fail with the closed-socket exception, and the descriptor number is released
 *       ({@code close(2)}) only when the last of them has left, so no call can ever reach a file or socket that
 *       someone else opened under the same number.</li>
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
 *   <li>A platform thread, on a socket without timeout, makes the blocking system call itself, as C does: no
 *       extra system call and no hand-off on the hot path. With a timeout, it tries the call on the non-blocking
 *       descriptor and waits in {@code poll(2)} for the time left.</li>
 *   <li>A virtual thread never blocks in a system call, which would hold its carrier and, with as many blocked
 *       calls as carriers, stop every virtual thread in the JVM. Its first call makes the descriptor non-blocking
 *       ({@code O_NONBLOCK}, once; it stays so); then each call is tried, and on {@code EAGAIN} the thread parks in
 *       the library's own epoll poller, unmounting from its carrier, until the socket is ready, the timeout passes
 *       or the socket is closed. Ten thousand virtual threads can wait in {@code recv} at once.</li>
 * </ul>
 * A parked virtual thread that is interrupted gets an {@link InterruptedIOException} (its interrupt status kept);
 * a platform thread inside a system call cannot be interrupted, as with C.
 *
 * <h2>Closed sockets</h2>
 * A call on a closed socket, or one woken because another thread closed it, throws a
 * {@link SocketException} whose message says {@code Socket closed} and whose errno is {@code EBADF}. The
 * {@linkplain #inputStream streams} do the same; the {@linkplain #channel() channel} throws
 * {@link ClosedChannelException} and {@link AsynchronousCloseException}, as {@link ByteChannel} requires.
 *
 * <p>Instances are safe for use by several threads. This class is for Linux x86_64 with glibc, as the layer below.
 */
public final class Socket implements AutoCloseable {

    private static final VarHandle STATE;

    static {
        try {
            STATE = MethodHandles.lookup().findVarHandle(Socket.class, "state", int.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** The state's top bit: closed. The rest: how many calls are in flight on the descriptor. */
    private static final int CLOSED = 0x8000_0000;

    private final int fd;
    private final Family family;
    private final SocketType type;
    @SuppressWarnings("unused") // through STATE
    private volatile int state;
    private volatile long timeoutNanos;
    private volatile boolean blocking = true;
    /** Guarded by this: the descriptor's status flags other than O_NONBLOCK. */
    private int statusFlags;
    /** Whether the descriptor has O_NONBLOCK; written under this. */
    private volatile boolean fdNonBlocking;
    /** Guarded by this: a virtual thread has used the socket, so its descriptor stays non-blocking. */
    private boolean virtualUsed;

    private Socket(int fd, Family family, SocketType type, int statusFlags, boolean blocking, boolean virtualUsed) {
        this.fd = fd;
        this.family = family;
        this.type = type;
        this.statusFlags = statusFlags & ~O_NONBLOCK;
        this.fdNonBlocking = (statusFlags & O_NONBLOCK) != 0;
        this.blocking = blocking;
        this.virtualUsed = virtualUsed;
    }

    /** A socket this class made: blocking mode, blocking descriptor. */
    private Socket(int fd, Family family, SocketType type) {
        this(fd, family, type, 0, true, false);
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
     * @param protocol 0, or an {@code IPPROTO_*} value such as {@link Posix#IPPROTO_SCTP}
     * @return the new socket, in blocking mode
     * @throws IOException {@code EPROTONOSUPPORT}, {@code EMFILE}, ...
     */
    public static Socket open(Family family, SocketType type, int protocol) throws IOException {
        Objects.requireNonNull(family, "family");
        Objects.requireNonNull(type, "type");
        int fd = Posix.socket(family.value(), type.value() | SOCK_CLOEXEC, protocol);
        if (fd < 0) {
            throw Errors.of("socket", family + ", " + type, errno(), false);
        }
        return new Socket(fd, family, type);
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
        MemorySegment sv = Scratch.current().option;
        if (Posix.socketpair(family.value(), type.value() | SOCK_CLOEXEC, 0, sv) < 0) {
            throw Errors.of("socketpair", family + ", " + type, errno(), false);
        }
        return new Pair(new Socket(sv.getAtIndex(JAVA_INT, 0), family, type),
                new Socket(sv.getAtIndex(JAVA_INT, 1), family, type));
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
        Scratch s = Scratch.current();
        int domain = intOption(fd, SO_DOMAIN, s);
        int sockType = intOption(fd, SO_TYPE, s);
        int flags = Posix.fcntl(fd, F_GETFL);
        if (flags < 0) {
            throw Errors.of("fcntl", "fd " + fd + ", F_GETFL", errno(), false);
        }
        return new Socket(fd, Family.of(domain), SocketType.of(sockType), flags, (flags & O_NONBLOCK) == 0, false);
    }

    private static int intOption(int fd, int name, Scratch s) throws IOException {
        s.optionLen.set(JAVA_INT, 0, Integer.BYTES);
        if (Posix.getsockopt(fd, SOL_SOCKET, name, s.option, s.optionLen) < 0) {
            throw Errors.of("getsockopt", "fd " + fd + ", " + (name == SO_DOMAIN ? "SO_DOMAIN" : "SO_TYPE"), errno(), false);
        }
        return s.option.get(JAVA_INT, 0);
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
     * What {@code recvFrom} received into an array or segment.
     *
     * @param length the number of bytes received (for a datagram larger than the buffer, the part that fit)
     * @param sender the sender's address, or {@code null} when the kernel gave none (a connected stream socket)
     */
    public record Received(int length, SockAddr sender) {
    }

    // ---- the state machine behind close --------------------------------------------------------------------

    /**
     * Enters a call: counts it in flight, or throws if the socket is closed. On a virtual thread, first makes the
     * descriptor non-blocking (once; it stays so): a virtual thread must never block in a system call, which would
     * hold its carrier.
     */
    private void begin(String call) throws IOException {
        for (;;) {
            int s = state;
            if (s < 0) {
                throw Errors.closed(call, "fd " + fd);
            }
            if (STATE.weakCompareAndSet(this, s, s + 1)) {
                break;
            }
        }
        if (!fdNonBlocking && Thread.currentThread().isVirtual()) {
            try {
                synchronized (this) {
                    virtualUsed = true;
                    setFdNonBlocking(true);
                }
            } catch (IOException | RuntimeException e) {
                end();
                throw e;
            }
        }
    }

    /** Leaves a call; the last one out of a closed socket releases the descriptor. */
    private void end() {
        int s = (int) STATE.getAndAdd(this, -1) - 1;
        if (s == CLOSED) {
            Posix.close(fd);
        }
    }

    /**
     * Closes the socket: marks it closed, wakes every thread inside a call on it with {@code shutdown(2)}
     * ({@code SHUT_RDWR}), and releases the descriptor with {@code close(2)} as soon as no call is using it,
     * here or when the last woken call leaves. Idempotent; never throws. The peer then reads end of stream.
     */
    @Override
    public void close() {
        int s;
        do {
            s = state;
            if (s < 0) {
                return;
            }
        } while (!STATE.weakCompareAndSet(this, s, (s | CLOSED) + 1)); // closed, and held by this close
        if (s != 0) {
            Posix.shutdown(fd, SHUT_RDWR); // wakes calls blocked in the kernel
            Poller.wake(fd);              // and those parked in the poller
        }
        end();
    }

    /**
     * Gives up ownership of the descriptor without closing it; the socket is then closed and the caller owns the
     * number.
     *
     * @return the descriptor
     * @throws IllegalStateException if the socket is closed, or a call on it is in flight in another thread
     */
    public int detach() {
        if (!STATE.compareAndSet(this, 0, CLOSED)) {
            throw new IllegalStateException(state < 0 ? "detach: the socket is closed"
                    : "detach: calls are in flight on fd " + fd + " in other threads");
        }
        return fd;
    }

    /** {@return whether the socket is open: not closed, not detached} */
    public boolean isOpen() {
        return state >= 0;
    }

    /** {@return the descriptor, or -1 once closed or detached; using it directly bypasses this class's guarantees} */
    public int fd() {
        return state >= 0 ? fd : -1;
    }

    /** {@return the address family} */
    public Family family() {
        return family;
    }

    /** {@return the socket type} */
    public SocketType type() {
        return type;
    }

    // ---- the one helper that decides what a failed call does next ---------------------------------------

    /** When a wait of a call with this socket's timeout must end, or 0 for never. */
    private long deadline() {
        long t = timeoutNanos;
        return t == 0 ? 0 : Math.max(1, System.nanoTime() + t);
    }

    private String detail(Object target) {
        return target != null ? target.toString() : "fd " + fd;
    }

    /** The exception for {@code call} failing with {@code errno}, or the closed-socket one if it is closed. */
    private IOException failure(String call, Object target, int errno) {
        return state < 0 ? Errors.closed(call, detail(target)) : Errors.of(call, detail(target), errno, type == SocketType.DGRAM);
    }

    /**
     * After {@code call} returned -1 with {@code errno}: retries on {@code EINTR}; on {@code EAGAIN} waits for
     * {@code events} until the deadline and retries, or returns {@code false} (would block) in non-blocking
     * mode; throws for anything else, and for a socket closed meanwhile. How a thread waits is decided here
     * and in {@link #awaitReady} only.
     */
    private boolean retry(String call, int errno, int events, long deadline, Object target) throws IOException {
        if (state < 0) {
            throw Errors.closed(call, detail(target));
        }
        if (errno == EINTR) {
            return true;
        }
        if (errno != EAGAIN) {
            throw failure(call, target, errno);
        }
        if (!blocking) {
            return false;
        }
        awaitReady(call, events, deadline, timeoutNanos, target);
        return true;
    }

    /**
     * Waits until the descriptor may be ready for {@code events}, the deadline passes, the socket is closed or the
     * thread is interrupted. A virtual thread parks in the library's {@link Poller}, unmounting from its carrier.
     * A platform thread waits in {@code poll(2)} itself: parking would gain it nothing, and it would then depend
     * on the virtual-thread scheduler that runs the poller.
     */
    private void awaitReady(String call, int events, long deadline, long timeout, Object target) throws IOException {
        long left = deadline == 0 ? 0 : deadline - System.nanoTime();
        if (deadline != 0 && left <= 0) {
            throw Errors.timedOut(call, detail(target), timeout);
        }
        if (Thread.currentThread().isVirtual()) {
            if (Thread.currentThread().isInterrupted()) {
                throw new InterruptedIOException(call + "(" + detail(target) + "): interrupted while waiting");
            }
            Poller.of(events).await(fd, deadline);
        } else {
            ready(events, deadline == 0 ? -1 : (int) Math.min(Integer.MAX_VALUE, (left + 999_999) / 1_000_000), target);
        }
        if (state < 0) {
            throw Errors.closed(call, detail(target));
        }
    }

    // ---- binding, listening, connecting -------------------------------------------------------------------

    private void checkFamily(String call, SockAddr address) {
        Objects.requireNonNull(address, "address");
        if (address.family() != family) {
            throw new IllegalArgumentException(call + ": " + address + " is an " + address.family()
                    + " address and this socket is " + family
                    + (family == Family.INET6 && address.family() == Family.INET
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
        begin("bind");
        try {
            Scratch s = Scratch.current();
            if (Posix.bind(fd, s.target, s.encode(local)) < 0) {
                throw failure("bind", local, errno());
            }
        } finally {
            end();
        }
    }

    /**
     * Marks the socket as accepting connections: {@code listen(2)}.
     *
     * @param backlog the length of the queue of pending connections (the kernel caps it at
     *                {@code net.core.somaxconn})
     * @throws IllegalArgumentException if {@code backlog} is negative
     * @throws IOException              {@code EOPNOTSUPP} for a datagram socket, {@code EADDRINUSE}, ...
     */
    public void listen(int backlog) throws IOException {
        if (backlog < 0) {
            throw new IllegalArgumentException("listen: backlog " + backlog + " is negative");
        }
        begin("listen");
        try {
            if (Posix.listen(fd, backlog) < 0) {
                throw failure("listen", null, errno());
            }
        } finally {
            end();
        }
    }

    /**
     * Accepts a connection: {@code accept4(2)} with {@code SOCK_CLOEXEC}. The new socket is in blocking mode with no
     * timeout; its peer's address is read when asked for, with {@link #remoteAddress()}, so that this method
     * makes one system call and nothing can fail after the connection is taken.
     *
     * @return the connected socket, or {@code null} in non-blocking mode when no connection is pending
     * @throws java.net.SocketTimeoutException if the timeout expired
     * @throws IOException                     {@code EINVAL} (not listening), {@code EMFILE}, a closed socket, ...
     */
    public Socket accept() throws IOException {
        begin("accept");
        try {
            long deadline = deadline();
            // a virtual thread gets a non-blocking socket at once, and saves the fcntl its first call would make
            boolean virtual = Thread.currentThread().isVirtual();
            int flags = SOCK_CLOEXEC | (virtual ? SOCK_NONBLOCK : 0);
            for (;;) {
                int nfd = Posix.accept4(fd, MemorySegment.NULL, MemorySegment.NULL, flags);
                if (nfd >= 0) {
                    return virtual ? new Socket(nfd, family, type, O_NONBLOCK, true, true) : new Socket(nfd, family, type);
                }
                if (!retry("accept", errno(), POLLIN, deadline, null)) {
                    return null;
                }
            }
        } finally {
            end();
        }
    }

    /**
     * Connects to a peer: {@code connect(2)}, waiting at most for the socket's timeout if it has one. In
     * non-blocking mode, returns {@code false} when the connection is in progress ({@code EINPROGRESS}); complete
     * it with {@link #finishConnect()}. For a datagram socket, sets the default peer.
     *
     * @param remote the peer's address
     * @return {@code true} once connected; {@code false} only in non-blocking mode
     * @throws IllegalArgumentException        if the address is of another family than the socket
     * @throws java.net.ConnectException       {@code ECONNREFUSED}, {@code ETIMEDOUT}
     * @throws java.net.NoRouteToHostException {@code EHOSTUNREACH}, {@code ENETUNREACH}
     * @throws java.net.SocketTimeoutException if the socket's timeout expired
     * @throws IOException                     {@code EISCONN}, {@code EADDRNOTAVAIL}, a closed socket, ...
     */
    public boolean connect(SockAddr remote) throws IOException {
        return connect(remote, timeoutNanos, !blocking);
    }

    /**
     * Connects to a peer, waiting at most {@code timeout}: {@code connect(2)} on the descriptor made
     * non-blocking for the call, then a wait for writability and {@code getsockopt(SO_ERROR)}. After a failure the
     * socket's state is unspecified, as POSIX says: close it.
     *
     * @param remote  the peer's address
     * @param timeout how long to wait for the connection; positive
     * @throws IllegalArgumentException        if the timeout is not positive or the address is of another family
     * @throws java.net.SocketTimeoutException if the connection was not made in time
     * @throws java.net.ConnectException       {@code ECONNREFUSED}, {@code ETIMEDOUT}
     * @throws IOException                     as for {@link #connect(SockAddr)}
     */
    public void connect(SockAddr remote, Duration timeout) throws IOException {
        connect(remote, positiveNanos("connect", timeout), false);
    }

    private boolean connect(SockAddr remote, long timeout, boolean nonBlocking) throws IOException {
        checkFamily("connect", remote);
        begin("connect");
        boolean restore = false;
        try {
            if (timeout != 0 && !nonBlocking) {
                restore = setFdNonBlocking(true);
            }
            Scratch s = Scratch.current();
            if (Posix.connect(fd, s.target, s.encode(remote)) == 0) {
                return true;
            }
            int e = errno();
            if (state < 0 || (e != EINPROGRESS && e != EINTR && e != EAGAIN)) {
                throw failure("connect", remote, e);
            }
            if (nonBlocking) {
                return false;
            }
            // EINTR or EINPROGRESS: the connection goes on without us; wait until it is made or fails
            long deadline = timeout == 0 ? 0 : Math.max(1, System.nanoTime() + timeout);
            do {
                awaitReady("connect", POLLOUT, deadline, timeout, remote);
            } while (!writable());
            int error = pendingError(remote);
            if (error != 0) {
                throw failure("connect", remote, error);
            }
            return true;
        } finally {
            if (restore) {
                synchronized (this) {
                    setFdNonBlocking(wantsNonBlockingFd());
                }
            }
            end();
        }
    }

    /** Whether the descriptor is writable now: {@code poll(2)} without waiting. */
    private boolean writable() throws IOException {
        return ready(POLLOUT, 0, null);
    }

    /** {@code poll(2)} on this descriptor alone for up to {@code millis} (-1: no limit); whether it is ready. */
    private boolean ready(int events, int millis, Object target) throws IOException {
        MemorySegment p = Scratch.current().pollfd;
        pollfd.fd(p, fd);
        pollfd.events(p, (short) events);
        pollfd.revents(p, (short) 0);
        int r = Posix.poll(p, 1, millis);
        if (r < 0 && errno() != EINTR) {
            throw failure("poll", target, errno());
        }
        return r > 0;
    }

    /**
     * Completes a connection started in non-blocking mode: {@code poll(2)} without waiting, then
     * {@code getsockopt(SO_ERROR)}.
     *
     * @return {@code true} when connected, {@code false} while still in progress
     * @throws java.net.ConnectException {@code ECONNREFUSED}, ...
     * @throws IOException               a closed socket, ...
     */
    public boolean finishConnect() throws IOException {
        begin("connect");
        try {
            if (!writable()) {
                return false;
            }
            int error = pendingError(null);
            if (error != 0) {
                throw failure("connect", null, error);
            }
            return true;
        } finally {
            end();
        }
    }

    private int pendingError(Object target) throws IOException {
        Scratch s = Scratch.current();
        s.optionLen.set(JAVA_INT, 0, Integer.BYTES);
        if (Posix.getsockopt(fd, SOL_SOCKET, SO_ERROR, s.option, s.optionLen) < 0) {
            throw failure("getsockopt", target, errno());
        }
        return s.option.get(JAVA_INT, 0);
    }

    // ---- sending ---------------------------------------------------------------------------------------------

    private void requireBlocking() {
        if (!blocking) {
            throw new IllegalBlockingModeException();
        }
    }

    /** send(2) with MSG_NOSIGNAL, retried per {@link #retry}; 0 when it would block. */
    private long sendSome(MemorySegment seg, long len) throws IOException {
        long deadline = deadline();
        for (;;) {
            long r = Posix.send(fd, seg, len, MSG_NOSIGNAL);
            if (r >= 0) {
                return r;
            }
            if (!retry("send", errno(), POLLOUT, deadline, null)) {
                return 0;
            }
        }
    }

    /** How much of {@code len} bytes of an array goes into one call: a chunk on a stream, all of a datagram. */
    private int portion(int len) {
        return type == SocketType.STREAM ? Math.min(len, Scratch.STREAM_CHUNK) : len;
    }

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
        begin("send");
        try {
            int n = portion(len);
            MemorySegment buf = Scratch.current().buffer(n);
            MemorySegment.copy(src, off, buf, JAVA_BYTE, 0, n);
            return (int) sendSome(buf, n);
        } finally {
            end();
        }
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
        begin("send");
        try {
            int n = sendBuffer(src);
            src.position(src.position() + n);
            return n;
        } finally {
            end();
        }
    }

    private int sendBuffer(ByteBuffer src) throws IOException {
        int pos = src.position(), len = src.limit() - pos;
        if (src.isDirect() || !src.hasArray()) {
            return (int) sendSome(src.isDirect() ? Scratch.current().view(src) : MemorySegment.ofBuffer(src), len);
        }
        int n = portion(len);
        MemorySegment buf = Scratch.current().buffer(n);
        MemorySegment.copy(src.array(), src.arrayOffset() + pos, buf, JAVA_BYTE, 0, n);
        return (int) sendSome(buf, n);
    }

    /**
     * Sends the bytes of a segment, native or heap: {@code send(2)} with {@code MSG_NOSIGNAL}.
     *
     * @param src the bytes
     * @return how many were sent; 0 in non-blocking mode when none could be
     * @throws IOException as for {@link #send(byte[])}
     */
    public long send(MemorySegment src) throws IOException {
        begin("send");
        try {
            return sendSome(src, src.byteSize());
        } finally {
            end();
        }
    }

    /**
     * Sends all the bytes, calling {@code send(2)} until they are gone. Blocking mode only.
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
     * @throws IOException                  as for {@link #send(byte[])}
     */
    public void sendAll(byte[] src, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, src.length);
        requireBlocking();
        begin("send");
        try {
            do {
                int n = portion(len);
                MemorySegment buf = Scratch.current().buffer(n);
                MemorySegment.copy(src, off, buf, JAVA_BYTE, 0, n);
                int sent = (int) sendSome(buf, n);
                off += sent;
                len -= sent;
            } while (len > 0);
        } finally {
            end();
        }
    }

    /**
     * Sends all the bytes between {@code src}'s position and limit, calling {@code send(2)} until they are gone;
     * the position ends at the limit.
     *
     * @param src the bytes
     * @throws IllegalBlockingModeException if the socket is in non-blocking mode
     * @throws IOException                  as for {@link #send(byte[])}; the position shows what was sent
     */
    public void sendAll(ByteBuffer src) throws IOException {
        requireBlocking();
        begin("send");
        try {
            while (src.hasRemaining()) {
                src.position(src.position() + sendBuffer(src));
            }
        } finally {
            end();
        }
    }

    /**
     * Sends all the bytes of a segment, calling {@code send(2)} until they are gone.
     *
     * @param src the bytes
     * @throws IllegalBlockingModeException if the socket is in non-blocking mode
     * @throws IOException                  as for {@link #send(byte[])}
     */
    public void sendAll(MemorySegment src) throws IOException {
        requireBlocking();
        begin("send");
        try {
            long sent = sendSome(src, src.byteSize());
            while (sent < src.byteSize()) {
                sent += sendSome(src.asSlice(sent), src.byteSize() - sent);
            }
        } finally {
            end();
        }
    }

    // ---- receiving -------------------------------------------------------------------------------------------

    /** recv(2), retried per {@link #retry}: the count, -1 at end of stream, 0 when it would block. */
    private long recvSome(MemorySegment seg, long len) throws IOException {
        long deadline = deadline();
        for (;;) {
            long r = Posix.recv(fd, seg, len, 0);
            if (r > 0) {
                return r;
            }
            if (r == 0) {
                if (state < 0) {
                    throw Errors.closed("recv", detail(null));
                }
                return len == 0 || !type.connected() ? 0 : -1;
            }
            if (!retry("recv", errno(), POLLIN, deadline, null)) {
                return 0;
            }
        }
    }

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
        begin("recv");
        try {
            int n = portion(len);
            MemorySegment buf = Scratch.current().buffer(n);
            int r = (int) recvSome(buf, n);
            if (r > 0) {
                MemorySegment.copy(buf, JAVA_BYTE, 0, dst, off, r);
            }
            return r;
        } finally {
            end();
        }
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
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        begin("recv");
        try {
            int pos = dst.position(), len = dst.limit() - pos;
            int r;
            if (dst.isDirect()) {
                r = (int) recvSome(Scratch.current().view(dst), len);
            } else {
                int n = portion(len);
                MemorySegment buf = Scratch.current().buffer(n);
                r = (int) recvSome(buf, n);
                if (r > 0) {
                    MemorySegment.copy(buf, JAVA_BYTE, 0, dst.array(), dst.arrayOffset() + pos, r);
                }
            }
            if (r > 0) {
                dst.position(pos + r);
            }
            return r;
        } finally {
            end();
        }
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
        begin("recv");
        try {
            return recvSome(dst, dst.byteSize());
        } finally {
            end();
        }
    }

    // ---- datagrams ---------------------------------------------------------------------------------------------

    /** sendto(2) with MSG_NOSIGNAL, retried per {@link #retry}; 0 when it would block. */
    private long sendToSome(MemorySegment seg, long len, SockAddr target) throws IOException {
        checkFamily("sendto", target);
        Scratch s = Scratch.current();
        MemorySegment a = s.target;
        int alen = s.encode(target);
        long deadline = deadline();
        for (;;) {
            long r = Posix.sendto(fd, seg, len, MSG_NOSIGNAL, a, alen);
            if (r >= 0) {
                return r;
            }
            if (!retry("sendto", errno(), POLLOUT, deadline, target)) {
                return 0;
            }
        }
    }

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
        begin("sendto");
        try {
            MemorySegment buf = Scratch.current().buffer(src.length);
            MemorySegment.copy(src, 0, buf, JAVA_BYTE, 0, src.length);
            return (int) sendToSome(buf, src.length, target);
        } finally {
            end();
        }
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
        begin("sendto");
        try {
            int pos = src.position(), len = src.limit() - pos;
            int n;
            if (src.isDirect() || !src.hasArray()) {
                n = (int) sendToSome(src.isDirect() ? Scratch.current().view(src) : MemorySegment.ofBuffer(src), len, target);
            } else {
                MemorySegment buf = Scratch.current().buffer(len);
                MemorySegment.copy(src.array(), src.arrayOffset() + pos, buf, JAVA_BYTE, 0, len);
                n = (int) sendToSome(buf, len, target);
            }
            src.position(pos + n);
            return n;
        } finally {
            end();
        }
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
        begin("sendto");
        try {
            return sendToSome(src, src.byteSize(), target);
        } finally {
            end();
        }
    }

    /** recvfrom(2) into the thread's address scratch: the count, or -2 when it would block. */
    private long recvFromSome(MemorySegment seg, long len, Scratch s) throws IOException {
        long deadline = deadline();
        for (;;) {
            s.addrLen.set(JAVA_INT, 0, (int) s.addr.byteSize());
            long r = Posix.recvfrom(fd, seg, len, 0, s.addr, s.addrLen);
            if (r >= 0) {
                if (state < 0) {
                    throw Errors.closed("recvfrom", detail(null));
                }
                return r;
            }
            if (!retry("recvfrom", errno(), POLLIN, deadline, null)) {
                return -2;
            }
        }
    }

    /**
     * Receives a datagram and its sender: {@code recvfrom(2)}. A datagram larger than the space is truncated.
     *
     * @param dst where the datagram goes, between position and limit; the position advances past it
     * @return the sender's address; {@code null} in non-blocking mode when nothing is there, or when the kernel
     *         gives no address (a connected stream socket)
     * @throws ReadOnlyBufferException if {@code dst} is read-only
     * @throws IOException             a timeout, {@code ECONNREFUSED} (port unreachable), a closed socket, ...
     */
    public SockAddr recvFrom(ByteBuffer dst) throws IOException {
        if (dst.isReadOnly()) {
            throw new ReadOnlyBufferException();
        }
        begin("recvfrom");
        try {
            Scratch s = Scratch.current();
            int pos = dst.position(), len = dst.limit() - pos;
            long r;
            if (dst.isDirect()) {
                r = recvFromSome(s.view(dst), len, s);
            } else {
                MemorySegment buf = s.buffer(len);
                r = recvFromSome(buf, len, s);
                if (r > 0) {
                    MemorySegment.copy(buf, JAVA_BYTE, 0, dst.array(), dst.arrayOffset() + pos, (int) r);
                }
            }
            if (r == -2) {
                return null;
            }
            dst.position(pos + (int) r);
            return s.decode(s.addrLen.get(JAVA_INT, 0));
        } finally {
            end();
        }
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
        begin("recvfrom");
        try {
            Scratch s = Scratch.current();
            MemorySegment buf = s.buffer(len);
            long r = recvFromSome(buf, len, s);
            if (r == -2) {
                return null;
            }
            MemorySegment.copy(buf, JAVA_BYTE, 0, dst, off, (int) r);
            return new Received((int) r, s.decode(s.addrLen.get(JAVA_INT, 0)));
        } finally {
            end();
        }
    }

    /**
     * Receives a datagram and its sender into a segment: {@code recvfrom(2)}.
     *
     * @param dst where the datagram goes
     * @return the length and the sender; {@code null} in non-blocking mode when nothing is there
     * @throws IOException as for {@link #recvFrom(ByteBuffer)}
     */
    public Received recvFrom(MemorySegment dst) throws IOException {
        begin("recvfrom");
        try {
            Scratch s = Scratch.current();
            long r = recvFromSome(dst, dst.byteSize(), s);
            if (r == -2) {
                return null;
            }
            return new Received((int) r, s.decode(s.addrLen.get(JAVA_INT, 0)));
        } finally {
            end();
        }
    }

    // ---- shutdown, addresses -------------------------------------------------------------------------------

    /**
     * Shuts down the receiving side: {@code shutdown(2)} with {@code SHUT_RD}; later receives return end of stream.
     *
     * @throws IOException {@code ENOTCONN}, a closed socket, ...
     */
    public void shutdownInput() throws IOException {
        shutdown(SHUT_RD);
    }

    /**
     * Shuts down the sending side: {@code shutdown(2)} with {@code SHUT_WR}; the peer reads end of stream.
     *
     * @throws IOException {@code ENOTCONN}, a closed socket, ...
     */
    public void shutdownOutput() throws IOException {
        shutdown(SHUT_WR);
    }

    private void shutdown(int how) throws IOException {
        begin("shutdown");
        try {
            if (Posix.shutdown(fd, how) < 0) {
                throw failure("shutdown", null, errno());
            }
        } finally {
            end();
        }
    }

    /**
     * The address the socket is bound to: {@code getsockname(2)}.
     *
     * @return the local address (an unbound Internet socket has the wildcard address and port 0)
     * @throws IOException a closed socket, ...
     */
    public SockAddr localAddress() throws IOException {
        return name(true);
    }

    /**
     * The address of the connected peer: {@code getpeername(2)}.
     *
     * @return the peer's address
     * @throws IOException {@code ENOTCONN}, a closed socket, ...
     */
    public SockAddr remoteAddress() throws IOException {
        return name(false);
    }

    private SockAddr name(boolean local) throws IOException {
        String call = local ? "getsockname" : "getpeername";
        begin(call);
        try {
            Scratch s = Scratch.current();
            s.addrLen.set(JAVA_INT, 0, (int) s.addr.byteSize());
            int r = local ? Posix.getsockname(fd, s.addr, s.addrLen) : Posix.getpeername(fd, s.addr, s.addrLen);
            if (r < 0) {
                throw failure(call, null, errno());
            }
            SockAddr a = s.decode(s.addrLen.get(JAVA_INT, 0));
            return a != null ? a : UnixSockAddr.unnamed();
        } finally {
            end();
        }
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
        Options.Spec<T> spec = Options.spec(option, family, type);
        if (spec.readOnly()) {
            throw new UnsupportedOperationException(option.name() + " can only be read");
        }
        if (value == null || !option.type().isInstance(value)) {
            throw new IllegalArgumentException(option.name() + " takes a " + option.type().getSimpleName()
                    + ", not " + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        begin("setsockopt");
        try {
            MemorySegment v = Scratch.current().option;
            int len = spec.codec().write(option.name(), value, v);
            if (Posix.setsockopt(fd, spec.level(), spec.name(), v, len) < 0) {
                throw failure("setsockopt", "fd " + fd + ", " + option.name(), errno());
            }
        } finally {
            end();
        }
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
        Options.Spec<T> spec = Options.spec(option, family, type);
        begin("getsockopt");
        try {
            Scratch s = Scratch.current();
            s.option.fill((byte) 0);
            s.optionLen.set(JAVA_INT, 0, spec.codec().size());
            if (Posix.getsockopt(fd, spec.level(), spec.name(), s.option, s.optionLen) < 0) {
                throw failure("getsockopt", "fd " + fd + ", " + option.name(), errno());
            }
            return spec.codec().read(s.option, s.optionLen.get(JAVA_INT, 0));
        } finally {
            end();
        }
    }

    /** {@return the options {@link #setOption} and {@link #getOption} accept on this socket} */
    public Set<SocketOption<?>> supportedOptions() {
        return Options.supported(family, type);
    }

    /**
     * Sets how long any wait of a call may last; {@code null} for no limit (the default). Applies to
     * {@code accept}, {@code connect}, sends and receives, and is reported as
     * {@link java.net.SocketTimeoutException}. Setting the first timeout puts {@code O_NONBLOCK} on the descriptor
     * ({@code fcntl(2)}, {@code F_SETFL}): the calls are tried, and wait for readiness only as long as is left.
     *
     * @param timeout a positive duration, or {@code null}
     * @throws IllegalArgumentException if the duration is zero or negative
     * @throws IOException              a closed socket, ...
     */
    public void setTimeout(Duration timeout) throws IOException {
        long nanos = timeout == null ? 0 : positiveNanos("setTimeout", timeout);
        begin("fcntl");
        try {
            synchronized (this) {
                timeoutNanos = nanos;
                setFdNonBlocking(wantsNonBlockingFd());
            }
        } finally {
            end();
        }
    }

    /** {@return the timeout, or {@code null} for none} */
    public Duration timeout() {
        long t = timeoutNanos;
        return t == 0 ? null : Duration.ofNanos(t);
    }

    /**
     * Puts the socket in blocking or non-blocking mode: {@code fcntl(2)} with {@code F_SETFL}, when the
     * descriptor's {@code O_NONBLOCK} must change.
     *
     * @param blocking {@code true} for blocking mode (the default)
     * @throws IOException a closed socket, ...
     */
    public void setBlocking(boolean blocking) throws IOException {
        begin("fcntl");
        try {
            synchronized (this) {
                this.blocking = blocking;
                setFdNonBlocking(wantsNonBlockingFd());
            }
        } finally {
            end();
        }
    }

    /** {@return whether the socket is in blocking mode} */
    public boolean isBlocking() {
        return blocking;
    }

    /** Whether the descriptor must have O_NONBLOCK: non-blocking mode, a timeout, or a virtual thread has used it. */
    private synchronized boolean wantsNonBlockingFd() {
        return !blocking || timeoutNanos != 0 || virtualUsed;
    }

    /** Sets or clears O_NONBLOCK with one F_SETFL; returns whether it changed. */
    private synchronized boolean setFdNonBlocking(boolean on) throws IOException {
        if (on == fdNonBlocking) {
            return false;
        }
        if (Posix.fcntl(fd, F_SETFL, statusFlags | (on ? O_NONBLOCK : 0)) < 0) {
            throw failure("fcntl", null, errno());
        }
        fdNonBlocking = on;
        return true;
    }

    private static long positiveNanos(String call, Duration d) {
        Objects.requireNonNull(d, "timeout");
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(call + ": timeout " + d + " is not positive");
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
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n < 0 ? -1 : one[0] & 0xFF;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                Objects.checkFromIndexSize(off, len, b.length);
                requireBlocking();
                return len == 0 ? 0 : recv(b, off, len);
            }

            @Override
            public void close() {
                Socket.this.close();
            }
        };
    }

    /**
     * An {@link OutputStream} over {@link #sendAll(byte[], int, int)}. Closing it closes the socket, as
     * {@code java.net.Socket}'s streams do. Blocking mode only.
     *
     * @return the stream
     */
    public OutputStream outputStream() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                sendAll(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                sendAll(b, off, len);
            }

            @Override
            public void close() {
                Socket.this.close();
            }
        };
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
        return new ByteChannel() {
            @Override
            public int read(ByteBuffer dst) throws IOException {
                if (!isOpen()) {
                    throw new ClosedChannelException();
                }
                try {
                    return recv(dst);
                } catch (SocketException e) {
                    throw asChannelClosed(e);
                }
            }

            @Override
            public int write(ByteBuffer src) throws IOException {
                if (!isOpen()) {
                    throw new ClosedChannelException();
                }
                try {
                    return send(src);
                } catch (SocketException e) {
                    throw asChannelClosed(e);
                }
            }

            @Override
            public boolean isOpen() {
                return Socket.this.isOpen();
            }

            @Override
            public void close() {
                Socket.this.close();
            }
        };
    }

    private IOException asChannelClosed(SocketException e) {
        if (!isOpen() && e instanceof ErrnoException x && x.errno() == EBADF) {
            AsynchronousCloseException closed = new AsynchronousCloseException();
            closed.initCause(e);
            return closed;
        }
        return e;
    }

    /** {@return for example {@code Socket[fd 5, AF_INET, SOCK_STREAM]}, or {@code Socket[closed, ...]}} */
    @Override
    public String toString() {
        return "Socket[" + (isOpen() ? "fd " + fd : "closed") + ", " + family + ", " + type + "]";
    }
}
