package dev.ffmsockets.bench;

import dev.ffmsockets.DatagramBatch;
import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.LinuxSocketOptions;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.TimeUnit;

/**
 * W6: batched UDP over loopback, as native/bench/bench.c's {@code udp-batch-*}, {@code udp-each-*} and
 * {@code udp-gso-oneway}. An operation is {@value #DEPTH} datagrams of {@code size} bytes: pipelined
 * request/response ({@value #DEPTH} requests in flight, each echoed by the other end) or one way paced by the
 * receiver (it acknowledges every {@value #DEPTH}). The other end runs the same implementation.
 */
public class BatchBench {

    static final int DEPTH = 64;
    static final int GSO_SEGMENTS = 32;
    static final int GRO_SLOTS = 8;
    static final String[] IMPLS = {"safe-batch-32", "safe-batch-64", "safe-gso", "nio-direct"};

    /** One end of the exchange. */
    interface End extends AutoCloseable {
        /** Sends {@value #DEPTH} datagrams to the other end. */
        void sendDepth() throws IOException;

        /** Waits for {@value #DEPTH} echoes, or (one way) for one acknowledgement. */
        void await(boolean oneWay) throws IOException;

        /** The other end's loop: echo, or count and acknowledge every {@value #DEPTH}; ends at an empty datagram. */
        void serve(boolean oneWay) throws IOException;

        void peer(End other) throws IOException;

        /** Sends the empty datagram that ends the other end's loop. */
        void stop() throws IOException;

        @Override
        void close() throws IOException;
    }

    static End open(String impl, int size) throws IOException {
        return switch (impl) {
            case "safe-batch-32" -> new SafeEnd(size, 32, false);
            case "safe-batch-64" -> new SafeEnd(size, 64, false);
            case "safe-gso" -> new SafeEnd(size, GSO_SEGMENTS, true);
            case "nio-direct" -> new NioEnd(size);
            default -> throw new IllegalArgumentException("unknown implementation " + impl);
        };
    }

    /** The safe wrapper's sendMany/recvMany over batches of {@code batch} slots, or GSO/GRO. */
    static final class SafeEnd implements End {
        final Socket s;
        final int size, batch;
        final boolean gso;
        final DatagramBatch out, in;
        final byte[] ack = new byte[1];
        SockAddr peer;

        SafeEnd(int size, int batch, boolean gso) throws IOException {
            this.size = size;
            this.batch = batch;
            this.gso = gso;
            s = Socket.open(Family.INET, SocketType.DGRAM);
            s.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            s.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
            s.bind(InetSockAddr.loopback(0));
            // GSO: each slot a buffer the kernel cuts into GSO_SEGMENTS datagrams; GRO: whole buffers come back
            out = gso ? DatagramBatch.allocate(DEPTH / GSO_SEGMENTS, size * GSO_SEGMENTS) : DatagramBatch.allocate(batch, size);
            in = gso ? DatagramBatch.allocate(GRO_SLOTS, 65_535) : DatagramBatch.allocate(batch, size);
        }

        @Override
        public void peer(End other) throws IOException {
            peer = ((SafeEnd) other).s.localAddress();
            for (int i = 0; i < out.capacity(); i++) {
                out.set(i, out.slotSize(), peer);
                if (gso) {
                    out.segmentSize(i, size);
                }
            }
        }

        @Override
        public void sendDepth() throws IOException {
            int perRound = out.capacity() * (gso ? GSO_SEGMENTS : 1); // datagrams: a GSO slot is cut into GSO_SEGMENTS
            for (int round = 0; round < DEPTH / perRound; round++) {
                for (int sent = 0; sent < out.count(); ) {
                    sent += s.sendMany(out, sent);
                }
            }
        }

        @Override
        public void await(boolean oneWay) throws IOException {
            if (oneWay) {
                s.recv(ack);
                return;
            }
            for (int got = 0; got < DEPTH; ) {
                got += s.recvMany(in);
            }
        }

