package dev.ffmsockets.netty;

import dev.ffmsockets.Family;
import dev.ffmsockets.Socket;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannelConfig;

import java.io.IOException;

/**
 * An AF_UNIX stream channel of this transport, for {@link FfmIoHandler}'s event loops: addresses are
 * {@link java.net.UnixDomainSocketAddress} (a path, as Netty's NIO domain channels take them) or
 * {@link dev.ffmsockets.net.NativeSocketAddress} for a Linux abstract name.
 */
@SuppressWarnings("exports") // Netty's types, which the module requires static: a user of the transport has Netty
public final class FfmDomainSocketChannel extends AbstractFfmStreamChannel {

    private final DomainConfig config = new DomainConfig(this);

    /** An AF_UNIX stream channel, not yet connected. */
    public FfmDomainSocketChannel() {
        this(null, Addresses.open(Family.UNIX, "FfmDomainSocketChannel"), false);
    }

    FfmDomainSocketChannel(Channel parent, Socket accepted) throws IOException {
        this(parent, accepted, true);
        local = Addresses.toJava(accepted.localAddress());
        remote = Addresses.toJava(accepted.remoteAddress());
    }

    private FfmDomainSocketChannel(Channel parent, Socket socket, boolean active) {
        super(parent, socket, active);
    }


    @Override
    public DuplexChannelConfig config() {
        return config;
    }

    @Override
    boolean isAllowHalfClosure() {
        return config.isAllowHalfClosure();
    }

    @Override
    protected AbstractUnsafe newUnsafe() {
        return new StreamUnsafe();
    }
}
