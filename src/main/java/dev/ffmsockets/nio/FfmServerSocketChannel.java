package dev.ffmsockets.nio;

import dev.ffmsockets.ErrnoSocketTimeoutException;
import dev.ffmsockets.Family;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.impl.Addresses;
import dev.ffmsockets.impl.SocketParts;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import static dev.ffmsockets.posix.Posix.EPOLLIN;

/**
 * A {@link ServerSocketChannel} over the library's {@link Socket}; {@link #accept()} returns
 * {@link FfmSocketChannel}s. As the JDK's: one accept in progress at a time, a blocking-mode change that waits for it,
 * an Internet one with {@code SO_REUSEADDR} on, a backlog below 1 meaning 50, and on AF_UNIX a bind to {@code null}
 * that takes a generated name in the temporary directory. Made by {@link FfmSelectorProvider} or around a listening
 * socket with {@link #of(Socket)}.
 */
public final class FfmServerSocketChannel extends ServerSocketChannel implements FfmChannel {

    private final Socket s;
    final ChannelKeys keys = new ChannelKeys();
    /** Held by the accepting thread, and by a blocking-mode change. */
    private final ReentrantLock acceptLock = new ReentrantLock();
    private final Object stateLock = new Object();
    /** The address bound, kept after close; guarded by stateLock. */
    private SocketAddress local;
    private ServerSocketAdaptor adaptor;

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

    private FfmServerSocketChannel(Socket listening, SocketAddress local) {
        super(FfmSelectorProvider.provider());
        this.s = listening;
        this.local = local;
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
        SocketAddress local = null;
        try {
            if (Addresses.named(listening.localAddress())) {
                local = ChannelAddresses.local(listening);
            }
        } catch (IOException closed) {
            // the channel reports it at its first use
        }
        return new FfmServerSocketChannel(listening, local);
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
            if (this.local != null) {
                throw new AlreadyBoundException();
            }
            SocketAddress bound = s.family() == Family.UNIX ? Binding.named(s, local)
                    : Binding.inet(s, local, s.family());
            s.listen(backlog < 1 ? 50 : backlog);
            this.local = bound;
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
        return accepting(0, false);
    }

    /**
     * Accepts in blocking mode waiting at most {@code nanos} (0: no limit): the {@code java.net} view's accept.
     *
     * @throws IllegalBlockingModeException if the channel is in non-blocking mode and no connection is pending
     * @throws SocketTimeoutException       {@code Accept timed out}
     */
    SocketChannel blockingAccept(long nanos) throws IOException {
        return accepting(nanos, true);
    }

    private SocketChannel accepting(long nanos, boolean view) throws IOException {
        Socket peer = null;
        acceptLock.lock();
        try {
            ensureOpen();
            boolean blocking = isBlocking();
            if (view && nanos > 0 && !blocking) {
                throw new IllegalBlockingModeException();
            }
            try {
                if (blocking) {
                    begin();
                }
                synchronized (stateLock) {
                    ensureOpen();
                    if (local == null) {
                        throw new NotYetBoundException();
                    }
                }
                peer = SocketParts.accept(s, nanos);
            } catch (ErrnoSocketTimeoutException e) {
                SocketTimeoutException t = new SocketTimeoutException("Accept timed out");
                t.initCause(e);
                throw t;
            } finally {
                if (blocking) {
                    end(peer != null);
                }
            }
        } finally {
            acceptLock.unlock();
        }
        if (peer == null && view) {
            throw new IllegalBlockingModeException(); // the view's accept on a non-blocking channel, none pending
        }
        return peer == null ? null : FfmSocketChannel.accepted(provider(), peer);
    }

    /** {@return the address bound, kept after close, or null} */
    SocketAddress localAddress() {
        synchronized (stateLock) {
            return local;
        }
    }

    boolean isBound() {
        return localAddress() != null;
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            return local;
        }
    }

    @Override
    public <T> ServerSocketChannel setOption(SocketOption<T> name, T value) throws IOException {
        FfmChannel.setOption(this, stateLock, s, name, value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return FfmChannel.getOption(this, stateLock, s, name);
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return s.supportedOptions();
    }

    /**
     * {@return a {@code java.net.ServerSocket} view of this channel, which keeps nothing of its own but its accept
     * timeout}
     *
     * @throws UnsupportedOperationException for an AF_UNIX channel, as the JDK's
     */
    @Override
    public ServerSocket socket() {
        synchronized (stateLock) {
            if (s.family() == Family.UNIX) {
                throw new UnsupportedOperationException("Not supported");
            }
            if (adaptor == null) {
                adaptor = new ServerSocketAdaptor(this);
            }
            return adaptor;
        }
    }

    /** The operations of {@code interest} epoll's {@code events} make ready: see {@link FfmChannel#readyOps}. */
    int readyOps(int events, int interest) {
        return FfmChannel.failed(events) || (events & EPOLLIN) != 0 ? interest & SelectionKey.OP_ACCEPT : 0;
    }

    /** Closes: out of every selector's epoll set, then {@code close(2)}, which wakes a blocked accept. */
    @Override
    protected void implCloseSelectableChannel() {
        keys.closing();
        s.close();
    }

    /** Waits for an accept in progress: the mode never changes under one, as the JDK's. */
    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        FfmChannel.configureBlocking(this, s, block, acceptLock, acceptLock);
    }

    /** {@return as the JDK's: {@code java.nio.channels.ServerSocketChannel[/127.0.0.1:8080]}} */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(ServerSocketChannel.class.getName()).append('[');
        if (!isOpen()) {
            return b.append("closed]").toString();
        }
        SocketAddress a = localAddress();
        return b.append(a == null ? "unbound" : a).append(']').toString();
    }
}
