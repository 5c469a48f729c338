package dev.ffmsockets.netty;

import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.testing.Fds;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.DefaultAddressedEnvelope;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioDatagramChannel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.nio.ByteBuffer;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link FfmDatagramChannel} against Netty's NIO datagram channel on the JDK, scenario by scenario, with a socket of
 * the library at the other end: what each receives (lengths, bytes, sender and recipient) and what each sends (every
 * kind of message and buffer) must be the same, a failed datagram must fail its own write only, and the channel's
 * descriptor must be gone after close. (Netty's datagram suite, run in {@code dev.ffmsockets.netty.suite}, pairs the
 * two channels with each other.)
 */
class DatagramChannelTest {

    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static EventLoopGroup ffm, nio;

    @BeforeAll
    static void groups() {
        ffm = new MultiThreadIoEventLoopGroup(1, FfmIoHandler.newFactory());
        nio = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    }

    @AfterAll
    static void stop() throws InterruptedException {
        ffm.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        nio.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
    }

    private static Bootstrap ours(SocketProtocolFamily family) {
        return new Bootstrap().group(ffm).channelFactory(() -> new FfmDatagramChannel(family));
    }

    private static Bootstrap theirs(SocketProtocolFamily family) {
        return new Bootstrap().group(nio).channelFactory(() -> new NioDatagramChannel(family));
    }

