package dev.ffmsockets.nio.netty;

import dev.ffmsockets.nio.FfmSelectorProvider;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketTestPermutation;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.util.List;

/**
 * Netty's socket test permutations with its NIO transport on {@link FfmSelectorProvider}, in place of the JDK's: the
 * event loops' selectors and every channel (server, client, datagram) are the provider's. Netty's own transports run
 * its suite the same way, each with a permutation of its own.
 */
final class FfmSocketTestPermutation extends SocketTestPermutation {

    private static final FfmSelectorProvider PROVIDER = FfmSelectorProvider.provider();

    static final FfmSocketTestPermutation INSTANCE = new FfmSocketTestPermutation();

    private final EventLoopGroup bosses = new MultiThreadIoEventLoopGroup(2,
            new DefaultThreadFactory("testsuite-ffm-boss", true), NioIoHandler.newFactory(PROVIDER));
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(3,
            new DefaultThreadFactory("testsuite-ffm-worker", true), NioIoHandler.newFactory(PROVIDER));

    @Override
    public List<BootstrapFactory<ServerBootstrap>> serverSocket() {
        return List.of(() -> new ServerBootstrap().group(bosses, workers)
                .channelFactory(() -> new NioServerSocketChannel(PROVIDER)));
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocket() {
        return List.of(() -> new Bootstrap().group(workers).channelFactory(() -> new NioSocketChannel(PROVIDER)));
    }

    @Override
    public List<BootstrapComboFactory<Bootstrap, Bootstrap>> datagram(SocketProtocolFamily family) {
        List<BootstrapFactory<Bootstrap>> each = List.of(() -> new Bootstrap().group(workers)
                .channelFactory(() -> new NioDatagramChannel(PROVIDER, family)));
        return combo(each, each);
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> datagramSocket() {
        return List.of(() -> new Bootstrap().group(workers).channelFactory(() -> new NioDatagramChannel(PROVIDER)));
    }
}
