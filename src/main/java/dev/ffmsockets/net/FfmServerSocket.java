package dev.ffmsockets.net;

import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.impl.DualStack;
import dev.ffmsockets.impl.UnusedSocketImpl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link java.net.ServerSocket} backed by a {@link dev.ffmsockets.Socket}, listening on TCP or AF_UNIX (pathname
 * and abstract names); {@link #accept()} returns {@link FfmSocket}s. Made by {@link FfmServerSocketFactory} or with
 * its constructors.
 *
 * <p>It behaves as {@code java.net.ServerSocket} does: {@code SO_REUSEADDR} on by default for TCP, a backlog below
 * 1 taken as 50, {@link #setSoTimeout} bounding {@code accept}, {@link #close()} from another thread waking a
 * blocked {@code accept} with {@code SocketException: Socket closed}, the same messages for the same misuse. A
 * pathname socket's file is not removed on close, as with the JDK's AF_UNIX channels. {@link #getChannel()}
 * returns {@code null}. {@link #bind(SocketAddress)} takes an {@link java.net.InetSocketAddress}, a
 * {@link java.net.UnixDomainSocketAddress} or a {@link NativeSocketAddress}; on AF_UNIX {@link #getLocalPort()} is
 * -1 and {@link #getInetAddress()} {@code null}.
 */
public class FfmServerSocket extends java.net.ServerSocket {

    private final Object lock = new Object();
    /** Guarded by lock for writes. */
    private volatile dev.ffmsockets.Socket socket;
    private volatile boolean closed;
    private volatile SockAddr localAtClose;
    /** The Internet address as the caller gave it to bind, which java.net.ServerSocket reports; null on AF_UNIX. */
    private volatile InetAddress boundAs;
    private volatile int soTimeout;
    private volatile Boolean reuseAddress;
    private volatile Integer receiveBuffer;

    /**
     * An unbound server socket.
     *
     * @throws IOException never; declared by {@code java.net.ServerSocket}'s constructors
     */
    public FfmServerSocket() throws IOException {
        super(new UnusedSocketImpl("FfmServerSocket"));
    }

    /**
     * Wraps a stream socket of the library, bound or not, which this object then owns (closing it closes that
     * socket): the {@code socket()} of a channel, for example. {@link #bind} then refuses, as the socket exists.
     *
     * @param socket an open stream socket
     * @throws IOException              if the socket is closed
     * @throws IllegalArgumentException if it is not a stream socket
     */
    public FfmServerSocket(dev.ffmsockets.Socket socket) throws IOException {
        super(new UnusedSocketImpl("FfmServerSocket"));
        Objects.requireNonNull(socket, "socket");
        if (socket.type() != SocketType.STREAM) {
            throw new IllegalArgumentException("FfmServerSocket: " + socket + " is not a stream socket");
        }
        if (!socket.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        this.socket = socket;
    }

    /**
     * A server socket bound to {@code local} and listening.
     *
     * @param local   the address, as {@link #bind(SocketAddress, int)} takes it
     * @param backlog the length of the queue of pending connections; below 1 for 50
     * @throws IOException the failure of {@code socket}, {@code bind} or {@code listen}
     */
    public FfmServerSocket(SocketAddress local, int backlog) throws IOException {
        this();
        listenOn(local, backlog);
    }

    /** {@return the library's socket under this one, or {@code null} before it is bound} */
    public dev.ffmsockets.Socket socket() {
        return socket;
    }

    @Override
    public void bind(SocketAddress endpoint) throws IOException {
        bind(endpoint, 50);
    }

    /**
     * Binds and listens: {@code socket(2)}, {@code bind(2)} and {@code listen(2)}.
     *
     * @param endpoint the address; {@code null} for an ephemeral port on the IPv4 wildcard address
     * @param backlog  the queue length; below 1 for 50
     * @throws IOException {@code Socket is closed}, {@code Already bound}, or the failure of a call
     *                     ({@link java.net.BindException} for {@code EADDRINUSE} ...); on failure the socket is closed
     */
    @Override
    public void bind(SocketAddress endpoint, int backlog) throws IOException {
        listenOn(endpoint, backlog);
    }

    /**
     * Binds and listens. An Internet address is bound on a dual-stack IPv6 socket, as {@code java.net.ServerSocket}
     * binds it (so that a wildcard takes IPv4 and IPv6 peers), unless IPv6 is not available.
     */
    private void listenOn(SocketAddress endpoint, int backlog) throws IOException {
        SockAddr given = endpoint == null ? InetSockAddr.any(0) : NativeSocketAddress.toSockAddr(endpoint, "bind");
        boolean inet = given instanceof InetSockAddr;
        Family family = inet ? DualStack.family() : given.family();
        SockAddr local = given instanceof InetSockAddr i ? DualStack.on(family, i.address(), i.port()) : given;
        synchronized (lock) {
            Legacy.requireOpen(closed);
            if (socket != null) {
                throw new SocketException("Already bound");
            }
            dev.ffmsockets.Socket s = inet ? DualStack.open(family, SocketType.STREAM)
                    : dev.ffmsockets.Socket.open(family, SocketType.STREAM);
            try {
                if (inet) {
                    s.setOption(StandardSocketOptions.SO_REUSEADDR, reuseAddress == null || reuseAddress);
                }
                if (receiveBuffer != null) {
                    s.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
                }
                s.bind(local);
                s.listen(backlog < 1 ? 50 : backlog);
                if (soTimeout > 0) {
                    s.setTimeout(Duration.ofMillis(soTimeout));
                }
            } catch (IOException | RuntimeException e) {
                s.close();
                closed = true;
                throw e;
            }
            boundAs = endpoint instanceof InetSocketAddress a ? a.getAddress()
                    : endpoint != null && given instanceof InetSockAddr i ? i.address()
                    : inet ? new InetSocketAddress(0).getAddress() : null; // java.net's wildcard, "0.0.0.0/0.0.0.0"
            socket = s;
        }
    }

    /**
     * Accepts a connection: {@code accept4(2)}, waiting at most the {@linkplain #setSoTimeout timeout}.
     *
     * @return the connected socket
     * @throws java.net.SocketTimeoutException if the timeout expired
     * @throws IOException                     {@code Socket is closed}, {@code Socket is not bound yet}, ...
     */
    @Override
    public FfmSocket accept() throws IOException {
        Legacy.requireOpen(closed);
        dev.ffmsockets.Socket s = socket;
        if (s == null) {
            throw new SocketException("Socket is not bound yet");
        }
        dev.ffmsockets.Socket peer = s.accept();
        try {
            return new FfmSocket(peer);
        } catch (IOException | RuntimeException e) {
            peer.close();
            throw e;
        }
    }

    /** Closes the socket; a thread blocked in {@code accept} is woken with {@code Socket closed}. Idempotent. */
    @Override
    public void close() {
        dev.ffmsockets.Socket s;
        synchronized (lock) {
            if (!closed) {
                localAtClose = local();
            }
            closed = true;
            s = socket;
        }
        if (s != null) {
            s.close();
        }
    }

    /** {@return {@code null}: this socket was not made by a {@link ServerSocketChannel}} */
    @Override
    public ServerSocketChannel getChannel() {
        return null;
    }

    /** {@return whether the socket has a name: a port, or a Unix socket's path or abstract name} */
    @Override
    public boolean isBound() {
        return dev.ffmsockets.impl.Addresses.named(local());
    }

    @Override
    public boolean isClosed() {
        return closed;
    }

    /** The socket's address; once closed, what it was then, which java.net.ServerSocket keeps reporting. */
    private SockAddr local() {
        SockAddr known = localAtClose;
        dev.ffmsockets.Socket s = socket;
        if (closed || s == null) {
            return known;
        }
        try {
            return s.localAddress();
        } catch (IOException e) {
            return known;
        }
    }

    /** {@return as {@code java.net.ServerSocket}: the address as it was given to bind ({@code 0.0.0.0} for none)} */
    @Override
    public InetAddress getInetAddress() {
        return local() instanceof InetSockAddr ? boundAs : null;
    }

    @Override
    public int getLocalPort() {
        return local() instanceof InetSockAddr i ? i.port() : -1;
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        SockAddr l = local();
        return l instanceof InetSockAddr i ? new InetSocketAddress(boundAs, i.port())
                : NativeSocketAddress.toSocketAddress(l);
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        Legacy.requireOpen(closed);
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        synchronized (lock) {
            soTimeout = timeout;
            dev.ffmsockets.Socket s = socket;
            if (s != null) {
                Legacy.socketException(() -> {
                    s.setTimeout(timeout == 0 ? null : Duration.ofMillis(timeout));
                    return null;
                });
            }
        }
    }

    @Override
    public int getSoTimeout() throws IOException {
        Legacy.requireOpen(closed);
        return soTimeout;
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        Legacy.requireOpen(closed);
        reuseAddress = on;
        dev.ffmsockets.Socket s = socket;
        if (s != null && s.family() != Family.UNIX) {
            setNow(s, StandardSocketOptions.SO_REUSEADDR, on);
        }
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        Legacy.requireOpen(closed);
        dev.ffmsockets.Socket s = socket;
        if (s != null) {
            return Legacy.socketException(() -> s.getOption(StandardSocketOptions.SO_REUSEADDR));
        }
        return reuseAddress == null || reuseAddress;
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("negative receive size");
        }
        Legacy.requireOpen(closed);
        receiveBuffer = size;
        dev.ffmsockets.Socket s = socket;
        if (s != null) {
            setNow(s, StandardSocketOptions.SO_RCVBUF, size);
        }
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        Legacy.requireOpen(closed);
        dev.ffmsockets.Socket s = socket;
        return Legacy.socketException(() -> {
            if (s != null) {
                return s.getOption(StandardSocketOptions.SO_RCVBUF);
            }
            try (dev.ffmsockets.Socket probe = dev.ffmsockets.Socket.open(Family.INET, SocketType.STREAM)) {
                if (receiveBuffer != null) {
                    probe.setOption(StandardSocketOptions.SO_RCVBUF, receiveBuffer);
                }
                return probe.getOption(StandardSocketOptions.SO_RCVBUF);
            }
        });
    }

    private static <T> void setNow(dev.ffmsockets.Socket s, SocketOption<T> option, T value) throws SocketException {
        Legacy.socketException(() -> {
            s.setOption(option, value);
            return null;
        });
    }

    /**
     * Sets an option of the listening socket; it must be bound, since its family decides which options apply.
     *
     * @throws UnsupportedOperationException if the option does not apply
     * @throws IOException                   {@code Socket is closed}, {@code Socket is not bound yet}, ...
     */
    @Override
    public <T> FfmServerSocket setOption(SocketOption<T> name, T value) throws IOException {
        Objects.requireNonNull(name, "name");
        bound("setOption").setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        Objects.requireNonNull(name, "name");
        return bound("getOption").getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        dev.ffmsockets.Socket s = socket;
        return s != null ? s.supportedOptions() : Set.of(StandardSocketOptions.SO_RCVBUF, StandardSocketOptions.SO_REUSEADDR);
    }

    private dev.ffmsockets.Socket bound(String call) throws SocketException {
        Legacy.requireOpen(closed);
        dev.ffmsockets.Socket s = socket;
        if (s == null) {
            throw new SocketException(call + ": Socket is not bound yet (its family decides its options)");
        }
        return s;
    }

    /** Does nothing, as {@code java.net.ServerSocket}'s own implementation does. */
    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
    }

    @Override
    public String toString() {
        SockAddr local = local();
        return "FfmServerSocket[" + (closed ? "closed" : local == null ? "unbound" : local.toString()) + "]";
    }
}
