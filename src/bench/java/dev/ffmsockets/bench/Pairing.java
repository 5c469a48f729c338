package dev.ffmsockets.bench;

import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.runner.IterationType;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Pairs each measured JMH iteration with a window of C measured just before it: before every measured iteration
 * the fork tells {@link Bench} it is ready (over a loopback connection whose port is the system property
 * {@code ffm.bench.pairing}) and waits while Bench measures C, then measures its own iteration. The fork is idle
 * meanwhile: its threads wait in a system call. Without the property (the allocation pass) it does nothing.
 */
@State(Scope.Benchmark)
public class Pairing {

    private Socket control;
    private PrintWriter out;
    private BufferedReader in;

    @Setup(Level.Iteration)
    public void beforeIteration(IterationParams iteration) throws IOException {
        String port = System.getProperty("ffm.bench.pairing");
        if (port == null || iteration.getType() != IterationType.MEASUREMENT) {
            return;
        }
        if (control == null) {
            control = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(port));
            out = new PrintWriter(control.getOutputStream(), true, StandardCharsets.US_ASCII);
            in = new BufferedReader(new InputStreamReader(control.getInputStream(), StandardCharsets.US_ASCII));
        }
        out.println("ready");
        if (!"go".equals(in.readLine())) {
            throw new IOException("the benchmark driver went away");
        }
    }

    @TearDown(Level.Trial)
    public void close() throws IOException {
        if (control != null) {
            control.close();
        }
    }
}
