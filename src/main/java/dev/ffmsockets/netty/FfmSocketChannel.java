package dev.ffmsockets.netty;

import dev.ffmsockets.Socket;
import dev.ffmsockets.net.FfmSocket;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DefaultSocketChannelConfig;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.SocketChannelConfig;
import io.netty.channel.socket.SocketProtocolFamily;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A TCP channel of this transport: Netty's {@link SocketChannel} on a socket of the library, for
 * {@link FfmIoHandler}'s event loops. Dual-stack IPv6 unless made for a family (or the JVM prefers IPv4), as the
 * JDK's channels are.
 */
@SuppressWarnings("exports") // Netty's types, which the module requires static: a user of the transport has Netty
public final class FfmSocketChannel extends AbstractFfmStreamChannel implements SocketChannel {

    private final Config config;

    /** A TCP channel, dual-stack where the machine has IPv6. */
    public FfmSocketChannel() {
        this((SocketProtocolFamily) null);
    }

    /**
     * A TCP channel of {@code family}.
     *
     * @param family {@code INET} or {@code INET6}
     */
    public FfmSocketChannel(SocketProtocolFamily family) {
        this(null, Addresses.openTcp(Addresses.family(family), "FfmSocketChannel"), false);
    }

    FfmSocketChannel(FfmServerSocketChannel parent, Socket accepted) {
        this((io.netty.channel.Channel) parent, accepted, true);
        try {
            local = Addresses.toJava(accepted.localAddress());
            remote = Addresses.toJava(accepted.remoteAddress());
        } catch (IOException e) {
            // the peer is gone already: its reads will say so
        }
    }

    private FfmSocketChannel(io.netty.channel.Channel parent, Socket socket, boolean active) {
        super(parent, socket, active);
        try {
            this.config = new Config(this, new FfmSocket(socket));
        } catch (IOException e) {
            socket.close();
            throw new ChannelException(e);
        }
    }

    @Override
    public ServerSocketChannel parent() {
        return (ServerSocketChannel) super.parent();
    }

    @Override
    public SocketChannelConfig config() {
        return config;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return (InetSocketAddress) super.remoteAddress();
    }

    @Override
    boolean isAllowHalfClosure() {
        return config.isAllowHalfClosure();
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new StreamUnsafe();
    }

    /** Netty's socket options on the library's socket (through its {@code java.net.Socket} view). */
    private final class Config extends DefaultSocketChannelConfig {
        Config(FfmSocketChannel channel, FfmSocket view) {
            super(channel, view);
        }

        @Override
        protected void autoReadCleared() {
            clearReadPending();
        }

        @Override
        public <T> boolean setOption(ChannelOption<T> option, T value) {
            return JdkOptions.set(socket, option, value) || super.setOption(option, value);
        }

        @Override
        public <T> T getOption(ChannelOption<T> option) {
            T v = JdkOptions.get(socket, option);
            return v != null ? v : super.getOption(option);
        }
    }
}
