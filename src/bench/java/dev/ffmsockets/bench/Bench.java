package dev.ffmsockets.bench;

import org.openjdk.jmh.profile.GCProfiler;
import org.openjdk.jmh.results.BenchmarkResult;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;
import org.openjdk.jmh.runner.options.VerboseMode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What {@code scripts/bench} runs: every workload in C (native/bench/bench.c) and in each Java implementation
 * (JMH), in one run, on the same CPU, then the results as JSON, a Markdown table and an SVG chart of the ratios
 * to C, and the verdict on each target.
 *
 * <p>usage: Bench [--quick] C-HARNESS OUTPUT-DIR
 */
public final class Bench {

    private Bench() {
    }

    /** One workload in one configuration: what is measured, and its unit (for W5, size is the connections). */
    record Workload(String id, String name, String transport, int size, String unit) {
        String key() {
            return id + " " + transport + (size > 0 ? " " + size : "");
        }

        /** How the configuration reads in a table: the message size of W1, the connections of W5. */
        String detail() {
            return switch (id) {
                case "W1" -> transport + " " + size + " B";
                case "W5" -> String.format(Locale.ROOT, "%,d connections", size);
                default -> transport;
            };
        }
    }

    /** The measurements of one implementation on one workload (all repetitions), and what goes with them. */
    record Row(Workload w, String impl, List<Double> values, Double p50Nanos, Double p99Nanos, Double bytesPerOp) {
        double median() {
            return Stats.median(values);
        }

        double min() {
            return values.stream().mapToDouble(d -> d).min().orElse(Double.NaN);
        }

        double max() {
            return values.stream().mapToDouble(d -> d).max().orElse(Double.NaN);
        }
    }

    record Settings(boolean quick, int forks, int warmups, TimeValue warmupTime, int iterations, TimeValue iterationTime,
                    int cRuns, double cSeconds, double cWarmup) {
    }

    static final String C = "C";

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        List<String> rest = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
        if (rest.size() != 2) {
            System.err.println("usage: Bench [--quick] C-HARNESS OUTPUT-DIR");
            System.exit(2);
        }
        Path harness = Path.of(rest.get(0));
        Path out = Files.createDirectories(Path.of(rest.get(1)));
        Settings s = quick
                ? new Settings(true, 1, 1, TimeValue.milliseconds(400), 2, TimeValue.milliseconds(300), 2, 0.5, 0.2)
                : new Settings(false, 3, 4, TimeValue.seconds(1), 3, TimeValue.seconds(1), 5, 3.0, 1.0);
        // the allocation pass: long enough for the JIT to compile the path (escape analysis included)
        Settings gcSettings = quick
                ? new Settings(true, 1, 3, TimeValue.milliseconds(400), 3, TimeValue.milliseconds(400), 0, 0, 0)
                : new Settings(false, 1, 3, TimeValue.seconds(1), 3, TimeValue.seconds(1), 0, 0, 0);
        List<String> allocImpls = quick
                ? List.of("c-style-native", "c-style-heap", "safe-array", "safe-direct-buffer", "safe-segment")
                : List.of(Conn.STREAM_IMPLS);

        List<Workload> workloads = new ArrayList<>();
        for (String t : new String[] {"tcp", "unix"}) {
            for (int size : quick ? new int[] {1} : new int[] {1, 1024}) {
                workloads.add(new Workload("W1", "ping-pong", t, size, "round trips/s"));
            }
        }
        for (String t : new String[] {"tcp", "unix"}) {
            workloads.add(new Workload("W2", "bulk, 64 KiB writes", t, 65536, "GB/s"));
        }
        workloads.add(new Workload("W3", "UDP request/response", "udp", 64, "round trips/s"));
        workloads.add(new Workload("W3", "UDP one way (received)", "udp", 64, "datagrams/s"));
        for (String t : new String[] {"tcp", "unix"}) {
            workloads.add(new Workload("W4", "connect + accept + close", t, 0, "connections/s"));
        }
        for (int n : quick ? new int[] {100, 1000} : new int[] {100, 1000, 10_000}) {
            workloads.add(new Workload("W5", "virtual threads, 1-byte ping-pong", "tcp", n, "round trips/s"));
        }

