package dev.ffmsockets.bench;

import dev.ffmsockets.bench.Bench.Row;
import dev.ffmsockets.bench.Bench.Settings;
import dev.ffmsockets.bench.Bench.Workload;
import dev.ffmsockets.netty.FfmIoHandler;
import dev.ffmsockets.netty.FfmServerSocketChannel;
import dev.ffmsockets.netty.FfmSocketChannel;
import dev.ffmsockets.nio.FfmSelectorProvider;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.spi.SelectorProvider;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * W7 as {@link Bench} runs it: Netty on this library's transport ({@code dev.ffmsockets.netty}) and over
 * {@link FfmSelectorProvider} against Netty's NIO transport on the JDK's provider and Netty's native epoll transport,
 * on the same workloads: a 1-byte echo ping-pong, a one-way 64 KiB bulk transfer, and an HTTP server under wrk (50
 * and 1,000 connections). Each implementation has its own server and client
 * event loops, one thread each, all alive at once; only one of them runs in any window, the windows interleaved
 * round by round as in W5.
 */
final class NettyRun {

    static final String PING_PONG = "Netty echo, 1-byte ping-pong";
    static final String BULK = "Netty, one way in 64 KiB writes";
    static final String HTTP = "Netty HTTP server under wrk, 50 connections";
    static final String HTTP_1000 = "Netty HTTP server under wrk, 1,000 connections";
    static final List<String> IMPLS = List.of("ffm-transport", "ffm-provider", "netty-nio", "netty-epoll");

    private NettyRun() {
    }

    static List<Workload> workloads() {
        return List.of(new Workload("W7", PING_PONG, "tcp", 1, "round trips/s"),
                new Workload("W7", BULK, "tcp", 65536, "GB/s"),
                new Workload("W7", HTTP, "tcp", 50, "requests/s"),
                new Workload("W7", HTTP_1000, "tcp", 1000, "requests/s"));
    }

    /** One implementation's transport: its event loops and channel classes. */
    private record Transport(IoHandlerFactory io, ChannelFactory<ServerChannel> server, ChannelFactory<Channel> client) {
        static Transport of(String impl) {
            return switch (impl) {
                case "ffm-transport" -> new Transport(FfmIoHandler.newFactory(), FfmServerSocketChannel::new,
                        FfmSocketChannel::new);
                case "ffm-provider" -> nio(FfmSelectorProvider.provider());
                case "netty-nio" -> nio(SelectorProvider.provider());
                default -> new Transport(EpollIoHandler.newFactory(), EpollServerSocketChannel::new, EpollSocketChannel::new);
            };
        }

        static Transport nio(SelectorProvider p) {
            return new Transport(NioIoHandler.newFactory(p), () -> new NioServerSocketChannel(p), () -> new NioSocketChannel(p));
        }
    }

    /** A workload running on one implementation: start and stop its traffic, read its progress. */
    private interface Load extends AutoCloseable {
        void start() throws Exception;

        /** Stops the traffic; returns when it has. */
        void stop() throws Exception;

        /** Operations (or bytes) done so far. */
        long done();

        @Override
        void close() throws Exception;
    }

    static List<Row> measure(List<Workload> workloads, Settings s, Bench.Progress progress) throws Exception {
        List<Row> rows = new ArrayList<>();
        for (Workload w : workloads) {
            List<Load> loads = new ArrayList<>();
            try {
                for (String impl : IMPLS) {
                    loads.add(switch (w.name()) {
                        case PING_PONG -> new PingPong(Transport.of(impl));
                        case BULK -> new Bulk(Transport.of(impl));
                        default -> new Http(Transport.of(impl), w.size());
                    });
                }
                double warmup = Math.max(4.0, s.warmups() * s.warmupSeconds());
                for (Load l : loads) {
                    window(w, l, warmup);
                }
                Rounds rounds = Rounds.run(loads.size(), s.pairs(), i -> window(w, loads.get(i), s.window()));
                for (int i = 0; i < loads.size(); i++) {
                    Row r = new Row(w, IMPLS.get(i), rounds.windows().get(i), rounds.windows().get(i),
                            rounds.steals().get(i), null, null, null, null);
                    rows.add(r);
                    progress.report(r);
                }
            } finally {
                for (Load l : loads) {
                    l.close();
                }
            }
        }
        return rows;
    }

    private static double window(Workload w, Load l, double seconds) throws Exception {
        if (l instanceof Http h) {
            return h.run(Math.max(3, seconds)); // a wrk run of 1 s is mostly its own start-up: 3 s for every HTTP window
        }
        long before = l.done(), start = System.nanoTime();
        l.start();
        Thread.sleep((long) (seconds * 1000));
        long done = l.done(); // what arrived within the window
        double elapsed = (System.nanoTime() - start) / 1e9;
        l.stop(); // returns once nothing is in flight, so that no window's traffic runs into the next one's
        double rate = (done - before) / elapsed;
        return w.unit().equals("GB/s") ? rate / 1e9 : rate;
    }

    /** A server and a client of one transport, connected, with the handlers given. */
    private abstract static class Pair implements Load {
        final EventLoopGroup serverLoop, clientLoop;
        final Channel listening;
        Channel client;

