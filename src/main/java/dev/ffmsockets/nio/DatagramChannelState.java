package dev.ffmsockets.nio;

import dev.ffmsockets.Family;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.UnixSockAddr;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.spi.SelectorProvider;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The state of an {@link FfmDatagramChannel}, as the JDK's datagram channel keeps it: the addresses, guarded by one
 * lock; binding (first, before a receive or send on an unbound channel), connecting and disconnecting with the port
 * kept; the read and write locks a connect and a blocking-mode change take both of. Its receives and sends are
 * {@link FfmDatagramChannel}'s.
 */
abstract sealed class DatagramChannelState extends DatagramChannel permits FfmDatagramChannel {

    final Socket s;
    final Family family;
    final ReentrantLock readLock = new ReentrantLock();
    final ReentrantLock writeLock = new ReentrantLock();
    /** Guards the fields below; never held across a call that may wait. */
    final Object stateLock = new Object();
    SocketAddress local, remote;
    /** What the channel was bound to when it connected, for the disconnect to keep. */
    private SocketAddress boundBeforeConnect;

    DatagramChannelState(SelectorProvider provider, Socket s, SocketAddress local, SocketAddress remote) {
        super(provider);
        this.s = s;
        this.family = s.family();
        this.local = local;
        this.remote = remote;
    }

    void ensureOpen() throws ClosedChannelException {
        if (!isOpen()) {
            throw new ClosedChannelException();
        }
    }

    Family family() {
        return family;
    }

    // ---- binding, connecting --------------------------------------------------------------------------------

    @Override
    public DatagramChannel bind(SocketAddress local) throws IOException {
        readLock.lock();
        try {
            writeLock.lock();
            try {
                synchronized (stateLock) {
                    ensureOpen();
                    if (this.local != null) {
                        throw new AlreadyBoundException();
                    }
                    bindLocked(local);
                }
            } finally {
                writeLock.unlock();
            }
        } finally {
            readLock.unlock();
        }
        return this;
    }

    /** The bind, under stateLock: to {@code local}, or to the wildcard and an ephemeral port (AF_UNIX: autobind). */
    private void bindLocked(SocketAddress local) throws IOException {
        if (family == Family.UNIX) {
            SockAddr a = local == null ? UnixSockAddr.unnamed()
                    : ChannelAddresses.of(ChannelAddresses.checkUnix(local), family);
            s.bind(a); // the unnamed address: Linux names the socket itself (autobind)
            this.local = ChannelAddresses.local(s);
        } else {
            this.local = Binding.inet(s, local, family);
        }
    }

    /** Binds an unbound channel before its first receive or send, as the JDK's. */
    void bindIfUnbound() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
            if (local == null) {
                bindLocked(null);
            }
        }
    }

    @Override
    public boolean isConnected() {
        synchronized (stateLock) {
            return remote != null && isOpen();
        }
    }

    /**
     * Sets the default peer: {@code connect(2)}. Binds first if unbound; datagrams queued from others before it are
     * dropped, as the JDK's channel does.
     *
     * @throws SocketException {@code Can't connect to port 0}
     */
    @Override
    public DatagramChannel connect(SocketAddress remote) throws IOException {
        return connect(remote, true);
    }

    /** A connect; {@code check}: refuse one on a connected channel (the view's connect replaces the peer). */
    DatagramChannel connect(SocketAddress remote, boolean check) throws IOException {
        SocketAddress to = family == Family.UNIX ? ChannelAddresses.checkUnix(remote)
                : ChannelAddresses.checkInet(remote, family);
        readLock.lock();
        try {
            writeLock.lock();
            try {
                synchronized (stateLock) {
                    ensureOpen();
                    if (check && this.remote != null) {
                        throw new AlreadyConnectedException();
                    }
                    if (to instanceof InetSocketAddress i && i.getPort() == 0) {
                        throw new SocketException("Can't connect to port 0");
                    }
                    if (local == null) {
                        bindLocked(null);
                    }
                    if (this.remote == null) {
                        boundBeforeConnect = local;
                    }
                    s.connect(ChannelAddresses.of(to, family));
                    this.remote = to;
                    this.local = ChannelAddresses.local(s);
                    dropQueued();
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
     * Drops the datagrams queued before the connect, from anyone: after it, the channel receives the peer's only.
     * Under both locks, so that no receive sees the mode change.
     */
    private void dropQueued() throws IOException {
        boolean blocking = s.isBlocking();
        if (blocking) {
            s.setBlocking(false);
        }
        try {
            ByteBuffer one = ByteBuffer.allocate(1);
            while (s.recvFrom(one.clear()) != null) {
                // dropped
            }
        } catch (java.net.PortUnreachableException earlier) {
            // an error the kernel held for an earlier send: dropped with the rest
        } finally {
            if (blocking) {
                s.setBlocking(true);
            }
        }
    }

    /**
     * Dissolves the default peer: {@code connect(2)} to {@code AF_UNSPEC}. Linux then forgets a port the kernel chose
     * (at the first send, or for a bind to port 0); the channel binds it again, so that the port it had is the port
     * it keeps, as the JDK's.
     */
    @Override
    public DatagramChannel disconnect() throws IOException {
        readLock.lock();
        try {
            writeLock.lock();
            try {
                synchronized (stateLock) {
                    if (!isOpen() || remote == null) {
                        return this;
                    }
                    s.disconnect();
                    remote = null;
                    SocketAddress before = boundBeforeConnect;
                    boundBeforeConnect = null;
                    local = ChannelAddresses.local(s);
                    if (before instanceof InetSocketAddress was && local instanceof InetSocketAddress now
                            && now.getPort() == 0 && was.getPort() != 0) {
                        s.bind(ChannelAddresses.inet(was.getAddress(), was.getPort(), family));
                        local = ChannelAddresses.local(s);
                    }
                }
            } finally {
                writeLock.unlock();
            }
        } finally {
            readLock.unlock();
        }
        return this;
    }

    @Override
    public SocketAddress getRemoteAddress() throws IOException {
        synchronized (stateLock) {
            ensureOpen();
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

    /** {@return the local address, kept after close; null until bound} */
    SocketAddress localAddress() {
        synchronized (stateLock) {
            return local;
        }
    }

    /** {@return the default peer, null when not connected} */
    SocketAddress remoteAddress() {
        synchronized (stateLock) {
            return remote;
        }
    }

    @Override
    public <T> DatagramChannel setOption(SocketOption<T> name, T value) throws IOException {
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

    /** Waits for a receive and a send in progress: the mode never changes under one. */
    @Override
    protected void implConfigureBlocking(boolean block) throws IOException {
        FfmChannel.configureBlocking(this, s, block, readLock, writeLock);
    }
}
