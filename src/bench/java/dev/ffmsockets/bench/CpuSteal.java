package dev.ffmsockets.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The time the hypervisor took from CPU 0, where every benchmark process runs: its {@code steal} ticks against all
 * its ticks in /proc/stat, between two readings. A window with steal was measured on a CPU shared with someone else.
 */
final class CpuSteal {

    private long steal, total;

    /** Starts an interval now. */
    static CpuSteal start() {
        CpuSteal s = new CpuSteal();
        s.read();
        return s;
    }

    /** The percentage of the interval's ticks that were stolen; starts the next interval. */
    double percentSinceAndRestart() {
        long steal0 = steal, total0 = total;
        read();
        long ticks = total - total0;
        return ticks <= 0 ? 0 : 100.0 * (steal - steal0) / ticks;
    }

    private void read() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/stat"))) {
                if (line.startsWith("cpu0 ")) {
                    String[] f = line.trim().split("\\s+");
                    long sum = 0;
                    for (int i = 1; i < f.length; i++) {
                        sum += Long.parseLong(f[i]);
                    }
                    total = sum;
                    steal = f.length > 8 ? Long.parseLong(f[8]) : 0;
                    return;
                }
            }
        } catch (IOException | NumberFormatException e) {
            // no /proc/stat: no steal is reported
        }
    }
}
