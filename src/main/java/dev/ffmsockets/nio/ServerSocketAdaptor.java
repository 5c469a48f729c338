package dev.ffmsockets.nio;

import dev.ffmsockets.impl.UnusedSocketImpl;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@code java.net.ServerSocket} view of an {@link FfmServerSocketChannel} ({@link FfmServerSocketChannel#socket()}):
 * it keeps nothing of its own but its accept timeout, and asks its channel every time. Its {@link #accept()} returns
 * the {@code java.net.Socket} view of the accepted channel, so {@code getChannel()} of what it accepts is that
 * channel.
 */
final class ServerSocketAdaptor extends ServerSocket {

    private final FfmServerSocketChannel ssc;
    /** The accept timeout, milliseconds (0: none); the channel's own accepts never have one. */
    private volatile int timeout;

    /** With a {@code SocketImpl} that is never used: every method of the view is overridden. */
    ServerSocketAdaptor(FfmServerSocketChannel ssc) {
        super(new UnusedSocketImpl("the server socket view of a channel"));
        this.ssc = ssc;
    }

    @Override
    public void bind(SocketAddress local) throws IOException {
        bind(local, 50);
    }

    /** Binds the channel; {@code null} is the wildcard address and an ephemeral port. */
    @Override
    public void bind(SocketAddress local, int backlog) throws IOException {
        try {
            ssc.bind(local == null ? new InetSocketAddress(0) : local, backlog);
        } catch (Exception e) {
            throw Translated.io(e);
        }
    }

    @Override
    public InetAddress getInetAddress() {
        InetSocketAddress l = (InetSocketAddress) ssc.localAddress();
        return l == null ? null : l.getAddress();
    }

    @Override
    public int getLocalPort() {
        InetSocketAddress l = (InetSocketAddress) ssc.localAddress();
        return l == null ? -1 : l.getPort();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return ssc.localAddress();
    }

    /**
     * Accepts a connection of the channel, waiting at most the {@linkplain #setSoTimeout accept timeout}.
     *
     * @return the {@code java.net.Socket} view of the accepted channel
     * @throws java.nio.channels.IllegalBlockingModeException in non-blocking mode, when no connection is pending (or
     *                                                        with a timeout), as the JDK's view
     */
    @Override
    public java.net.Socket accept() throws IOException {
        try {
            return ssc.blockingAccept(TimeUnit.MILLISECONDS.toNanos(timeout)).socket();
        } catch (Exception e) {
            throw Translated.io(e);
        }
    }

    @Override
    public void close() throws IOException {
        ssc.close();
    }

    @Override
    public ServerSocketChannel getChannel() {
        return ssc;
    }

    @Override
    public boolean isBound() {
        return ssc.isBound();
    }

    @Override
    public boolean isClosed() {
        return !ssc.isOpen();
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (!ssc.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        this.timeout = timeout;
    }

    @Override
    public int getSoTimeout() throws SocketException {
        if (!ssc.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        return timeout;
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        Translated.set(ssc, StandardSocketOptions.SO_REUSEADDR, on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return Translated.get(ssc, StandardSocketOptions.SO_REUSEADDR);
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("size cannot be 0 or negative");
        }
        Translated.set(ssc, StandardSocketOptions.SO_RCVBUF, size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return Translated.get(ssc, StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
        // as the JDK's: not implemented
    }

    @Override
    public String toString() {
        if (!isBound()) {
            return "ServerSocket[unbound]";
        }
        return "ServerSocket[addr=" + getInetAddress() + ",localport=" + getLocalPort() + "]";
    }

    @Override
    public <T> ServerSocket setOption(SocketOption<T> name, T value) throws IOException {
        ssc.setOption(Objects.requireNonNull(name), value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return ssc.getOption(Objects.requireNonNull(name));
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return ssc.supportedOptions();
    }
}
