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

/** The results of one run as JSON, as a Markdown table with the targets' verdicts, and as an SVG chart. */
final class Report {

    private final List<Row> rows;
    private final Settings settings;
    private final String machine;
    private final Map<String, List<Row>> byWorkload = new LinkedHashMap<>();

    Report(List<Row> rows, Settings settings, String machine) {
        this.rows = rows;
        this.settings = settings;
        this.machine = machine;
        for (Row r : rows) {
            byWorkload.computeIfAbsent(r.w().key() + " " + r.w().name(), k -> new ArrayList<>()).add(r);
        }
    }

    private Optional<Row> find(Workload w, String impl) {
        return rows.stream().filter(r -> r.w().equals(w) && r.impl().equals(impl)).findFirst();
    }

    /** {@code r} against {@code base}: median ratio, and the widest and narrowest ratios the spreads allow. */
    record Ratio(double median, double low, double high) {
        static Ratio of(Row r, Row base) {
            return new Ratio(r.median() / base.median(), r.min() / base.max(), r.max() / base.min());
        }
    }

    private String settingsLine() {
        return String.format(Locale.ROOT, "%s run: JMH %d fork%s, %d warm-up iteration%s of %s and %d measured of %s; "
                        + "C harness %d run%s of %.1f s after %.1f s of warm-up",
                settings.quick() ? "quick" : "full", settings.forks(), settings.forks() == 1 ? "" : "s", settings.warmups(),
                settings.warmups() == 1 ? "" : "s", settings.warmupTime(), settings.iterations(), settings.iterationTime(),
                settings.cRuns(), settings.cRuns() == 1 ? "" : "s", settings.cSeconds(), settings.cWarmup());
    }

