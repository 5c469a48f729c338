package dev.ffmsockets.bench;

import dev.ffmsockets.bench.Bench.Row;
import dev.ffmsockets.bench.Bench.Settings;
import dev.ffmsockets.bench.Bench.Workload;
import dev.ffmsockets.samples.Samples;
import org.junit.jupiter.api.Test;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The benchmark report judges targets with the spreads, and the C harness runs and says what it measured. */
class ReportTest {

    private static final Workload W4 = new Workload("W4", "connect + accept + close", "tcp", 0, "connections/s");
    private static final Settings QUICK = new Settings(true, 1, 1, TimeValue.seconds(1), 1, TimeValue.seconds(1), 1, 1, 1);

    private static Row row(String impl, Double... values) {
        return new Row(W4, impl, List.of(values), null, null, null);
    }

    @Test
    void aTargetIsMetMissedOrATieByTheSpread() {
        Report r = new Report(List.of(row("C", 100.0, 102.0), row("c-style", 97.0, 98.0), row("safe", 80.0, 99.0),
                row("java.net", 70.0, 71.0)), QUICK, "test machine");
        String v = r.verdicts();
        assertTrue(v.contains("c-style ≥ 0.95 × C — 0.97× (spread 0.95–0.98): **met**"), v);
        assertTrue(v.contains("safe ≥ 0.95 × C — 0.89× (spread 0.78–0.99): **tie**"), v);
        assertTrue(v.contains("c-style ≥ 1.2 × java.net — 1.38× (spread 1.37–1.40): **met**"), v);
        Report missed = new Report(List.of(row("C", 100.0, 100.0), row("c-style", 90.0, 91.0)), QUICK, "m");
        assertTrue(missed.verdicts().contains("**MISSED**"), missed.verdicts());
    }

    @Test
    void theTableTheJsonAndTheChartCarryEveryRow() {
        Report r = new Report(List.of(row("C", 100.0, 102.0), row("c-style", 97.0, 98.0)), QUICK, "test machine");
        String md = r.markdown();
        assertTrue(md.contains("| W4 connect + accept + close tcp | c-style | 97.5 | 97.0–98.0 | connections/s | 0.97 |"), md);
        assertTrue(r.json().contains("\"impl\": \"c-style\", \"unit\": \"connections/s\", \"median\": 97.500"), r.json());
        String svg = r.svg();
        assertTrue(svg.startsWith("<svg") && svg.strip().endsWith("</svg>"), svg);
        assertTrue(svg.contains(">0.97</text>"), svg);
    }

    @Test
    void theCHarnessMeasuresEachWorkload() throws Exception {
        Samples.buildNative();
        for (String[] w : new String[][] {{"pingpong", "tcp", "1"}, {"bulk", "unix", "65536"}, {"udp-rr", "udp", "64"},
                {"udp-oneway", "udp", "64"}, {"connect", "unix", "0"}}) {
            Samples.Run run = Samples.run(List.of(Samples.nativeBuild().resolve("bench").toString(), w[0], w[1], w[2],
                    "0.2", "0.05"), 60);
            assertEquals(0, run.status(), run.output());
            assertTrue(run.output().matches("(?s)\\{\"workload\":\"" + w[0] + "\",\"transport\":\"" + w[1] + "\",\"size\":" + w[2]
                    + ",\"ops\":[1-9]\\d*,\"seconds\":0\\.2\\d\\d,\"rate\":[\\d.]+.*\\}\\n"), run.output());
        }
    }
}
