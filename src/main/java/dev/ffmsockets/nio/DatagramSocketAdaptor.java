package dev.ffmsockets.nio;

import dev.ffmsockets.Socket;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.DatagramSocketImpl;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.MembershipKey;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The {@code java.net.DatagramSocket} view of an {@link FfmDatagramChannel} ({@link FfmDatagramChannel#socket()}): it
 * keeps nothing of its own but its receive timeout, and asks its channel every time. Software that takes a channel's
 * socket for its options and addresses (Netty's datagram transport does) sees the channel's.
 */
final class DatagramSocketAdaptor extends DatagramSocket {

    private final FfmDatagramChannel dc;
    /** The receive timeout, milliseconds (0: none); the channel's own receives never have one. */
    private volatile int timeout;
    /**
     * The length each packet had before this view's last receive set it to a datagram's: what the next receive may
     * fill, unless the caller has set another length since (a packet's own record of it is not reachable).
     */
    private final Map<DatagramPacket, int[]> room = new WeakHashMap<>();

    /** Over a {@code DatagramSocketImpl} that is never used: every method of the view is overridden. */
    private DatagramSocketAdaptor(FfmDatagramChannel dc) {
        super(new UnusedDatagramSocketImpl());
        this.dc = dc;
    }

    static DatagramSocketAdaptor of(FfmDatagramChannel dc) {
        return new DatagramSocketAdaptor(dc);
    }

    @Override
    public void bind(SocketAddress local) throws SocketException {
        try {
            dc.bind(local == null ? new InetSocketAddress(0) : checkInet(local));
        } catch (Exception e) {
            throw Translated.socket(e);
        }
    }

    private static InetSocketAddress checkInet(SocketAddress a) {
        if (!(a instanceof InetSocketAddress i)) {
            throw new IllegalArgumentException("Unsupported address type");
        }
        return i;
    }

    private void connectInternal(SocketAddress remote) throws SocketException {
        try {
            dc.connect(remote, false);
        } catch (ClosedChannelException e) {
            // as the JDK's view: a connect of a closed socket does nothing
        } catch (Exception e) {
            throw Translated.socket(e);
        }
    }

    @Override
    public void connect(InetAddress address, int port) {
        if (address == null) {
            throw new IllegalArgumentException("Address can't be null");
        }
        try {
            connectInternal(new InetSocketAddress(address, port));
        } catch (SocketException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void connect(SocketAddress remote) throws SocketException {
        if (remote == null) {
            throw new IllegalArgumentException("Address can't be null");
        }
        connectInternal(checkInet(remote));
    }

    @Override
    public void disconnect() {
        try {
            dc.disconnect();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public boolean isBound() {
        return dc.localAddress() != null;
    }

    @Override
    public boolean isConnected() {
        return dc.remoteAddress() != null;
    }

    @Override
    public InetAddress getInetAddress() {
        return dc.remoteAddress() instanceof InetSocketAddress r ? r.getAddress() : null;
    }

    @Override
    public int getPort() {
        return dc.remoteAddress() instanceof InetSocketAddress r ? r.getPort() : -1;
    }

    @Override
    public SocketAddress getRemoteSocketAddress() {
        return dc.remoteAddress();
    }

    @Override
    public SocketAddress getLocalSocketAddress() {
        return isClosed() ? null : dc.localAddress();
    }

    /** Sends the packet: {@code sendto(2)}, or {@code send(2)} to the peer of a connected socket; waits for room. */
    @Override
    public void send(DatagramPacket p) throws IOException {
        synchronized (p) {
            try {
                InetAddress to = p.getAddress();
                dc.blockingSend(p.getData(), p.getOffset(), p.getLength(),
                        to == null ? null : new InetSocketAddress(to, p.getPort()));
            } catch (AlreadyConnectedException e) {
                throw new IllegalArgumentException("Connected and packet address differ");
            } catch (ClosedChannelException e) {
                throw new SocketException("Socket closed", e);
            }
        }
    }

    /**
     * Receives a datagram into the packet, waiting at most the {@linkplain #setSoTimeout receive timeout}; what does
     * not fit in the packet's length is dropped.
     */
    @Override
    public void receive(DatagramPacket p) throws IOException {
        synchronized (p) {
            int length = p.getLength();
            synchronized (room) {
                int[] last = room.get(p);
                if (last != null && last[0] == length) {
                    length = last[1];
                }
            }
            try {
                Socket.Received r = dc.blockingReceive(p.getData(), p.getOffset(), length,
                        TimeUnit.MILLISECONDS.toNanos(timeout));
                int n = Math.min(r.length(), length);
                p.setLength(n);
                p.setSocketAddress(ChannelAddresses.toJava(r.sender()));
                synchronized (room) {
                    room.put(p, new int[] {n, length});
                }
            } catch (ClosedChannelException e) {
                throw new SocketException("Socket closed", e);
            }
        }
    }

    @Override
    public InetAddress getLocalAddress() {
        if (isClosed()) {
            return null;
        }
        SocketAddress l = dc.localAddress();
        return (l instanceof InetSocketAddress i ? i : new InetSocketAddress(0)).getAddress();
    }

    @Override
    public int getLocalPort() {
        if (isClosed()) {
            return -1;
        }
        return dc.localAddress() instanceof InetSocketAddress i ? i.getPort() : 0;
    }

    @Override
    public void setSoTimeout(int timeout) throws SocketException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        if (timeout < 0) {
            throw new IllegalArgumentException("timeout < 0");
        }
        this.timeout = timeout;
    }

    @Override
    public int getSoTimeout() throws SocketException {
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        return timeout;
    }

    private <T> void set(SocketOption<T> option, T value) throws SocketException {
        Translated.set(dc, option, value);
    }

    private <T> T get(SocketOption<T> option) throws SocketException {
        return Translated.get(dc, option);
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
    public void setReuseAddress(boolean on) throws SocketException {
        set(StandardSocketOptions.SO_REUSEADDR, on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return get(StandardSocketOptions.SO_REUSEADDR);
    }

    @Override
    public void setBroadcast(boolean on) throws SocketException {
        set(StandardSocketOptions.SO_BROADCAST, on);
    }

    @Override
    public boolean getBroadcast() throws SocketException {
        return get(StandardSocketOptions.SO_BROADCAST);
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
    public void close() {
        try {
            dc.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the channel's close does not fail
        }
    }

    @Override
    public boolean isClosed() {
        return !dc.isOpen();
    }

    @Override
    public DatagramChannel getChannel() {
        return dc;
    }

    @Override
    public <T> DatagramSocket setOption(SocketOption<T> name, T value) throws IOException {
        dc.setOption(Objects.requireNonNull(name), value);
        return this;
    }

    @Override
    public <T> T getOption(SocketOption<T> name) throws IOException {
        return dc.getOption(Objects.requireNonNull(name));
    }

    @Override
    public Set<SocketOption<?>> supportedOptions() {
        return dc.supportedOptions();
    }

    private static InetAddress group(SocketAddress mcastaddr) throws SocketException {
        if (!(mcastaddr instanceof InetSocketAddress addr)) {
            throw new IllegalArgumentException("Unsupported address type");
        }
        InetAddress group = addr.getAddress();
        if (group == null) {
            throw new IllegalArgumentException("Unresolved address");
        }
        if (!group.isMulticastAddress()) {
            throw new SocketException("Not a multicast address");
        }
        return group;
    }

    /** The interface a membership without one is on: the socket's {@code IP_MULTICAST_IF}, else the first that has multicast. */
    private NetworkInterface defaultInterface() throws SocketException {
        NetworkInterface set = get(StandardSocketOptions.IP_MULTICAST_IF);
        if (set != null) {
            return set;
        }
        return NetworkInterface.networkInterfaces().filter(ni -> {
            try {
                return ni.isUp() && ni.supportsMulticast();
            } catch (SocketException e) {
                return false;
            }
        }).findFirst().orElseThrow(() -> new SocketException("No network interface supports multicast"));
    }

    /** Joins a multicast group: the channel's {@link FfmDatagramChannel#join}. */
    @Override
    public void joinGroup(SocketAddress mcastaddr, NetworkInterface netIf) throws IOException {
        InetAddress group = group(mcastaddr);
        NetworkInterface ni = netIf != null ? netIf : defaultInterface();
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        synchronized (this) {
            if (dc.memberships.find(group, ni) != null) {
                throw new SocketException("Already a member of group");
            }
            dc.join(group, ni);
        }
    }

    @Override
    public void leaveGroup(SocketAddress mcastaddr, NetworkInterface netIf) throws IOException {
        InetAddress group = group(mcastaddr);
        NetworkInterface ni = netIf != null ? netIf : defaultInterface();
        if (isClosed()) {
            throw new SocketException("Socket is closed");
        }
        synchronized (this) {
            MembershipKey key = dc.memberships.find(group, ni);
            if (key == null) {
                throw new SocketException("Not a member of group");
            }
            key.drop();
        }
    }

    /** The {@code DatagramSocketImpl} {@code java.net.DatagramSocket}'s constructor takes: never used. */
    private static final class UnusedDatagramSocketImpl extends DatagramSocketImpl {
        private static SocketException unused() {
            return new SocketException("the datagram socket view of a channel does not use a DatagramSocketImpl");
        }

        @Override protected void create() throws SocketException { throw unused(); }
        @Override protected void bind(int lport, InetAddress laddr) throws SocketException { throw unused(); }
        @Override protected void send(DatagramPacket p) throws IOException { throw unused(); }
        @Override protected int peek(InetAddress i) throws IOException { throw unused(); }
        @Override protected int peekData(DatagramPacket p) throws IOException { throw unused(); }
        @Override protected void receive(DatagramPacket p) throws IOException { throw unused(); }
        @SuppressWarnings("removal") @Deprecated(forRemoval = true) @Override
        protected void setTTL(byte ttl) throws IOException { throw unused(); }
        @SuppressWarnings("removal") @Deprecated(forRemoval = true) @Override
        protected byte getTTL() throws IOException { throw unused(); }
        @Override protected void setTimeToLive(int ttl) throws IOException { throw unused(); }
        @Override protected int getTimeToLive() throws IOException { throw unused(); }
        @Override protected void join(InetAddress inetaddr) throws IOException { throw unused(); }
        @Override protected void leave(InetAddress inetaddr) throws IOException { throw unused(); }
        @Override protected void joinGroup(SocketAddress mcastaddr, NetworkInterface netIf) throws IOException { throw unused(); }
        @Override protected void leaveGroup(SocketAddress mcastaddr, NetworkInterface netIf) throws IOException { throw unused(); }
        @Override protected void close() { }
        @Override public void setOption(int optID, Object value) throws SocketException { throw unused(); }
        @Override public Object getOption(int optID) throws SocketException { throw unused(); }
    }
}
