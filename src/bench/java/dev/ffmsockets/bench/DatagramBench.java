package dev.ffmsockets.bench;

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

/**
 * W3: 64-byte UDP datagrams over loopback, request/response and one way. One way is paced by the receiver: after
 * every {@value #CREDIT} datagrams the sender waits for the receiver's acknowledgement of all of them. Nothing is
 * dropped, so the rate answers to the cost of both ends (an unpaced sender on one CPU overruns the receiver, and
 * the rate it gets is the drops', whatever the code does).
 */
public class DatagramBench {

    static final int SIZE = 64;
    static final int CREDIT = 32;

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
                        } else if (received.incrementAndGet() % CREDIT == 0) {
                            server.sendTo(1); // the acknowledgement of the last CREDIT datagrams
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
        long sent;

        @Setup(Level.Trial)
        public void open() throws IOException {
            start(false);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            stop();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public int requestResponse(RequestResponse p, Pairing pairing) throws IOException {
        p.client.sendTo(SIZE);
        return p.client.recvFrom();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void oneWay(OneWay p, Pairing pairing) throws IOException {
        p.client.sendTo(SIZE);
        if (++p.sent % CREDIT == 0) {
            p.client.recvFrom(); // wait until the receiver has all of them
        }
    }
}
