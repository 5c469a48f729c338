package dev.ffmsockets.nio;

import dev.ffmsockets.ErrnoException;
import dev.ffmsockets.ErrnoSocketTimeoutException;
import dev.ffmsockets.Family;
import dev.ffmsockets.Socket;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.net.SocketTimeoutException;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import static dev.ffmsockets.posix.Posix.ENOTCONN;

/**
 * The state of an {@link FfmSocketChannel}, as the JDK's socket channel keeps it: one state word (unconnected,
 * connection pending, connected, closed) and the addresses, guarded by one lock; binding, connecting and shutting down;
 * the read and write locks a connect and a blocking-mode change take both of. Its reads and writes are
 * {@link FfmSocketChannel}'s.
 */
abstract sealed class SocketChannelState extends SocketChannel permits FfmSocketChannel {

    static final int UNCONNECTED = 0, PENDING = 1, CONNECTED = 2, CLOSED = 3;

    final Socket s;
    final Family family;
    /** Held by the reading thread, and by connect and a blocking-mode change. */
    final ReentrantLock readLock = new ReentrantLock();
    /** Held by the writing thread, and by connect and a blocking-mode change. */
    final ReentrantLock writeLock = new ReentrantLock();
    /** Guards the fields below; never held across a call that may wait. */
    final Object stateLock = new Object();
    volatile int state;
    volatile boolean inputShut, outputShut;
    /** The addresses as the channel learnt them, kept after close; guarded by stateLock. */
    SocketAddress local, remote;

    SocketChannelState(SelectorProvider provider, Socket s, int state, SocketAddress local, SocketAddress remote) {
        super(provider);
        this.s = s;
        this.family = s.family();
        this.state = state;
        this.local = local;
        this.remote = remote;
    }

    void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    /** By the state alone, which a close sets after {@code isOpen()} turns false. */
    void ensureOpenAndConnected() throws ClosedChannelException {
        int st = state;
        if (st < CONNECTED) {
            throw new NotYetConnectedException();
        }
        if (st > CONNECTED) {
            throw new ClosedChannelException();
        }
    }

    // ---- binding, connecting --------------------------------------------------------------------------------

    @Override
    public SocketChannel bind(SocketAddress local) throws IOException {
        readLock.lock();
        try {
            writeLock.lock();
            try {
                synchronized (stateLock) {
                    ensureOpen();
                    if (state == PENDING) {
                        throw new ConnectionPendingException();
                    }
                    if (this.local != null) {
                        throw new AlreadyBoundException();
                    }
                    this.local = family == Family.UNIX ? Binding.unnamedOr(s, local) : Binding.inet(s, local, family);
                }
            } finally {
                writeLock.unlock();
            }
        } finally {
            readLock.unlock();
        }
        return this;
    }

    /**
     * Connects: {@code connect(2)}. In non-blocking mode returns {@code false} while an Internet connection is in
     * progress ({@link #finishConnect()} completes it). A connection that fails closes the channel, as the JDK's does.
     */
    @Override
    public boolean connect(SocketAddress remote) throws IOException {
        return connecting(ChannelAddresses.checkRemote(remote, family), false, 0);
    }

    /**
     * Connects in blocking mode waiting at most {@code nanos} (0: no limit): the {@code java.net} view's connect.
     *
     * @throws IllegalBlockingModeException if the channel is in non-blocking mode
     * @throws SocketTimeoutException       if the connection was not made in time (the channel is then closed)
     */
    void blockingConnect(SocketAddress remote, long nanos) throws IOException {
        connecting(ChannelAddresses.checkRemote(remote, family), true, nanos);
    }

