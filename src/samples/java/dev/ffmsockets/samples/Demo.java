package dev.ffmsockets.samples;

import dev.ffmsockets.samples.Samples.Exchange;
import dev.ffmsockets.samples.Samples.Impl;
import dev.ffmsockets.samples.Samples.Run;
import dev.ffmsockets.samples.Samples.Sample;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code scripts/demo} shows: the C samples and their Java ports talking to each other, the strace of the
 * C server beside its Java port's, and a short ping-pong against C and java.net. Exits 1 if anything failed.
 */
public final class Demo {

    private static final boolean COLOR = System.console() != null && System.getenv("NO_COLOR") == null;
    private static final String BOLD = COLOR ? "\033[1m" : "", DIM = COLOR ? "\033[2m" : "", GREEN = COLOR ? "\033[32m" : "",
            RED = COLOR ? "\033[31m" : "", RESET = COLOR ? "\033[0m" : "";
    private static final String OK = GREEN + "✓" + RESET, FAIL = RED + "✗" + RESET, WARN = RED + "!";

    private Demo() {
    }

    private static int failures;

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 3;
        Path dir = Files.createTempDirectory("ffm-sockets-demo");
        try {
            heading("Building the C samples (cc -Wall -Wextra -Werror -O2)");
            List<Path> built = Samples.buildNative();
            System.out.println("  " + (built.isEmpty() ? "up to date in " : "built " + built.size() + " programs into ")
                    + Samples.nativeBuild());
            interop(dir);
            strace(dir);
            pingPong(seconds);
        } finally {
            try (var files = Files.walk(dir)) {
                files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
        System.out.println();
        if (failures == 0) {
            System.out.println(BOLD + GREEN + "Everything worked." + RESET);
        } else {
            System.out.println(BOLD + RED + failures + " thing" + (failures == 1 ? "" : "s") + " failed." + RESET);
            System.exit(1);
        }
    }

    private static void heading(String title) {
        System.out.println();
        System.out.println(BOLD + "== " + title + RESET);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\n", "\\n").replace("\r", "\\r") + "\"";
    }

    private static void interop(Path dir) throws Exception {
        heading("1. C and Java talking to each other, over loopback and a Unix socket");
        System.out.println(DIM + "  Each line is two processes: a server and a client, one of them C (or Python), the other Java." + RESET);
        for (Sample s : Sample.values()) {
            System.out.println();
            System.out.println("  " + BOLD + s + RESET + DIM + "   (native/" + s.program(Impl.C, true) + ".c and " + s.program(Impl.C, false) + ".c)" + RESET);
            List<Impl[]> pairs = new ArrayList<>(List.of(
                    new Impl[] {Impl.C, Impl.CSTYLE}, new Impl[] {Impl.C, Impl.SAFE},
                    new Impl[] {Impl.CSTYLE, Impl.C}, new Impl[] {Impl.SAFE, Impl.C}));
            if (s.hasPython()) {
                pairs.add(new Impl[] {Impl.PYTHON, Impl.CSTYLE});
                pairs.add(new Impl[] {Impl.SAFE, Impl.PYTHON});
            }
            for (Impl[] p : pairs) {
                String label = String.format("%-20s server  ⇄  %-20s client", p[0].label, p[1].label);
                System.out.print("    " + label + "  ");
                System.out.flush();
                Exchange x;
                try {
                    x = Samples.exchange(s, p[0], p[1], dir, null, false);
                } catch (RuntimeException e) {
                    failures++;
                    System.out.println(FAIL + " " + e.getMessage());
                    continue;
                }
                if (x.ok()) {
                    System.out.println(OK + " client got " + quote(x.clientRun().output()));
                } else {
                    failures++;
                    System.out.println(FAIL + " expected " + quote(x.expected()) + ", client said " + quote(x.clientRun().output())
                            + " (exit " + x.clientRun().status() + "), server said " + quote(x.serverRun().output()));
                }
            }
        }
    }

    private static void strace(Path dir) throws Exception {
        heading("2. strace: the C server and its Java port make the same system calls");
        if (Samples.run(List.of("sh", "-c", "command -v strace"), 10).status() != 0) {
            failures++;
            System.out.println("  " + FAIL + " strace is not installed (scripts/demo installs it with apt-get when it may)");
            return;
        }
        System.out.println(DIM + "  Both served one C client under strace -f. Shown: the socket calls (and close/read/write on sockets);"
                + "\n  descriptors are named F1, F2..., ephemeral ports PORT. The JVM's own start-up is before the program's first"
                + "\n  line and on other threads, so it is not part of the program's trace." + RESET);
        for (Sample s : new Sample[] {Sample.TCP_HELLO, Sample.UDP_ECHO, Sample.FD_PASS}) {
            Strace cTrace = new Strace(dir.resolve(s + "-c.strace"));
            Strace jTrace = new Strace(dir.resolve(s + "-java.strace"));
            Exchange c = Samples.exchange(s, Impl.C, Impl.C, dir, cTrace, true);
            Exchange j = Samples.exchange(s, Impl.CSTYLE, Impl.C, dir, jTrace, true);
            List<String> cCalls = cTrace.calls(dir), jCalls = jTrace.calls(dir);
            System.out.println();
            System.out.print(Strace.sideBySide("C  " + s.program(Impl.C, true), cCalls,
                    "Java  " + s.program(Impl.CSTYLE, true).replace("dev.ffmsockets.samples.", ""), jCalls)
                    .lines().map(l -> "  " + l).reduce("", (a, b) -> a + b + "\n"));
            boolean same = cCalls.equals(jCalls) && c.ok() && j.ok() && !cCalls.isEmpty();
            if (!same) {
                failures++;
            }
            System.out.println("  " + (same ? OK + " identical: " + cCalls.size() + " socket calls, same order, same arguments"
                    : FAIL + " the traces differ (lines marked !)"));
        }
    }

    private static void pingPong(double seconds) throws Exception {
        heading(String.format(Locale.ROOT, "3. Ping-pong: 1-byte round trips over TCP loopback, %.0f s each", seconds));
        boolean pin = Samples.run(List.of("sh", "-c", "command -v taskset"), 10).status() == 0;
        System.out.println(DIM + "  Client and echo server are two threads of one process"
                + (pin ? ", both pinned to CPU 0 (taskset), which gives the steadiest figures" : "") + "; 1 s warm-up first."
                + "\n  Each Java run is paired with a C run just before it, and compared with that one: a machine"
                + " whose load\n  changes moves both." + RESET);
        String busy = busy();
        if (busy != null) {
            System.out.println(WARN + " " + busy + RESET);
        }
        String[][] impls = {{"Java, C-style API", "c-style-native"}, {"Java, safe wrapper", "safe-array"},
                {"java.net.Socket", "java.net"}};
        System.out.println();
        System.out.printf("    %-22s %14s %12s %12s%n", "", "round trips/s", "RTT (µs)", "vs its C run");
        String secs = String.format(Locale.ROOT, "%.1f", seconds);
        for (String[] impl : impls) {
            double c = rate("C", List.of(Samples.nativeBuild().resolve("bench").toString(), "pingpong", "tcp", "1", secs,
                    "1"), pin, seconds, null);
            List<String> java = new ArrayList<>(Samples.jvm());
            java.addAll(List.of("dev.ffmsockets.bench.RoundTrips", impl[1], "tcp", "1", secs, "1"));
            rate(impl[0], java, pin, seconds, c);
        }
        System.out.println(DIM + "  Short runs, for a feel of it; scripts/bench measures properly (JMH, repeated, with spread)." + RESET);
    }

    /** Runs one ping-pong and prints its row; the rate, or NaN if it failed. */
    private static double rate(String name, List<String> command, boolean pin, double seconds, Double c)
            throws Exception {
        List<String> cmd = new ArrayList<>();
        if (pin) {
            cmd.addAll(List.of("taskset", "-c", "0"));
        }
        cmd.addAll(command);
        System.out.printf("    %-22s ", name);
        System.out.flush();
        Run r = Samples.run(cmd, (int) seconds + 60);
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\"rate\":([0-9.]+)").matcher(r.output());
        if (r.status() != 0 || !m.find()) {
            failures++;
            System.out.println(FAIL + " " + r.output().strip());
            return Double.NaN;
        }
        double rate = Double.parseDouble(m.group(1));
        System.out.printf(Locale.ROOT, "%14.0f %12.1f %12s%n", rate, 1e6 / rate,
                c == null ? "" : Double.isNaN(c) ? "-" : String.format(Locale.ROOT, "%.2f×", rate / c));
        return rate;
    }

    /**
     * A warning when other work competes for the CPUs (a load average above half of them): the figures are then
     * rough, and only their pairing holds.
     */
    static String busy() {
        try {
            String[] load = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ");
            double one = Double.parseDouble(load[0]);
            int cpus = Runtime.getRuntime().availableProcessors();
            if (one > cpus * 0.5) {
                return String.format(Locale.ROOT, "The machine is busy (load average %.2f on %d CPU%s): the rates below"
                        + " are lower and rougher than on an idle one; compare the ratios.", one, cpus, cpus == 1 ? "" : "s");
            }
        } catch (java.io.IOException | RuntimeException e) {
            return null; // no /proc: nothing to say
        }
        return null;
    }
}
