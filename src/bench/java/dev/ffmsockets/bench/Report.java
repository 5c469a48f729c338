package dev.ffmsockets.bench;

import dev.ffmsockets.bench.Bench.Row;
import dev.ffmsockets.bench.Bench.Settings;
import dev.ffmsockets.bench.Bench.Workload;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The results of one run as JSON, as a Markdown report (tables, the targets' verdicts, and the sentences that sum
 * them up, all made from the same numbers) and as an SVG chart.
 */
final class Report {

    private final List<Row> rows;
    private final Settings settings;
    private final String machine;
    private final Map<Workload, List<Row>> byWorkload = new LinkedHashMap<>();
    private final String provenance;

    Report(List<Row> rows, Settings settings, String machine) {
        this(rows, settings, machine, null);
    }

    /** A report whose rows come from more than one run: {@code provenance} says which came from where. */
    Report(List<Row> rows, Settings settings, String machine, String provenance) {
        this.rows = rows;
        this.settings = settings;
        this.machine = machine;
        this.provenance = provenance;
        for (Row r : rows) {
            byWorkload.computeIfAbsent(r.w(), k -> new ArrayList<>()).add(r);
        }
    }

    private Optional<Row> find(Workload w, String impl) {
        return rows.stream().filter(r -> r.w().equals(w) && r.impl().equals(impl)).findFirst();
    }

    /** A ratio: the median of its pairs, the 95% bootstrap interval of that median, and the pairs' extremes. */
    record Ratio(double median, double low, double high, double min, double max, int pairs) {
        static Ratio of(double[] pairs) {
            double[] interval = Stats.medianInterval(pairs);
            double min = Double.POSITIVE_INFINITY, max = Double.NEGATIVE_INFINITY;
            for (double p : pairs) {
                min = Math.min(min, p);
                max = Math.max(max, p);
            }
            return new Ratio(Stats.median(pairs), interval[0], interval[1], min, max, pairs.length);
        }

        String brief() {
            return String.format(Locale.ROOT, "%.2f× [%.2f–%.2f]", median, low, high);
        }
    }

    /**
     * {@code r} against {@code base}, pair by pair: against C, each window over its C window; against another Java
     * implementation, each one's ratio to C over the other's, window by window (drift cancels through C); for W5,
     * which has no C, window over window of the same round.
     */
    static Ratio ratio(Row r, Row base) {
        int n = Math.min(r.values().size(), base.values().size());
        double[] pairs = new double[n];
        for (int i = 0; i < n; i++) {
            if (base.impl().equals(Bench.C)) {
                pairs[i] = r.values().get(i) / r.beside().get(i);
            } else if (List.of("W5", "W7", "W9").contains(r.w().id())) {
                pairs[i] = r.values().get(i) / base.values().get(i);
            } else {
                pairs[i] = (r.values().get(i) / r.beside().get(i)) / (base.values().get(i) / base.beside().get(i));
            }
        }
        return Ratio.of(pairs);
    }

    /** One target: an implementation against a baseline, at least this ratio. */
    record Target(Workload w, String impl, String base, double threshold) {
    }

    /** A target's outcome. */
    record Verdict(Target target, Ratio ratio, String word) {
    }