        Pair(Transport t, ChannelInboundHandlerAdapter serverHandler) throws Exception {
            serverLoop = new MultiThreadIoEventLoopGroup(1, t.io());
            clientLoop = new MultiThreadIoEventLoopGroup(1, t.io());
            listening = new ServerBootstrap().group(serverLoop).channelFactory(t.server())
                    .option(ChannelOption.SO_BACKLOG, 2048).childOption(ChannelOption.TCP_NODELAY, true)
                    .childHandler(new ChannelInitializer<>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(serverHandler);
                        }
                    }).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
        }

        void connect(Transport t, ChannelInboundHandlerAdapter clientHandler) throws Exception {
            client = new Bootstrap().group(clientLoop).channelFactory(t.client()).option(ChannelOption.TCP_NODELAY, true)
                    .handler(clientHandler).connect(listening.localAddress()).sync().channel();
        }

        @Override
        public void close() throws Exception {
            if (client != null) {
                client.close().sync();
            }
            listening.close().sync();
            serverLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
            clientLoop.shutdownGracefully(0, 2, TimeUnit.SECONDS).sync();
        }
    }

    /** Echoes every byte back; shareable, since it keeps no state. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class Echo extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.writeAndFlush(msg);
        }
    }

    /** Counts and drops what it reads. */
    @io.netty.channel.ChannelHandler.Sharable
    private static final class Sink extends ChannelInboundHandlerAdapter {
        final AtomicLong bytes = new AtomicLong();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ByteBuf b = (ByteBuf) msg;
            bytes.addAndGet(b.readableBytes());
            b.release();
        }
    }

    private static final class PingPong extends Pair {
        final AtomicLong trips = new AtomicLong();
        volatile boolean running;
        volatile java.util.concurrent.CountDownLatch idle = new java.util.concurrent.CountDownLatch(0);

        PingPong(Transport t) throws Exception {
            super(t, new Echo());
            connect(t, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                    trips.incrementAndGet();
                    if (running) {
                        ctx.writeAndFlush(msg);
                    } else {
                        ((ByteBuf) msg).release();
                        idle.countDown();
                    }
                }
            });
        }

        @Override
        public void start() {
            running = true;
            idle = new java.util.concurrent.CountDownLatch(1);
            client.writeAndFlush(Unpooled.wrappedBuffer(new byte[] {1}));
        }

        @Override
        public void stop() throws InterruptedException {
            running = false;
            idle.await(10, TimeUnit.SECONDS); // the byte in flight has come back
        }

        @Override
        public long done() {
            return trips.get();
        }
    }

    private static final class Bulk extends Pair {
        final Sink sink;
        final ByteBuf chunk = Unpooled.unreleasableBuffer(Unpooled.directBuffer(65536).writeZero(65536));
        volatile boolean running;

        Bulk(Transport t) throws Exception {
            this(t, new Sink());
        }

        private Bulk(Transport t, Sink sink) throws Exception {
            super(t, sink);
            this.sink = sink;
            connect(t, new ChannelInboundHandlerAdapter() {
                @Override
                public void channelWritabilityChanged(ChannelHandlerContext ctx) {
                    fill(ctx.channel());
                }
            });
        }

        /** Bytes handed to the channel; the sink has them all once nothing is in flight. */
        final AtomicLong written = new AtomicLong();

        void fill(Channel ch) {
            while (running && ch.isWritable()) {
                ch.write(chunk.retainedDuplicate());
                written.addAndGet(chunk.readableBytes());
            }
            ch.flush();
        }

        @Override
        public void start() {
            running = true;
            client.eventLoop().execute(() -> fill(client));
        }

        @Override
        public void stop() throws Exception {
            running = false;
            client.eventLoop().submit(() -> { }).sync();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (sink.bytes.get() < written.get() && System.nanoTime() < deadline) {
                Thread.sleep(1); // the socket buffers drain to the sink: a few milliseconds
            }
        }

        @Override
        public long done() {
            return sink.bytes.get();
        }
    }

    /** An HTTP server on the transport; each window is one wrk run against it. */
    private static final class Http extends Pair {
        private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([\\d.]+)");

        private final int connections;

        Http(Transport t, int connections) throws Exception {
            super(t, new HttpInit());
            this.connections = connections;
        }

        double run(double seconds) throws Exception {
            int port = ((InetSocketAddress) listening.localAddress()).getPort();
            Process wrk = new ProcessBuilder("wrk", "-t", "1", "-c", String.valueOf(connections), "--timeout", "10s", "-d", Math.max(1, Math.round(seconds)) + "s",
                    "http://127.0.0.1:" + port + "/").redirectErrorStream(true).start();
            String out = new String(wrk.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            wrk.waitFor();
            Matcher m = RATE.matcher(out);
            if (wrk.exitValue() != 0 || !m.find() || out.contains("Socket errors") || out.contains("Non-2xx")) {
                throw new IllegalStateException("wrk failed against the server:\n" + out);
            }
            return Double.parseDouble(m.group(1));
        }

        @Override
        public void start() {
        }

        @Override
        public void stop() {
        }

        @Override
        public long done() {
            return 0;
        }
    }

    @io.netty.channel.ChannelHandler.Sharable
    private static final class HttpInit extends ChannelInitializer<Channel> {
        @Override
        protected void initChannel(Channel ch) {
            ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(1 << 16), new Hello());
        }
    }

    private static final class Hello extends SimpleChannelInboundHandler<FullHttpRequest> {
        private static final byte[] BODY = "Hello there.\n".getBytes(StandardCharsets.US_ASCII);

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            var res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(BODY));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain").setInt(HttpHeaderNames.CONTENT_LENGTH, BODY.length);
            ctx.writeAndFlush(res);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close(); // wrk resets its connections when it stops
        }
    }
}
