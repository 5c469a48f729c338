package dev.ffmsockets.nio;

import dev.ffmsockets.Family;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.impl.Messages;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.spi.SelectorProvider;
import java.util.Arrays;
import java.util.Objects;
import java.util.Set;


/**
 * A {@link DatagramChannel} over the library's {@link Socket}: UDP over IPv4 and (dual-stack) IPv6, and AF_UNIX
 * datagrams by path or abstract name. As the JDK's: {@link #receive} returns the sender ({@code null} in non-blocking
 * mode when nothing is there) and drops what does not fit the buffer; {@link #send} sends the whole datagram or, in
 * non-blocking mode, nothing (0); {@link #read} and {@link #write} need {@link #connect}. Not built:
 * {@link #socket()} and multicast membership ({@link #join}) throw {@link UnsupportedOperationException}.
 */
public final class FfmDatagramChannel extends DatagramChannel implements FfmChannel {

    private final Socket s;
    private final Object stateLock = new Object();
    private volatile SocketAddress remote;
    private volatile boolean bound;

    FfmDatagramChannel(SelectorProvider provider, Family family) throws IOException {
        super(provider);
        this.s = FfmChannel.open(family, SocketType.DGRAM);
    }

    private FfmDatagramChannel(Socket s) {
        super(FfmSelectorProvider.provider());
        this.s = s;
        this.bound = FfmChannel.isBound(s);
        try {
            this.remote = ChannelAddresses.toJava(s.remoteAddress());
        } catch (IOException notConnected) {
            this.remote = null;
        }
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
        FfmDatagramChannel c = new FfmDatagramChannel(socket);
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

    private void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    @Override
    public DatagramChannel bind(SocketAddress local) throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (bound) {
                throw new AlreadyBoundException();
            }
            SockAddr a = local == null ? ChannelAddresses.any(s.family()) : ChannelAddresses.of(local, s.family());
            s.bind(a != null ? a : dev.ffmsockets.UnixSockAddr.unnamed());
            bound = true;
        }
        return this;
    }

    @Override
    public boolean isConnected() {
        return remote != null;
    }

    @Override
    public DatagramChannel connect(SocketAddress remote) throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (this.remote != null) {
                throw new java.nio.channels.AlreadyConnectedException();
            }
            SockAddr peer = ChannelAddresses.of(remote, s.family());
            s.connect(peer);
            bound = true;
            this.remote = ChannelAddresses.toJava(peer);
        }
        return this;
    }

    @Override
    public DatagramChannel disconnect() throws IOException {
        synchronized (stateLock) {
            if (!isOpen() || remote == null) {
                return this;
            }
            s.disconnect();
            remote = null;
        }
        return this;
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        ensureOpen();
        return remote;
    }

    @Override
    public SocketAddress getLocalAddress() throws IOException {
        ensureOpen();
        return bound ? ChannelAddresses.toJava(s.localAddress()) : null;
    }

    /** The sender's address, or {@code null} in non-blocking mode when no datagram is there. */
    @Override
    public SocketAddress receive(ByteBuffer dst) throws IOException {
        FfmChannel.writable(Objects.requireNonNull(dst, "dst"));
        ensureOpen();
        Socket.Received r = null;
        boolean blocking = enter();
        try {
            r = s.recvFrom(dst);
            return r == null ? null : ChannelAddresses.toJava(r.sender());
        } catch (IOException e) {
            throw closedMeanwhile(blocking, e);
        } finally {
            leave(blocking, r != null);
        }
    }

    /** {@return the datagram's length, or 0 in non-blocking mode when it could not be sent without waiting} */
    @Override
    public int send(ByteBuffer src, SocketAddress target) throws IOException {
        Objects.requireNonNull(src, "src");
        ensureOpen();
        SocketAddress peer = remote;
        if (peer != null && !peer.equals(target)) {
            Objects.requireNonNull(target, "target");
            throw new java.nio.channels.AlreadyConnectedException();
        }
        SockAddr to = ChannelAddresses.of(target, s.family());
        int n = -1;
        boolean blocking = enter();
        try {
            n = peer != null ? s.send(src) : s.sendTo(src, to);
            bound = true;
            return n;
        } catch (IOException e) {
            throw closedMeanwhile(blocking, e);
        } finally {
            leave(blocking, n >= 0);
        }
    }

    @Override
    public int read(ByteBuffer dst) throws IOException {
        FfmChannel.writable(Objects.requireNonNull(dst, "dst"));
        ensureOpen();
        if (remote == null) {
            throw new NotYetConnectedException();
        }
        int n = -1;
        boolean blocking = enter();
        try {
            n = s.recv(dst);
            return n;
        } catch (IOException e) {
            throw closedMeanwhile(blocking, e);
        } finally {
            leave(blocking, n >= 0);
        }
    }

    /** As {@link FfmSocketChannel}'s: only a call that may wait is an interruptible operation. */
    private boolean enter() {
        boolean blocking = isBlocking();
        if (blocking) {
            begin();
        }
        return blocking;
    }

    private void leave(boolean blocking, boolean completed) throws AsynchronousCloseException {
        if (blocking) {
            end(completed);
        }
    }

    private IOException closedMeanwhile(boolean blocking, IOException e) {
        return !blocking && !isOpen() ? new AsynchronousCloseException() : e;
    }

    /**
     * One datagram scattered over the buffers: one {@code recvmsg(2)}, as the JDK's channel makes one {@code readv};
     * what does not fit in all of them is discarded, as {@link #read(ByteBuffer)} discards what does not fit in one.
     */
    @Override
    public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
        ByteBuffer[] bufs = FfmChannel.batch(dsts, offset, length, true);
        ensureOpen();
        if (remote == null) {
            throw new NotYetConnectedException();
        }
        if (bufs.length == 0) {
            return 0; // no room: the datagram waiting stays queued
        }
        long n = -1;
        boolean blocking = enter();
        try {
            n = FfmChannel.scatter(s, bufs);
            return n;
        } catch (IOException e) {
            throw closedMeanwhile(blocking, e);
        } finally {
            leave(blocking, n >= 0);
        }
    }

    @Override
    public int write(ByteBuffer src) throws IOException {
        Objects.requireNonNull(src, "src");
        ensureOpen();
        if (remote == null) {
            throw new NotYetConnectedException();
        }
        return send(src, remote);
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
        ensureOpen();
        if (remote == null) {
            throw new NotYetConnectedException();
        }
        ByteBuffer[] bufs = Arrays.copyOfRange(srcs, offset, offset + length);
        if (bufs.length > Messages.IOV_MAX) {
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
        long n = -1;
        boolean blocking = enter();
        try {
            n = FfmChannel.gather(s, bufs);
            return n;
        } catch (IOException e) {
            throw closedMeanwhile(blocking, e);
        } finally {
            leave(blocking, n >= 0);
        }
    }

    @Override
    public <T> DatagramChannel setOption(SocketOption<T> name, T value) throws IOException {
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

    /** Not built: there is no {@code DatagramSocket} view of this channel yet. */
    @Override
    public DatagramSocket socket() {
        throw new UnsupportedOperationException("FfmDatagramChannel: no DatagramSocket view yet");
    }

    /** Not built: multicast membership. */
    @Override
    public MembershipKey join(InetAddress group, NetworkInterface interf) {
        throw new UnsupportedOperationException("FfmDatagramChannel: multicast membership is not built yet");
    }

    /** Not built: multicast membership. */
    @Override
    public MembershipKey join(InetAddress group, NetworkInterface interf, InetAddress source) {
        throw new UnsupportedOperationException("FfmDatagramChannel: multicast membership is not built yet");
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
        return "FfmDatagramChannel[" + (isOpen() ? s.toString() : "closed") + "]";
    }
}