    /**
     * One connect under both locks, as the JDK's channel makes it.
     *
     * @param view       whether it is the view's, which needs blocking mode
     * @param timedNanos how long it may wait, 0 for no limit
     */
    private boolean connecting(SocketAddress to, boolean view, long timedNanos) throws IOException {
        try {
            readLock.lock();
            try {
                writeLock.lock();
                try {
                    ensureOpen();
                    boolean blocking = isBlocking();
                    if (view && !blocking) {
                        throw new IllegalBlockingModeException();
                    }
                    boolean connected = false;
                    try {
                        if (blocking) {
                            begin();
                        }
                        var peer = ChannelAddresses.of(to, family);
                        synchronized (stateLock) {
                            ensureOpen();
                            if (state == CONNECTED) {
                                throw new AlreadyConnectedException();
                            }
                            if (state == PENDING) {
                                throw new ConnectionPendingException();
                            }
                            state = PENDING;
                            this.remote = to;
                        }
                        if (timedNanos > 0) {
                            s.connect(peer, Duration.ofNanos(timedNanos));
                            connected = true;
                        } else {
                            connected = s.connect(peer);
                        }
                    } finally {
                        if (blocking) {
                            end(connected);
                        }
                        if (connected) {
                            connected();
                        }
                    }
                    return connected;
                } finally {
                    writeLock.unlock();
                }
            } finally {
                readLock.unlock();
            }
        } catch (IOException e) {
            close(); // as the JDK's: a failed connect closes the channel
            throw e instanceof ErrnoSocketTimeoutException ? timedOut("Connect timed out", e) : e;
        }
    }

    /** A connection made: the state says so, unless a close came first; the local name is the kernel's. */
    private void connected() throws IOException {
        synchronized (stateLock) {
            if (state == PENDING && isOpen()) {
                local = ChannelAddresses.local(s);
                state = CONNECTED;
            }
        }
    }

    @Override
    public boolean finishConnect() throws IOException {
        try {
            readLock.lock();
            try {
                writeLock.lock();
                try {
                    if (isConnected()) {
                        return true;
                    }
                    ensureOpen();
                    boolean blocking = isBlocking();
                    boolean connected = false;
                    try {
                        if (blocking) {
                            begin();
                        }
                        synchronized (stateLock) {
                            ensureOpen();
                            if (state != PENDING) {
                                throw new NoConnectionPendingException();
                            }
                        }
                        connected = s.finishConnect() && isOpen();
                    } finally {
                        if (blocking) {
                            end(connected);
                        }
                        if (connected) {
                            connected();
                        }
                    }
                    return connected && isConnected();
                } finally {
                    writeLock.unlock();
                }
            } finally {
                readLock.unlock();
            }
        } catch (IOException e) {
            close();
            throw e;
        }
    }

    @Override
    public boolean isConnected() {
        return state == CONNECTED;
    }

    @Override
    public boolean isConnectionPending() {
        return state == PENDING;
    }

    /**
     * Shuts down reading: {@code shutdown(2)} with {@code SHUT_RD}; later reads return -1, and a blocked read is
     * woken. After a reset, when the kernel has no connection left to shut ({@code ENOTCONN}), nothing is done, as
     * the JDK's channel does.
     */
    @Override
    public SocketChannel shutdownInput() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (state != CONNECTED) {
                throw new NotYetConnectedException();
            }
            if (!inputShut) {
                shutdown(true);
                inputShut = true;
            }
        }
        return this;
    }

    /** Shuts down writing: {@code shutdown(2)} with {@code SHUT_WR}, the peer reads end of stream; as {@link #shutdownInput}. */
    @Override
    public SocketChannel shutdownOutput() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (state != CONNECTED) {
                throw new NotYetConnectedException();
            }
            if (!outputShut) {
                shutdown(false);
                outputShut = true;
            }
        }
        return this;
    }

    private void shutdown(boolean input) throws IOException {
        try {
            if (input) {
                s.shutdownInput();
            } else {
                s.shutdownOutput();
            }
        } catch (IOException e) {
            if (!(e instanceof ErrnoException x && x.errno() == ENOTCONN)) {
                throw e;
            }
        }
    }

    boolean isInputOpen() {
        return !inputShut;
    }

    boolean isOutputOpen() {
        return !outputShut;
    }

    // ---- addresses, options, the socket view -----------------------------------------------------------------

    /** {@return the local address as the channel learnt it (kept after close), null until bound} */
    SocketAddress localAddress() {
        synchronized (stateLock) {
            return local;
        }
    }

    /** {@return the peer's address as given to connect (kept after close), null until a connect starts} */
    SocketAddress remoteAddress() {
        synchronized (stateLock) {
            return remote;
        }
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            return local;
        }
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            return remote;
        }
    }

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
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

    /** Waits for a read and a write in progress: the mode never changes under one, as the JDK's. */
    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        FfmChannel.configureBlocking(this, s, block, readLock, writeLock);
    }

    static SocketTimeoutException timedOut(String message, IOException cause) {
        SocketTimeoutException t = new SocketTimeoutException(message);
        t.initCause(cause);
        return t;
    }
}