    /** A channel bound to loopback whose handler queues what it reads, as text: length, bytes, sender, recipient. */
    private static DatagramChannel receiver(Bootstrap b, BlockingQueue<String> got) throws InterruptedException {
        return (DatagramChannel) b.handler(new SimpleChannelInboundHandler<DatagramPacket>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
                ByteBuf c = p.content();
                got.add(c.readableBytes() + ":" + c.toString(StandardCharsets.ISO_8859_1).hashCode() + " from "
                        + p.sender() + " to " + p.recipient().equals(ctx.channel().localAddress()));
            }
        }).bind(new InetSocketAddress(LOOPBACK, 0)).sync().channel();
    }

    /** What a channel reads of the datagrams a library socket sends it: short, empty, and longer than its buffer. */
    private static List<String> received(Bootstrap b) throws Exception {
        BlockingQueue<String> got = new LinkedBlockingQueue<>();
        DatagramChannel ch = receiver(b, got);
        List<String> seen = new ArrayList<>();
        try (Socket s = Socket.open(Family.INET, SocketType.DGRAM)) {
            s.bind(InetSockAddr.of(LOOPBACK, 0));
            InetSockAddr to = InetSockAddr.of(LOOPBACK, ch.localAddress().getPort());
            byte[] big = new byte[3000];
            for (int i = 0; i < big.length; i++) {
                big[i] = (byte) (i * 7);
            }
            for (byte[] d : List.of("hello".getBytes(StandardCharsets.US_ASCII), new byte[0], big)) {
                s.sendTo(d, 0, d.length, to);
                String one = got.poll(20, TimeUnit.SECONDS);
                assertNotNull(one, "a datagram of " + d.length + " bytes did not arrive");
                seen.add(one.replace(":" + s.localPort(), ":<port>"));
            }
        } finally {
            ch.close().sync();
        }
        return seen;
    }

    @Test
    void readsWhatNettysNioChannelReadsEmptyAndCutDatagramsIncluded() throws Exception {
        List<String> expected = received(theirs(SocketProtocolFamily.INET));
        assertEquals(expected, received(ours(SocketProtocolFamily.INET)));
        assertEquals(received(theirs(SocketProtocolFamily.INET6)), received(ours(SocketProtocolFamily.INET6)));
        assertTrue(expected.get(2).startsWith("2048:"), "a datagram longer than the buffer is cut to it: " + expected);
    }

    /** Every kind of message a datagram channel takes, as each arrives at a library socket; then one that fails. */
    private static List<String> sent(Bootstrap b) throws Exception {
        List<String> seen = new ArrayList<>();
        try (Socket s = Socket.open(Family.INET, SocketType.DGRAM)) {
            s.bind(InetSockAddr.of(LOOPBACK, 0));
            s.setTimeout(Duration.ofSeconds(20));
            InetSocketAddress to = new InetSocketAddress(LOOPBACK, s.localPort());
            Channel ch = b.handler(new io.netty.channel.ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(LOOPBACK, 0)).sync().channel();
            try {
                List<Supplier<Object>> messages = List.of(
                        () -> new DatagramPacket(Unpooled.copiedBuffer("heap", StandardCharsets.US_ASCII), to),
                        () -> new DatagramPacket(Unpooled.directBuffer().writeBytes(new byte[] {1, 2, 3}), to),
                        () -> new DatagramPacket(composite(true), to),
                        () -> new DatagramPacket(composite(false), to),
                        () -> new DatagramPacket(Unpooled.copiedBuffer("read-only", StandardCharsets.US_ASCII)
                                .asReadOnly(), to),
                        () -> new DefaultAddressedEnvelope<>(Unpooled.copiedBuffer("envelope",
                                StandardCharsets.US_ASCII), to));
                for (Supplier<Object> m : messages) {
                    ch.writeAndFlush(m.get()).sync();
                    ByteBuffer into = ByteBuffer.allocate(100);
                    var r = s.recvFrom(into);
                    seen.add(r.length() + ":" + new String(into.array(), 0, r.length(), StandardCharsets.ISO_8859_1)
                            + " from " + ch.localAddress().equals(r.sender().toSocketAddress()));
                }
                // a datagram that cannot be sent fails its own write, and the channel goes on
                ChannelFuture unresolved = ch.writeAndFlush(new DatagramPacket(Unpooled.copiedBuffer("x",
                        StandardCharsets.US_ASCII), InetSocketAddress.createUnresolved("no.such.host.invalid", 9)))
                        .await();
                seen.add(unresolved.cause().getClass().getSimpleName() + " open=" + ch.isOpen());
                ChannelFuture unconnected = ch.writeAndFlush(Unpooled.copiedBuffer("y", StandardCharsets.US_ASCII))
                        .await();
                seen.add(unconnected.cause().getClass().getSimpleName() + " open=" + ch.isOpen());
            } finally {
                ch.close().sync();
            }
        }
        return seen;
    }

    private static CompositeByteBuf composite(boolean allDirect) {
        CompositeByteBuf c = Unpooled.compositeBuffer();
        c.addComponent(true, Unpooled.directBuffer().writeBytes("comp".getBytes(StandardCharsets.US_ASCII)));
        c.addComponent(true, (allDirect ? Unpooled.directBuffer() : Unpooled.buffer())
                .writeBytes("osite".getBytes(StandardCharsets.US_ASCII)));
        return c;
    }

    @Test
    void sendsWhatNettysNioChannelSendsAndAFailedDatagramFailsOnlyItsWrite() throws Exception {
        List<String> expected = sent(theirs(SocketProtocolFamily.INET));
        assertEquals(expected, sent(ours(SocketProtocolFamily.INET)));
        assertEquals(List.of(UnresolvedAddressException.class.getSimpleName() + " open=true",
                NotYetConnectedException.class.getSimpleName() + " open=true"), expected.subList(6, 8));
    }

    @Test
    void connectedAndDisconnectedAsNettysNioChannelIsAndTheDescriptorGoesAtClose() throws Exception {
        long before = Fds.open();
        var was = Fds.snapshot();
        for (Bootstrap b : List.of(theirs(SocketProtocolFamily.INET), ours(SocketProtocolFamily.INET))) {
            try (Socket peer = Socket.open(Family.INET, SocketType.DGRAM)) {
                peer.bind(InetSockAddr.of(LOOPBACK, 0));
                peer.setTimeout(Duration.ofSeconds(20));
                InetSocketAddress at = new InetSocketAddress(LOOPBACK, peer.localPort());
                DatagramChannel ch = (DatagramChannel) b.handler(new io.netty.channel.ChannelInboundHandlerAdapter())
                        .connect(at).sync().channel();
                String who = ch.getClass().getSimpleName();
                assertTrue(ch.isActive() && ch.isConnected(), who);
                assertEquals(at, ch.remoteAddress(), who);
                int port = ch.localAddress().getPort();
                ch.writeAndFlush(Unpooled.copiedBuffer("connected", StandardCharsets.US_ASCII)).sync();
                assertEquals(9, peer.recvFrom(ByteBuffer.allocate(100)).length(), who);
                ch.disconnect().sync();
                assertTrue(ch.isActive() && !ch.isConnected(), who);
                assertEquals(null, ch.remoteAddress(), who);
                assertEquals(port, ch.localAddress().getPort(), who + ": the port is kept across a disconnect");
                assertInstanceOf(NotYetConnectedException.class, ch.writeAndFlush(Unpooled.copiedBuffer("z",
                        StandardCharsets.US_ASCII)).await().cause(), who);
                ch.close().sync();
            }
        }
        assertEquals(null, Fds.awaitBackTo(before, was, 10), "every socket closed");
    }

    @Test
    void multicastRequestsAreCheckedAsNettysNioChannelChecksThem() throws Exception {
        NetworkInterface lo = NetworkInterface.getByInetAddress(LOOPBACK);
        InetAddress v6group = InetAddress.getByName("ff02::1:2");
        assertInstanceOf(Inet6Address.class, v6group);
        List<String> results = new ArrayList<>();
        for (Bootstrap b : List.of(theirs(SocketProtocolFamily.INET), ours(SocketProtocolFamily.INET))) {
            DatagramChannel ch = (DatagramChannel) b.handler(new io.netty.channel.ChannelInboundHandlerAdapter())
                    .bind(new InetSocketAddress(LOOPBACK, 0)).sync().channel();
            try {
                results.add(outcome(ch.joinGroup(LOOPBACK, lo, null)));  // not a group
                results.add(outcome(ch.joinGroup(v6group, lo, null)));   // IPv6 group, IPv4 socket
                results.add(outcome(ch.leaveGroup(InetAddress.getByName("239.1.2.3"), lo, null))); // never joined
            } finally {
                ch.close().sync();
            }
        }
        assertEquals(results.subList(0, 3), results.subList(3, 6));
        assertEquals("IllegalArgumentException", results.get(0));
    }

    private static String outcome(ChannelFuture f) throws InterruptedException {
        f.await();
        return f.isSuccess() ? "success" : f.cause().getClass().getSimpleName();
    }
}
