package dev.ffmsockets.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The C harness (native/bench/bench.c) serving one workload: set up and warmed up once, then measured window by
 * window on demand, between the Java implementations' windows.
 */
final class CHarness implements AutoCloseable {

    private final Process process;
    private final BufferedReader out;
    private final PrintWriter in;

    CHarness(Path harness, String workload, String transport, int size, double warmup) throws IOException {
        process = new ProcessBuilder(harness.toString(), "serve", workload, transport, String.valueOf(size),
                String.valueOf(warmup)).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.US_ASCII));
        in = new PrintWriter(process.getOutputStream(), true, StandardCharsets.US_ASCII);
        String ready = out.readLine();
        if (!"ready".equals(ready)) {
            throw new IOException("the C harness said " + ready);
        }
    }

    /** One window of {@code seconds}: the operations per second. */
    double window(double seconds) throws IOException {
        in.println("window " + seconds);
        return number(answer(), "rate");
    }

    /** The round-trip time percentiles over every window so far, in nanoseconds: {p50, p99}, or null. */
    double[] percentiles() throws IOException {
        in.println("percentiles");
        String line = answer();
        return line.contains("p50_ns") ? new double[] {number(line, "p50_ns"), number(line, "p99_ns")} : null;
    }

    private String answer() throws IOException {
        String line = out.readLine();
        if (line == null) {
            throw new IOException("the C harness ended");
        }
        return line;
    }

    static double number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":([0-9.]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in " + json);
        }
        return Double.parseDouble(m.group(1));
    }

    @Override
    public void close() throws IOException {
        in.println("quit");
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            process.destroyForcibly();
        }
    }
}
