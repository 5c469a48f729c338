package dev.ffmsockets.nio;

import dev.ffmsockets.ErrnoSocketTimeoutException;
import dev.ffmsockets.Family;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.impl.Addresses;
import dev.ffmsockets.impl.Messages;
import dev.ffmsockets.impl.SocketParts;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.channels.MembershipKey;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.SelectionKey;
import java.nio.channels.spi.SelectorProvider;
import java.util.Arrays;
import java.util.Objects;

import static dev.ffmsockets.posix.Posix.EPOLLIN;
import static dev.ffmsockets.posix.Posix.EPOLLOUT;

/**
 * A {@link DatagramChannel} over the library's {@link Socket}: UDP over IPv4 and (dual-stack) IPv6, and AF_UNIX
 * datagrams by path or abstract name, with the JDK's channel's contract: one receive and one send in progress at a
 * time, a blocking-mode change that waits for both, a receive or send on an unbound channel binding it first, a
 * connect that keeps the port bound before it (and binds first if there was none) and drops what was queued from
 * others, a disconnect that keeps that port too, multicast membership ({@link #join}), a {@link #socket()} view, and
 * a channel nobody references closed by a {@link Cleaner}. {@link #receive} returns the sender ({@code null} in
 * non-blocking mode when nothing is there) and drops what does not fit the buffer; {@link #send} sends the whole
 * datagram or, in non-blocking mode, nothing (0); {@link #read} and {@link #write} need {@link #connect}.
 */
public final class FfmDatagramChannel extends DatagramChannelState implements FfmChannel {

    final ChannelKeys keys = new ChannelKeys();
    private DatagramSocketAdaptor adaptor;
    final Memberships memberships;
    private final Cleaner.Cleanable cleanable;

    FfmDatagramChannel(SelectorProvider provider, Family family) throws IOException {
        this(provider, FfmChannel.open(family, SocketType.DGRAM), null, null);
    }

    private FfmDatagramChannel(SelectorProvider provider, Socket s, SocketAddress local, SocketAddress remote) {
        super(provider, s, local, remote);
        this.memberships = new Memberships(this, s);
        this.cleanable = dev.ffmsockets.impl.Cleaning.register(this, s::close);
    }

