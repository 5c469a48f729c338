package dev.ffmsockets.nio;

import dev.ffmsockets.Family;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.net.FfmSocket;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.nio.channels.NoConnectionPendingException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;
import java.util.Set;


/**
 * A {@link SocketChannel} over the library's {@link Socket}: its calls, its close rule (a thread blocked in a read is
 * woken with {@link java.nio.channels.AsynchronousCloseException}, or {@link java.nio.channels.ClosedByInterruptException}
 * when it is the one interrupted), its parking of virtual threads in blocking mode. Made by {@link FfmSelectorProvider}
 * or around a socket of the library with {@link #of(Socket)} (socket activation, a descriptor received by
 * {@code recvMsg}).
 */
public final class FfmSocketChannel extends SocketChannel implements FfmChannel {

    private final Socket s;
    private final Object stateLock = new Object();
    /** Guarded by stateLock for writes. */
    private volatile boolean connected, pending, inputShut, outputShut, bound;
    private volatile FfmSocket adaptor;

    FfmSocketChannel(SelectorProvider provider, Family family) throws IOException {
        this(provider, FfmChannel.open(family, SocketType.STREAM), false, false);
    }

    private FfmSocketChannel(SelectorProvider provider, Socket s, boolean connected, boolean bound) {
        super(provider);
        this.s = s;
        this.connected = connected;
        this.bound = connected || bound;
    }


    static FfmSocketChannel accepted(SelectorProvider provider, Socket s) {
        return new FfmSocketChannel(provider, s, true, true);
    }

    /**
     * A channel over a stream socket of the library, which the channel then owns; connected if the socket is.
     *
     * @param socket an open stream socket
     * @return the channel, in blocking mode
     * @throws IllegalArgumentException if the socket is not a stream socket
     */
    public static FfmSocketChannel of(Socket socket) {
        Objects.requireNonNull(socket, "socket");
        if (socket.type() != SocketType.STREAM) {
            throw new IllegalArgumentException("FfmSocketChannel: " + socket + " is not a stream socket");
        }
        boolean connected;
        try {
            socket.remoteAddress();
            connected = true;
        } catch (IOException e) {
            connected = false;
        }
        FfmSocketChannel c = new FfmSocketChannel(FfmSelectorProvider.provider(), socket, connected,
                FfmChannel.isBound(socket));
        try {
            socket.setBlocking(true);
        } catch (IOException e) {
            // a closed socket: the channel reports it at its first use
        }
        return c;
    }

    @Override
    public Socket librarySocket() {
        return s;
    }

    private Family family() {
        return s.family();
    }

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    // ---- binding, connecting --------------------------------------------------------------------------------

