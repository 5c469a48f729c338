package dev.ffmsockets.netty.suite;

import dev.ffmsockets.netty.FfmDatagramChannel;
import dev.ffmsockets.netty.FfmDomainSocketChannel;
import dev.ffmsockets.netty.FfmIoHandler;
import dev.ffmsockets.netty.FfmServerDomainSocketChannel;
import dev.ffmsockets.netty.FfmServerSocketChannel;
import dev.ffmsockets.netty.FfmSocketChannel;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapComboFactory;
import io.netty.testsuite.transport.TestsuitePermutation.BootstrapFactory;
import io.netty.testsuite.transport.socket.SocketTestPermutation;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Netty's socket test permutations on the transport of {@link dev.ffmsockets.netty}: Netty's own event loop groups
 * running {@link FfmIoHandler}, with its server and client channels, as Netty's epoll and io_uring modules run the
 * suite with theirs.
 */
final class TransportPermutation extends SocketTestPermutation {

    static final TransportPermutation INSTANCE = new TransportPermutation();

    private final EventLoopGroup bosses = new MultiThreadIoEventLoopGroup(2,
            new DefaultThreadFactory("testsuite-ffm-transport-boss", true), FfmIoHandler.newFactory());
    private final EventLoopGroup workers = new MultiThreadIoEventLoopGroup(3,
            new DefaultThreadFactory("testsuite-ffm-transport-worker", true), FfmIoHandler.newFactory());

    @Override
    public List<BootstrapFactory<ServerBootstrap>> serverSocket() {
        return List.of(() -> new ServerBootstrap().group(bosses, workers).channel(FfmServerSocketChannel.class));
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> clientSocket() {
        return List.of(() -> new Bootstrap().group(workers).channel(FfmSocketChannel.class));
    }

    /** AF_UNIX stream servers and clients, as Netty's epoll module pairs its domain socket channels. */
    List<BootstrapComboFactory<ServerBootstrap, Bootstrap>> domainSocket() {
        return combo(List.of(() -> new ServerBootstrap().group(bosses, workers).channel(FfmServerDomainSocketChannel.class)),
                List.of(() -> new Bootstrap().group(workers).channel(FfmDomainSocketChannel.class)));
    }

    /** A fresh socket path for each test's server, in a directory of its own that the JVM removes at exit. */
    static SocketAddress newDomainSocketAddress() {
        try {
            Path dir = Files.createTempDirectory("ffm-netty-uds");
            dir.toFile().deleteOnExit();
            Path socket = dir.resolve("s");
            socket.toFile().deleteOnExit();
            return UnixDomainSocketAddress.of(socket);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The transport's datagram channel and Netty's NIO one on the JDK, in every pairing, as Netty's epoll module pairs
     * its own with NIO: each side of each test is tried against the reference too.
     */
    @Override
    public List<BootstrapComboFactory<Bootstrap, Bootstrap>> datagram(SocketProtocolFamily family) {
        List<BootstrapFactory<Bootstrap>> each = List.of(
                () -> new Bootstrap().group(workers).channelFactory(() -> new FfmDatagramChannel(family)),
                () -> new Bootstrap().group(NIO_GROUP).channelFactory(() -> new NioDatagramChannel(family)));
        return combo(each, each);
    }

    @Override
    public List<BootstrapFactory<Bootstrap>> datagramSocket() {
        return List.of(() -> new Bootstrap().group(workers).channel(FfmDatagramChannel.class));
    }
}
