package dev.ffmsockets.nio;

import dev.ffmsockets.LinuxSocketOptions;
import dev.ffmsockets.impl.UnusedSocketImpl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.net.UnknownHostException;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * The {@code java.net.Socket} view of an {@link FfmSocketChannel} ({@link FfmSocketChannel#socket()}): it keeps
 * nothing of its own but the read timeout of its streams, and asks its channel every time, so that it is right before
 * a connect, after a connect made through the channel, after a shutdown and after close. What it does with the channel
 * (connect, bind, read, write) is the channel's, with the channel's locks; misuse fails as {@code java.net.Socket}
 * does, with its messages.
 */
final class SocketAdaptor extends java.net.Socket {

    private final FfmSocketChannel sc;
    /** The read timeout of the streams, milliseconds (0: none); the channel's own reads never have one. */
    private volatile int timeout;

    /** With a {@code SocketImpl} that is never used: every method of the view is overridden. */
    private SocketAdaptor(FfmSocketChannel sc) throws SocketException {
        super(new UnusedSocketImpl("the socket view of a channel"));
        this.sc = sc;
    }

    static SocketAdaptor of(FfmSocketChannel sc) {
        try {
            return new SocketAdaptor(sc);
        } catch (SocketException impossible) {
            throw new AssertionError(impossible); // java.net.Socket's constructor makes nothing without an impl
        }
    }

    private InetSocketAddress local() {
        return (InetSocketAddress) sc.localAddress();
    }

    private InetSocketAddress remote() {
        return (InetSocketAddress) sc.remoteAddress();
    }

    @Override
    public void connect(SocketAddress remote) throws IOException {
        connect(remote, 0);
    }

    /** Connects the channel, in blocking mode, waiting at most {@code timeout} milliseconds (0: no limit). */
    @Override
    public void connect(SocketAddress remote, int timeout) throws IOException {
        if (remote == null) {
            throw new IllegalArgumentException("connect: The address can't be null");
        }
        if (remote instanceof InetSocketAddress isa && isa.isUnresolved()) {
            if (!sc.isOpen()) {
                throw new SocketException("Socket is closed");
            }
            if (sc.isConnected()) {
                throw new SocketException("Already connected");
            }
            close();
            throw new UnknownHostException(isa.getHostName());
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("connect: timeout can't be negative");
        }
        try {
            sc.blockingConnect(remote, TimeUnit.MILLISECONDS.toNanos(timeout));
        } catch (Exception e) {
            throw Translated.io(e);
        }
    }

    @Override
    public void bind(SocketAddress local) throws IOException {
        try {
            sc.bind(local);
        } catch (Exception e) {
            throw Translated.io(e);
        }
    }

    @Override
    public InetAddress getInetAddress() {
        InetSocketAddress r = remote();
        return r == null ? null : r.getAddress();
    }

    @Override
    public InetAddress getLocalAddress() {
        if (sc.isOpen()) {
            InetSocketAddress l = local();
            if (l != null) {
                return l.getAddress();
            }
        }
        return new InetSocketAddress(0).getAddress();
    }

    @Override
    public int getPort() {
        InetSocketAddress r = remote();
        return r == null ? 0 : r.getPort();
    }

    @Override
    public int getLocalPort() {
        InetSocketAddress l = local();
        return l == null ? -1 : l.getPort();
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return sc.remoteAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return sc.localAddress();
    }

    @Override
    public SocketChannel getChannel() {
        return sc;
    }

    /**
     * A stream over the channel's blocking reads, bounded by this view's {@link #setSoTimeout} (the channel's own
     * reads are not); in non-blocking mode it throws {@link java.nio.channels.IllegalBlockingModeException}.
     */
    @Override
    public InputStream getInputStream() throws IOException {
        ensureStreamable(sc.isInputOpen(), "Socket input is shutdown");
        return new InputStream() {
            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                int n = read(one, 0, 1);
                return n > 0 ? one[0] & 0xff : -1;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                return sc.blockingRead(b, off, len, TimeUnit.MILLISECONDS.toNanos(timeout));
            }

            @Override
            public int available() throws IOException {
                return sc.available();
            }

            @Override
            public void close() throws IOException {
                sc.close();
            }
        };
    }

    /** A stream over the channel's blocking writes, each written whole. */
    @Override
    public OutputStream getOutputStream() throws IOException {
        ensureStreamable(sc.isOutputOpen(), "Socket output is shutdown");
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                sc.blockingWriteFully(b, off, len);
            }

            @Override
            public void close() throws IOException {
                sc.close();
            }
        };
    }

    private void ensureStreamable(boolean open, String shut) throws SocketException {
        if (!sc.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        if (!sc.isConnected()) {
            throw new SocketException("Socket is not connected");
        }
        if (!open) {
            throw new SocketException(shut);
        }
    }

    private <T> void set(SocketOption<T> option, T value) throws SocketException {
        Translated.set(sc, option, value);
    }

    private <T> T get(SocketOption<T> option) throws SocketException {
        return Translated.get(sc, option);
    }

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        set(StandardSocketOptions.TCP_NODELAY, on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return get(StandardSocketOptions.TCP_NODELAY);
    }

    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        set(StandardSocketOptions.SO_LINGER, on ? Math.min(linger, 65535) : -1);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return get(StandardSocketOptions.SO_LINGER);
    }

    /** One byte of urgent data: {@code send(2)} with {@code MSG_OOB}. */
    @Override
    public void sendUrgentData(int data) throws IOException {
        if (sc.sendUrgentData((byte) data) == 0) {
            throw new IOException("Socket buffer full");
        }
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        set(LinuxSocketOptions.SO_OOBINLINE, on);
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        return get(LinuxSocketOptions.SO_OOBINLINE);
    }

    /** The read timeout of this view's input stream only, as the JDK's view: the channel's reads never time out. */
    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (!sc.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        this.timeout = timeout;
    }

    @Override
    public int getSoTimeout() throws SocketException {
        if (!sc.isOpen()) {
            throw new SocketException("Socket is closed");
        }
        return timeout;
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("Invalid send size");
        }
        set(StandardSocketOptions.SO_SNDBUF, size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return get(StandardSocketOptions.SO_SNDBUF);
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("Invalid receive size");
        }
        set(StandardSocketOptions.SO_RCVBUF, size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return get(StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        set(StandardSocketOptions.SO_KEEPALIVE, on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return get(StandardSocketOptions.SO_KEEPALIVE);
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        set(StandardSocketOptions.IP_TOS, tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return get(StandardSocketOptions.IP_TOS);
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        set(StandardSocketOptions.SO_REUSEADDR, on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return get(StandardSocketOptions.SO_REUSEADDR);
    }

    @Override
    public void close() throws IOException {
        sc.close();
    }

    @Override
    public void shutdownInput() throws IOException {
        try {
            sc.shutdownInput();
        } catch (Exception e) {
            throw Translated.io(e);
        }
    }

    @Override
    public void shutdownOutput() throws IOException {
        try {
            sc.shutdownOutput();
        } catch (Exception e) {
            throw Translated.io(e);
        }
    }

    @Override
    public String toString() {
        if (sc.isConnected()) {
            return "Socket[addr=" + getInetAddress() + ",port=" + getPort() + ",localport=" + getLocalPort() + "]";
        }
        return "Socket[unconnected]";
    }

    @Override
    public boolean isConnected() {
        return sc.isConnected();
    }

    @Override
    public boolean isBound() {
        return sc.localAddress() != null;
    }

    @Override
    public boolean isClosed() {
        return !sc.isOpen();
    }

    @Override
    public boolean isInputShutdown() {
        return !sc.isInputOpen();
    }

    @Override
    public boolean isOutputShutdown() {
        return !sc.isOutputOpen();
    }

    @Override
    public <T> java.net.Socket setOption(SocketOption<T> name, T value) throws IOException {
        sc.setOption(Objects.requireNonNull(name), value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return sc.getOption(Objects.requireNonNull(name));
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return sc.supportedOptions();
    }
}
