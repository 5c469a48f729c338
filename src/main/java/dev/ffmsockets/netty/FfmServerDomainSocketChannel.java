package dev.ffmsockets.netty;

import dev.ffmsockets.Family;
import dev.ffmsockets.Socket;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;

import java.io.IOException;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;

/**
 * An AF_UNIX stream server channel of this transport, accepting each connection as a {@link FfmDomainSocketChannel}.
 * Bound to a path, it deletes the socket's file when it closes, as Netty's domain server channels do.
 */
@SuppressWarnings("exports") // Netty's types, which the module requires static: a user of the transport has Netty
public final class FfmServerDomainSocketChannel extends AbstractFfmServerChannel {

    private final DomainConfig config = new DomainConfig(this);

    /** An AF_UNIX stream server channel, not yet bound. */
    public FfmServerDomainSocketChannel() {
        super(Addresses.open(Family.UNIX, "FfmServerDomainSocketChannel"));
    }


    @Override
    public ChannelConfig config() {
        return config;
    }

    @Override
    int backlog() {
        return config.backlog();
    }

    @Override
    Channel child(Socket accepted) throws IOException {
        return new FfmDomainSocketChannel(this, accepted);
    }

    @Override
    protected void doClose() throws Exception {
        try {
            super.doClose();
        } finally {
            if (local instanceof UnixDomainSocketAddress u && !u.getPath().toString().isEmpty()) {
                Files.deleteIfExists(u.getPath());
            }
        }
    }
}
