package dev.ffmsockets.nio;

import dev.ffmsockets.ErrnoException;
import dev.ffmsockets.ErrnoSocketTimeoutException;
import dev.ffmsockets.Family;
import dev.ffmsockets.MsgFlag;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.impl.Addresses;
import dev.ffmsockets.impl.SocketParts;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;

import static dev.ffmsockets.posix.Posix.ECONNRESET;
import static dev.ffmsockets.posix.Posix.EPOLLIN;
import static dev.ffmsockets.posix.Posix.EPOLLOUT;

/**
 * A {@link SocketChannel} over the library's {@link Socket}, with the JDK's channel's contract: one read and one write
 * in progress at a time (two writers never interleave their bytes; a second waits), a blocking-mode change that waits
 * for both, one state (unconnected, connection pending, connected, closed) guarded by one lock, the addresses kept as
 * the channel learnt them, and a connection reset reported by every later read. A thread blocked in a read or write
 * is woken by a close with {@link AsynchronousCloseException}, or {@link java.nio.channels.ClosedByInterruptException}
 * when it is the one interrupted; virtual threads park in the library's poller. Made by {@link FfmSelectorProvider}
 * or around a socket of the library with {@link #of(Socket)} (socket activation, a descriptor received by
 * {@code recvMsg}).
 */
public final class FfmSocketChannel extends SocketChannelState implements FfmChannel {

    final ChannelKeys keys = new ChannelKeys();
    /** Whether a read saw the connection reset: every later read says so again. Guarded by readLock. */
    private boolean reset;
    private SocketAdaptor adaptor;

    FfmSocketChannel(SelectorProvider provider, Family family) throws IOException {
        this(provider, FfmChannel.open(family, SocketType.STREAM), UNCONNECTED, null, null);
    }

    private FfmSocketChannel(SelectorProvider provider, Socket s, int state, SocketAddress local, SocketAddress remote) {
        super(provider, s, state, local, remote);
    }

    /** A channel over a socket {@code accept} returned: connected, its names read from the kernel. */
    static FfmSocketChannel accepted(SelectorProvider provider, Socket s) {
        SocketAddress local = null, remote = null;
        try {
            local = ChannelAddresses.local(s);
            remote = ChannelAddresses.toJava(s.remoteAddress());
        } catch (IOException reset) {
            // reset before its names were read: the first read reports it
        }
        return new FfmSocketChannel(provider, s, CONNECTED, local, remote);
    }

    /**
     * A channel over a stream socket of the library, which the channel then owns; connected if the socket is, bound
     * if it has a name.
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
        SocketAddress local = null, remote = null;
        try {
            SocketAddress named = ChannelAddresses.local(socket);
            local = Addresses.named(socket.localAddress()) ? named : null;
            remote = ChannelAddresses.toJava(socket.remoteAddress());
        } catch (IOException notConnected) {
            // unconnected (or closed: the channel reports that at its first use)
        }
        FfmSocketChannel c = new FfmSocketChannel(FfmSelectorProvider.provider(), socket,
                remote != null ? CONNECTED : UNCONNECTED, local, remote);
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

    // ---- reading, writing -----------------------------------------------------------------------------------

    /** One {@code recv(2)}; written out rather than through {@link #reading}, so that it allocates nothing. */
    @Override
    public int read(ByteBuffer dst) throws IOException {
        FfmChannel.writable(Objects.requireNonNull(dst, "dst"));
        readLock.lock();
        try {
            ensureOpenAndConnected();
            boolean blocking = isBlocking();
            int n = 0;
            try {
                if (blocking) {
                    begin();
                }
                if (reset) {
                    throw new SocketException("Connection reset");
                }
                if (inputShut) {
                    return -1;
                }
                n = s.recv(dst);
            } catch (IOException e) {
                throw readFailed(blocking, e);
            } finally {
                if (blocking) {
                    end(n > 0);
                }
            }
            return n <= 0 && inputShut ? -1 : n;
        } finally {
            readLock.unlock();
        }
    }

