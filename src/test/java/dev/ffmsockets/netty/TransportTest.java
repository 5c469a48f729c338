package dev.ffmsockets.netty;

import dev.ffmsockets.LinuxSocketOptions;
import dev.ffmsockets.testing.Fds;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.socket.nio.NioChannelOption;
import org.junit.jupiter.api.Test;

import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What Netty's test suite does not look at in the transport: the event loop's own descriptors, a channel's place in
 * epoll, the wake-up of a sleeping loop, and options set through {@link NioChannelOption}. (Netty's suite, run on the
 * transport in {@code dev.ffmsockets.netty.suite}, is the referee of the channels' behaviour.)
 */
class TransportTest {

    private static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

    @Test
    void eachEventLoopHasAnEpollAndAnEventfdAndClosesThemAtShutdown() throws Exception {
        long before = Fds.open();
        var made = Fds.opened(() -> new MultiThreadIoEventLoopGroup(2, FfmIoHandler.newFactory()));
        assertEquals(2, made.fds().values().stream().filter(t -> t.equals("anon_inode:[eventpoll]")).count(), made.fds()::toString);
        assertEquals(2, made.fds().values().stream().filter(t -> t.equals("anon_inode:[eventfd]")).count(), made.fds()::toString);
        assertEquals(4, made.fds().size(), made.fds()::toString);
        made.value().shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        assertEquals(before, Fds.openOnceBackTo(before), "descriptors after the group stopped");
    }

    @Test
    void aSleepingLoopWakesForATaskFromAnotherThreadAndForItsTimers() throws Exception {
        var made = Fds.opened(() -> new MultiThreadIoEventLoopGroup(1, FfmIoHandler.newFactory()));
        EventLoopGroup group = made.value();
        try {
            int epfd = made.the("anon_inode:[eventpoll]");
            EventLoop loop = group.next();
            loop.submit(() -> { }).sync(); // the loop has started
            Fds.awaitWaitingOn(epfd, Fds.SYS_EPOLL_WAIT, Fds.SYS_EPOLL_PWAIT); // asleep, with nothing scheduled
            CountDownLatch ran = new CountDownLatch(1);
            loop.execute(ran::countDown);
            assertTrue(ran.await(20, TimeUnit.SECONDS), "a task given to a sleeping loop did not run");

            Fds.awaitWaitingOn(epfd, Fds.SYS_EPOLL_WAIT, Fds.SYS_EPOLL_PWAIT);
            CountDownLatch timer = new CountDownLatch(1);
            loop.schedule(timer::countDown, 50, TimeUnit.MILLISECONDS);
            assertTrue(timer.await(20, TimeUnit.SECONDS), "a scheduled task did not run");
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aHandleThatFailsOnItsEventLeavesTheLoopServingTheOthers() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, FfmIoHandler.newFactory());
        try (var pair = dev.ffmsockets.Socket.pair()) {
            var loop = (io.netty.channel.IoEventLoop) group.next();
            java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
            FfmIoHandle failing = new FfmIoHandle() {
                @Override
                public int fd() {
                    return pair.first().fd();
                }

                @Override
                public void handle(io.netty.channel.IoRegistration registration, io.netty.channel.IoEvent event) {
                    calls.incrementAndGet();
                    registration.cancel(); // once is enough to show it
                    throw new IllegalStateException("planted");
                }

                @Override
                public void close() {
                }
            };
            var registration = loop.register(failing).sync().getNow();
            loop.submit(() -> registration.submit(FfmIoOps.of(dev.ffmsockets.posix.Posix.EPOLLIN))).sync();
            pair.second().send(new byte[1]);
            // the loop is alive after the failure: it runs a task, and an echo over a channel of its own
            while (calls.get() == 0) {
                loop.submit(() -> { }).sync();
            }
            assertEquals(1, calls.get());
            assertEquals("after", echoThrough(group, dev.ffmsockets.net.NativeSocketAddress.of(
                    dev.ffmsockets.UnixSockAddr.abstractName("ffm-netty-fail-" + System.nanoTime())), "after"));
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void aChannelIsInEpollWhileItWaitsAndLeavesItWhenClosed() throws Exception {
        var made = Fds.opened(() -> new MultiThreadIoEventLoopGroup(1, FfmIoHandler.newFactory()));
        EventLoopGroup group = made.value();
        try {
            int epfd = made.the("anon_inode:[eventpoll]");
            Channel server = new ServerBootstrap().group(group).channel(FfmServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter()).bind(ANY_PORT).sync().channel();
            int fd = ((FfmServerSocketChannel) server).fd;
            server.eventLoop().submit(() -> { }).sync(); // after the read that channelActive asks for, queued at bind
            // listening with auto-read: waiting for connections; the eventfd besides
            assertEquals(java.util.Set.of(fd, made.the("anon_inode:[eventfd]")), Fds.watchedBy(epfd));
            server.close().sync();
            assertFalse(Fds.watchedBy(epfd).contains(fd));
            assertFalse(Fds.isOpen(fd));
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }

    /** Echoes every message back. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    /** Sends {@code text} to an echo server at {@code address} and returns what came back. */
    private static String echoThrough(EventLoopGroup group, java.net.SocketAddress address, String text) throws Exception {
        Channel server = new ServerBootstrap().group(group).channel(FfmServerDomainSocketChannel.class)
                .childHandler(new Echo()).bind(address).sync().channel();
        var got = new java.util.concurrent.CompletableFuture<String>();
        StringBuilder back = new StringBuilder();
        Channel client = new io.netty.bootstrap.Bootstrap().group(group).channel(FfmDomainSocketChannel.class)
                .handler(new ChannelInboundHandlerAdapter() {
                    @Override
                    public void channelRead(io.netty.channel.ChannelHandlerContext ctx, Object msg) {
                        io.netty.buffer.ByteBuf b = (io.netty.buffer.ByteBuf) msg;
                        back.append(b.toString(java.nio.charset.StandardCharsets.UTF_8));
                        b.release();
                        if (back.length() >= text.length()) {
                            got.complete(back.toString());
                        }
                    }
                }).connect(address).sync().channel();
        assertEquals(address, client.remoteAddress());
        client.writeAndFlush(io.netty.buffer.Unpooled.copiedBuffer(text, java.nio.charset.StandardCharsets.UTF_8));
        try {
            return got.get(20, TimeUnit.SECONDS);
        } finally {
            client.close().sync();
            server.close().sync();
        }
    }

    @Test
    void unixStreamsByPathAndByAbstractNameAndThePathGoesAtClose(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        long before = Fds.open();
        var was = Fds.snapshot();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, FfmIoHandler.newFactory());
        try {
            var path = java.net.UnixDomainSocketAddress.of(dir.resolve("echo.sock"));
            assertEquals("over a path", echoThrough(group, path, "over a path"));
            assertFalse(java.nio.file.Files.exists(path.getPath()), "the server's socket file is removed at close");
            var name = dev.ffmsockets.net.NativeSocketAddress.of(dev.ffmsockets.UnixSockAddr.abstractName(
                    "ffm-netty-" + ProcessHandle.current().pid() + "-" + System.nanoTime()));
            assertEquals("over an abstract name", echoThrough(group, name, "over an abstract name"));
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
        String left = Fds.awaitBackTo(before, was, 10);
        assertEquals(null, left, "the loop's epoll and eventfd, and every socket, closed");
    }

    @Test
    void optionsOfTheLibraryAndOfJdkNetGoThroughNioChannelOption() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, FfmIoHandler.newFactory());
        ChannelOption<Boolean> reusePort = NioChannelOption.of(LinuxSocketOptions.SO_REUSEPORT);
        try {
            Channel first = new ServerBootstrap().group(group).channel(FfmServerSocketChannel.class)
                    .option(reusePort, true).childHandler(new ChannelInboundHandlerAdapter())
                    .bind(ANY_PORT).sync().channel();
            InetSocketAddress taken = (InetSocketAddress) first.localAddress();
            assertEquals(true, first.config().getOption(reusePort));
            Channel second = new ServerBootstrap().group(group).channel(FfmServerSocketChannel.class)
                    .option(reusePort, true).childHandler(new ChannelInboundHandlerAdapter())
                    .bind(taken).sync().channel();
            assertEquals(taken.getPort(), ((InetSocketAddress) second.localAddress()).getPort());
            // without the option, the port is taken
            var third = new ServerBootstrap().group(group).channel(FfmServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter()).bind(taken).await();
            assertInstanceOf(BindException.class, third.cause());
            assertTrue(third.channel().closeFuture().await(20, TimeUnit.SECONDS), "the bootstrap closes a channel that did not bind");
            second.close().sync();
            first.close().sync();

            FfmSocketChannel client = new FfmSocketChannel();
            group.register(client).sync();
            ChannelOption<Integer> keepIdle = NioChannelOption.of(dev.ffmsockets.testing.JdkOptions.of("TCP_KEEPIDLE", Integer.class));
            assertTrue(client.config().setOption(keepIdle, 77));
            assertEquals(77, client.config().getOption(keepIdle));
            assertEquals(77, client.socket.getOption(LinuxSocketOptions.TCP_KEEPIDLE));
            client.close().sync();
            assertThrows(IllegalArgumentException.class, () -> new FfmSocketChannel(
                    io.netty.channel.socket.SocketProtocolFamily.UNIX));
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }
}