    String json() {
        StringBuilder s = new StringBuilder("{\n  \"machine\": \"" + esc(machine) + "\",\n  \"settings\": \""
                + esc(settingsLine()) + "\",\n  \"placement\": \"every process pinned to CPU 0 (taskset -c 0)\",\n  \"results\": [\n");
        for (int i = 0; i < rows.size(); i++) {
            Row r = rows.get(i);
            s.append(String.format(Locale.ROOT, "    {\"workload\": \"%s\", \"name\": \"%s\", \"transport\": \"%s\", \"size\": %d, "
                            + "\"impl\": \"%s\", \"unit\": \"%s\", \"median\": %.3f, \"min\": %.3f, \"max\": %.3f, \"values\": %s%s%s%s}%s%n",
                    r.w().id(), esc(r.w().name()), r.w().transport(), r.w().size(), r.impl(), r.w().unit(), r.median(), r.min(),
                    r.max(), r.values().stream().map(v -> String.format(Locale.ROOT, "%.3f", v)).toList(),
                    r.p50Nanos() == null ? "" : String.format(Locale.ROOT, ", \"p50_ns\": %.0f", r.p50Nanos()),
                    r.p99Nanos() == null ? "" : String.format(Locale.ROOT, ", \"p99_ns\": %.0f", r.p99Nanos()),
                    r.bytesPerOp() == null ? "" : String.format(Locale.ROOT, ", \"bytes_per_op\": %.1f", r.bytesPerOp()),
                    i + 1 < rows.size() ? "," : ""));
        }
        return s.append("  ]\n}\n").toString();
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    String markdown() {
        StringBuilder s = new StringBuilder();
        s.append("Machine: ").append(machine).append(".  \n");
        s.append("Placement: every process (the C harness and each JMH fork, both ends of each connection) pinned to CPU 0.  \n");
        s.append("Settings: ").append(settingsLine()).append(". Median of all measured iterations, spread min–max; ")
                .append("ratios are of medians, measured in the same run.\n\n");
        s.append("| workload | implementation | median | spread | unit | vs C | vs java.net | RTT p50 / p99 µs | alloc B/op |\n");
        s.append("|---|---|---:|---:|---|---:|---:|---:|---:|\n");
        for (List<Row> group : byWorkload.values()) {
            Optional<Row> c = group.stream().filter(r -> r.impl().equals(Bench.C)).findFirst();
            Optional<Row> net = group.stream().filter(r -> r.impl().equals("java.net")).findFirst();
            for (Row r : group) {
                s.append(String.format(Locale.ROOT, "| %s %s %s | %s | %s | %s–%s | %s | %s | %s | %s | %s |%n",
                        r.w().id(), r.w().name(), r.w().detail(),
                        r.impl(), Stats.format(r.median()), Stats.format(r.min()), Stats.format(r.max()), r.w().unit(),
                        c.map(x -> String.format(Locale.ROOT, "%.2f", r.median() / x.median())).orElse("–"),
                        net.map(n -> String.format(Locale.ROOT, "%.2f", r.median() / n.median())).orElse("–"),
                        r.p50Nanos() == null ? "" : String.format(Locale.ROOT, "%.1f / %.1f", r.p50Nanos() / 1e3, r.p99Nanos() / 1e3),
                        r.bytesPerOp() == null ? "" : String.format(Locale.ROOT, "%.1f", r.bytesPerOp())));
            }
        }
        s.append("\n").append(verdicts());
        return s.toString();
    }

    /** The targets, each judged with the spreads: met, missed, or a tie when the spread covers the margin. */
    String verdicts() {
        StringBuilder s = new StringBuilder("Targets (a ratio whose spread straddles the threshold is a tie):\n\n");
        for (Workload w : rows.stream().map(Row::w).distinct().toList()) {
            Optional<Row> c = find(w, Bench.C);
            Optional<Row> net = find(w, "java.net");
            Optional<Row> nio = find(w, w.id().equals("W4") ? "nio" : "nio-direct");
            List<String[]> targets = switch (w.id()) {
                case "W1" -> List.of(new String[] {"c-style-native", "C", "0.97"}, new String[] {"safe-array", "C", "0.95"},
                        new String[] {"safe-segment", "C", "0.95"}, new String[] {"safe-direct-buffer", "C", "0.95"},
                        new String[] {"c-style-native", "java.net", "1.0"}, new String[] {"c-style-native", "nio", "1.0"},
                        new String[] {"safe-array", "java.net", "1.0"}, new String[] {"safe-array", "nio", "1.0"});
                case "W2" -> List.of(new String[] {"c-style-native", "C", "0.95"}, new String[] {"safe-segment", "C", "0.93"},
                        new String[] {"safe-direct-buffer", "C", "0.93"}, new String[] {"safe-segment", "java.net", "1.15"},
                        new String[] {"safe-direct-buffer", "java.net", "1.15"});
                case "W3" -> List.of(new String[] {"c-style-native", "C", "0.95"}, new String[] {"safe-segment", "C", "0.95"},
                        new String[] {"c-style-native", "nio", "1.0"}, new String[] {"safe-segment", "nio", "1.0"});
                case "W5" -> List.<String[]>of(new String[] {"safe", "java.net", "1.0"});
                default -> List.of(new String[] {"c-style", "C", "0.95"}, new String[] {"safe", "C", "0.95"},
                        new String[] {"c-style", "java.net", "1.2"}, new String[] {"safe", "java.net", "1.2"});
            };
            for (String[] t : targets) {
                Optional<Row> r = find(w, t[0]);
                Optional<Row> base = switch (t[1]) {
                    case "C" -> c;
                    case "java.net" -> net;
                    default -> nio;
                };
                if (r.isEmpty() || base.isEmpty()) {
                    continue;
                }
                double threshold = Double.parseDouble(t[2]);
                Ratio ratio = Ratio.of(r.get(), base.get());
                String verdict = ratio.low() >= threshold ? "met" : ratio.high() < threshold ? "MISSED" : "tie";
                s.append(String.format(Locale.ROOT, "- %s %s: %s ≥ %s × %s — %.2f× (spread %.2f–%.2f): **%s**%n",
                        w.id(), w.name() + " " + w.detail(),
                        t[0], t[2], base.get().impl(), ratio.median(), ratio.low(), ratio.high(), verdict));
            }
        }
        return s.toString();
    }

    /** Bars of each implementation's ratio to C, one group per workload, a line at 1.0. */
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
        s.append("<text x=\"10\" y=\"18\" font-size=\"14\" font-weight=\"bold\">Throughput as a fraction of C (median, same run, pinned to one CPU)</text>\n");
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
        return r.median() / find(r.w(), Bench.C).orElseThrow().median();
    }
}