    /**
     * One {@code recvmsg(2)} scattering over the buffers (one {@code recv} when only one has room), as the JDK's
     * channel makes one {@code readv}: in blocking mode it waits until something arrives.
     */
    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        ByteBuffer[] bufs = FfmChannel.batch(dsts, offset, length, true);
        return reading(() -> bufs.length == 0 ? 0 : FfmChannel.scatter(s, bufs), 0);
    }

    /**
     * Reads into an array in blocking mode, waiting at most {@code nanos} (0: no limit): the input stream of the
     * {@code java.net} view, whose {@code SO_TIMEOUT} is its own.
     *
     * @throws IllegalBlockingModeException if the channel is in non-blocking mode
     * @throws SocketTimeoutException       {@code Read timed out}; the channel stays usable
     */
    int blockingRead(byte[] b, int off, int len, long nanos) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        return (int) reading(() -> SocketParts.transfers(s).recvWithin(b, off, len, nanos), nanos > 0 ? nanos : -1);
    }

    /** A receive of the socket, for {@link #reading}. */
    private interface Receive {
        long run() throws IOException;
    }

    /**
     * One read under the read lock, as the JDK's channel makes it: a reset seen before is reported again, after
     * {@link #shutdownInput()} the stream has ended.
     *
     * @param viewNanos 0 for a read of the channel's own; for the view's stream, its timeout (-1: none), which needs
     *                  blocking mode
     */
    private long reading(Receive receive, long viewNanos) throws IOException {
        readLock.lock();
        try {
            ensureOpenAndConnected();
            boolean blocking = isBlocking();
            if (viewNanos != 0 && !blocking) {
                throw new IllegalBlockingModeException();
            }
            long n = 0;
            try {
                if (blocking) {
                    begin();
                }
                if (reset) {
                    throw new SocketException("Connection reset");
                }
                if (inputShut) {
                    return -1;
                }
                n = receive.run();
            } catch (IOException e) {
                throw readFailed(blocking, e);
            } finally {
                if (blocking) {
                    end(n > 0); // AsynchronousCloseException or ClosedByInterruptException when woken by either
                }
            }
            return n <= 0 && inputShut ? -1 : n; // shut down meanwhile: the stream has ended, whatever the call saw
        } finally {
            readLock.unlock();
        }
    }

    /**
     * {@code send(2)}: in blocking mode until all is sent, in non-blocking mode once. Written out rather than through
     * {@link #writing}, so that it allocates nothing.
     */
    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        writeLock.lock();
        try {
            ensureOpenAndConnected();
            boolean blocking = isBlocking();
            int n = 0;
            try {
                if (blocking) {
                    begin();
                }
                if (outputShut) {
                    throw new ClosedChannelException();
                }
                if (blocking) {
                    int before = src.remaining();
                    s.sendAll(src);
                    n = before;
                } else {
                    n = s.send(src);
                }
            } catch (IOException e) {
                throw closedMeanwhile(blocking, e);
            } finally {
                if (blocking) {
                    end(n > 0);
                }
                if (n <= 0 && outputShut) {
                    throw new AsynchronousCloseException();
                }
            }
            return n;
        } finally {
            writeLock.unlock();
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
        return writing(blocking -> {
            long total = 0;
            for (ByteBuffer[] bufs = FfmChannel.batch(srcs, offset, length, false); bufs.length > 0;
                 bufs = FfmChannel.batch(srcs, offset, length, false)) {
                total += FfmChannel.gather(s, bufs);
                if (!blocking) {
                    break;
                }
            }
            return total;
        }, false);
    }

    /** Writes all of an array in blocking mode: the output stream of the {@code java.net} view. */
    void blockingWriteFully(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len > 0) {
            writing(blocking -> {
                s.sendAll(b, off, len);
                return len;
            }, true);
        }
    }

    /**
     * One byte of urgent data, {@code send(2)} with {@code MSG_OOB}, for the view.
     *
     * @return 1, or 0 when there was no room for it
     */
    int sendUrgentData(byte data) throws IOException {
        return (int) writing(blocking -> s.send(new byte[] {data}, 0, 1, MsgFlag.OOB, MsgFlag.DONTWAIT), false);
    }

    /** A send of the socket, for {@link #writing}. */
    private interface Send {
        long run(boolean blocking) throws IOException;
    }

    /**
     * One write under the write lock, as the JDK's channel makes it: after {@link #shutdownOutput()} it fails with
     * {@link AsynchronousCloseException}.
     *
     * @param view whether it is the view's stream, which needs blocking mode
     */
    private long writing(Send send, boolean view) throws IOException {
        writeLock.lock();
        try {
            ensureOpenAndConnected();
            boolean blocking = isBlocking();
            if (view && !blocking) {
                throw new IllegalBlockingModeException();
            }
            long n = 0;
            try {
                if (blocking) {
                    begin();
                }
                if (outputShut) {
                    throw new ClosedChannelException();
                }
                n = send.run(blocking);
                return n;
            } catch (IOException e) {
                throw closedMeanwhile(blocking, e);
            } finally {
                if (blocking) {
                    end(n > 0);
                }
                if (n <= 0 && outputShut) {
                    throw new AsynchronousCloseException();
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    /**
     * What a failed read throws: a timeout of the view's stream as {@code java.net} says it, a reset remembered for
     * every later read.
     */
    private IOException readFailed(boolean blocking, IOException e) {
        if (e instanceof ErrnoSocketTimeoutException) {
            return timedOut("Read timed out", e);
        }
        if (e instanceof ErrnoException x && x.errno() == ECONNRESET) {
            reset = true;
        }
        return closedMeanwhile(blocking, e);
    }

    /** A failure of a non-blocking call because another thread closed the channel is an asynchronous close. */
    private IOException closedMeanwhile(boolean blocking, IOException e) {
        return !blocking && !isOpen() && !(e instanceof ClosedChannelException) ? new AsynchronousCloseException() : e;
    }

    /** How many bytes can be read without waiting: {@code FIONREAD}, as the JDK's. */
    int available() throws IOException {
        synchronized (stateLock) {
            ensureOpenAndConnected();
            if (inputShut) {
                return 0;
            }
        }
        return s.available();
    }

    /**
     * {@return a {@code java.net.Socket} view of this channel: it keeps nothing of its own but its read timeout, and
     * is right in every state of the channel}
     *
     * @throws UnsupportedOperationException for an AF_UNIX channel, as the JDK's
     */
    @Override
    public java.net.Socket socket() {
        synchronized (stateLock) {
            if (family == Family.UNIX) {
                throw new UnsupportedOperationException("Not supported");
            }
            if (adaptor == null) {
                adaptor = SocketAdaptor.of(this);
            }
            return adaptor;
        }
    }

    /** The operations of {@code interest} epoll's {@code events} make ready: see {@link FfmChannel#readyOps}. */
    int readyOps(int events, int interest) {
        if (FfmChannel.failed(events)) {
            return interest;
        }
        int ready = 0;
        int st = state;
        if ((events & EPOLLIN) != 0 && st == CONNECTED) {
            ready |= interest & SelectionKey.OP_READ;
        }
        if ((events & EPOLLOUT) != 0) {
            ready |= interest & (st == CONNECTED ? SelectionKey.OP_WRITE : st == PENDING ? SelectionKey.OP_CONNECT : 0);
        }
        return ready;
    }

    // ---- close, mode ---------------------------------------------------------------------------------------

    /**
     * Closes: the descriptor leaves every selector's epoll set, then the socket is closed, which wakes a thread
     * blocked in a read or write on it (the descriptor is released once no call uses it).
     */
    @Override
    protected void implCloseSelectableChannel() {
        synchronized (stateLock) {
            state = CLOSED;
        }
        keys.closing();
        s.close();
    }

    /** {@return as the JDK's: {@code java.nio.channels.SocketChannel[connected local=... remote=...]}} */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(SocketChannel.class.getName()).append('[');
        if (!isOpen()) {
            return b.append("closed]").toString();
        }
        synchronized (stateLock) {
            b.append(switch (state) {
                case UNCONNECTED -> "unconnected";
                case PENDING -> "connection-pending";
                default -> "connected" + (inputShut ? " ishut" : "") + (outputShut ? " oshut" : "");
            });
            if (local != null) {
                b.append(" local=").append(local);
            }
            if (remote != null) {
                b.append(" remote=").append(remote);
            }
        }
        return b.append(']').toString();
    }
}

