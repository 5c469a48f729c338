package dev.ffmsockets.bench;

import org.openjdk.jmh.annotations.AuxCounters;
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
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** W3: 64-byte UDP datagrams over loopback, request/response and one way. */
public class DatagramBench {

    static final int SIZE = 64;

    @State(Scope.Benchmark)
    public static class Pair {
        @Param({"c-style-native"})
        public String impl;

        Dgram client, server;
        Thread other;
        final AtomicLong received = new AtomicLong();
        volatile boolean stopping;

        void start(boolean echo) throws IOException {
            client = Dgram.open(impl, SIZE);
            server = Dgram.open(impl, SIZE);
            client.peer(server);
            other = Thread.ofPlatform().daemon().name(echo ? "echo" : "count").start(() -> {
                try {
                    while (!stopping) {
                        server.recvFrom();
                        if (echo) {
                            server.sendTo(SIZE);
                        } else {
                            received.incrementAndGet();
                        }
                    }
                } catch (IOException closed) {
                    // the benchmark ended
                }
            });
        }

        void stop() throws Exception {
            stopping = true;
            client.sendTo(SIZE); // wakes a receiver waiting for one more
            other.join(10_000);
            client.close();
            server.close();
        }
    }

    @State(Scope.Benchmark)
    public static class RequestResponse extends Pair {
        @Setup(Level.Trial)
        public void open() throws IOException {
            start(true);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            stop();
        }
    }

    @State(Scope.Benchmark)
    public static class OneWay extends Pair {
        @Setup(Level.Trial)
        public void open() throws IOException {
            start(false);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            stop();
        }
    }

    /** The datagrams the receiving end counted, reported beside the sends: the one-way rate is this one. */
    @State(Scope.Thread)
    @AuxCounters(AuxCounters.Type.OPERATIONS)
    public static class Received {
        private long base;
        private OneWay pair;

        @Setup(Level.Iteration)
        public void mark(OneWay p) {
            pair = p;
            base = p.received.get();
        }

        public long received() {
            return pair == null ? 0 : pair.received.get() - base;
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public int requestResponse(RequestResponse p) throws IOException {
        p.client.sendTo(SIZE);
        return p.client.recvFrom();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void oneWay(OneWay p, Received counted) throws IOException {
        p.client.sendTo(SIZE);
    }
}
