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
 * W4: connection setup, one thread: a socket connects to the listener, the listener accepts, both ends close,
 * the accepted one first (as a server that answers and hangs up does), in every implementation and in C. The
 * order matters to the kernel: when the client closes first, TIME_WAIT sits on the client's ephemeral ports, and
 * the rate of the next connects then depends on how many earlier runs left there (measured: 14,000/s with tens of
 * thousands of them, twice that without). Closing the accepted end first keeps TIME_WAIT off the client's ports.
 */
public class ConnectBench {

    @State(Scope.Benchmark)
    public static class Listening {
        @Param({"tcp", "unix"})
        public String transport;
        @Param({"c-style"})
        public String impl;

        Conn.Listener listener;

        @Setup(Level.Trial)
        public void open() throws IOException {
            listener = Conn.listen(switch (impl) {
                case "c-style" -> "c-style-native";
                case "safe" -> "safe-array";
                case "nio" -> "nio-direct";
                default -> impl;
            }, transport);
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            listener.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void connectAcceptClose(Listening l, Pairing pairing) throws IOException {
        switch (l.listener) {
            case Conn.PosixListener p -> p.cycle();
            case Conn.SafeListener s -> s.cycle();
            case Conn.NetListener n -> n.cycle();
            case Conn.NioListener n -> n.cycle();
            default -> throw new IllegalStateException();
        }
    }
}