    @Override
    public SocketChannel bind(SocketAddress local) throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (pending) {
                throw new ConnectionPendingException();
            }
            if (connected) {
                throw new AlreadyConnectedException();
            }
            if (bound) {
                throw new AlreadyBoundException();
            }
            SockAddr a = local == null ? ChannelAddresses.any(family()) : ChannelAddresses.of(local, family());
            if (a != null) {
                s.bind(a);
            }
            bound = true;
        }
        return this;
    }

    /**
     * Connects: {@code connect(2)}. In non-blocking mode returns {@code false} while an Internet connection is in
     * progress ({@link #finishConnect()} completes it). A connection that fails closes the channel, as the JDK's does.
     */
    @Override
    public boolean connect(SocketAddress remote) throws IOException {
        SockAddr peer;
        synchronized (stateLock) {
            ensureOpen();
            if (connected) {
                throw new AlreadyConnectedException();
            }
            if (pending) {
                throw new ConnectionPendingException();
            }
            peer = ChannelAddresses.of(remote, family());
            pending = true;
        }
        boolean done = connecting(() -> s.connect(peer));
        synchronized (stateLock) {
            bound = true;
            if (done) {
                pending = false;
                connected = true;
            }
        }
        return done;
    }

    @Override
    public boolean finishConnect() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (connected) {
                return true;
            }
            if (!pending) {
                throw new NoConnectionPendingException();
            }
        }
        boolean done = connecting(s::finishConnect);
        if (done) {
            synchronized (stateLock) {
                pending = false;
                connected = true;
            }
        }
        return done;
    }

    /** A step of connecting, which may fail. */
    private interface Step {
        boolean run() throws IOException;
    }

    /**
     * Runs a step of connecting as an I/O operation of the channel. A failure of a channel still open is the
     * connection's own: the channel is closed and the failure thrown, as the JDK's does; in a closed one, an
     * asynchronous close ({@code end} throws it).
     */
    private boolean connecting(Step step) throws IOException {
        boolean done = false;
        IOException failed = null;
        begin();
        try {
            done = step.run();
        } catch (IOException e) {
            failed = e;
        } finally {
            end(done || !isBlocking() || failed != null && isOpen());
        }
        if (failed != null) {
            close();
            throw failed;
        }
        return done;
    }

    @Override
    public boolean isConnected() {
        return connected;
    }

    @Override
    public boolean isConnectionPending() {
        return pending;
    }

    @Override
    public SocketChannel shutdownInput() throws IOException {
        ensureConnected();
        if (!inputShut) {
            s.shutdownInput();
            inputShut = true;
        }
        return this;
    }

    @Override
    public SocketChannel shutdownOutput() throws IOException {
        ensureConnected();
        if (!outputShut) {
            s.shutdownOutput();
            outputShut = true;
        }
        return this;
    }

    /** As the JDK's channel: after {@link #shutdownOutput} a write fails with {@code AsynchronousCloseException}. */
    private void ensureWritable() throws ClosedChannelException {
        ensureConnected();
        if (outputShut) {
            throw new AsynchronousCloseException();
        }
    }

    private void ensureConnected() throws ClosedChannelException {
        ensureOpen();
        if (!connected) {
            throw new NotYetConnectedException();
        }
    }

    // ---- reading, writing -----------------------------------------------------------------------------------

    @Override
    public int read(ByteBuffer dst) throws IOException {
        FfmChannel.writable(Objects.requireNonNull(dst, "dst"));
        ensureConnected();
        if (inputShut) {
            return -1;
        }
        int n = 0;
        boolean blocking = enter();
        try {
            n = s.recv(dst);
            return n;
        } catch (IOException e) {
            throw closedMeanwhile(blocking, e);
        } finally {
            leave(blocking, n != 0);
        }
    }

    /**
     * One {@code recvmsg(2)} scattering over the buffers (one {@code recv} when only one has room), as the JDK's
     * channel makes one {@code readv}: in blocking mode it waits until something arrives.
     */
    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        ByteBuffer[] bufs = FfmChannel.batch(dsts, offset, length, true);
        ensureConnected();
        if (inputShut) {
            return -1;
        }
        if (bufs.length == 0) {
            return 0;
        }
        long n = 0;
        boolean blocking = enter();
        try {
            n = FfmChannel.scatter(s, bufs);
            return n;
        } catch (IOException e) {
            throw closedMeanwhile(blocking, e);
        } finally {
            leave(blocking, n != 0);
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        ensureWritable();
        int n = 0;
        boolean blocking = enter();
        try {
            if (blocking) {
                int before = src.remaining();
                s.sendAll(src);
                n = before;
            } else {
                n = s.send(src);
            }
            return n;
        } catch (IOException e) {
            throw closedMeanwhile(blocking, e);
        } finally {
            leave(blocking, n != 0);
        }
    }

    /**
     * One {@code sendmsg(2)} gathering the buffers (one {@code send} when only one has bytes), as the JDK's channel
     * makes one {@code writev}: the bytes of a header and a body leave in one call, not two, which with Nagle's
     * algorithm on would hold the second back for the peer's acknowledgement. In blocking mode it returns when all
     * are sent; in non-blocking mode after one call.
     */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        ensureWritable();
        long total = 0;
        boolean blocking = enter();
        try {
            for (ByteBuffer[] bufs = FfmChannel.batch(srcs, offset, length, false); bufs.length > 0;
                 bufs = FfmChannel.batch(srcs, offset, length, false)) {
                total += FfmChannel.gather(s, bufs);
                if (!blocking) {
                    break;
                }
            }
            return total;
        } catch (IOException e) {
            throw closedMeanwhile(blocking, e);
        } finally {
            leave(blocking, total != 0);
        }
    }

    /**
     * Starts a read or write: in blocking mode as an interruptible operation ({@code begin()}), so that an interrupt
     * or a close wakes it; in non-blocking mode, which never waits, with nothing to install, as the JDK's channels do.
     *
     * @return whether the channel is in blocking mode
     */
    private boolean enter() {
        boolean blocking = isBlocking();
        if (blocking) {
            begin();
        }
        return blocking;
    }

    private void leave(boolean blocking, boolean completed) throws java.nio.channels.AsynchronousCloseException {
        if (blocking) {
            end(completed); // AsynchronousCloseException or ClosedByInterruptException when woken by either
        }
    }

    /** A failure of a non-blocking call because another thread closed the channel is an asynchronous close. */
    private IOException closedMeanwhile(boolean blocking, IOException e) {
        return !blocking && !isOpen() ? new java.nio.channels.AsynchronousCloseException() : e;
    }

    // ---- addresses, options, the socket view -----------------------------------------------------------------

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        ensureOpen();
        return bound ? ChannelAddresses.toJava(s.localAddress()) : null; // as the JDK's: null until bound
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        ensureOpen();
        return connected ? ChannelAddresses.toJava(s.remoteAddress()) : null;
    }

    @Override
    public <T> SocketChannel setOption(SocketOption<T> name, T value) throws IOException {
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
     * {@return a {@code java.net.Socket} over this channel's socket (closing it closes the channel)}
     *
     * @throws UnsupportedOperationException for an AF_UNIX channel, as the JDK's
     */
    @Override
    public java.net.Socket socket() {
        if (s.family() == Family.UNIX) {
            throw new UnsupportedOperationException("Not supported");
        }
        FfmSocket a = adaptor;
        if (a == null) {
            synchronized (stateLock) {
                a = adaptor;
                if (a == null) {
                    try {
                        adaptor = a = new FfmSocket(s) {
                            @Override
                            public void close() {
                                try {
                                    FfmSocketChannel.this.close();
                                } catch (IOException e) {
                                    // the channel's close does not fail
                                }
                            }

                            @Override
                            public boolean isConnected() {
                                return FfmSocketChannel.this.isConnected();
                            }

                            @Override
                            public boolean isClosed() {
                                return !FfmSocketChannel.this.isOpen();
                            }

                            @Override
                            public SocketChannel getChannel() {
                                return FfmSocketChannel.this;
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

    // ---- close, mode ---------------------------------------------------------------------------------------

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
        return "FfmSocketChannel[" + (isOpen() ? s.toString() : "closed") + "]";
    }
}
