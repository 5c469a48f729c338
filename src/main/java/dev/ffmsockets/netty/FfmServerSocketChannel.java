package dev.ffmsockets.netty;

import dev.ffmsockets.Socket;
import dev.ffmsockets.net.FfmServerSocket;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.DefaultServerSocketChannelConfig;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.ServerSocketChannelConfig;
import io.netty.channel.socket.SocketProtocolFamily;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A TCP server channel of this transport: Netty's {@link ServerSocketChannel} on a listening socket of the library,
 * accepting each connection as a {@link FfmSocketChannel}. Dual-stack IPv6 unless made for a family, as the JDK's.
 */
public final class FfmServerSocketChannel extends AbstractFfmChannel implements ServerSocketChannel {

    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

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
        super(null, socket, false);
        try {
            this.config = new Config(this, new FfmServerSocket(socket));
        } catch (IOException e) {
            socket.close();
            throw new ChannelException(e);
        }
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
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
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(Addresses.of(localAddress, family));
        socket.listen(config.getBacklog());
        local = Addresses.toJava(socket.localAddress());
        active = true;
    }

    @Override
    boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) {
        throw new UnsupportedOperationException();
    }

    @Override
    boolean doFinishConnect() {
        throw new UnsupportedOperationException();
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) {
        throw new UnsupportedOperationException();
    }

    @Override
    protected Object filterOutboundMessage(Object msg) {
        throw new UnsupportedOperationException();
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new AcceptUnsafe();
    }

    /** Accepts as Netty's server channels do: until the allocator handle says stop or none is pending. */
    private final class AcceptUnsafe extends FfmUnsafe {
        private final List<Object> accepted = new ArrayList<>();

        @Override
        void read() {
            ChannelConfig config = config();
            ChannelPipeline pipeline = pipeline();
            var handle = recvBufAllocHandle();
            handle.reset(config);
            Throwable failure = null;
            try {
                try {
                    do {
                        Socket s = socket.accept();
                        if (s == null) {
                            break;
                        }
                        try {
                            s.setBlocking(false);
                            accepted.add(new FfmSocketChannel(FfmServerSocketChannel.this, s));
                        } catch (Throwable t) {
                            s.close();
                            throw t;
                        }
                        handle.incMessagesRead(1);
                    } while (handle.continueReading());
                } catch (Throwable t) {
                    failure = t;
                }
                for (Object child : accepted) {
                    readPending = false;
                    pipeline.fireChannelRead(child);
                }
                accepted.clear();
                handle.readComplete();
                pipeline.fireChannelReadComplete();
                if (failure != null) {
                    pipeline.fireExceptionCaught(failure);
                    if (!(failure instanceof IOException) && isOpen()) {
                        close(voidPromise()); // an I/O error (EMFILE, ...) leaves the server listening, as Netty's
                    }
                }
            } finally {
                if (!readPending && !config.isAutoRead()) {
                    clearReadPending();
                }
            }
        }
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
