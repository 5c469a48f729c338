package dev.ffmsockets.nio;

import dev.ffmsockets.UnixSockAddr;
import dev.ffmsockets.net.NativeSocketAddress;
import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.Wrk;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import dev.ffmsockets.netty.FfmIoHandler;
import dev.ffmsockets.netty.FfmServerSocketChannel;
import io.netty.channel.socket.nio.NioDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Netty's NIO transport given {@link FfmSelectorProvider}: an echo over TCP, over a Unix socket's path and over an
 * abstract name, and an HTTP server under wrk at 50 and 1,000 connections (also on this library's own Netty transport),
 * with no error and no descriptor left.
 */
class NettyTest {

    @TempDir
    Path dir;

    private static EventLoopGroup group(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory(FfmSelectorProvider.provider()));
    }

    /** Echoes every byte back. */
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.write(msg);
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            ctx.flush();
        }
    }

    /** Sends {@code data} and collects as many bytes back. */
    private static final class Collect extends ChannelInboundHandlerAdapter {
        final ByteArrayOutputStream got = new ByteArrayOutputStream();
        final CompletableFuture<byte[]> done = new CompletableFuture<>();
        final byte[] data;

        Collect(byte[] data) {
            this.data = data;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            for (int off = 0; off < data.length; off += 8192) {
                ctx.write(Unpooled.wrappedBuffer(data, off, Math.min(8192, data.length - off)));
            }
            ctx.flush();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            byte[] chunk = new byte[b.readableBytes()];
            b.readBytes(chunk);
            b.release();
            got.writeBytes(chunk);
            if (got.size() >= data.length) {
                done.complete(got.toByteArray());
                ctx.close();
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            done.completeExceptionally(cause);
            ctx.close();
        }
    }

    private void echo(Supplier<io.netty.channel.ServerChannel> server, Supplier<Channel> client, SocketAddress bindTo) throws Exception {
        long before = Fds.open();
        EventLoopGroup boss = group(1), workers = group(2);
        try {
            Channel listening = new ServerBootstrap().group(boss, workers).channelFactory((io.netty.channel.ChannelFactory<io.netty.channel.ServerChannel>) server::get)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new Echo());
                        }
                    }).bind(bindTo).sync().channel();
            byte[] data = new byte[3 << 20];
            new Random(42).nextBytes(data);
            for (int round = 0; round < 3; round++) {
                Collect c = new Collect(data);
                new Bootstrap().group(workers).channelFactory((io.netty.channel.ChannelFactory<Channel>) client::get).handler(c)
                        .connect(listening.localAddress()).sync();
                assertArrayEquals(data, c.done.get(60, TimeUnit.SECONDS));
            }
            var closed = listening.close().await();
            if (closeFailsWith == null) {
                assertTrue(closed.isSuccess(), () -> String.valueOf(closed.cause()));
            } else {
                assertTrue(closed.cause() != null && closed.cause().getMessage().contains(closeFailsWith),
                        () -> String.valueOf(closed.cause()));
                assertFalse(listening.isOpen());
            }
        } finally {
            stop(boss, workers);
        }
        assertEquals(before, Fds.openOnceBackTo(before), "descriptors after Netty stopped");
    }

    /** What Netty's close of the server channel is expected to fail with, or {@code null} for success. */
    private String closeFailsWith;

    @Test
    void echoOverTcp() throws Exception {
        FfmSelectorProvider p = FfmSelectorProvider.provider();
        echo(() -> new NioServerSocketChannel(p), () -> new NioSocketChannel(p),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    @Test
    void echoOverAUnixSocketPath() throws Exception {
        FfmSelectorProvider p = FfmSelectorProvider.provider();
        echo(() -> new NioServerDomainSocketChannel(p), () -> new NioDomainSocketChannel(p),
                UnixDomainSocketAddress.of(dir.resolve("netty.sock")));
    }

    /**
     * Netty serves an abstract name and connects to it; but its server domain channel, when it closes, deletes its
     * socket file reading its address as a {@link UnixDomainSocketAddress}, which an abstract name is not (and has no
     * file): Netty reports that close as failed, after closing the channel all the same.
     */
    @Test
    void echoOverAnAbstractName() throws Exception {
        FfmSelectorProvider p = FfmSelectorProvider.provider();
        closeFailsWith = "is not an instance of java.net.UnixDomainSocketAddress";
        echo(() -> new NioServerDomainSocketChannel(p), () -> new NioDomainSocketChannel(p),
                NativeSocketAddress.of(UnixSockAddr.abstractName("ffm-netty-" + ProcessHandle.current().pid())));
    }

    /** Answers every request with "Hello there.", keeping the connection. */
    private static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // wrk resets its connections when it stops (ECONNRESET), as it does with every server
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                    Unpooled.copiedBuffer("Hello there.\n", StandardCharsets.US_ASCII));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain").setInt(HttpHeaderNames.CONTENT_LENGTH, 13);
            boolean keep = HttpUtil.isKeepAlive(req);
            HttpUtil.setKeepAlive(res, keep);
            var f = ctx.writeAndFlush(res);
            if (!keep) {
                f.addListener(ChannelFutureListener.CLOSE);
            }
        }
    }

    @Test
    void anHttpServerUnderWrkAtFiftyAndAThousandConnections() throws Exception {
        FfmSelectorProvider p = FfmSelectorProvider.provider();
        httpUnderWrk(NettyTest::group, () -> new NioServerSocketChannel(p));
    }

    /** The same server on this library's Netty transport ({@code dev.ffmsockets.netty}). */
    @Test
    void anHttpServerOnTheTransportUnderWrkAtFiftyAndAThousandConnections() throws Exception {
        httpUnderWrk(threads -> new MultiThreadIoEventLoopGroup(threads, FfmIoHandler.newFactory()),
                FfmServerSocketChannel::new);
    }

    private static void httpUnderWrk(java.util.function.IntFunction<EventLoopGroup> groups,
                                     io.netty.channel.ChannelFactory<? extends io.netty.channel.ServerChannel> server)
            throws Exception {
        long count = Fds.open();
        var before = Fds.snapshot();
        EventLoopGroup boss = groups.apply(1), workers = groups.apply(2);
        try {
            Channel listening = new ServerBootstrap().group(boss, workers).channelFactory(server)
                    .option(io.netty.channel.ChannelOption.SO_BACKLOG, 2048)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16), new Hello());
                        }
                    }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            int port = ((InetSocketAddress) listening.localAddress()).getPort();
            for (int connections : List.of(50, 1000)) {
                Wrk.load(port, connections);
            }
            listening.close().sync();
        } finally {
            stop(boss, workers);
        }
        // a thousand connections closed at shutdown: allow the closes time on a busy machine, and say what is left
        String left = Fds.awaitBackTo(count, before, 30);
        assertEquals(null, left, "descriptors after Netty stopped");
    }

    /**
     * Stops the groups with a quiet period: an event loop closes its channels in a turn that sees it shutting down,
     * and with no quiet period Netty may end the loop in the very turn the shutdown was asked for, before such a turn,
     * leaving its channels open (on the JDK's provider as on this one). The quiet period gives every loop that turn.
     */
    private static void stop(EventLoopGroup... groups) throws InterruptedException {
        for (EventLoopGroup g : groups) {
            g.shutdownGracefully(100, 5000, TimeUnit.MILLISECONDS).sync();
        }
    }
}