    /** The targets of the project's issues, for the workloads and implementations this run measured. */
    List<Target> targets() {
        List<Target> t = new ArrayList<>();
        for (Workload w : byWorkload.keySet()) {
            List<String[]> specs = switch (w.id()) {
                case "W1" -> List.of(new String[] {"c-style-native", "C", "0.97"}, new String[] {"safe-array", "C", "0.95"},
                        new String[] {"safe-heap-buffer", "C", "0.95"}, new String[] {"safe-direct-buffer", "C", "0.95"},
                        new String[] {"safe-segment", "C", "0.95"}, new String[] {"safe-heap-segment", "C", "0.95"},
                        new String[] {"c-style-native", "java.net", "1.0"}, new String[] {"safe-array", "java.net", "1.0"},
                        new String[] {"c-style-native", "nio-direct", "1.0"}, new String[] {"safe-array", "nio-direct", "1.0"});
                case "W2" -> List.of(new String[] {"c-style-native", "C", "0.95"}, new String[] {"safe-array", "C", "0.95"},
                        new String[] {"safe-heap-buffer", "C", "0.95"}, new String[] {"safe-heap-segment", "C", "0.95"},
                        new String[] {"safe-direct-buffer", "C", "0.95"}, new String[] {"safe-segment", "C", "0.95"},
                        new String[] {"safe-segment", "java.net", "1.15"}, new String[] {"safe-direct-buffer", "java.net", "1.15"});
                case "W3" -> List.of(new String[] {"c-style-native", "C", "0.95"}, new String[] {"safe-array", "C", "0.95"},
                        new String[] {"safe-direct-buffer", "C", "0.95"}, new String[] {"safe-segment", "C", "0.95"},
                        new String[] {"c-style-native", "nio-direct", "1.0"}, new String[] {"safe-segment", "nio-direct", "1.0"});
                case "W4" -> List.of(new String[] {"c-style", "C", "0.95"}, new String[] {"safe", "C", "0.95"},
                        new String[] {"c-style", "java.net", "1.2"}, new String[] {"safe", "java.net", "1.2"},
                        new String[] {"c-style", "java.net-ipv4", "1.2"}, new String[] {"safe", "java.net-ipv4", "1.2"});
                case "W6" -> switch (w.name()) {
                    case Bench.W6_RR -> List.of(new String[] {"safe-batch-32", "C", "0.95"}, new String[] {"safe-batch-64", "C", "0.95"},
                            new String[] {"safe-batch-32", "nio-direct", "1.5"}, new String[] {"safe-batch-64", "nio-direct", "1.5"});
                    case Bench.W6_ONE_WAY -> List.of(new String[] {"safe-batch-32", "C", "0.95"},
                            new String[] {"safe-batch-64", "C", "0.95"});
                    default -> List.of(new String[] {"safe-gso", "C", "0.95"}, new String[] {"safe-gso", "nio-direct", "4.0"});
                };
                case "W9" -> List.<String[]>of(); // reported against java.net, with no target
                case "W7" -> List.of(new String[] {"ffm-transport", "netty-epoll", "1.0"},
                        new String[] {"ffm-transport", "netty-nio", w.unit().equals("requests/s") ? "1.2" : "1.0"},
                        new String[] {"ffm-provider", "netty-nio", "1.0"}, new String[] {"ffm-provider", "netty-epoll", "0.95"});
                case "W8" -> switch (w.name()) {
                    case Bench.W8_RELAY -> List.of(new String[] {"safe-transfer", "safe-array", "1.4"},
                            new String[] {"safe-transfer", "safe-direct-buffer", "1.4"}, new String[] {"safe-transfer", Bench.C_SPLICE, "0.95"});
                    case Bench.W8_FILE -> List.of(new String[] {"safe-sendfile", "safe-array", "1.4"},
                            new String[] {"safe-sendfile", "nio-direct", "1.4"}, new String[] {"safe-sendfile", Bench.C_SENDFILE, "0.95"},
                            new String[] {"safe-sendfile-open", Bench.C_SENDFILE, "0.95"});
                    default -> List.of(new String[] {"c-style", "C", "0.95"}, new String[] {"safe", "C", "0.95"});
                };
                default -> w.size() <= 1000
                        ? List.of(new String[] {"safe", "java.net", "1.0"}, new String[] {"safe", "nio-selector", "1.0"},
                                new String[] {"safe-spin", "nio-selector", "1.0"})
                        : List.<String[]>of(new String[] {"safe", "java.net", "1.0"});
            };
            for (String[] s : specs) {
                if (find(w, s[0]).isPresent() && find(w, s[1]).isPresent()) {
                    t.add(new Target(w, s[0], s[1], Double.parseDouble(s[2])));
                }
            }
        }
        return t;
    }

