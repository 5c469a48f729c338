package dev.ffmsockets.net;

import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.LinuxSocketOptions;
import dev.ffmsockets.MsgFlag;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.impl.DualStack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A {@link java.net.Socket} backed by a {@link dev.ffmsockets.Socket}: for software that takes a
 * {@code java.net.Socket} or a {@link javax.net.SocketFactory} (JDBC drivers, HTTP clients), over TCP or AF_UNIX
 * (pathname and abstract names). Made by {@link FfmSocketFactory}, by {@link FfmServerSocket#accept()}, or around a
 * socket of the library with {@link #FfmSocket(dev.ffmsockets.Socket)}.
 *
 * <p>It behaves as {@code java.net.Socket} does: the same exceptions with the same messages for the same misuse
 * ({@code Socket is closed}, {@code Socket is not connected}, {@code Already connected}, ...), a failed
 * {@code connect} closes the socket, {@link #setSoTimeout} bounds reads only (writes wait as long as they need),
 * {@link #close()} from another thread wakes a blocked read or write with {@code SocketException: Socket closed},
 * and closing either stream closes the socket. Every call is the library's: {@code recv}, {@code send} with
 * {@code MSG_NOSIGNAL}, descriptors made with {@code SOCK_CLOEXEC}, virtual threads parked rather than pinned.
 *
 * <p>Where it differs, because the socket may be AF_UNIX:
 * <ul>
 *   <li>{@link #connect(SocketAddress, int)} accepts an {@link InetSocketAddress}, a
 *       {@link java.net.UnixDomainSocketAddress}, or a {@link NativeSocketAddress} (abstract names); a socket made by
 *       a factory with a fixed target connects to that target whatever address it is given (how drivers that
 *       only know host and port are pointed at a Unix socket).</li>
 *   <li>On AF_UNIX, the legacy setters of TCP and IP options ({@link #setTcpNoDelay}, {@link #setOOBInline},
 *       {@link #setTrafficClass}) are accepted and do nothing, and their getters return what was set, since drivers
 *       call them unconditionally; {@link #setOption} refuses such options with
 *       {@link UnsupportedOperationException}, as the JDK's AF_UNIX channels do.</li>
 *   <li>On AF_UNIX, {@link #getInetAddress()} is {@code null}, {@link #getPort()} 0, {@link #getLocalPort()} -1 and
 *       {@link #getLocalAddress()} the wildcard address; the socket addresses are
 *       {@link java.net.UnixDomainSocketAddress} or, for abstract names, {@link NativeSocketAddress}.</li>
 *   <li>{@link #getChannel()} returns {@code null}: this socket was not made by a channel.</li>
 * </ul>
 * {@link #setOption} and {@link #getOption} also accept {@link LinuxSocketOptions}, such as
 * {@link LinuxSocketOptions#SO_PEERCRED}; {@link #socket()} gives the library's socket for everything else.
 */
public class FfmSocket extends LegacyOptionsSocket {

    private final Object lock = new Object();
    /** Held by a read of the input stream, and by a write of the output stream (and urgent data). */
    final ReentrantLock readLock = new ReentrantLock(), writeLock = new ReentrantLock();
    /** The peer every connect goes to, whatever address it is given; {@code null} for none. */
    private final SockAddr target;
    /** Guarded by lock for writes; {@code null} until the socket is bound or connected. */
    private volatile dev.ffmsockets.Socket socket;
    private volatile boolean closed, bound, connected, inputShut, outputShut;
    /** The names the socket had when it was closed: java.net.Socket keeps reporting them (its port, its peer). */
    private volatile SockAddr localAtClose, remoteAtClose;
    /** The read timeout in milliseconds, 0 for none. */
    private volatile int soTimeout;
    /** Options set before there was a socket, and legacy TCP/IP ones ignored on AF_UNIX; guarded by lock. */
    private final PendingOptions options;
    /** The streams, made on first request; guarded by lock. */
    private InputStream in;
    private OutputStream out;

    /**
     * An unconnected socket; {@link #connect(SocketAddress)} chooses the family from the address.
     *
     * @throws SocketException never; declared by {@code java.net.Socket}'s constructor
     */
    public FfmSocket() throws SocketException {
        this((SockAddr) null);
    }

    /**
     * An unconnected socket whose every connect goes to {@code target}.
     *
     * @param target the peer, or {@code null} to connect where asked
     * @throws SocketException never; declared by {@code java.net.Socket}'s constructor
     */
    public FfmSocket(SockAddr target) throws SocketException {
        this.target = target;
        this.options = new PendingOptions(target);
    }

    /**
     * Wraps a socket of the library, which this object then owns (closing it closes that socket).
     *
     * @param socket an open stream socket, connected or not
     * @throws SocketException          if the socket is closed
     * @throws IllegalArgumentException if it is not a stream socket
     */
    public FfmSocket(dev.ffmsockets.Socket socket) throws SocketException {
        Objects.requireNonNull(socket, "socket");
        if (socket.type() != SocketType.STREAM) {
            throw new IllegalArgumentException("FfmSocket: " + socket + " is not a stream socket");
        }
        if (!socket.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        this.target = null;
        this.options = new PendingOptions(null);
        this.socket = socket;
        this.bound = true;
        try {
            socket.remoteAddress();
            this.connected = true;
        } catch (IOException notConnected) {
            this.connected = false;
        }
    }

    /** {@return the library's socket under this one, or {@code null} before it is bound or connected} */
    public dev.ffmsockets.Socket socket() {
        return socket;
    }

    // ---- connecting, binding ---------------------------------------------------------------------------------

    @Override
    public void connect(SocketAddress endpoint) throws IOException {
        connect(endpoint, 0);
    }

    /**
     * Connects: {@code socket(2)} of the address's family (unless {@link #bind} made it already), then
     * {@code connect(2)}, waiting at most {@code timeout} milliseconds (0: no limit). If the connection cannot be
     * made the socket is closed, as {@code java.net.Socket} does.
     *
     * @param endpoint an {@link InetSocketAddress}, {@link java.net.UnixDomainSocketAddress} or
     *                 {@link NativeSocketAddress}; ignored when the socket has a fixed target
     * @param timeout  milliseconds, 0 for no limit
     * @throws IllegalArgumentException      if the endpoint is null or of another kind, or the timeout negative
     * @throws java.net.UnknownHostException if the endpoint is an unresolved {@code InetSocketAddress}
     * @throws SocketTimeoutException        if the timeout expired
     * @throws IOException                   {@code Socket is closed}, {@code Already connected}, or the failure of
     *                                       {@code connect(2)} ({@link java.net.ConnectException} ...)
     */
    @Override
    public void connect(SocketAddress endpoint, int timeout) throws IOException {
        if (endpoint == null) {
            throw new IllegalArgumentException("connect: The address can't be null");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("connect: timeout can't be negative");
        }
        Legacy.requireOpen(closed);
        if (connected) {
            throw new SocketException("Already connected");
        }
        SockAddr peer = target != null ? target : NativeSocketAddress.toSockAddr(endpoint, "connect");
        try {
            dev.ffmsockets.Socket s = socketFor(peer.family());
            if (timeout == 0) {
                s.connect(peer);
            } else {
                s.connect(peer, Duration.ofMillis(timeout));
            }
            s.setTimeout(soTimeout == 0 ? null : Duration.ofMillis(soTimeout));
            connected = true;
            bound = true;
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Binds: {@code socket(2)} of the address's family, then {@code bind(2)}.
     *
     * @param bindpoint the local address; {@code null} for an ephemeral port on the wildcard IPv4 address (or, with
     *                  an AF_UNIX target, no name at all)
     * @throws IOException {@code Socket is closed}, {@code Already bound}, or the failure of {@code bind(2)}
     */
    @Override
    public void bind(SocketAddress bindpoint) throws IOException {
        Legacy.requireOpen(closed);
        if (bound) {
            throw new SocketException("Already bound");
        }
        SockAddr local = bindpoint != null ? NativeSocketAddress.toSockAddr(bindpoint, "bind")
                : target != null && target.family() == Family.UNIX ? null : InetSockAddr.any(0);
        dev.ffmsockets.Socket s = socketFor(local != null ? local.family() : Family.UNIX);
        if (local != null) {
            s.bind(local);
        }
        bound = true;
    }

    /** The socket, made now of {@code family} if there is none yet, with the options set before it existed. */
    private dev.ffmsockets.Socket socketFor(Family family) throws IOException {
        synchronized (lock) {
            Legacy.requireOpen(closed);
            dev.ffmsockets.Socket s = socket;
            if (s != null) {
                return s;
            }
            s = dev.ffmsockets.Socket.open(family, SocketType.STREAM);
            try {
                options.applyTo(s);
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
            socket = s;
            return s;
        }
    }

    // ---- streams -------------------------------------------------------------------------------------------

    /**
     * The input stream: {@code recv(2)}; {@code read} returns -1 at end of stream or after
     * {@link #shutdownInput()}, waits at most the {@linkplain #setSoTimeout read timeout}
     * ({@link SocketTimeoutException}, the socket still usable), and fails with {@code Socket closed} once another
     * thread closes the socket. {@code available()} asks the kernel how many bytes are queued ({@code FIONREAD}), as
     * the JDK's does. Closing it closes the socket.
     */
    @Override
    public InputStream getInputStream() throws IOException {
        dev.ffmsockets.Socket s = connectedSocket();
        if (inputShut) {
            throw new SocketException("Socket input is shutdown");
        }
        synchronized (lock) {
            if (in == null) {
                in = new FfmSocketStreams.Input(this, s);
            }
            return in;
        }
    }

    /**
     * The output stream: {@code send(2)} with {@code MSG_NOSIGNAL} until all is sent; a vanished peer is an
     * exception ({@code EPIPE}, {@code ECONNRESET}), never a signal. Closing it closes the socket.
     */
    @Override
    public OutputStream getOutputStream() throws IOException {
        dev.ffmsockets.Socket s = connectedSocket();
        if (outputShut) {
            throw new SocketException("Socket output is shutdown");
        }
        synchronized (lock) {
            if (out == null) {
                out = new FfmSocketStreams.Output(this, s);
            }
            return out;
        }
    }

    private dev.ffmsockets.Socket connectedSocket() throws SocketException {
        Legacy.requireOpen(closed);
        if (!connected) {
            throw new SocketException("Socket is not connected");
        }
        return socket;
    }

    // ---- shutdown, close -----------------------------------------------------------------------------------

    @Override
    public void shutdownInput() throws IOException {
        connectedSocket();
        if (inputShut) {
            throw new SocketException("Socket input is already shutdown");
        }
        socket.shutdownInput();
        inputShut = true;
    }

    @Override
    public void shutdownOutput() throws IOException {
        connectedSocket();
        if (outputShut) {
            throw new SocketException("Socket output is already shutdown");
        }
        socket.shutdownOutput();
        outputShut = true;
    }

    /**
     * Closes the socket: a thread blocked in a read or write on it is woken with {@code SocketException: Socket
     * closed}; the descriptor is released once no call uses it. Idempotent.
     */
    @Override
    public void close() {
        dev.ffmsockets.Socket s;
        synchronized (lock) {
            s = socket;
            if (!closed && s != null) {
                localAtClose = bound ? name(true) : null;
                remoteAtClose = connected ? name(false) : null;
            }
            closed = true;
        }
        if (s != null) {
            s.close();
        }
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public boolean isBound() {
        return bound;
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    @Override
    public boolean isInputShutdown() {
        return inputShut;
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShut;
    }

    /** {@return {@code null}: this socket was not made by a {@link SocketChannel}} */
    @Override
    public SocketChannel getChannel() {
        return null;
    }

    // ---- addresses -----------------------------------------------------------------------------------------

    /** The socket's own address or its peer's; once closed, what it was then. */
    private SockAddr name(boolean local) {
        dev.ffmsockets.Socket s = socket;
        if (closed) {
            return local ? localAtClose : remoteAtClose;
        }
        if (s == null) {
            return null;
        }
        try {
            return local ? s.localAddress() : s.remoteAddress();
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public InetAddress getInetAddress() {
        return connected && name(false) instanceof InetSockAddr i ? DualStack.unmapped(i.address()) : null;
    }

    @Override
    public int getPort() {
        return connected && name(false) instanceof InetSockAddr i ? i.port() : 0;
    }

    @Override
    public InetAddress getLocalAddress() {
        return !closed && bound && name(true) instanceof InetSockAddr i ? DualStack.unmapped(i.address()) : ANY; // closed: the wildcard
    }

    /** What {@code java.net.Socket} gives for an unbound or closed socket: the wildcard, named "0.0.0.0". */
    private static final InetAddress ANY;

    static {
        try {
            ANY = InetAddress.getByAddress("0.0.0.0", new byte[4]);
        } catch (java.net.UnknownHostException e) {
            throw new ExceptionInInitializerError(e); // four bytes are an IPv4 address
        }
    }

    @Override
    public int getLocalPort() {
        return bound && name(true) instanceof InetSockAddr i ? i.port() : -1;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return connected ? NativeSocketAddress.toSocketAddress(name(false)) : null;
    }

    /** Once closed, as {@code java.net.Socket}: the wildcard address with the port the socket had. */
    @Override
    public SocketAddress getLocalSocketAddress() {
        if (!bound) {
            return null;
        }
        SockAddr a = name(true);
        return closed && a instanceof InetSockAddr i ? new InetSocketAddress(ANY, i.port())
                : NativeSocketAddress.toSocketAddress(a);
    }

    // ---- options -------------------------------------------------------------------------------------------

    /**
     * Sets an option: {@code setsockopt(2)} now, or when the socket is made if it is not yet.
     *
     * @throws UnsupportedOperationException if the option does not apply to this socket
     * @throws IllegalArgumentException      if the value is out of the option's range
     * @throws IOException                   {@code Socket is closed}, or the failure of {@code setsockopt}
     */
    @Override
    public <T> FfmSocket setOption(SocketOption<T> name, T value) throws IOException {
        Objects.requireNonNull(name, "name");
        synchronized (lock) {
            Legacy.requireOpen(closed);
            dev.ffmsockets.Socket s = socket;
            if (s == null) {
                options.set(name, value);
                return this;
            }
            s.setOption(name, value);
            return this;
        }
    }

    /**
     * Reads an option: {@code getsockopt(2)}; before the socket is made, the value set or the default of a new
     * socket.
     *
     * @throws UnsupportedOperationException if the option does not apply to this socket
     * @throws IOException                   {@code Socket is closed}, or the failure of {@code getsockopt}
     */
    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        Objects.requireNonNull(name, "name");
        synchronized (lock) {
            Legacy.requireOpen(closed);
            if (socket == null) {
                return options.get(name);
            }
        }
        return socket.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        dev.ffmsockets.Socket s = socket;
        return s != null ? s.supportedOptions() : options.supported();
    }

    /** A legacy setter's option: set it, or on a socket it does not apply to (AF_UNIX), remember and ignore it. */
    @Override
    <T> void setLegacy(SocketOption<T> option, T value) throws SocketException {
        synchronized (lock) {
            if (!closed && options.ignore(socket, option, value)) {
                return;
            }
        }
        Legacy.socketException(() -> setOption(option, value));
    }

    @Override
    <T> T getLegacy(SocketOption<T> option, T ifIgnored) throws SocketException {
        synchronized (lock) {
            T v = closed ? null : options.ignoredValue(socket, option, ifIgnored);
            if (v != null) {
                return v;
            }
        }
        return Legacy.socketException(() -> getOption(option));
    }

    /**
     * Sends one byte of TCP urgent data: {@code send(2)} with {@code MSG_OOB}.
     *
     * @throws IOException on AF_UNIX ({@code EOPNOTSUPP}), or as for a write
     */
    @Override
    public void sendUrgentData(int data) throws IOException {
        dev.ffmsockets.Socket s = connectedSocket();
        writeLock.lock();
        try {
            s.send(new byte[] {(byte) data}, 0, 1, MsgFlag.OOB);
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * Sets the read timeout: how long a read of the {@linkplain #getInputStream() input stream} waits before
     * {@link SocketTimeoutException}; 0 for no limit. Writes and {@code connect} are not bounded by it.
     *
     * @param timeout milliseconds, 0 for no limit
     * @throws IllegalArgumentException if negative
     * @throws SocketException          if the socket is closed
     */
    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        Legacy.requireOpen(closed);
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout can't be negative");
        }
        synchronized (lock) {
            soTimeout = timeout;
            dev.ffmsockets.Socket s = socket;
            if (s != null && connected) {
                Legacy.socketException(() -> {
                    s.setTimeout(timeout == 0 ? null : Duration.ofMillis(timeout));
                    return null;
                });
            }
        }
    }

    @Override
    public int getSoTimeout() throws SocketException {
        Legacy.requireOpen(closed);
        return soTimeout;
    }

    /** {@return for example {@code FfmSocket[/run/app.sock]} or {@code FfmSocket[127.0.0.1:5432]}} */
    @Override
    public String toString() {
        if (closed) {
            return "FfmSocket[closed]";
        }
        SockAddr peer = connected ? name(false) : null;
        return "FfmSocket[" + (peer != null ? peer.toString() : "unconnected") + "]";
    }
}