    /**
     * A channel over a datagram socket of the library (socket activation, a descriptor received by {@code recvMsg}),
     * which the channel then owns; connected if the socket has a default peer.
     *
     * @param socket an open datagram socket
     * @return the channel, in blocking mode
     * @throws IllegalArgumentException if the socket is not a datagram socket
     */
    public static FfmDatagramChannel of(Socket socket) {
        Objects.requireNonNull(socket, "socket");
        if (socket.type() != SocketType.DGRAM) {
            throw new IllegalArgumentException("FfmDatagramChannel: " + socket + " is not a datagram socket");
        }
        SocketAddress local = null, remote = null;
        try {
            if (Addresses.named(socket.localAddress())) {
                local = ChannelAddresses.local(socket);
            }
            remote = ChannelAddresses.toJava(socket.remoteAddress());
        } catch (IOException notConnected) {
            // no default peer (or closed: the channel reports that at its first use)
        }
        FfmDatagramChannel c = new FfmDatagramChannel(FfmSelectorProvider.provider(), socket, local, remote);
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

    // ---- receiving, sending ---------------------------------------------------------------------------------

    /**
     * Receives a datagram: {@code recvfrom(2)}; binds the channel first if it is not bound.
     *
     * @return the sender, or {@code null} in non-blocking mode when no datagram is there
     */
    @Override
    public SocketAddress receive(ByteBuffer dst) throws IOException {
        FfmChannel.writable(Objects.requireNonNull(dst, "dst"));
        Socket.Received r = receiving(() -> s.recvFrom(dst), false);
        return r == null ? null : ChannelAddresses.toJava(r.sender());
    }

    /**
     * Receives into an array in blocking mode, waiting at most {@code nanos} (0: no limit): the view's receive.
     *
     * @throws SocketTimeoutException {@code Receive timed out}
     */
    Socket.Received blockingReceive(byte[] b, int off, int len, long nanos) throws IOException {
        return receiving(() -> SocketParts.transfers(s).recvFromWithin(b, off, len, nanos), true);
    }

    /** A receive of the socket, for {@link #receiving}. */
    private interface Receive<T> {
        T run() throws IOException;
    }

    /** One receive under the read lock, binding first; the view's needs blocking mode. */
    private <T> T receiving(Receive<T> receive, boolean view) throws IOException {
        readLock.lock();
        try {
            ensureOpen();
            boolean blocking = isBlocking();
            if (view && !blocking) {
                throw new IllegalBlockingModeException();
            }
            T r = null;
            try {
                if (blocking) {
                    begin();
                }
                bindIfUnbound();
                r = receive.run();
                return r;
            } catch (ErrnoSocketTimeoutException e) {
                SocketTimeoutException t = new SocketTimeoutException("Receive timed out");
                t.initCause(e);
                throw t;
            } catch (IOException e) {
                throw closedMeanwhile(blocking, e);
            } finally {
                if (blocking) {
                    end(r != null);
                }
            }
        } finally {
            readLock.unlock();
        }
    }

    /**
     * Sends a datagram: {@code sendto(2)}, or {@code send(2)} to the peer of a connected channel; binds the channel
     * first if it is not bound.
     *
     * @return the datagram's length, or 0 in non-blocking mode when it could not be sent without waiting
     * @throws AlreadyConnectedException if the channel is connected and {@code target} is not its peer
     * @throws SocketException           {@code Can't send to port 0}
     */
    @Override
    public int send(ByteBuffer src, SocketAddress target) throws IOException {
        Objects.requireNonNull(src, "src");
        SocketAddress to = family == Family.UNIX ? ChannelAddresses.checkUnix(target)
                : ChannelAddresses.checkInet(target, family);
        return (int) sending(peer -> {
            if (peer != null) {
                if (!to.equals(peer)) {
                    throw new AlreadyConnectedException();
                }
                return s.send(src);
            }
            if (to instanceof InetSocketAddress i && i.getPort() == 0) {
                throw new SocketException("Can't send to port 0");
            }
            return s.sendTo(src, ChannelAddresses.of(to, family));
        }, false);
    }

    /** Sends an array's bytes in blocking mode, to {@code target} or, when null, to the peer: the view's send. */
    void blockingSend(byte[] b, int off, int len, SocketAddress target) throws IOException {
        sending(peer -> {
            if (peer != null) {
                if (target != null && !target.equals(peer)) {
                    throw new IllegalArgumentException("connected address and packet address differ");
                }
                return s.send(b, off, len);
            }
            if (target == null) {
                throw new IllegalArgumentException("Address not set");
            }
            if (target instanceof InetSocketAddress i && i.getPort() == 0) {
                throw new SocketException("Can't send to port 0");
            }
            return SocketParts.transfers(s).sendTo(b, off, len, ChannelAddresses.of(target, family));
        }, true);
    }

    /** A send of the socket, given the peer (null: not connected), for {@link #sending}. */
    private interface Send {
        long run(SocketAddress peer) throws IOException;
    }

    /** One send under the write lock, binding first; the view's needs blocking mode. */
    private long sending(Send send, boolean view) throws IOException {
        writeLock.lock();
        try {
            ensureOpen();
            boolean blocking = isBlocking();
            if (view && !blocking) {
                throw new IllegalBlockingModeException();
            }
            long n = -1;
            try {
                if (blocking) {
                    begin();
                }
                bindIfUnbound();
                n = send.run(remoteAddress());
                return n;
            } catch (IOException e) {
                throw closedMeanwhile(blocking, e);
            } finally {
                if (blocking) {
                    end(n >= 0);
                }
            }
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        FfmChannel.writable(Objects.requireNonNull(dst, "dst"));
        ensureConnected();
        Long n = receiving(() -> (long) s.recv(dst), false);
        return n.intValue();
    }

    /**
     * One datagram scattered over the buffers: one {@code recvmsg(2)}, as the JDK's channel makes one {@code readv};
     * what does not fit in all of them is discarded, as {@link #read(ByteBuffer)} discards what does not fit in one.
     */
    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        ByteBuffer[] bufs = FfmChannel.batch(dsts, offset, length, true);
        ensureConnected();
        if (bufs.length == 0) {
            return 0; // no room: the datagram waiting stays queued
        }
        return receiving(() -> FfmChannel.scatter(s, bufs), false);
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        ensureConnected();
        return (int) sending(peer -> s.send(src), false);
    }

    /**
     * One datagram gathered from the buffers: one {@code sendmsg(2)}, as the JDK's channel makes one
     * {@code writev}; from more than 1024 buffers (more than {@code IOV_MAX}) the bytes are first copied into one.
     *
     * @return the datagram's length, or 0 in non-blocking mode when it could not be sent without waiting
     */
    @Override
    public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
        Objects.checkFromIndexSize(offset, length, srcs.length);
        ensureConnected();
        ByteBuffer[] bufs = Arrays.copyOfRange(srcs, offset, offset + length);
        if (bufs.length <= Messages.IOV_MAX) {
            return sending(peer -> FfmChannel.gather(s, bufs), false);
        }
        long total = Messages.length(bufs);
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("a datagram of " + total + " bytes");
        }
        ByteBuffer one = ByteBuffer.allocate((int) total);
        for (ByteBuffer b : bufs) {
            one.put(b.duplicate());
        }
        int n = write(one.flip());
        if (n > 0) {
            for (ByteBuffer b : bufs) {
                b.position(b.limit());
            }
        }
        return n;
    }

    private void ensureConnected() throws ClosedChannelException {
        ensureOpen();
        if (remoteAddress() == null) {
            throw new NotYetConnectedException();
        }
    }

    private IOException closedMeanwhile(boolean blocking, IOException e) {
        return !blocking && !isOpen() && !(e instanceof ClosedChannelException) ? new AsynchronousCloseException() : e;
    }

    // ---- multicast, the socket view -------------------------------------------------------------------------

    /** {@return a {@code java.net.DatagramSocket} view of this channel, which keeps nothing of its own but its timeout} */
    @Override
    public DatagramSocket socket() {
        synchronized (stateLock) {
            if (adaptor == null) {
                adaptor = DatagramSocketAdaptor.of(this);
            }
            return adaptor;
        }
    }

    /** Joins a multicast group on an interface: {@code IP_ADD_MEMBERSHIP}, or {@code IPV6_ADD_MEMBERSHIP}. */
    @Override
    public MembershipKey join(InetAddress group, NetworkInterface interf) throws IOException {
        return memberships.join(group, interf, null);
    }

    /** Joins a multicast group for one source: {@code IP_ADD_SOURCE_MEMBERSHIP}, or {@code MCAST_JOIN_SOURCE_GROUP}. */
    @Override
    public MembershipKey join(InetAddress group, NetworkInterface interf, InetAddress source) throws IOException {
        return memberships.join(group, interf, Objects.requireNonNull(source, "source"));
    }

    Object stateLock() {
        return stateLock;
    }

    /** The operations of {@code interest} epoll's {@code events} make ready: see {@link FfmChannel#readyOps}. */
    int readyOps(int events, int interest) {
        if (FfmChannel.failed(events)) {
            return interest;
        }
        int ready = 0;
        if ((events & EPOLLIN) != 0) {
            ready |= interest & SelectionKey.OP_READ;
        }
        if ((events & EPOLLOUT) != 0) {
            ready |= interest & SelectionKey.OP_WRITE;
        }
        return ready;
    }

    /** Closes: memberships end, the descriptor leaves every selector's epoll set, then {@code close(2)}. */
    @Override
    protected void implCloseSelectableChannel() {
        memberships.closing();
        keys.closing();
        cleanable.clean();
    }

    /** {@return as the JDK's: {@code java.nio.channels.DatagramChannel[connected local=... remote=...]}} */
    @Override
    public String toString() {
        StringBuilder b = new StringBuilder(DatagramChannel.class.getName()).append('[');
        if (!isOpen()) {
            return b.append("closed]").toString();
        }
        synchronized (stateLock) {
            b.append(remote != null ? "connected" : "unconnected");
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

