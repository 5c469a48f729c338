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

/**
 * W1 ping-pong and W2 bulk over TCP loopback and AF_UNIX stream sockets: the client end is measured, the other
 * end runs on a thread of its own in the same implementation.
 */
public class StreamBench {

    /** W1: a {@code size}-byte message and its whole echo. */
    @State(Scope.Benchmark)
    public static class PingPong {
        @Param({"tcp", "unix"})
        public String transport;
        @Param({"1", "1024"})
        public int size;
        @Param({"c-style-native"})
        public String impl;

        Conn.Listener listener;
        Conn client;
        Thread echo;

        @Setup(Level.Trial)
        public void open() throws IOException {
            listener = Conn.listen(impl, transport);
            client = listener.connect(size);
            Conn server = listener.accept(size);
            echo = Thread.ofPlatform().daemon().name("echo").start(() -> {
                try (server) {
                    for (;;) {
                        server.recvFully(size);
                        server.send(size);
                    }
                } catch (IOException end) {
                    // the client closed
                }
            });
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            client.close();
            echo.join(10_000);
            listener.close();
        }
    }

    /** W2: 64 KiB writes, all of each; the other end reads and discards. */
    @State(Scope.Benchmark)
    public static class Bulk {
        static final int WRITE = 64 * 1024;

        @Param({"tcp", "unix"})
        public String transport;
        @Param({"c-style-native"})
        public String impl;

        Conn.Listener listener;
        Conn writer;
        Thread reader;

        @Setup(Level.Trial)
        public void open() throws IOException {
            listener = Conn.listen(impl, transport);
            writer = listener.connect(WRITE);
            Conn server = listener.accept(WRITE);
            reader = Thread.ofPlatform().daemon().name("discard").start(() -> {
                try (server) {
                    while (server.recv(WRITE) > 0) {
                        // discard
                    }
                } catch (IOException end) {
                    // the writer closed
                }
            });
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            writer.close();
            reader.join(10_000);
            listener.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    public void pingPong(PingPong s, Pairing pairing) throws IOException {
        s.client.send(s.size);
        s.client.recvFully(s.size);
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void bulk(Bulk s, Pairing pairing) throws IOException {
        s.writer.send(Bulk.WRITE);
    }
}
