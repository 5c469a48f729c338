package dev.ffmsockets.netty;

import dev.ffmsockets.SockAddr;
import dev.ffmsockets.impl.Multicast;
import io.netty.buffer.ByteBuf;
import io.netty.channel.AddressedEnvelope;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramChannelConfig;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.ReferenceCounted;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.PortUnreachableException;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

import static dev.ffmsockets.posix.Posix.EPOLLOUT;

/**
 * A UDP channel of this transport: Netty's {@link DatagramChannel} on a socket of the library, for
 * {@link FfmIoHandler}'s event loops. It behaves as Netty's NIO datagram channel: active once bound (or once
 * registered, with {@code DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION}); reads {@link DatagramPacket}s (an empty datagram
 * too) into the allocator's buffers, straight from {@code recvfrom(2)}; writes a {@link DatagramPacket}, an
 * {@link AddressedEnvelope} of a buffer, or (connected) a plain buffer, each as one datagram, a buffer of several
 * direct parts with one {@code sendmsg(2)}; a datagram that cannot be sent fails its own write and the channel goes
 * on; {@code ECONNREFUSED} (an ICMP port unreachable) is a {@link PortUnreachableException} that leaves it open.
 * Dual-stack IPv6 unless made for a family (or the JVM prefers IPv4), as the JDK's channels are; disconnecting keeps
 * the local port, as the JDK's channel does.
 */
@SuppressWarnings("exports") // Netty's types, which the module requires static: a user of the transport has Netty
public final class FfmDatagramChannel extends AbstractFfmChannel implements DatagramChannel {

    private static final ChannelMetadata METADATA = new ChannelMetadata(true, 16);
    private static final String EXPECTED = " (expected: DatagramPacket, AddressedEnvelope<ByteBuf, SocketAddress>"
            + " or ByteBuf)";

    private final DatagramConfig config;
    /** Set once the socket has a local address: bound, connected, or a datagram sent. */
    private volatile boolean bound;
    /** The memberships joined; guarded by itself. */
    private final Set<Membership> memberships = new HashSet<>();

    /** A UDP channel, dual-stack where the machine has IPv6. */
    public FfmDatagramChannel() {
        this((SocketProtocolFamily) null);
    }