        @Override
        public void serve(boolean oneWay) throws IOException {
            if (gso) {
                s.setOption(LinuxSocketOptions.UDP_GRO, true);
            }
            for (long count = 0; ; ) {
                int n = s.recvMany(in);
                for (int i = 0; i < n; i++) {
                    if (in.length(i) == 0) {
                        return;
                    }
                }
                if (!oneWay) {
                    for (int i = 0; i < n; i++) {
                        in.set(i, in.length(i), in.sender(i, Family.INET)); // back to each sender, from the same memory
                    }
                    for (int sent = 0; sent < n; ) {
                        sent += s.sendMany(in, sent);
                    }
                    continue;
                }
                for (int i = 0; i < n; i++) {
                    int segment = in.receivedSegmentSize(i);
                    count += segment > 0 ? (in.length(i) + segment - 1) / segment : 1;
                }
                for (; count >= DEPTH; count -= DEPTH) {
                    s.sendTo(ack, in.sender(n - 1, Family.INET));
                }
            }
        }

        @Override
        public void stop() throws IOException {
            s.sendTo(new byte[0], peer);
        }

        @Override
        public void close() throws IOException {
            s.close();
            out.close();
            in.close();
        }
    }

    /** java.nio's DatagramChannel, one send or receive per datagram. */
    static final class NioEnd implements End {
        final DatagramChannel ch;
        final ByteBuffer buffer;
        java.net.SocketAddress peer;

        NioEnd(int size) throws IOException {
            ch = DatagramChannel.open();
            ch.setOption(StandardSocketOptions.SO_RCVBUF, 1 << 20);
            ch.setOption(StandardSocketOptions.SO_SNDBUF, 1 << 20);
            ch.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            buffer = ByteBuffer.allocateDirect(size);
        }

        @Override
        public void peer(End other) throws IOException {
            peer = ((NioEnd) other).ch.getLocalAddress();
        }

        @Override
        public void sendDepth() throws IOException {
            for (int i = 0; i < DEPTH; i++) {
                ch.send(buffer.clear(), peer);
            }
        }

        @Override
        public void await(boolean oneWay) throws IOException {
            for (int i = 0; i < (oneWay ? 1 : DEPTH); i++) {
                ch.receive(buffer.clear());
            }
        }

        @Override
        public void serve(boolean oneWay) throws IOException {
            for (long count = 0; ; ) {
                java.net.SocketAddress from = ch.receive(buffer.clear());
                if (buffer.position() == 0) {
                    return;
                }
                if (!oneWay) {
                    ch.send(buffer.flip(), from);
                } else if (++count % DEPTH == 0) {
                    ch.send(buffer.flip().limit(1), from);
                }
            }
        }

        @Override
        public void stop() throws IOException {
            ch.send(ByteBuffer.allocate(0), peer);
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    @State(Scope.Benchmark)
    public static class Ends {
        @Param({"safe-batch-64"})
        public String impl;
        @Param({"64"})
        public int size;

        End client, server;
        Thread other;

        void start(boolean oneWay) throws IOException {
            client = open(impl, size);
            server = open(impl, size);
            client.peer(server);
            server.peer(client);
            other = Thread.ofPlatform().daemon().name("w6-peer").start(() -> {
                try {
                    server.serve(oneWay);
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            });
        }

        void stop() throws Exception {
            client.stop();
            other.join(10_000);
            client.close();
            server.close();
        }
    }

    @State(Scope.Benchmark)
    public static class RequestResponse extends Ends {
        @Setup(Level.Trial)
        public void open() throws IOException {
            start(false);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            stop();
        }
    }

    @State(Scope.Benchmark)
    public static class OneWay extends Ends {
        @Setup(Level.Trial)
        public void open() throws IOException {
            start(true);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            stop();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void requestResponse(RequestResponse e, Pairing pairing) throws IOException {
        e.client.sendDepth();
        e.client.await(false);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void oneWay(OneWay e, Pairing pairing) throws IOException {
        e.client.sendDepth();
        e.client.await(true);
    }
}
