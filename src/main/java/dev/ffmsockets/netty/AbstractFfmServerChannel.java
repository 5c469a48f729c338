package dev.ffmsockets.netty;

import dev.ffmsockets.Socket;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ServerChannel;

import java.io.IOException;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * A listening channel of this transport (TCP, AF_UNIX stream): accepts each connection as a channel of its kind, as
 * Netty's server channels do: until the allocator handle says stop or none is pending; an I/O error such as
 * {@code EMFILE} is told to the pipeline and leaves the server listening.
 */
abstract class AbstractFfmServerChannel extends AbstractFfmChannel implements ServerChannel {

    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    AbstractFfmServerChannel(Socket socket) {
        super(null, socket, false);
    }

    /** {@return the channel of an accepted connection, in non-blocking mode} */
    abstract Channel child(Socket accepted) throws IOException;

    /** {@return the backlog that {@code listen} is given} */
    abstract int backlog();

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(Addresses.of(localAddress, family));
        socket.listen(backlog());
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
                            accepted.add(child(s));
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
                        close(voidPromise());
                    }
                }
            } finally {
                if (!readPending && !config.isAutoRead()) {
                    clearReadPending();
                }
            }
        }
    }
}
