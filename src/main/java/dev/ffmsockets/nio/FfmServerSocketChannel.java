package dev.ffmsockets.nio;

import dev.ffmsockets.Family;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.net.FfmServerSocket;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;
import java.util.Set;

/**
 * A {@link ServerSocketChannel} over the library's {@link Socket}; {@link #accept()} returns
 * {@link FfmSocketChannel}s. As the JDK's, an Internet one has {@code SO_REUSEADDR} on and a backlog below 1 means
 * 50; made by {@link FfmSelectorProvider} or around a listening socket with {@link #of(Socket)}.
 */
public final class FfmServerSocketChannel extends ServerSocketChannel implements FfmChannel {

    private final Socket s;
    private final Object stateLock = new Object();
    private volatile boolean bound;
    private volatile FfmServerSocket adaptor;

    FfmServerSocketChannel(SelectorProvider provider, Family family) throws IOException {
        super(provider);
        this.s = FfmChannel.open(family, SocketType.STREAM);
        if (s.family() != Family.UNIX) {
            try {
                s.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }
    }

    private FfmServerSocketChannel(Socket listening) {
        super(FfmSelectorProvider.provider());
        this.s = listening;
        this.bound = true;
    }

    /**
     * A channel over a listening stream socket of the library (socket activation), which the channel then owns.
     *
     * @param listening an open, listening stream socket
     * @return the channel, in blocking mode
     * @throws IllegalArgumentException if the socket is not a stream socket
     */
    public static FfmServerSocketChannel of(Socket listening) {
        Objects.requireNonNull(listening, "listening");
        if (listening.type() != SocketType.STREAM) {
            throw new IllegalArgumentException("FfmServerSocketChannel: " + listening + " is not a stream socket");
        }
        return new FfmServerSocketChannel(listening);
    }

    @Override
    public Socket librarySocket() {
        return s;
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    /** Binds and listens: {@code bind(2)}, {@code listen(2)}; a backlog below 1 means 50. */
    @Override
    public ServerSocketChannel bind(SocketAddress local, int backlog) throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (bound) {
                throw new AlreadyBoundException();
            }
            SockAddr a = local == null ? ChannelAddresses.any(s.family()) : ChannelAddresses.of(local, s.family());
            if (a != null) {
                s.bind(a);
            }
            s.listen(backlog < 1 ? 50 : backlog);
            bound = true;
        }
        return this;
    }

    /**
     * Accepts a connection: {@code accept4(2)}.
     *
     * @return the connected channel, in blocking mode; {@code null} in non-blocking mode when none is pending
     */
    @Override
    public SocketChannel accept() throws IOException {
        ensureOpen();
        if (!bound) {
            throw new NotYetBoundException();
        }
        Socket peer = null;
        begin();
        try {
            peer = s.accept();
        } finally {
            end(peer != null);
        }
        return peer == null ? null : FfmSocketChannel.accepted(provider(), peer);
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        ensureOpen();
        return bound ? ChannelAddresses.toJava(s.localAddress()) : null;
    }

    @Override
    public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        Objects.requireNonNull(name, "name");
        ensureOpen();
        s.setOption(name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        Objects.requireNonNull(name, "name");
        ensureOpen();
        return s.getOption(name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return s.supportedOptions();
    }

    /**
     * {@return a {@code java.net.ServerSocket} over this channel's socket (closing it closes the channel)}
     *
     * @throws UnsupportedOperationException for an AF_UNIX channel, as the JDK's
     */
    @Override
    public ServerSocket socket() {
        if (s.family() == Family.UNIX) {
            throw new UnsupportedOperationException("Not supported");
        }
        FfmServerSocket a = adaptor;
        if (a == null) {
            synchronized (stateLock) {
                a = adaptor;
                if (a == null) {
                    try {
                        adaptor = a = new FfmServerSocket(s) {
                            @Override
                            public void close() {
                                try {
                                    FfmServerSocketChannel.this.close();
                                } catch (IOException e) {
                                    // the channel's close does not fail
                                }
                            }

                            @Override
                            public boolean isClosed() {
                                return !FfmServerSocketChannel.this.isOpen();
                            }

                            @Override
                            public ServerSocketChannel getChannel() {
                                return FfmServerSocketChannel.this;
                            }
                        };
                    } catch (IOException e) {
                        throw new IllegalStateException("socket(): the channel is closed", e);
                    }
                }
            }
        }
        return a;
    }

    @Override
    protected void implCloseSelectableChannel() {
        s.close();
    }

    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        s.setBlocking(block);
    }

    @Override
    public String toString() {
        return "FfmServerSocketChannel[" + (isOpen() ? s.toString() : "closed") + "]";
    }
}
