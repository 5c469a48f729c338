package dev.ffmsockets.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramChannelConfig;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Enumeration;
import java.util.Map;

/**
 * The options of {@link FfmDatagramChannel}, as Netty's NIO datagram channel has them: each read and written on the
 * socket when asked (the socket is the one place they live), datagrams read into 2,048-byte buffers unless told
 * otherwise, the {@code NioChannelOption} keys, and {@code DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION}.
 */
final class DatagramConfig extends DefaultChannelConfig implements DatagramChannelConfig {

    private final FfmDatagramChannel channel;
    private volatile boolean activeOnRegistration;

    DatagramConfig(FfmDatagramChannel channel) {
        super(channel, new FixedRecvByteBufAllocator(2048));
        this.channel = channel;
    }

    @Override
    @SuppressWarnings("deprecation") // DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION: deprecated, still honoured by Netty's NIO
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), ChannelOption.SO_BROADCAST, ChannelOption.SO_RCVBUF,
                ChannelOption.SO_SNDBUF, ChannelOption.SO_REUSEADDR, ChannelOption.IP_MULTICAST_LOOP_DISABLED,
                ChannelOption.IP_MULTICAST_ADDR, ChannelOption.IP_MULTICAST_IF, ChannelOption.IP_MULTICAST_TTL,
                ChannelOption.IP_TOS, ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION);
    }

    @Override
    @SuppressWarnings({"unchecked", "deprecation"}) // and ACTIVE_ON_REGISTRATION, as above
    public <T> T getOption(ChannelOption<T> option) {
        T v = JdkOptions.get(channel.socket, option);
        if (v != null) {
            return v;
        }
        Object o;
        if (option == ChannelOption.SO_BROADCAST) {
            o = isBroadcast();
        } else if (option == ChannelOption.SO_RCVBUF) {
            o = getReceiveBufferSize();
        } else if (option == ChannelOption.SO_SNDBUF) {
            o = getSendBufferSize();
        } else if (option == ChannelOption.SO_REUSEADDR) {
            o = isReuseAddress();
        } else if (option == ChannelOption.IP_MULTICAST_LOOP_DISABLED) {
            o = isLoopbackModeDisabled();
        } else if (option == ChannelOption.IP_MULTICAST_ADDR) {
            o = getInterface();
        } else if (option == ChannelOption.IP_MULTICAST_IF) {
            o = getNetworkInterface();
        } else if (option == ChannelOption.IP_MULTICAST_TTL) {
            o = getTimeToLive();
        } else if (option == ChannelOption.IP_TOS) {
            o = getTrafficClass();
        } else if (option == ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION) {
            o = activeOnRegistration;
        } else {
            return super.getOption(option);
        }
        return (T) o;
    }

    @Override
    @SuppressWarnings("deprecation") // as getOptions
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        if (JdkOptions.set(channel.socket, option, value)) {
            return true;
        }
        validate(option, value);
        if (option == ChannelOption.SO_BROADCAST) {
            setBroadcast((Boolean) value);
        } else if (option == ChannelOption.SO_RCVBUF) {
            setReceiveBufferSize((Integer) value);
        } else if (option == ChannelOption.SO_SNDBUF) {
            setSendBufferSize((Integer) value);
        } else if (option == ChannelOption.SO_REUSEADDR) {
            setReuseAddress((Boolean) value);
        } else if (option == ChannelOption.IP_MULTICAST_LOOP_DISABLED) {
            setLoopbackModeDisabled((Boolean) value);
        } else if (option == ChannelOption.IP_MULTICAST_ADDR) {
            setInterface((InetAddress) value);
        } else if (option == ChannelOption.IP_MULTICAST_IF) {
            setNetworkInterface((NetworkInterface) value);
        } else if (option == ChannelOption.IP_MULTICAST_TTL) {
            setTimeToLive((Integer) value);
        } else if (option == ChannelOption.IP_TOS) {
            setTrafficClass((Integer) value);
        } else if (option == ChannelOption.DATAGRAM_CHANNEL_ACTIVE_ON_REGISTRATION) {
            activeOnRegistration = (Boolean) value;
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    boolean isActiveOnRegistration() {
        return activeOnRegistration;
    }

    private <T> T get(SocketOption<T> option) {
        try {
            return channel.socket.getOption(option);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    private <T> DatagramConfig set(SocketOption<T> option, T value) {
        try {
            channel.socket.setOption(option, value);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
        return this;
    }

    @Override
    public int getSendBufferSize() {
        return get(StandardSocketOptions.SO_SNDBUF);
    }

    @Override
    public DatagramConfig setSendBufferSize(int size) {
        return set(StandardSocketOptions.SO_SNDBUF, size);
    }

    @Override
    public int getReceiveBufferSize() {
        return get(StandardSocketOptions.SO_RCVBUF);
    }

    @Override
    public DatagramConfig setReceiveBufferSize(int size) {
        return set(StandardSocketOptions.SO_RCVBUF, size);
    }

    @Override
    public int getTrafficClass() {
        return get(StandardSocketOptions.IP_TOS);
    }

    @Override
    public DatagramConfig setTrafficClass(int trafficClass) {
        return set(StandardSocketOptions.IP_TOS, trafficClass);
    }

    @Override
    public boolean isReuseAddress() {
        return get(StandardSocketOptions.SO_REUSEADDR);
    }

    @Override
    public DatagramConfig setReuseAddress(boolean reuse) {
        return set(StandardSocketOptions.SO_REUSEADDR, reuse);
    }

    @Override
    public boolean isBroadcast() {
        return get(StandardSocketOptions.SO_BROADCAST);
    }

    @Override
    public DatagramConfig setBroadcast(boolean broadcast) {
        return set(StandardSocketOptions.SO_BROADCAST, broadcast);
    }

    @Override
    public boolean isLoopbackModeDisabled() {
        return !get(StandardSocketOptions.IP_MULTICAST_LOOP);
    }

    @Override
    public DatagramConfig setLoopbackModeDisabled(boolean disabled) {
        return set(StandardSocketOptions.IP_MULTICAST_LOOP, !disabled);
    }

    @Override
    public int getTimeToLive() {
        return get(StandardSocketOptions.IP_MULTICAST_TTL);
    }

    @Override
    public DatagramConfig setTimeToLive(int ttl) {
        return set(StandardSocketOptions.IP_MULTICAST_TTL, ttl);
    }

    /** {@return the first address of the interface multicast datagrams leave by, or null if none is set} */
    @Override
    public InetAddress getInterface() {
        NetworkInterface i = getNetworkInterface();
        if (i != null) {
            Enumeration<InetAddress> addresses = i.getInetAddresses();
            if (addresses.hasMoreElements()) {
                return addresses.nextElement();
            }
        }
        return null;
    }

    @Override
    public DatagramConfig setInterface(InetAddress address) {
        try {
            return setNetworkInterface(NetworkInterface.getByInetAddress(address));
        } catch (SocketException e) {
            throw new ChannelException(e);
        }
    }

    @Override
    public NetworkInterface getNetworkInterface() {
        return get(StandardSocketOptions.IP_MULTICAST_IF);
    }

    @Override
    public DatagramConfig setNetworkInterface(NetworkInterface networkInterface) {
        return set(StandardSocketOptions.IP_MULTICAST_IF, networkInterface);
    }

    @Override
    protected void autoReadCleared() {
        channel.clearReadPending();
    }

    @Override
    @Deprecated // as Netty's own: the allocator handle says how many reads
    public DatagramConfig setMaxMessagesPerRead(int n) {
        super.setMaxMessagesPerRead(n);
        return this;
    }

    @Override
    public DatagramConfig setMaxMessagesPerWrite(int n) {
        super.setMaxMessagesPerWrite(n);
        return this;
    }

    @Override
    public DatagramConfig setWriteSpinCount(int n) {
        super.setWriteSpinCount(n);
        return this;
    }

    @Override
    public DatagramConfig setConnectTimeoutMillis(int millis) {
        super.setConnectTimeoutMillis(millis);
        return this;
    }

    @Override
    public DatagramConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public DatagramConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public DatagramConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public DatagramConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    public DatagramConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Override
    public DatagramConfig setWriteBufferWaterMark(WriteBufferWaterMark mark) {
        super.setWriteBufferWaterMark(mark);
        return this;
    }
}
