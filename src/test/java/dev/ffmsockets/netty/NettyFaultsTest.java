package dev.ffmsockets.netty;

import dev.ffmsockets.Socket;
import dev.ffmsockets.faults.Faults;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.util.ReferenceCountUtil;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.ffmsockets.posix.Posix.ECONNRESET;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

/**
 * A connection of the Netty transport that meets an injected {@code ECONNRESET} on its read goes through what it goes
 * through on a real reset (the peer closing with {@code SO_LINGER} 0): the same events, in the same order, with the
 * same exception. Runs in a JVM started with {@code -Ddev.ffmsockets.faults=true}.
 */
class NettyFaultsTest {

    /** What the server's side of one connection sees, until it is closed. */
    private static List<String> eventsOfOneConnection(EventLoopGroup group, boolean injected) throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        Channel server = new ServerBootstrap().group(group).channel(FfmServerSocketChannel.class)
                .childHandler(new ChannelInboundHandlerAdapter() {
                    private Faults.Fault fault;

                    @Override
                    public void channelActive(ChannelHandlerContext ctx) {
                        if (injected) { // before any read: the connection's descriptor, every read from now on
                            fault = Faults.on(Faults.Call.RECV).ofDescriptor(((FfmSocketChannel) ctx.channel()).fd)
                                    .always().fail(ECONNRESET);
                        }
                        events.add("active");
                    }

                    @Override
                    public void channelRead(ChannelHandlerContext ctx, Object msg) {
                        events.add("read");
                        ReferenceCountUtil.release(msg);
                    }

                    @Override
                    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                        events.add("exception " + cause.getClass().getName() + ": " + cause.getMessage()
                                .replaceAll("fd \\d+", "fd N"));
                    }

                    @Override
                    public void channelInactive(ChannelHandlerContext ctx) {
                        if (fault != null) {
                            fault.close();
                        }
                        events.add("inactive");
                        events.add("end");
                    }
                }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        try (Socket client = Socket.openConnected("127.0.0.1", ((InetSocketAddress) server.localAddress()).getPort(),
                Duration.ofSeconds(5))) {
            assertEquals("active", events.poll(20, TimeUnit.SECONDS));
            if (injected) {
                client.send(new byte[] {1}); // something to read: the read meets the fault
            } else {
                client.setOption(StandardSocketOptions.SO_LINGER, 0);
                client.close(); // a real reset
            }
            List<String> seen = new java.util.ArrayList<>();
            for (String e; !"end".equals(e = events.poll(20, TimeUnit.SECONDS)); ) {
                assertNotNull(e, "the connection did not end; so far: " + seen);
                seen.add(e);
            }
            return seen;
        } finally {
            server.close().sync();
        }
    }

    @Test
    void anInjectedResetGoesThroughWhatARealOneGoesThrough() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, FfmIoHandler.newFactory());
        try {
            List<String> real = eventsOfOneConnection(group, false);
            List<String> injected = eventsOfOneConnection(group, true);
            assertEquals(real, injected);
            assertEquals("inactive", real.get(real.size() - 1), real::toString);
        } finally {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }
}
