package dev.ffmsockets.bench;

import dev.ffmsockets.bench.Bench.Row;
import dev.ffmsockets.bench.Bench.Workload;
import dev.ffmsockets.samples.Samples;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The benchmark report judges targets on paired windows with a bootstrap interval, never reads better than its
 * median, and the C harness runs and says what it measured.
 */
class ReportTest {

    private static final Workload W4 = new Workload("W4", "connect + accept + close", "tcp", 0, "connections/s");

    /** A row whose windows are {@code ratios} times the C windows beside them. */
    private static Row paired(String impl, List<Double> c, double... ratios) {
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < ratios.length; i++) {
            values.add(c.get(i) * ratios[i]);
        }
        return new Row(W4, impl, values, c, List.of(0.0), null, null, null, null);
    }

    @Test
    void aMedianBelowTheThresholdNeverReadsMetOrTie() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 1_000; i++) {
            double threshold = 0.5 + random.nextDouble();
            double[] pairs = new double[3 + random.nextInt(12)];
            for (int j = 0; j < pairs.length; j++) {
                pairs[j] = threshold * (0.8 + 0.4 * random.nextDouble());
            }
            double median = Stats.median(pairs);
            double[] ci = Stats.medianInterval(pairs);
            String v = Stats.verdict(median, ci[0], ci[1], threshold);
            if (median < threshold) {
                assertTrue(v.equals("below") || v.equals("missed"), v + " for a median " + median + " < " + threshold);
            } else {
                assertTrue(v.equals("above") || v.equals("met"), v + " for a median " + median + " >= " + threshold);
            }
            if (v.equals("met")) {
                assertTrue(ci[0] >= threshold, "met needs the whole interval at or above " + threshold + ": ["
                        + ci[0] + ", " + ci[1] + "], median " + median);
            }
            if (v.equals("missed")) {
                assertTrue(ci[1] < threshold, "missed needs the whole interval below " + threshold + ": ["
                        + ci[0] + ", " + ci[1] + "], median " + median);
            }
        }
    }

    @Test
    void aTargetIsJudgedOnTheMedianOfPairedRatiosAndItsInterval() {
        List<Double> c = List.of(100.0, 120.0, 90.0, 110.0, 100.0, 105.0, 95.0); // the host drifts
        Report r = new Report(List.of(
                new Row(W4, Bench.C, c, c, List.of(0.0), null, null, null, null),
                paired("c-style", c, 0.98, 0.99, 0.98, 0.97, 0.99, 0.98, 0.98),
                paired("safe", c, 0.96, 0.90, 0.99, 0.93, 0.94, 0.95, 0.92),
                paired("java.net", c, 0.82, 0.80, 0.83, 0.80, 0.81, 0.80, 0.82)), Bench.QUICK, "test machine");
        String v = r.verdictList();
        assertTrue(v.contains("c-style ≥ 0.95 × C — 0.98× [0.98–0.99]: **met**"), v);
        assertTrue(v.contains("safe ≥ 0.95 × C — 0.94× [0.92–0.96]: **below**"), v);
        assertTrue(v.contains("c-style ≥ 1.20 × java.net — 1.21× [1.20–1.22]: **above**"), v);
        assertTrue(v.contains("safe ≥ 1.20 × java.net — 1.16×"), v);
        assertTrue(r.summary().startsWith("Of 4 targets, 1 are met, 1 have their median above the threshold"), r.summary());
        assertTrue(r.summary().contains("safe vs C 0.94× against 0.95 (below)"), r.summary());
    }

    @Test
    void batchAndTransferTargetsCompareWithCAndWithTheCopyingLoops() {
        List<Double> c = List.of(100.0, 102.0, 98.0, 101.0, 99.0);
        Workload relay = new Workload("W8", Bench.W8_RELAY, "unix", 1 << 20, "GB/s");
        Workload gso = new Workload("W6", Bench.W6_GSO, "udp", 1200, "datagrams/s");
        List<Row> rows = new ArrayList<>();
        rows.add(new Row(relay, Bench.C, c, c, List.of(0.0), null, null, null, null));
        rows.add(on(relay, paired("safe-transfer", c, 2.0, 2.1, 2.0, 1.9, 2.0)));
        rows.add(on(relay, paired("safe-array", c, 1.0, 1.0, 1.1, 1.0, 1.0)));
        rows.add(on(relay, paired("safe-direct-buffer", c, 1.5, 1.6, 1.5, 1.4, 1.5)));
        rows.add(on(relay, paired(Bench.C_SPLICE, c, 2.2, 2.2, 2.1, 2.2, 2.3)));
        rows.add(new Row(gso, Bench.C, c, c, List.of(0.0), null, null, null, null));
        rows.add(on(gso, paired("safe-gso", c, 1.0, 1.0, 0.99, 1.01, 1.0)));
        rows.add(on(gso, paired("nio-direct", c, 0.3, 0.3, 0.3, 0.3, 0.3)));
        String v = new Report(rows, Bench.QUICK, "test machine").verdictList();
        assertTrue(v.contains("safe-transfer ≥ 1.40 × safe-array — 2.00×"), v);
        assertTrue(v.contains("safe-transfer ≥ 1.40 × safe-direct-buffer — 1.33×"), v);
        assertTrue(v.contains("safe-transfer ≥ 0.95 × C-splice — 0.91×"), v);
        assertTrue(v.contains("safe-gso ≥ 4.0 × nio-direct — 3.33×"), v);
        assertTrue(v.contains("safe-gso ≥ 0.95 × C — 1.00×"), v);
    }

    private static Row on(Workload w, Row r) {
        return new Row(w, r.impl(), r.values(), r.beside(), r.steal(), null, null, null, null);
    }

    @Test
    void aRunReadsBackFromItsJsonAndMergesIntoAnother() {
        List<Double> c = List.of(100.0, 102.0, 98.0);
        Workload w8 = new Workload("W8", Bench.W8_RELAY, "unix", 1 << 20, "GB/s");
        List<Row> first = List.of(new Row(W4, Bench.C, c, c, List.of(0.0, 1.5, 0.0), null, null, null, null),
                paired("c-style", c, 0.97, 0.98, 0.97), on(w8, paired("safe-transfer", c, 1.0, 1.0, 1.0)),
                new Row(w8, Bench.C, c, c, List.of(0.0, 0.0, 0.0), 1500.0, 2500.0, 0.1, new Bench.Memory(3072, 0, -512)));
        List<Row> back = Report.parse(new Report(first, Bench.QUICK, "test machine").json());
        assertEquals(first.size(), back.size());
        for (int i = 0; i < first.size(); i++) {
            assertEquals(first.get(i), back.get(i), "row " + i);
        }
        assertNull(Report.parseRuns(new Report(first, Bench.QUICK, "test machine").json()), "one run");
        Report merged = Bench.merged(back, null, List.of(on(w8, paired("safe-transfer", c, 2.0, 2.0, 2.0)),
                new Row(w8, Bench.C, c, c, List.of(0.0, 0.0, 0.0), null, null, null, null)), Bench.QUICK);
        String md = merged.markdown();
        assertTrue(md.contains("| W8 relay between two connections unix | safe-transfer | 200 |"), md);
        assertTrue(md.contains("| W4 connect + accept + close tcp | c-style | 97.0 |"), "rows of other workloads stay: " + md);
        assertTrue(md.contains("Runs: the rows of W8 come from a later run with the same settings; of the rest, "
                + "the other rows from one earlier run."), md);
        // a second merge keeps what the first said about the rows it leaves
        String json = merged.json();
        Report again = Bench.merged(Report.parse(json), Report.parseRuns(json),
                List.of(new Row(W4, Bench.C, c, c, List.of(0.0, 0.0, 0.0), null, null, null, null),
                        paired("c-style", c, 0.99, 0.99, 0.99)), Bench.QUICK);
        assertTrue(again.markdown().contains("Runs: the rows of W4 come from a later run with the same settings; of the "
                + "rest, the rows of W8 come from a later run"), again.markdown());
        // the same workload re-measured once more: its earlier rows are gone, and so is what was said of them
        String json2 = again.json();
        Report third = Bench.merged(Report.parse(json2), Report.parseRuns(json2),
                List.of(new Row(W4, Bench.C, c, c, List.of(0.0, 0.0, 0.0), null, null, null, null),
                        paired("c-style", c, 0.98, 0.98, 0.98)), Bench.QUICK);
        String runs = third.markdown().lines().filter(l -> l.startsWith("Runs:")).findFirst().orElseThrow();
        assertEquals(runs.indexOf("rows of W4"), runs.lastIndexOf("rows of W4"), runs);
    }

    @Test
    void nettyRowsAreJudgedAgainstNettysOwnTransports() {
        Workload w7 = new Workload("W7", NettyRun.PING_PONG, "tcp", 1, "round trips/s");
        List<Double> nio = List.of(100.0, 100.0, 100.0, 100.0), epoll = List.of(120.0, 120.0, 120.0, 120.0),
                ours = List.of(110.0, 111.0, 109.0, 110.0);
        List<Row> rows = List.of(new Row(w7, "ffm-provider", ours, ours, List.of(0.0, 0.0, 0.0, 0.0), null, null, null, null),
                new Row(w7, "netty-nio", nio, nio, List.of(0.0, 0.0, 0.0, 0.0), null, null, null, null),
                new Row(w7, "netty-epoll", epoll, epoll, List.of(0.0, 0.0, 0.0, 0.0), null, null, null, null));
        Report r = new Report(rows, Bench.QUICK, "test machine");
        String md = r.markdown();
        assertTrue(md.contains("| W7 Netty echo, 1-byte ping-pong | ffm-provider | 110 | round trips/s | 1.10× [1.09–1.11] | 0.92× [0.91–0.93] |"), md);
        assertEquals(List.of("met", "missed"), r.verdicts().stream().map(Report.Verdict::word).toList(),
                "ahead of Netty NIO: met; 0.92 of native epoll against 0.95: missed");
        assertTrue(md.contains("W7 Netty ping-pong ffm-provider vs netty-epoll 0.92× against 0.95 (missed)"), md);
    }

    @Test
    void realSoftwareRowsAreReportedAgainstJavaNetWithoutC() {
        Workload w9 = new Workload("W9", AppRun.PG_QUERY, "app", 0, "queries/s");
        List<Double> net = List.of(10_000.0, 10_200.0, 9_800.0);
        List<Row> rows = List.of(new Row(w9, "java.net", net, net, List.of(0.0, 0.0, 0.0), null, null, null, null),
                new Row(w9, "ffm-unix", List.of(15_000.0, 15_300.0, 14_700.0), List.of(15_000.0, 15_300.0, 14_700.0),
                        List.of(0.0, 0.0, 0.0), null, null, null, null));
        Report r = new Report(rows, Bench.QUICK, "test machine");
        String md = r.markdown();
        assertTrue(md.contains("| W9 PostgreSQL JDBC, prepared SELECT 1 | ffm-unix | 15,000 | queries/s | 1.50× [1.50–1.50] | 1.50–1.50 |"), md);
        assertTrue(md.contains("| W9 PostgreSQL JDBC, prepared SELECT 1 | java.net | 10,000 | queries/s | 1.00 |"), md);
        assertTrue(r.verdicts().isEmpty(), "no target for W9");
        assertEquals(rows, Report.parse(r.json()));
    }

    @Test
    void theTableTheJsonAndTheChartCarryEveryRow() {
        List<Double> c = List.of(100.0, 102.0, 98.0);
        Report r = new Report(List.of(new Row(W4, Bench.C, c, c, List.of(0.0, 1.5, 0.0), null, null, null, null),
                paired("c-style", c, 0.97, 0.98, 0.97)), Bench.QUICK, "test machine");
        String md = r.markdown();
        assertTrue(md.contains("| W4 connect + accept + close tcp | c-style | 97.0 | connections/s | 0.97× [0.97–0.98] | 0.97–0.98 |"), md);
        assertTrue(md.contains("| W4 connect + accept + close tcp | C | 100 | connections/s | 1.00 |"), md);
        assertTrue(md.contains("| 1.5 |"), "the steal of the C windows: " + md);
        assertTrue(r.json().contains("\"impl\": \"c-style\", \"unit\": \"connections/s\", \"median\": 97.000"), r.json());
        assertTrue(r.json().contains("\"verdict\": \"met\""), r.json());
        String svg = r.svg();
        assertTrue(svg.startsWith("<svg") && svg.strip().endsWith("</svg>"), svg);
        assertTrue(svg.contains(">0.97</text>"), svg);
    }

    @Test
    void theCHarnessMeasuresEachWorkloadAndServesWindows() throws Exception {
        Samples.buildNative();
        String harness = Samples.nativeBuild().resolve("bench").toString();
        for (String[] w : new String[][] {{"pingpong", "tcp", "1"}, {"bulk", "unix", "65536"}, {"udp-rr", "udp", "64"},
                {"udp-oneway", "udp", "64"}, {"connect", "unix", "0"}, {"udp-batch-rr", "udp", "1200"},
                {"udp-each-rr", "udp", "64"}, {"udp-batch-oneway", "udp", "64"}, {"udp-each-oneway", "udp", "1200"},
                {"udp-gso-oneway", "udp", "1200"}, {"relay", "tcp", "1048576"}, {"relay-splice", "unix", "1048576"},
                {"file", "tcp", "1048576"}, {"file-sendfile", "tcp", "1048576"}, {"fdpass", "unix", "1"}}) {
            Samples.Run run = Samples.run(List.of(harness, w[0], w[1], w[2], "0.2", "0.05"), 60);
            assertEquals(0, run.status(), run.output());
            // the window lasts at least the 0.2 s asked for, longer on a busy machine: its length is not checked
            String expected = "{\"workload\":\"" + w[0] + "\",\"transport\":\"" + w[1] + "\",\"size\":" + w[2]
                    + ",\"ops\":N>0,\"seconds\":S>=0.2,\"rate\":R}";
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?s)\\{\"workload\":\"" + w[0] + "\",\"transport\":\""
                    + w[1] + "\",\"size\":" + w[2] + ",\"ops\":([1-9]\\d*),\"seconds\":([\\d.]+),\"rate\":[\\d.]+\\}\\n.*")
                    .matcher(run.output());
            assertTrue(m.matches() && Double.parseDouble(m.group(2)) >= 0.2,
                    "expected a first line " + expected + "; the harness printed: " + run.output());
        }
        try (CHarness c = new CHarness(Samples.nativeBuild().resolve("bench"), "pingpong", "unix", 1, 0.05)) {
            double first = c.window(0.1), second = c.window(0.1);
            assertTrue(first > 0 && second > 0, "two windows' rates, both above 0: " + first + ", " + second);
            double[] p = c.percentiles();
            assertTrue(p[0] > 0 && p[1] >= p[0], "p50 " + p[0] + ", p99 " + p[1]);
        }
    }
}
