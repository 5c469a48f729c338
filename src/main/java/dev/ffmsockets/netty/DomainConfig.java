package dev.ffmsockets.netty;

import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultChannelConfig;
import io.netty.channel.MessageSizeEstimator;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DuplexChannelConfig;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.util.Map;

/**
 * The options of an AF_UNIX channel of this transport, as Netty's NIO domain channels have them: half-closure, the
 * buffer sizes, the backlog of a server, and the {@code NioChannelOption} keys.
 */
final class DomainConfig extends DefaultChannelConfig implements DuplexChannelConfig {

    private final AbstractFfmChannel channel;
    private volatile boolean allowHalfClosure;
    private volatile int backlog = io.netty.util.NetUtil.SOMAXCONN;

    DomainConfig(AbstractFfmChannel channel) {
        super(channel);
        this.channel = channel;
    }

    @Override
    public Map<ChannelOption<?>, Object> getOptions() {
        return getOptions(super.getOptions(), ChannelOption.ALLOW_HALF_CLOSURE, ChannelOption.SO_RCVBUF,
                ChannelOption.SO_SNDBUF, ChannelOption.SO_BACKLOG);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> T getOption(ChannelOption<T> option) {
        T v = JdkOptions.get(channel.socket, option);
        if (v != null) {
            return v;
        }
        if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
            return (T) Boolean.valueOf(allowHalfClosure);
        }
        if (option == ChannelOption.SO_RCVBUF) {
            return (T) socketOption(StandardSocketOptions.SO_RCVBUF);
        }
        if (option == ChannelOption.SO_SNDBUF) {
            return (T) socketOption(StandardSocketOptions.SO_SNDBUF);
        }
        if (option == ChannelOption.SO_BACKLOG) {
            return (T) Integer.valueOf(backlog);
        }
        return super.getOption(option);
    }

    @Override
    public <T> boolean setOption(ChannelOption<T> option, T value) {
        if (JdkOptions.set(channel.socket, option, value)) {
            return true;
        }
        validate(option, value);
        if (option == ChannelOption.ALLOW_HALF_CLOSURE) {
            allowHalfClosure = (Boolean) value;
        } else if (option == ChannelOption.SO_RCVBUF) {
            setSocketOption(StandardSocketOptions.SO_RCVBUF, (Integer) value);
        } else if (option == ChannelOption.SO_SNDBUF) {
            setSocketOption(StandardSocketOptions.SO_SNDBUF, (Integer) value);
        } else if (option == ChannelOption.SO_BACKLOG) {
            backlog = (Integer) value;
        } else {
            return super.setOption(option, value);
        }
        return true;
    }

    int backlog() {
        return backlog;
    }

    private Integer socketOption(java.net.SocketOption<Integer> o) {
        try {
            return channel.socket.getOption(o);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    private void setSocketOption(java.net.SocketOption<Integer> o, int value) {
        try {
            channel.socket.setOption(o, value);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    @Override
    protected void autoReadCleared() {
        channel.clearReadPending();
    }

    @Override
    public boolean isAllowHalfClosure() {
        return allowHalfClosure;
    }

    @Override
    public DomainConfig setAllowHalfClosure(boolean allow) {
        allowHalfClosure = allow;
        return this;
    }

    @Override
    @Deprecated // as Netty's own: the allocator handle says how many reads
    public DomainConfig setMaxMessagesPerRead(int n) {
        super.setMaxMessagesPerRead(n);
        return this;
    }

    @Override
    public DomainConfig setWriteSpinCount(int n) {
        super.setWriteSpinCount(n);
        return this;
    }

    @Override
    public DomainConfig setAllocator(ByteBufAllocator allocator) {
        super.setAllocator(allocator);
        return this;
    }

    @Override
    public DomainConfig setRecvByteBufAllocator(RecvByteBufAllocator allocator) {
        super.setRecvByteBufAllocator(allocator);
        return this;
    }

    @Override
    public DomainConfig setAutoRead(boolean autoRead) {
        super.setAutoRead(autoRead);
        return this;
    }

    @Override
    public DomainConfig setAutoClose(boolean autoClose) {
        super.setAutoClose(autoClose);
        return this;
    }

    @Override
    public DomainConfig setMessageSizeEstimator(MessageSizeEstimator estimator) {
        super.setMessageSizeEstimator(estimator);
        return this;
    }

    @Override
    public DomainConfig setWriteBufferWaterMark(WriteBufferWaterMark mark) {
        super.setWriteBufferWaterMark(mark);
        return this;
    }
}
