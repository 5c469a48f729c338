package dev.ffmsockets.netty;

import dev.ffmsockets.Socket;
import dev.ffmsockets.net.FfmServerSocket;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.DefaultServerSocketChannelConfig;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.ServerSocketChannelConfig;
import io.netty.channel.socket.SocketProtocolFamily;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A TCP server channel of this transport: Netty's {@link ServerSocketChannel} on a listening socket of the library,
 * accepting each connection as a {@link FfmSocketChannel}. Dual-stack IPv6 unless made for a family, as the JDK's.
 */
@SuppressWarnings("exports") // Netty's types, which the module requires static: a user of the transport has Netty
public final class FfmServerSocketChannel extends AbstractFfmServerChannel implements ServerSocketChannel {

    private final Config config;

    /** A TCP server channel, dual-stack where the machine has IPv6. */
    public FfmServerSocketChannel() {
        this((SocketProtocolFamily) null);
    }

    /**
     * A TCP server channel of {@code family}.
     *
     * @param family {@code INET} or {@code INET6}
     */
    public FfmServerSocketChannel(SocketProtocolFamily family) {
        this(Addresses.openTcp(Addresses.family(family), "FfmServerSocketChannel"));
    }

    private FfmServerSocketChannel(Socket socket) {
        super(socket);
        try {
            this.config = new Config(this, new FfmServerSocket(socket));
        } catch (IOException e) {
            socket.close();
            throw new ChannelException(e);
        }
    }

    @Override
    public ServerSocketChannelConfig config() {
        return config;
    }

    @Override
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) super.localAddress();
    }

    @Override
    public InetSocketAddress remoteAddress() {
        return null;
    }

    @Override
    int backlog() {
        return config.getBacklog();
    }

    @Override
    Channel child(Socket accepted) {
        return new FfmSocketChannel(this, accepted);
    }

    /** Netty's server options on the library's socket (through its {@code java.net.ServerSocket} view). */
    private final class Config extends DefaultServerSocketChannelConfig {
        Config(FfmServerSocketChannel channel, FfmServerSocket view) {
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
