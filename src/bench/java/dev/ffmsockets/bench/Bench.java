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

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * What {@code scripts/bench} runs: every workload in C (native/bench/bench.c) and in each Java implementation
 * (JMH), then the results as JSON, a Markdown report and an SVG chart, with the verdict on each target.
 *
 * <p>The method: C and Java are measured in windows of the same length, interleaved. For each workload one C
 * harness is set up and warmed up; then each Java implementation runs in a JMH fork of its own, warmed up at least
 * 4 s, and before each of its measured iterations the fork waits while a window of C is measured ({@link Pairing}).
 * Every Java window thus has a C window measured just before it, and its ratio to that window is one pair: drift
 * of the host moves both. Ratios are the medians of the pairs, with a bootstrap interval; W5 (no C) interleaves its
 * implementations window by window instead. The steal time of CPU 0 is read around every window.
 *
 * <p>usage: Bench [--quick] [--only=W1,...] [--merge=RESULTS.json] C-HARNESS OUTPUT-DIR (with {@code --merge}, the
 * rows of the workloads measured replace theirs in that earlier run's results, and the report is of the whole)
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
                case "W7" -> name.equals(NettyRun.PING_PONG) ? "Netty ping-pong" : name.equals(NettyRun.BULK) ? "Netty bulk"
                        : name.equals(NettyRun.HTTP_1000) ? "Netty HTTP 1,000" : "Netty HTTP";
                case "W6" -> transport + " " + size + " B";
                default -> transport;
            };
        }
    }

    /**
     * The windows of one implementation on one workload, in the order measured, each beside the window of its
     * baseline measured next to it (C's; for W5 none, the implementations' own windows are interleaved), the steal
     * time of each, and what goes with them.
     */
    record Row(Workload w, String impl, List<Double> values, List<Double> beside, List<Double> steal, Double p50Nanos,
               Double p99Nanos, Double bytesPerOp, Memory memory) {
        double median() {
            return Stats.median(values);
        }

        /** The paired ratios to C: each window over the C window measured just before it. */
        double[] ratiosToC() {
            double[] r = new double[values.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = values.get(i) / beside.get(i);
            }
            return r;
        }

        Row withAllocation(Double b) {
            return new Row(w, impl, values, beside, steal, p50Nanos, p99Nanos, b, memory);
        }
    }

    /** W5: what one more connection costs the server, in bytes: resident memory, native memory (NMT's Other), heap. */
    record Memory(double rss, double nativeMemory, double heap) {
    }

    /** How long the windows are, how many pairs, how long a JMH fork warms up. */
    record Settings(boolean quick, int pairs, double window, int warmups, double warmupSeconds, double cWarmup) {
        String describe() {
            return String.format(Locale.ROOT, "%s run: %d windows of %.1f s per implementation, each paired with a C "
                            + "window of the same length measured just before it; every JMH fork warmed up %d × %s s, "
                            + "the C harness %s s once per workload", quick ? "quick" : "full", pairs, window, warmups,
                    seconds(warmupSeconds), seconds(cWarmup));
        }

        /** 1 as "1", 0.5 as "0.5". */
        private static String seconds(double s) {
            return s == Math.rint(s) ? String.format(Locale.ROOT, "%.0f", s) : String.format(Locale.ROOT, "%.1f", s);
        }
    }

    static final String C = "C";
    /** W6's second C row: the same workload with one system call per datagram, paired with the batched C's windows. */
    static final String C_PER_DATAGRAM = "C-per-datagram";
    static final String W6_RR = "UDP pipelined request/response, 64 in flight";
    static final String W6_ONE_WAY = "UDP one way, batches of 64";
    static final String W6_GSO = "UDP one way, GSO/GRO";
    static final String W8_RELAY = "relay between two connections";
    static final String W8_FILE = "a file sent over a connection";
    static final String W8_FDS = "descriptors passed, one per message";
    /** W8's second C rows: the relay by splice and the file by sendfile, paired with the copying C's windows. */
    static final String C_SPLICE = "C-splice", C_SENDFILE = "C-sendfile";
    static final Settings FULL = new Settings(false, 9, 1.0, 4, 1.0, 1.0);
    /**
     * A few minutes: one workload of each kind with the implementations that matter most, 5 pairs of 0.4 s windows
     * after a warm-up of 2 × 0.5 s (each fork costs about 6 s), and allocation measured for one row only. For a feel
     * of a change; the published results are a full run's.
     */
    static final Settings QUICK = new Settings(true, 5, 0.4, 2, 0.5, 0.5);

    public static void main(String[] args) throws Exception {
        boolean quick = Arrays.asList(args).contains("--quick");
        List<String> only = Arrays.stream(args).filter(a -> a.startsWith("--only=")).flatMap(a -> Arrays.stream(a.substring(7).split(",")))
                .toList(); // for working on one workload: --only=W1,W5
        List<String> rest = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
        if (rest.size() != 2) {
            System.err.println("usage: Bench [--quick] [--only=W1,...] [--merge=RESULTS.json] C-HARNESS OUTPUT-DIR");
            System.exit(2);
        }
        Path harness = Path.of(rest.get(0));
        Path out = Files.createDirectories(Path.of(rest.get(1)));
        Settings s = quick ? QUICK : FULL;
        List<Workload> workloads = workloads(quick).stream().filter(w -> only.isEmpty() || only.contains(w.id())).toList();
        int total = workloads.stream().mapToInt(w -> impls(w, quick).size()).sum();
        System.out.println("Machine: " + Environment.describe());
        System.out.println(total + " implementations × workloads; " + s.describe() + "; every process pinned to CPU 0.");
        Progress progress = new Progress(total);
        List<Row> rows = new ArrayList<>();
        for (Workload w : workloads) {
            if (w.id().equals("W9") || w.id().equals("W7")) {
                continue; // below: no C, their implementations interleaved round by round
            }
            if (w.id().equals("W5")) {
                rows.addAll(ManyConnectionsRun.measure(w, impls(w, quick), s, progress));
                continue;
            }
            List<Double> cWindows = new ArrayList<>(), cSteal = new ArrayList<>();
            try (CHarness c = new CHarness(harness, cName(w), w.transport(), w.size(), s.cWarmup())) {
                for (String impl : impls(w, quick)) {
                    Row r = impl.startsWith("C-") ? otherC(harness, w, impl, s, c, cWindows, cSteal) : jmh(w, impl, s, c, cWindows, cSteal);
                    rows.add(r);
                    progress.report(r);
                }
                double[] p = w.id().equals("W1") ? c.percentiles() : null;
                rows.add(new Row(w, C, cWindows, cWindows, cSteal, p == null ? null : p[0], p == null ? null : p[1], null, null));
            }
        }
        List<Workload> netty = workloads.stream().filter(w -> w.id().equals("W7")).toList();
        if (!netty.isEmpty()) {
            rows.addAll(NettyRun.measure(netty, s, progress));
        }
        List<Workload> apps = workloads.stream().filter(w -> w.id().equals("W9")).toList();
        if (!apps.isEmpty()) {
            rows.addAll(AppRun.measure(apps, s, progress));
        }
        System.out.println();
        System.out.println("Allocation on the steady path (JMH gc profiler):");
        List<String> allocated = List.of("c-style-native", "c-style-heap", "safe-array", "safe-heap-buffer",
                "safe-direct-buffer", "safe-segment", "safe-batch-64", "safe-gso");
        List<Row> withAlloc = new ArrayList<>();
        for (Row r : rows) {
            boolean measure = allocated.contains(r.impl()) && (r.w().id().equals("W1") && r.w().transport().equals("tcp")
                    && r.w().size() == 1 || r.w().name().equals("UDP request/response")
                    || r.w().id().equals("W6") && r.w().size() == 1200 && !r.w().name().equals(W6_ONE_WAY))
                    && (!quick || r.impl().equals("safe-array") && r.w().id().equals("W1"));
            if (measure) {
                Row a = jmh(r.w(), r.impl(), s, null, null, null);
                System.out.printf(Locale.ROOT, "  %-6s %-22s %-20s %8.1f B/op%n", r.w().id(), r.w().detail(), r.impl(), a.bytesPerOp());
                withAlloc.add(r.withAllocation(a.bytesPerOp()));
            } else {
                withAlloc.add(r);
            }
        }
        Optional<String> merge = Arrays.stream(args).filter(a -> a.startsWith("--merge=")).map(a -> a.substring(8)).findFirst();
        Report report;
        if (merge.isEmpty()) {
            report = new Report(withAlloc, s, Environment.describe());
        } else {
            String base = Files.readString(Path.of(merge.get()));
            report = merged(Report.parse(base), Report.parseRuns(base), withAlloc, s);
        }
        Files.writeString(out.resolve("results.json"), report.json());
        Files.writeString(out.resolve("results.md"), report.markdown());
        Files.writeString(out.resolve("chart.svg"), report.svg());
        System.out.println();
        System.out.println(report.markdown());
        System.out.println("Wrote " + out.resolve("results.json") + ", results.md and chart.svg");
    }

    /**
     * {@code base}'s rows with those of every workload this run measured replaced by this run's, in place: for
     * re-measuring some workloads of a published run with the same settings. The report says which rows came from
     * which run.
     */
    static Report merged(List<Row> base, String baseRuns, List<Row> fresh, Settings s) {
        java.util.Set<Workload> redone = new java.util.LinkedHashSet<>();
        fresh.forEach(r -> redone.add(r.w()));
        List<Row> rows = new ArrayList<>();
        java.util.Set<Workload> placed = new java.util.HashSet<>();
        for (Row r : base) {
            if (!redone.contains(r.w())) {
                rows.add(r);
            } else if (placed.add(r.w())) {
                fresh.stream().filter(f -> f.w().equals(r.w())).forEach(rows::add);
            }
        }
        fresh.stream().filter(f -> !placed.contains(f.w())).forEach(rows::add);
        String ids = redone.stream().map(Workload::id).distinct().collect(java.util.stream.Collectors.joining(", "));
        String earlier = baseRuns != null ? baseRuns : "the other rows from one earlier run.";
        String again = "the rows of " + ids + " come from a later run with the same settings; of the rest, ";
        if (earlier.startsWith(again)) {
            earlier = earlier.substring(again.length()); // the same workloads re-measured: their old rows are gone
        }
        return new Report(rows, s, Environment.describe(), "the rows of " + ids + " come from a later run with the same "
                + "settings; of the rest, " + earlier);
    }

    static List<Workload> workloads(boolean quick) {
        if (quick) {
            // one of each kind: what each layer costs against C, java.net and java.nio, and Netty and a real client
            return List.of(new Workload("W1", "ping-pong", "tcp", 1, "round trips/s"),
                    new Workload("W1", "ping-pong", "unix", 1, "round trips/s"),
                    new Workload("W2", "bulk, 64 KiB writes", "tcp", 65536, "GB/s"),
                    new Workload("W3", "UDP request/response", "udp", 64, "round trips/s"),
                    new Workload("W4", "connect + accept + close", "tcp", 0, "connections/s"),
                    new Workload("W5", "virtual threads, 1-byte ping-pong", "tcp", 1000, "round trips/s"),
                    new Workload("W6", W6_RR, "udp", 1200, "datagrams/s"),
                    new Workload("W8", W8_RELAY, "tcp", TransferBench.OP, "GB/s"),
                    NettyRun.workloads().get(0), AppRun.workloads().get(0));
        }
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
        workloads.add(new Workload("W3", "UDP one way, paced by the receiver", "udp", 64, "datagrams/s"));
        for (String t : new String[] {"tcp", "unix"}) {
            workloads.add(new Workload("W4", "connect + accept + close", t, 0, "connections/s"));
        }
        for (int n : quick ? new int[] {1000, 10_000} : new int[] {100, 1000, 10_000}) {
            workloads.add(new Workload("W5", "virtual threads, 1-byte ping-pong", "tcp", n, "round trips/s"));
        }
        for (int size : quick ? new int[] {1200} : new int[] {64, 1200}) {
            workloads.add(new Workload("W6", W6_RR, "udp", size, "datagrams/s"));
            workloads.add(new Workload("W6", W6_ONE_WAY, "udp", size, "datagrams/s"));
            workloads.add(new Workload("W6", W6_GSO, "udp", size, "datagrams/s"));
        }
        for (String t : quick ? new String[] {"tcp"} : new String[] {"tcp", "unix"}) {
            workloads.add(new Workload("W8", W8_RELAY, t, TransferBench.OP, "GB/s"));
        }
        workloads.add(new Workload("W8", W8_FILE, "tcp", TransferBench.OP, "GB/s"));
        workloads.add(new Workload("W8", W8_FDS, "unix", 1, "descriptors/s"));
        workloads.addAll(NettyRun.workloads());
        workloads.addAll(AppRun.workloads());
        return workloads;
    }

    /** The Java implementations measured on a workload. */
    static List<String> impls(Workload w, boolean quick) {
        List<String> all = switch (w.id()) {
            case "W1", "W2" -> List.of(Conn.STREAM_IMPLS);
            case "W3" -> List.of(Dgram.IMPLS);
            case "W5" -> List.of("safe", "safe-spin", "java.net", "nio-selector");
            case "W9" -> AppRun.IMPLS;
            case "W7" -> NettyRun.IMPLS;
            case "W6" -> w.name().equals(W6_GSO) ? List.of("safe-gso", "nio-direct")
                    : List.of("safe-batch-32", "safe-batch-64", "nio-direct", C_PER_DATAGRAM);
            case "W8" -> switch (w.name()) {
                case W8_RELAY -> List.of("safe-transfer", "safe-array", "safe-direct-buffer", "nio-direct", C_SPLICE);
                case W8_FILE -> List.of("safe-sendfile", "safe-sendfile-open", "safe-array", "nio-transferTo", "nio-direct",
                        C_SENDFILE);
                default -> List.of("c-style", "safe");
            };
            default -> List.of("c-style", "safe", "java.net", "java.net-ipv4", "nio");
        };
        List<String> quickOnes = List.of("c-style-native", "c-style", "safe-array", "safe", "java.net", "nio-direct", "nio",
                "nio-selector", "safe-batch-64", C_PER_DATAGRAM, "safe-transfer", C_SPLICE, "ffm-tcp", "ffm-unix",
                "ffm-transport", "ffm-provider", "netty-nio", "netty-epoll");
        return all.stream().filter(i -> !(w.transport().equals("unix") && i.startsWith("java.net")))
                .filter(i -> !quick || quickOnes.contains(i)).toList();
    }

    private static String cName(Workload w) {
        return switch (w.name()) {
            case "ping-pong" -> "pingpong";
            case "bulk, 64 KiB writes" -> "bulk";
            case "UDP request/response" -> "udp-rr";
            case "UDP one way, paced by the receiver" -> "udp-oneway";
            case W6_RR -> "udp-batch-rr";
            case W6_ONE_WAY -> "udp-batch-oneway";
            case W6_GSO -> "udp-gso-oneway";
            case W8_RELAY -> "relay";
            case W8_FILE -> "file";
            case W8_FDS -> "fdpass";
            default -> "connect";
        };
    }

    /**
     * Operations per second as the table shows them: GB/s for W2 and W8's transfers, datagrams/s for W6 (an operation
     * is 64).
     */
    static double inUnit(Workload w, double opsPerSecond) {
        return switch (w.id()) {
            case "W2" -> opsPerSecond * w.size() / 1e9;
            case "W8" -> w.unit().equals("GB/s") ? opsPerSecond * w.size() / 1e9 : opsPerSecond;
            case "W6" -> opsPerSecond * BatchBench.DEPTH;
            default -> opsPerSecond;
        };
    }

    /**
     * A second C row: W6's C with one system call per datagram, W8's C by splice or sendfile. A second C harness,
     * each of its windows paired with a window of the workload's C measured just before it, as a Java
     * implementation's are.
     */
    static Row otherC(Path harness, Workload w, String impl, Settings s, CHarness c, List<Double> cWindows,
                      List<Double> cSteal) throws IOException {
        String each = switch (impl) {
            case C_SPLICE -> "relay-splice";
            case C_SENDFILE -> "file-sendfile";
            default -> cName(w).replace("udp-batch", "udp-each");
        };
        List<Double> mine = new ArrayList<>(), myC = new ArrayList<>(), mySteal = new ArrayList<>();
        try (CHarness other = new CHarness(harness, each, w.transport(), w.size(), s.cWarmup())) {
            CpuSteal steal = CpuSteal.start();
            for (int i = 0; i < s.pairs(); i++) {
                steal.percentSinceAndRestart();
                myC.add(inUnit(w, c.window(s.window())));
                cSteal.add(steal.percentSinceAndRestart());
                mine.add(inUnit(w, other.window(s.window())));
                mySteal.add(steal.percentSinceAndRestart());
            }
        }
        cWindows.addAll(myC);
        return new Row(w, impl, mine, myC, mySteal, null, null, null, null);
    }

    /**
     * Runs one implementation in a JMH fork. With a C harness, each measured iteration is paired with a C window
     * measured just before it (added to {@code cWindows}); without one, only the allocation per operation is read.
     */
    static Row jmh(Workload w, String impl, Settings s, CHarness c, List<Double> cWindows, List<Double> cSteal)
            throws Exception {
        String method = switch (w.name()) {
            case "ping-pong" -> StreamBench.class.getName() + ".pingPong";
            case "bulk, 64 KiB writes" -> StreamBench.class.getName() + ".bulk";
            case "UDP request/response" -> DatagramBench.class.getName() + ".requestResponse";
            case "UDP one way, paced by the receiver" -> DatagramBench.class.getName() + ".oneWay";
            case W6_RR -> BatchBench.class.getName() + ".requestResponse";
            case W6_ONE_WAY, W6_GSO -> BatchBench.class.getName() + ".oneWay";
            case W8_RELAY -> TransferBench.class.getName() + ".relay";
            case W8_FILE -> TransferBench.class.getName() + ".file";
            case W8_FDS -> TransferBench.class.getName() + ".descriptors";
            default -> ConnectBench.class.getName() + ".connectAcceptClose";
        };
        boolean gc = c == null;
        List<String> jvm = new ArrayList<>(List.of("--enable-native-access=ALL-UNNAMED", "--sun-misc-unsafe-memory-access=allow"));
        if (impl.equals("java.net-ipv4")) {
            jvm.add("-Djava.net.preferIPv4Stack=true"); // the JDK's sockets without the dual-stack IPv6 socket
        }
        List<Double> mine = new ArrayList<>(), myC = new ArrayList<>(), mySteal = new ArrayList<>();
        try (ServerSocket control = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Thread pairer = null;
            if (!gc) {
                jvm.add("-Dffm.bench.pairing=" + control.getLocalPort());
                pairer = Thread.ofPlatform().start(() -> pair(control, w, c, s, myC, mySteal, cSteal));
            }
            ChainedOptionsBuilder o = new OptionsBuilder().include("^" + Pattern.quote(method) + "$")
                    .param("impl", impl.equals("java.net-ipv4") ? "java.net" : impl)
                    .forks(1).warmupIterations(s.warmups()).warmupTime(TimeValue.milliseconds((long) (s.warmupSeconds() * 1000)))
                    .measurementIterations(gc ? 3 : s.pairs()).measurementTime(TimeValue.milliseconds((long) (s.window() * 1000)))
                    .jvmArgsAppend(jvm.toArray(String[]::new)).shouldFailOnError(true).verbosity(VerboseMode.SILENT);
            if (!w.id().equals("W3") && !w.id().equals("W6")) {
                o = o.param("transport", w.transport());
            }
            if (w.id().equals("W1") || w.id().equals("W6")) {
                o = o.param("size", String.valueOf(w.size()));
            }
            if (gc) {
                // throughput mode: sample mode keeps its samples, which allocates in JMH itself
                o = o.addProfiler(GCProfiler.class).mode(org.openjdk.jmh.annotations.Mode.Throughput);
            }
            Collection<RunResult> results = new Runner(o.build()).run();
            if (pairer != null) {
                pairer.join();
            }
            if (results.size() != 1) {
                throw new IllegalStateException("expected one result for " + method + " " + impl + ", got " + results.size());
            }
            RunResult rr = results.iterator().next();
            List<Double> norms = new ArrayList<>();
            for (BenchmarkResult br : rr.getBenchmarkResults()) {
                for (IterationResult ir : br.getIterationResults()) {
                    double score = ir.getPrimaryResult().getScore();
                    mine.add(inUnit(w, w.id().equals("W1") && !gc ? 1e9 / score : score)); // W1: sample time per round trip
                    Result<?> norm = ir.getSecondaryResults().get("gc.alloc.rate.norm");
                    if (norm != null) {
                        norms.add(norm.getScore());
                    }
                }
            }
            if (gc) {
                return new Row(w, impl, mine, mine, List.of(), null, null, Stats.median(norms), null);
            }
            if (mine.size() != myC.size()) {
                throw new IllegalStateException(impl + ": " + mine.size() + " windows but " + myC.size() + " C windows");
            }
            cWindows.addAll(myC);
            Double p50 = null, p99 = null;
            if (w.id().equals("W1")) {
                p50 = rr.getPrimaryResult().getStatistics().getPercentile(50);
                p99 = rr.getPrimaryResult().getStatistics().getPercentile(99);
            }
            return new Row(w, impl, mine, myC, mySteal, p50, p99, null, null);
        }
    }

    /**
     * The driver's side of {@link Pairing}: each time the fork is ready for a measured iteration, one C window;
     * the steal of CPU 0 read at each turn, for the Java window that just ended and the C window.
     */
    private static void pair(ServerSocket control, Workload w, CHarness c, Settings s, List<Double> cWindows,
                             List<Double> javaSteal, List<Double> cSteal) {
        try (Socket fork = control.accept();
             BufferedReader in = new BufferedReader(new InputStreamReader(fork.getInputStream(), StandardCharsets.US_ASCII));
             PrintWriter out = new PrintWriter(fork.getOutputStream(), true, StandardCharsets.US_ASCII)) {
            CpuSteal steal = CpuSteal.start();
            boolean first = true;
            for (String line; (line = in.readLine()) != null && line.equals("ready"); first = false) {
                double javaStolen = steal.percentSinceAndRestart();
                if (!first) {
                    javaSteal.add(javaStolen);
                }
                cWindows.add(inUnit(w, c.window(s.window())));
                cSteal.add(steal.percentSinceAndRestart());
                out.println("go");
            }
            javaSteal.add(steal.percentSinceAndRestart()); // the last window, to the end of the fork
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Progress lines as the run goes. */
    static final class Progress {
        private final int total;
        private final long start = System.nanoTime();
        private int done;

        Progress(int total) {
            this.total = total;
        }

        void report(Row r) {
            done++;
            String vs = r.beside() == r.values() || r.beside().isEmpty() ? ""
                    : String.format(Locale.ROOT, "  %5.2f× C (median of %d pairs)", Stats.median(r.ratiosToC()), r.values().size());
            System.out.printf(Locale.ROOT, "[%2d/%d %4.0fs] %-4s %-34s %-18s %-20s %14s %s%s%n", done, total,
                    (System.nanoTime() - start) / 1e9, r.w().id(), r.w().name(), r.w().detail(), r.impl(),
                    Stats.format(r.median()), r.w().unit(), vs);
        }
    }
}