        int total = workloads.stream().mapToInt(w -> impls(w).size() + (w.id().equals("W5") ? 0 : 1)).sum();
        System.out.println("Machine: " + Environment.describe());
        System.out.println(total + " measurements, then the allocation of " + allocImpls.size() + " implementations; "
                + (quick ? "quick settings" : "full settings") + "; every process pinned to CPU 0.");
        Progress progress = new Progress(total);
        List<Row> rows = new ArrayList<>();
        for (Workload w : workloads) {
            if (w.id().equals("W5")) {
                for (String impl : impls(w)) {
                    rows.add(progress.report(w, impl, manyConnections(w, impl, s)));
                }
                continue;
            }
            rows.add(progress.report(w, C, c(harness, w, s)));
            for (String impl : impls(w)) {
                rows.add(progress.report(w, impl, jmh(w, impl, s, false)));
            }
        }
        System.out.println();
        System.out.println("Allocation on the steady path (JMH gc profiler, W1 ping-pong tcp 1 B):");
        List<Row> withAlloc = new ArrayList<>();
        for (Row r : rows) {
            if (r.w().id().equals("W1") && r.w().transport().equals("tcp") && r.w().size() == 1 && allocImpls.contains(r.impl())) {
                Row a = jmh(r.w(), r.impl(), gcSettings, true);
                System.out.printf(Locale.ROOT, "  %-20s %8.1f B/op%n", r.impl(), a.bytesPerOp());
                withAlloc.add(new Row(r.w(), r.impl(), r.values(), r.p50Nanos(), r.p99Nanos(), a.bytesPerOp()));
            } else {
                withAlloc.add(r);
            }
        }
        Report report = new Report(withAlloc, s, Environment.describe());
        Files.writeString(out.resolve("results.json"), report.json());
        Files.writeString(out.resolve("results.md"), report.markdown());
        Files.writeString(out.resolve("chart.svg"), report.svg());
        System.out.println();
        System.out.println(report.markdown());
        System.out.println("Wrote " + out.resolve("results.json") + ", results.md and chart.svg");
    }

    /** The Java implementations measured on a workload. */
    static List<String> impls(Workload w) {
        return switch (w.id()) {
            case "W1", "W2" -> Arrays.stream(Conn.STREAM_IMPLS)
                    .filter(i -> !(w.transport().equals("unix") && i.equals("java.net"))).toList();
            case "W3" -> List.of(Dgram.IMPLS);
            case "W5" -> List.of("safe", "java.net", "nio-selector");
            default -> Arrays.stream(new String[] {"c-style", "safe", "java.net", "nio"})
                    .filter(i -> !(w.transport().equals("unix") && i.equals("java.net"))).toList();
        };
    }

    /** W5: the echo server and the clients of {@link ManyConnections} as two processes, 3 times (quick: once). */
    static Row manyConnections(Workload w, String impl, Settings s) throws Exception {
        List<Double> values = new ArrayList<>();
        // ten thousand virtual threads need a longer warm-up than one thread does
        int runs = s.quick() ? 1 : 3;
        double seconds = s.quick() ? 1.0 : 3.0, warmup = s.quick() ? 1.5 : 3.0;
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ManyConnections.class.getName());
        for (int i = 0; i < runs; i++) {
            List<String> server = new ArrayList<>(java);
            server.addAll(List.of("server", impl, String.valueOf(w.size())));
            Process sp = new ProcessBuilder(server).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            try {
                String line = new java.io.BufferedReader(new java.io.InputStreamReader(sp.getInputStream())).readLine();
                if (line == null || !line.startsWith("listening on port ")) {
                    throw new IllegalStateException("the W5 server said " + line);
                }
                List<String> client = new ArrayList<>(java);
                client.addAll(List.of("client", impl, line.substring("listening on port ".length()), String.valueOf(w.size()),
                        String.valueOf(seconds), String.valueOf(warmup)));
                Process cp = new ProcessBuilder(client).redirectErrorStream(true).start();
                String out = new String(cp.getInputStream().readAllBytes()).strip();
                if (cp.waitFor() != 0 || !out.contains("\"rate\"")) {
                    throw new IllegalStateException("the W5 clients failed: " + out);
                }
                values.add(number(out, "rate"));
            } finally {
                sp.destroyForcibly();
                sp.waitFor();
            }
        }
        return new Row(w, impl, values, null, null, null);
    }

    /** Runs the C harness {@code cRuns} times. */
    static Row c(Path harness, Workload w, Settings s) throws IOException, InterruptedException {
        String name = switch (w.name()) {
            case "ping-pong" -> "pingpong";
            case "bulk, 64 KiB writes" -> "bulk";
            case "UDP request/response" -> "udp-rr";
            case "UDP one way (received)" -> "udp-oneway";
            default -> "connect";
        };
        List<Double> values = new ArrayList<>();
        Double p50 = null, p99 = null;
        for (int i = 0; i < s.cRuns(); i++) {
            Process p = new ProcessBuilder(harness.toString(), name, w.transport(), String.valueOf(w.size()),
                    String.valueOf(s.cSeconds()), String.valueOf(s.cWarmup())).redirectErrorStream(true).start();
            String line = new String(p.getInputStream().readAllBytes()).strip();
            if (p.waitFor() != 0) {
                throw new IllegalStateException("the C harness failed: " + line);
            }
            double rate = number(line, "rate");
            values.add(w.id().equals("W2") ? rate * w.size() / 1e9 : rate);
            if (line.contains("p50_ns")) {
                p50 = number(line, "p50_ns");
                p99 = number(line, "p99_ns");
            }
        }
        return new Row(w, C, values, p50, p99, null);
    }

    private static double number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":([0-9.]+)").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + field + " in " + json);
        }
        return Double.parseDouble(m.group(1));
    }

    /** Runs one JMH benchmark for one implementation; with {@code gc}, only to read its allocation per operation. */
    static Row jmh(Workload w, String impl, Settings s, boolean gc) throws Exception {
        String method = switch (w.name()) {
            case "ping-pong" -> StreamBench.class.getName() + ".pingPong";
            case "bulk, 64 KiB writes" -> StreamBench.class.getName() + ".bulk";
            case "UDP request/response" -> DatagramBench.class.getName() + ".requestResponse";
            case "UDP one way (received)" -> DatagramBench.class.getName() + ".oneWay";
            default -> ConnectBench.class.getName() + ".connectAcceptClose";
        };
        ChainedOptionsBuilder o = new OptionsBuilder().include("^" + Pattern.quote(method) + "$")
                .param("impl", impl)
                .forks(s.forks()).warmupIterations(s.warmups()).warmupTime(s.warmupTime())
                .measurementIterations(s.iterations()).measurementTime(s.iterationTime())
                .jvmArgsAppend("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow")
                .shouldFailOnError(true).verbosity(VerboseMode.SILENT);
        if (!w.id().equals("W3")) {
            o = o.param("transport", w.transport());
        }
        if (w.id().equals("W1")) {
            o = o.param("size", String.valueOf(w.size()));
        }
        if (gc) {
            // throughput mode: sample mode keeps its samples, which allocates in JMH itself
            o = o.addProfiler(GCProfiler.class).mode(org.openjdk.jmh.annotations.Mode.Throughput);
        }
        Collection<RunResult> results = new Runner(o.build()).run();
        if (results.size() != 1) {
            throw new IllegalStateException("expected one result for " + method + " " + impl + ", got " + results.size());
        }
        RunResult rr = results.iterator().next();
        List<Double> values = new ArrayList<>();
        for (BenchmarkResult br : rr.getBenchmarkResults()) {
            for (IterationResult ir : br.getIterationResults()) {
                double score = w.name().startsWith("UDP one way")
                        ? ir.getSecondaryResults().get("received").getScore()
                        : ir.getPrimaryResult().getScore();
                values.add(switch (w.id()) {
                    case "W1" -> 1e9 / score;              // sample time in ns per round trip
                    case "W2" -> score * w.size() / 1e9;   // writes per second to GB/s
                    default -> score;
                });
            }
        }
        Double p50 = null, p99 = null, alloc = null;
        if (w.id().equals("W1")) {
            p50 = rr.getPrimaryResult().getStatistics().getPercentile(50);
            p99 = rr.getPrimaryResult().getStatistics().getPercentile(99);
        }
        if (gc) {
            // the median of the iterations: the last one also holds the trial's tear-down (closing the
            // connection makes the other thread's exception), which is not the steady path
            List<Double> norms = new ArrayList<>();
            for (BenchmarkResult br : rr.getBenchmarkResults()) {
                for (IterationResult ir : br.getIterationResults()) {
                    Result<?> norm = ir.getSecondaryResults().get("gc.alloc.rate.norm");
                    if (norm != null) {
                        norms.add(norm.getScore());
                    }
                }
            }
            alloc = Stats.median(norms);
        }
        return new Row(w, impl, values, p50, p99, alloc);
    }

    /** Progress lines as the run goes. */
    static final class Progress {
        private final int total;
        private final long start = System.nanoTime();
        private int done;
        private final Map<String, Double> cMedian = new LinkedHashMap<>();

        Progress(int total) {
            this.total = total;
        }

        Row report(Workload w, String impl, Row r) {
            done++;
            if (impl.equals(C)) {
                cMedian.put(w.key(), r.median());
            }
            Double c = cMedian.get(w.key());
            System.out.printf(Locale.ROOT, "[%2d/%d %4.0fs] %-4s %-34s %-18s %-20s %14s %s%s%n", done, total,
                    (System.nanoTime() - start) / 1e9, w.id(), w.name(), w.detail(), impl, Stats.format(r.median()), w.unit(),
                    c == null ? "" : String.format(Locale.ROOT, "  %5.2f× C", r.median() / c));
            return r;
        }
    }
}