    List<Verdict> verdicts() {
        List<Verdict> v = new ArrayList<>();
        for (Target t : targets()) {
            Ratio r = ratio(find(t.w(), t.impl()).orElseThrow(), find(t.w(), t.base()).orElseThrow());
            v.add(new Verdict(t, r, Stats.verdict(r.median(), r.low(), r.high(), t.threshold())));
        }
        return v;
    }

    private static String steal(Row r) {
        return r.steal().isEmpty() ? "" : String.format(Locale.ROOT, "%.1f", r.steal().stream().mapToDouble(d -> d).max().orElse(0));
    }

    String json() {
        StringBuilder s = new StringBuilder("{\n  \"machine\": \"" + esc(machine) + "\",\n  \"settings\": \""
                + esc(settings.describe()) + "\",\n  \"placement\": \"every process pinned to CPU 0 (taskset -c 0)\",\n"
                + (provenance == null ? "" : "  \"runs\": \"" + esc(provenance) + "\",\n") + "  \"results\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            s.append(String.format(Locale.ROOT, "    {\"workload\": \"%s\", \"name\": \"%s\", \"transport\": \"%s\", \"size\": %d, "
                            + "\"impl\": \"%s\", \"unit\": \"%s\", \"median\": %.3f, \"windows\": %s, \"c_beside\": %s, \"steal_pct\": %s%s%s%s%s}%s%n",
                    r.w().id(), esc(r.w().name()), r.w().transport(), r.w().size(), r.impl(), r.w().unit(), r.median(),
                    numbers(r.values()), numbers(r.beside()), numbers(r.steal()),
                    r.p50Nanos() == null ? "" : String.format(Locale.ROOT, ", \"p50_ns\": %.0f", r.p50Nanos()),
                    r.p99Nanos() == null ? "" : String.format(Locale.ROOT, ", \"p99_ns\": %.0f", r.p99Nanos()),
                    r.bytesPerOp() == null ? "" : String.format(Locale.ROOT, ", \"bytes_per_op\": %.1f", r.bytesPerOp()),
                    r.memory() == null ? "" : String.format(Locale.ROOT, ", \"per_connection\": {\"rss\": %.0f, \"native\": %.0f, \"heap\": %.0f}",
                            r.memory().rss(), r.memory().nativeMemory(), r.memory().heap()),
                    i + 1 < rows.size() ? "," : ""));
        }
        s.append("  ],\n  \"verdicts\": [\n");
        List<Verdict> verdicts = verdicts();
        for (int i = 0; i < verdicts.size(); i++) {
            Verdict v = verdicts.get(i);
            s.append(String.format(Locale.ROOT, "    {\"workload\": \"%s %s\", \"impl\": \"%s\", \"base\": \"%s\", \"threshold\": %.2f, "
                            + "\"median\": %.3f, \"low\": %.3f, \"high\": %.3f, \"verdict\": \"%s\"}%s%n",
                    v.target().w().id(), esc(v.target().w().detail()), v.target().impl(), v.target().base(), v.target().threshold(),
                    v.ratio().median(), v.ratio().low(), v.ratio().high(), v.word(), i + 1 < verdicts.size() ? "," : ""));
        }
        return s.append("  ]\n}\n").toString();
    }

    private static final java.util.regex.Pattern ROW = java.util.regex.Pattern.compile(
            "\\{\"workload\": \"(W\\d)\", \"name\": \"((?:[^\"\\\\]|\\\\.)*)\", \"transport\": \"(\\w+)\", \"size\": (\\d+), "
            + "\"impl\": \"([^\"]+)\", \"unit\": \"([^\"]+)\", \"median\": [-\\d.]+, \"windows\": \\[([^\\]]*)\\], "
            + "\"c_beside\": \\[([^\\]]*)\\], \"steal_pct\": \\[([^\\]]*)\\](.*)\\}");

    /** The {@code runs} of a {@link #json()} document: which rows came from which run, or {@code null} for one run. */
    static String parseRuns(String json) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"runs\": \"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        return m.find() ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : null;
    }

    /** The rows of a {@link #json()} document: what a later run merges into (see {@link Bench}). */
    static List<Row> parse(String json) {
        List<Row> rows = new ArrayList<>();
        for (String line : json.lines().toList()) {
            java.util.regex.Matcher m = ROW.matcher(line.strip());
            if (!m.lookingAt()) {
                continue;
            }
            Workload w = new Workload(m.group(1), m.group(2).replace("\\\"", "\"").replace("\\\\", "\\"), m.group(3),
                    Integer.parseInt(m.group(4)), m.group(6));
            String rest = m.group(10);
            Double p50 = field(rest, "p50_ns"), p99 = field(rest, "p99_ns"), bytes = field(rest, "bytes_per_op");
            Double rss = field(rest, "rss"), nat = field(rest, "native"), heap = field(rest, "heap");
            rows.add(new Row(w, m.group(5), list(m.group(7)), list(m.group(8)), list(m.group(9)), p50, p99, bytes,
                    rss == null ? null : new Bench.Memory(rss, nat, heap)));
        }
        return rows;
    }

    private static List<Double> list(String numbers) {
        return numbers.isBlank() ? List.of()
                : java.util.Arrays.stream(numbers.split(",")).map(String::strip).map(Double::valueOf).toList();
    }

    private static Double field(String text, String name) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"" + name + "\": (-?[\\d.]+)").matcher(text);
        return m.find() ? Double.valueOf(m.group(1)) : null;
    }

    private static String numbers(List<Double> values) {
        return values.stream().map(v -> String.format(Locale.ROOT, "%.3f", v)).toList().toString();
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    String markdown() {
        StringBuilder s = new StringBuilder();
        s.append("Machine: ").append(machine).append(".  \n");
        s.append("Placement: every process (the C harness, each JMH fork, both ends of each connection) pinned to CPU 0.  \n");
        s.append("Method: ").append(settings.describe()).append(". A ratio is the median of its pairs with a 95% bootstrap ")
                .append("interval of that median; against another Java implementation, each one's ratio to C is compared ")
                .append("window by window. Steal is the most the hypervisor took from CPU 0 in any one window.\n");
        if (provenance != null) {
            s.append("Runs: ").append(provenance).append("\n");
        }
        s.append("\n");
        s.append("| workload | implementation | median | unit | vs C [95% interval] | pairs min–max | vs java.net | RTT p50 / p99 µs | alloc B/op | steal % |\n");
        s.append("|---|---|---:|---|---:|---:|---:|---:|---:|---:|\n");
        for (Map.Entry<Workload, List<Row>> e : byWorkload.entrySet()) {
            Workload w = e.getKey();
            if (List.of("W5", "W7", "W9").contains(w.id())) {
                continue;
            }
            Optional<Row> net = find(w, "java.net");
            for (Row r : e.getValue()) {
                boolean c = r.impl().equals(Bench.C);
                Ratio toC = c ? null : ratio(r, find(w, Bench.C).orElseThrow());
                s.append(String.format(Locale.ROOT, "| %s %s %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
                        w.id(), w.name(), w.detail(), r.impl(), Stats.format(r.median()), w.unit(),
                        c ? "1.00" : toC.brief(),
                        c ? "" : String.format(Locale.ROOT, "%.2f–%.2f", toC.min(), toC.max()),
                        net.map(n -> n == r ? "1.00" : c ? Ratio.of(inverse(n.ratiosToC())).brief() : ratio(r, n).brief()).orElse("–"),
                        r.p50Nanos() == null ? "" : String.format(Locale.ROOT, "%.1f / %.1f", r.p50Nanos() / 1e3, r.p99Nanos() / 1e3),
                        r.bytesPerOp() == null ? "" : String.format(Locale.ROOT, "%.1f", r.bytesPerOp()),
                        steal(r)));
            }
        }
        if (byWorkload.keySet().stream().anyMatch(w -> w.id().equals("W6"))) {
            s.append("\nW6: an operation is 64 datagrams (its alloc B/op is per 64 datagrams); each end runs the same ")
                    .append("implementation; C is batched (sendmmsg, recvmmsg with MSG_WAITFORONE; GSO/GRO in the GSO rows) and ")
                    .append("C-per-datagram makes one system call per datagram, its windows paired with the batched C's.\n");
        }
        if (byWorkload.keySet().stream().anyMatch(w -> w.id().equals("W8"))) {
            s.append("\nW8: a transfer operation moves 1 MiB; the source and sink threads run the same library as the measured ")
                    .append("one; C copies through a 64 KiB buffer (recv and send; pread and send), C-splice and C-sendfile move the ")
                    .append("bytes inside the kernel, their windows paired with the copying C's. Descriptors: one passed over a ")
                    .append("socket pair per operation (sendmsg with SCM_RIGHTS, recvmsg, close of the received one), on one thread.\n");
        }
        if (byWorkload.keySet().stream().anyMatch(w -> w.id().equals("W5"))) {
            s.append("\nW5, virtual threads, 1-byte ping-pong: the implementations' windows interleaved round by round; memory is what ")
                    .append("one more connection costs the server, between N/2 and N connections, each read after traffic (resident ")
                    .append("memory, native memory the program allocates (NMT's \"Other\": direct buffers, arenas), heap in use after a full ")
                    .append("collection); below ten thousand connections the process's own movements outweigh it.\n\n");
            s.append("| connections | implementation | median | unit | vs java.net | vs nio-selector | per connection: RSS / native / heap | steal % |\n");
            s.append("|---:|---|---:|---|---:|---:|---:|---:|\n");
            for (Map.Entry<Workload, List<Row>> e : byWorkload.entrySet()) {
                Workload w = e.getKey();
                if (!w.id().equals("W5")) {
                    continue;
                }
                for (Row r : e.getValue()) {
                    s.append(String.format(Locale.ROOT, "| %,d | %s | %s | %s | %s | %s | %s | %s |%n", w.size(), r.impl(),
                            Stats.format(r.median()), w.unit(),
                            find(w, "java.net").map(n -> n == r ? "1.00" : ratio(r, n).brief()).orElse("–"),
                            find(w, "nio-selector").map(n -> n == r ? "1.00" : ratio(r, n).brief()).orElse("–"),
                            r.memory() == null ? "" : String.format(Locale.ROOT, "%s / %s / %s", bytes(r.memory().rss()),
                                    bytes(r.memory().nativeMemory()), bytes(r.memory().heap())),
                            steal(r)));
                }
            }
        }
        if (byWorkload.keySet().stream().anyMatch(w -> w.id().equals("W7"))) {
            s.append("\nW7, Netty: this library's transport (ffm-transport: FfmIoHandler and its channels), its NIO transport ")
                    .append("over FfmSelectorProvider (ffm-provider), over the JDK's provider (netty-nio) and its native epoll ")
                    .append("transport (netty-epoll), each with its own server and client event loops of one thread, on the same ")
                    .append("CPU; the four interleaved window by window, each warmed up 4 s first. The HTTP rows are wrk's rate ")
                    .append("(one thread, 50 or 1,000 connections), one wrk run of 3 s per window.\n\n");
            s.append("| workload | implementation | median | unit | vs netty-nio [95% interval] | vs netty-epoll [95% interval] | steal % |\n");
            s.append("|---|---|---:|---|---:|---:|---:|\n");
            for (Map.Entry<Workload, List<Row>> e : byWorkload.entrySet()) {
                Workload w = e.getKey();
                if (!w.id().equals("W7")) {
                    continue;
                }
                for (Row r : e.getValue()) {
                    s.append(String.format(Locale.ROOT, "| %s %s | %s | %s | %s | %s | %s | %s |%n", w.id(), w.name(),
                            r.impl(), Stats.format(r.median()), w.unit(),
                            find(w, "netty-nio").map(n -> n == r ? "1.00" : ratio(r, n).brief()).orElse("–"),
                            find(w, "netty-epoll").map(n -> n == r ? "1.00" : ratio(r, n).brief()).orElse("–"), steal(r)));
                }
            }
        }
        if (byWorkload.keySet().stream().anyMatch(w -> w.id().equals("W9"))) {
            s.append("\nW9, real software over the java.net adapters: PostgreSQL's JDBC driver and OkHttp, through their ")
                    .append("default TCP sockets (java.net, the baseline), through FfmSocketFactory over TCP (ffm-tcp) and over ")
                    .append("the server's Unix socket (ffm-unix), against PostgreSQL and nginx of the system's packages on the same ")
                    .append("CPU; the three routes' windows interleaved round by round, each warmed up 4 s first.\n\n");
            s.append("| workload | route | median | unit | vs java.net [95% interval] | windows' ratios min–max | steal % |\n");
            s.append("|---|---|---:|---|---:|---:|---:|\n");
            for (Map.Entry<Workload, List<Row>> e : byWorkload.entrySet()) {
                Workload w = e.getKey();
                if (!w.id().equals("W9")) {
                    continue;
                }
                Row net = find(w, "java.net").orElseThrow();
                for (Row r : e.getValue()) {
                    Ratio toNet = ratio(r, net);
                    s.append(String.format(Locale.ROOT, "| %s %s | %s | %s | %s | %s | %s | %s |%n", w.id(), w.name(),
                            r.impl(), Stats.format(r.median()), w.unit(), r == net ? "1.00" : toNet.brief(),
                            r == net ? "" : String.format(Locale.ROOT, "%.2f–%.2f", toNet.min(), toNet.max()), steal(r)));
                }
            }
        }
        s.append("\n").append(verdictList()).append("\n").append(summary());
        return s.toString();
    }

    private static double[] inverse(double[] values) {
        double[] v = new double[values.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = 1 / values[i];
        }
        return v;
    }

    private static String bytes(double b) {
        return Math.abs(b) >= 1024 ? String.format(Locale.ROOT, "%.1f KiB", b / 1024) : String.format(Locale.ROOT, "%.0f B", b);
    }

    /** Every target with its ratio, interval and verdict. */
    String verdictList() {
        StringBuilder s = new StringBuilder("Targets (met: the whole interval clears the threshold; missed: it lies below; "
                + "otherwise above or below, by where the median is):\n\n");
        for (Verdict v : verdicts()) {
            Target t = v.target();
            s.append(String.format(Locale.ROOT, "- %s %s: %s ≥ %s × %s — %s: **%s**%n", t.w().id(), t.w().name() + " " + t.w().detail(),
                    t.impl(), fmt(t.threshold()), t.base(), v.ratio().brief(), v.word()));
        }
        for (Workload w : byWorkload.keySet()) {
            Optional<Row> safe = find(w, "safe"), net = find(w, "java.net");
            // judged where one more connection weighs most against the process's own noise (pages the collector and
            // the allocator take and give back): at ten thousand connections
            if (w.id().equals("W5") && w.size() >= 10_000 && safe.isPresent() && net.isPresent() && safe.get().memory() != null) {
                Bench.Memory a = safe.get().memory(), b = net.get().memory();
                s.append(String.format(Locale.ROOT, "- W5 %s: safe's memory per connection ≤ java.net's — RSS %s vs %s: **%s**; "
                                + "native %s vs %s: **%s**%n", w.detail(), bytes(a.rss()), bytes(b.rss()), a.rss() <= b.rss() ? "met" : "missed",
                        bytes(a.nativeMemory()), bytes(b.nativeMemory()), a.nativeMemory() <= b.nativeMemory() ? "met" : "missed"));
            }
        }
        return s.toString();
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? String.format(Locale.ROOT, "%.1f", d) : String.format(Locale.ROOT, "%.2f", d);
    }

    /** The sentences that sum the run up, made from the verdicts, so that they cannot say more than the numbers. */
    String summary() {
        List<Verdict> v = verdicts();
        Map<String, Integer> count = new LinkedHashMap<>();
        for (String word : List.of("met", "above", "below", "missed")) {
            count.put(word, (int) v.stream().filter(x -> x.word().equals(word)).count());
        }
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT, "Of %d targets, %d are met, %d have their median above "
                        + "the threshold but an interval that reaches below it, %d have their median below it, and %d are missed.",
                v.size(), count.get("met"), count.get("above"), count.get("below"), count.get("missed")));
        List<Verdict> short_ = v.stream().filter(x -> x.word().equals("below") || x.word().equals("missed")).toList();
        if (!short_.isEmpty()) {
            s.append(" Short of their targets:");
            for (int i = 0; i < short_.size(); i++) {
                Verdict x = short_.get(i);
                s.append(String.format(Locale.ROOT, "%s %s %s %s vs %s %.2f× against %s (%s)", i == 0 ? "" : ";",
                        x.target().w().id(), x.target().w().detail(), x.target().impl(), x.target().base(), x.ratio().median(),
                        fmt(x.target().threshold()), x.word()));
            }
            s.append(".");
        }
        return s.append("\n").toString();
    }

    /** Bars of each implementation's ratio to C (median of the pairs), one group per workload, a line at 1.0. */
    String svg() {
        int labelWidth = 330, barWidth = 420, rowHeight = 16, groupGap = 10, top = 40;
        List<List<Row>> groups = byWorkload.values().stream()
                .filter(g -> g.stream().anyMatch(r -> r.impl().equals(Bench.C))).toList(); // W5 has no C
        double scale = Math.max(1.2, groups.stream().flatMap(List::stream).mapToDouble(this::ratioToC).max().orElse(1.2));
        int height = top + groups.stream().mapToInt(g -> g.size() * rowHeight + groupGap).sum() + 30;
        int width = labelWidth + barWidth + 80;
        StringBuilder s = new StringBuilder(String.format(Locale.ROOT,
                "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" font-family=\"sans-serif\" font-size=\"11\">%n",
                width, height));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", width, height));
        s.append("<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">Throughput as a fraction of C (median of paired windows, pinned to one CPU)</text>\n");
        int y = top;
        for (List<Row> group : groups) {
            Workload w = group.getFirst().w();
            s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\" font-weight=\"bold\">%s %s %s</text>%n", y + 11,
                    w.id(), esc(w.name()), w.detail()));
            for (Row r : group) {
                double ratio = ratioToC(r);
                int len = (int) Math.round(barWidth * ratio / scale);
                String color = r.impl().equals(Bench.C) ? "#555" : r.impl().startsWith("c-style") ? "#1f77b4"
                        : r.impl().startsWith("safe") ? "#2ca02c" : "#ff7f0e";
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%s</text>%n",
                        labelWidth - 6, y + 11, r.impl()));
                s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"%s\"/>%n",
                        labelWidth, y + 2, len, rowHeight - 4, color));
                s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%.2f</text>%n", labelWidth + len + 4, y + 11, ratio));
                y += rowHeight;
            }
            y += groupGap;
        }
        int one = labelWidth + (int) Math.round(barWidth / scale);
        s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"black\" stroke-dasharray=\"3,3\"/>%n",
                one, top - 4, one, y));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">1.0 = C</text>%n", one, y + 14));
        return s.append("</svg>\n").toString();
    }

    private double ratioToC(Row r) {
        return r.impl().equals(Bench.C) ? 1.0 : Stats.median(r.ratiosToC());
    }
}