    /**
     * A UDP channel of {@code family}.
     *
     * @param family {@code INET} or {@code INET6}
     */
    public FfmDatagramChannel(SocketProtocolFamily family) {
        super(null, Addresses.openUdp(Addresses.family(family), "FfmDatagramChannel"), false);
        config = new DatagramConfig(this);
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    public DatagramChannelConfig config() {
        return config;
    }

    @Override
    public boolean isActive() {
        return socket.isOpen() && (bound || config.isActiveOnRegistration() && isRegistered());
    }

    @Override
    public boolean isConnected() {
        return remote != null && socket.isOpen();
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    /** The socket's address as the kernel has it, once it has one. */
    @Override
    protected SocketAddress localAddress0() {
        SocketAddress l = local;
        if (l == null && bound && socket.isOpen()) {
            l = refreshLocal();
        }
        return l;
    }

    private SocketAddress refreshLocal() {
        try {
            local = Addresses.toJava(socket.localAddress());
        } catch (IOException e) {
            // closed meanwhile: no address to report
        }
        return local;
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(Addresses.of(localAddress, family));
        bound = true;
        refreshLocal();
    }

    /** Connects at once (UDP only records the peer); the peer is then reported as the address given. */
    @Override
    boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        SockAddr target = Addresses.of(remoteAddress, family);
        if (localAddress != null) {
            doBind(localAddress);
        }
        socket.connect(target);
        bound = true;
        remote = remoteAddress;
        refreshLocal();
        return true;
    }

    @Override
    boolean doFinishConnect() {
        return true; // never pending
    }

    /**
     * Dissolves the default peer ({@code connect(2)} to {@code AF_UNSPEC}). Linux then forgets a port the kernel
     * chose; the channel binds it again, so that the port it had is the port it keeps, as the JDK's channel does.
     */
    @Override
    protected void doDisconnect() throws Exception {
        if (remote == null) {
            return;
        }
        SocketAddress before = local;
        socket.disconnect();
        remote = null;
        local = null;
        SocketAddress now = refreshLocal();
        if (before instanceof InetSocketAddress was && now instanceof InetSocketAddress is
                && is.getPort() == 0 && was.getPort() != 0) {
            socket.bind(Addresses.of(new InetSocketAddress(is.getAddress(), was.getPort()), family));
            refreshLocal();
        }
    }

    @Override
    protected void doClose() throws Exception {
        synchronized (memberships) {
            memberships.clear(); // the kernel drops them with the socket
        }
        super.doClose();
    }

    /**
     * A datagram as it can be sent: one buffer (direct by its address, heap by its array), or a buffer of direct parts
     * (one {@code iovec} each); any other buffer is copied into a direct one first, as Netty's NIO channel copies it.
     */
    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof DatagramPacket p) {
            checkResolved(p.recipient());
            ByteBuf c = p.content();
            return sendable(c) ? p : new DatagramPacket(direct(p, c), p.recipient(), p.sender());
        }
        if (msg instanceof ByteBuf b) {
            return sendable(b) ? b : direct(b, b);
        }
        if (msg instanceof AddressedEnvelope<?, ?> e && e.content() instanceof ByteBuf c
                && (e.recipient() == null || e.recipient() instanceof InetSocketAddress)) {
            checkResolved(e.recipient());
            return sendable(c) ? e
                    : new DefaultAddressedEnvelope<>(direct(e, c), (SocketAddress) e.recipient(), (SocketAddress) e.sender());
        }
        throw new UnsupportedOperationException("unsupported message type: "
                + (msg == null ? "null" : msg.getClass().getName()) + EXPECTED);
    }

    private static void checkResolved(Object recipient) {
        if (recipient instanceof InetSocketAddress i && i.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
    }

    private static boolean sendable(ByteBuf b) {
        int n = b.nioBufferCount();
        return n == 1 || b.isDirect() && n <= Scratch.IOV_MAX;
    }

    private ByteBuf direct(ReferenceCounted holder, ByteBuf buf) {
        int n = buf.readableBytes();
        ByteBuf d = alloc().directBuffer(n);
        d.writeBytes(buf, buf.readerIndex(), n);
        ReferenceCountUtil.safeRelease(holder);
        return d;
    }

    /**
     * Sends the flushed datagrams in order, up to the configured number per write; each tried up to the write spin
     * count times before the channel waits for room. A datagram that fails fails its own write only, as in Netty's NIO
     * channel.
     */
    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        int budget = maxMessagesPerWrite();
        while (budget > 0) {
            Object msg = in.current();
            if (msg == null) {
                break;
            }
            try {
                boolean sent = false;
                for (int i = config.getWriteSpinCount(); i > 0 && !sent; i--) {
                    sent = send(msg);
                }
                if (!sent) {
                    addInterest(EPOLLOUT); // the socket's buffer is full: go on when it has room
                    return;
                }
                in.remove();
            } catch (Exception e) {
                in.remove(e);
            }
            budget--;
        }
        if (in.isEmpty()) {
            removeInterest(EPOLLOUT);
        } else {
            addInterest(EPOLLOUT); // the budget is spent: the next turn of the loop goes on
        }
    }

    /** Sends one datagram; {@code false} if the socket's buffer is full. An empty one is not sent, as in Netty. */
    private boolean send(Object msg) throws IOException {
        ByteBuf data;
        SocketAddress to;
        if (msg instanceof AddressedEnvelope<?, ?> e) {
            data = (ByteBuf) e.content();
            to = (SocketAddress) e.recipient();
        } else {
            data = (ByteBuf) msg;
            to = null;
        }
        if (!data.isReadable()) {
            return true;
        }
        SockAddr target = null;
        if (to != null) {
            target = Addresses.of(to, family);
        } else if (remote == null) {
            throw new NotYetConnectedException();
        }
        boolean sent = Io.sendTo(scratch(), fd, data, target);
        if (sent && !bound) {
            bound = true; // the kernel gave the socket a port
        }
        return sent;
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new DatagramUnsafe();
    }

    /** Reads datagrams as Netty's NIO channel reads them: one per {@code recvfrom}, as the allocator handle allows. */
    private final class DatagramUnsafe extends FfmUnsafe {

        @Override
        @SuppressWarnings("deprecation") // Netty's allocator handle: its channels take it as this type
        void read() {
            ChannelConfig config = config();
            ChannelPipeline pipeline = pipeline();
            RecvByteBufAllocator.Handle handle = recvBufAllocHandle();
            handle.reset(config);
            Throwable failure = null;
            try {
                InetSocketAddress recipient = FfmDatagramChannel.this.localAddress();
                do {
                    ByteBuf buf = handle.allocate(config.getAllocator());
                    handle.attemptedBytesRead(buf.writableBytes());
                    int n;
                    try {
                        n = Io.recvFrom(scratch(), fd, buf);
                    } catch (Throwable t) {
                        buf.release();
                        throw t;
                    }
                    if (n < 0) {
                        buf.release();
                        break;
                    }
                    handle.lastBytesRead(n);
                    handle.incMessagesRead(1);
                    readPending = false;
                    InetSocketAddress sender = (InetSocketAddress) Addresses.toJava(Io.sender(scratch(), family));
                    pipeline.fireChannelRead(new DatagramPacket(buf, recipient, sender));
                } while (handle instanceof RecvByteBufAllocator.ExtendedHandle e ? e.continueReading(() -> true)
                        : handle.continueReading());
            } catch (Throwable t) {
                failure = t;
            }
            handle.readComplete();
            pipeline.fireChannelReadComplete();
            if (failure != null) {
                pipeline.fireExceptionCaught(failure);
                if (failure instanceof IOException && !(failure instanceof PortUnreachableException)) {
                    close(voidPromise());
                }
            }
            if (!readPending && !config.isAutoRead()) {
                clearReadPending();
            }
        }
    }

    // Multicast: requests made at once on the calling thread, as Netty's NIO channel makes them.

    /** A membership joined: a group on an interface, for every source or one. */
    private record Membership(InetAddress group, NetworkInterface interf, InetAddress source, Set<InetAddress> blocked) {
        Membership(InetAddress group, NetworkInterface interf, InetAddress source) {
            this(group, interf, source, new HashSet<>());
        }

        boolean is(InetAddress g, NetworkInterface i, InetAddress s) {
            return group.equals(g) && interf.equals(i) && Objects.equals(source, s);
        }
    }

    /** The interface of the channel's local address, which the calls without one use, as Netty's NIO channel does. */
    private NetworkInterface localInterface() throws SocketException {
        InetSocketAddress l = localAddress();
        if (l == null) {
            throw new IllegalStateException("the channel is not bound: give the interface to use");
        }
        NetworkInterface i = NetworkInterface.getByInetAddress(l.getAddress());
        if (i == null) {
            throw new SocketException("no interface has the channel's address " + l.getAddress());
        }
        return i;
    }

    @Override
    public ChannelFuture joinGroup(InetAddress group) {
        return joinGroup(group, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetAddress group, ChannelPromise promise) {
        try {
            return joinGroup(group, localInterface(), null, promise);
        } catch (Throwable t) {
            return promise.setFailure(t);
        }
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress group, NetworkInterface interf) {
        return joinGroup(group, interf, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetSocketAddress group, NetworkInterface interf, ChannelPromise promise) {
        return joinGroup(group.getAddress(), interf, null, promise);
    }

    @Override
    public ChannelFuture joinGroup(InetAddress group, NetworkInterface interf, InetAddress source) {
        return joinGroup(group, interf, source, newPromise());
    }

    @Override
    public ChannelFuture joinGroup(InetAddress group, NetworkInterface interf, InetAddress source,
                                   ChannelPromise promise) {
        try {
            Multicast.check(family, group, interf, source);
            synchronized (memberships) {
                if (!isOpen()) {
                    throw new java.nio.channels.ClosedChannelException();
                }
                if (memberships.stream().noneMatch(m -> m.is(group, interf, source))) {
                    Multicast.join(socket, group, interf, source);
                    memberships.add(new Membership(group, interf, source));
                }
            }
            return promise.setSuccess();
        } catch (Throwable t) {
            return promise.setFailure(t);
        }
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress group) {
        return leaveGroup(group, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress group, ChannelPromise promise) {
        try {
            return leaveGroup(group, localInterface(), null, promise);
        } catch (Throwable t) {
            return promise.setFailure(t);
        }
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress group, NetworkInterface interf) {
        return leaveGroup(group, interf, newPromise());
    }

    @Override
    public ChannelFuture leaveGroup(InetSocketAddress group, NetworkInterface interf, ChannelPromise promise) {
        return leaveGroup(group.getAddress(), interf, null, promise);
    }

    @Override
    public ChannelFuture leaveGroup(InetAddress group, NetworkInterface interf, InetAddress source) {
        return leaveGroup(group, interf, source, newPromise());
    }

    /** Leaves a membership; one never joined is left already, as in Netty's NIO channel. */
    @Override
    public ChannelFuture leaveGroup(InetAddress group, NetworkInterface interf, InetAddress source,
                                    ChannelPromise promise) {
        try {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(interf, "interf");
            synchronized (memberships) {
                for (Membership m : memberships) {
                    if (m.is(group, interf, source)) {
                        Multicast.leave(socket, group, interf, source);
                        memberships.remove(m);
                        break;
                    }
                }
            }
            return promise.setSuccess();
        } catch (Throwable t) {
            return promise.setFailure(t);
        }
    }

    @Override
    public ChannelFuture block(InetAddress group, NetworkInterface interf, InetAddress source) {
        return block(group, interf, source, newPromise());
    }

    /**
     * Blocks datagrams from {@code source} in the membership of {@code group} on {@code interf} for every source; with
     * no such membership there is nothing to block, as in Netty's NIO channel.
     */
    @Override
    public ChannelFuture block(InetAddress group, NetworkInterface interf, InetAddress source, ChannelPromise promise) {
        try {
            Objects.requireNonNull(group, "group");
            Objects.requireNonNull(interf, "interf");
            Multicast.checkSource(group, Objects.requireNonNull(source, "source"));
            synchronized (memberships) {
                for (Membership m : memberships) {
                    if (m.is(group, interf, null) && !m.blocked.contains(source)) {
                        Multicast.block(socket, group, interf, source, true);
                        m.blocked.add(source);
                    }
                }
            }
            return promise.setSuccess();
        } catch (Throwable t) {
            return promise.setFailure(t);
        }
    }

    @Override
    public ChannelFuture block(InetAddress group, InetAddress source) {
        return block(group, source, newPromise());
    }

    @Override
    public ChannelFuture block(InetAddress group, InetAddress source, ChannelPromise promise) {
        try {
            return block(group, localInterface(), source, promise);
        } catch (Throwable t) {
            return promise.setFailure(t);
        }
    }
}
