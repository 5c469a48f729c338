package dev.ffmsockets.bench;

import dev.ffmsockets.bench.Bench.Memory;
import dev.ffmsockets.bench.Bench.Row;
import dev.ffmsockets.bench.Bench.Settings;
import dev.ffmsockets.bench.Bench.Workload;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * W5 as {@link Bench} runs it: for each implementation a server process and a client process of
 * {@link ManyConnections}, all alive at once; the server's memory read at N/2 and at N connections (what one more
 * connection costs: resident, native by NMT, heap); then windows of the implementations in turn, round after
 * round, so that each round's windows are measured next to each other.
 */
final class ManyConnectionsRun {

    /** The spin of safe-spin's pollers: a few microseconds of empty polls before parking. */
    static final int SPIN = 64;

    private ManyConnectionsRun() {
    }

    /** One process of ManyConnections, spoken to on its standard input. */
    private record Proc(Process process, BufferedReader out, PrintWriter in) {
        static Proc start(List<String> command) throws IOException {
            Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
            return new Proc(p, new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII)),
                    new PrintWriter(p.getOutputStream(), true, StandardCharsets.US_ASCII));
        }

        String ask(String command) throws IOException {
            if (command != null) {
                in.println(command);
            }
            String line = out.readLine();
            if (line == null) {
                throw new IOException("a W5 process ended before answering " + command);
            }
            return line;
        }
    }

    /** A server's memory: resident (kB), native allocated by the program (NMT's "Other", kB), heap in use (bytes). */
    private record Sample(double rssKb, double nativeKb, double heapBytes) {
    }

    static List<Row> measure(Workload w, List<String> impls, Settings s, Bench.Progress progress) throws Exception {
        List<String> java = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"));
        List<Proc> servers = new ArrayList<>(), clients = new ArrayList<>();
        List<Memory> memory = new ArrayList<>();
        try {
            for (String impl : impls) {
                // safe-spin: the wrapper with its pollers polling this many times before they park (both processes)
                List<String> jvm = new ArrayList<>(java);
                if (impl.equals("safe-spin")) {
                    jvm.add(1, "-Dffmsockets.poller.spin=" + SPIN);
                }
                List<String> server = new ArrayList<>(jvm);
                server.add(1, "-XX:NativeMemoryTracking=summary");
                server.addAll(List.of(ManyConnections.class.getName(), "server", impl, String.valueOf(w.size())));
                Proc sp = Proc.start(server);
                servers.add(sp);
                String listening = sp.ask(null);
                if (!listening.startsWith("listening on port ")) {
                    throw new IllegalStateException("the W5 server said " + listening);
                }
                List<String> client = new ArrayList<>(jvm);
                client.addAll(List.of(ManyConnections.class.getName(), "client", impl,
                        listening.substring("listening on port ".length()), String.valueOf(w.size())));
                Proc cp = Proc.start(client);
                clients.add(cp);
                // memory is read after traffic at both points, so that the heap's pages in use are what steady
                // traffic keeps, not what connecting left
                double warmup = Math.max(4.0, s.warmups() * s.warmupSeconds());
                expect(cp.ask(null), "connected " + w.size() / 2);
                expect(cp.ask("warmup " + warmup / 2), "warm");
                Sample half = sample(sp);
                expect(cp.ask("more"), "connected " + w.size());
                expect(cp.ask("warmup " + warmup), "warm");
                Sample all = sample(sp);
                int more = w.size() - w.size() / 2;
                memory.add(new Memory((all.rssKb() - half.rssKb()) * 1024 / more,
                        (all.nativeKb() - half.nativeKb()) * 1024 / more, (all.heapBytes() - half.heapBytes()) / more));
            }
            Rounds rounds = Rounds.run(impls.size(), s.pairs(),
                    i -> CHarness.number(clients.get(i).ask("window " + s.window()), "rate"));
            List<List<Double>> windows = rounds.windows(), steals = rounds.steals();
            List<Row> rows = new ArrayList<>();
            for (int i = 0; i < impls.size(); i++) {
                Row r = new Row(w, impls.get(i), windows.get(i), windows.get(i), steals.get(i), null, null, null, memory.get(i));
                rows.add(r);
                progress.report(r);
            }
            return rows;
        } finally {
            for (Proc p : clients) {
                p.process().destroyForcibly();
            }
            for (Proc p : servers) {
                p.process().destroyForcibly();
                p.process().waitFor();
            }
        }
    }

    private static void expect(String said, String expected) {
        if (!said.equals(expected)) {
            throw new IllegalStateException("a W5 process said \"" + said + "\", not \"" + expected + "\"");
        }
    }

    /** The server's memory now: its own answer (RSS, heap after a full collection) and NMT's, through jcmd. */
    private static Sample sample(Proc server) throws Exception {
        String own = server.ask("memory");
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                String.valueOf(server.process().pid()), "VM.native_memory", "summary").redirectErrorStream(true).start();
        String nmt = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor();
        return new Sample(CHarness.number(own, "rss_kb"), otherKb(nmt), CHarness.number(own, "heap_used"));
    }

    /**
     * The native memory a program allocates itself, NMT's "Other": direct buffers, segments of arenas, what
     * Unsafe allocates. The JVM's own (the collector's tables, the compiler's arenas) moves with its work, not with
     * connections, and would only add noise.
     */
    private static double otherKb(String nmt) {
        Matcher m = Pattern.compile("-\\s+Other \\(reserved=\\d+KB, committed=(\\d+)KB\\)").matcher(nmt);
        return m.find() ? Double.parseDouble(m.group(1)) : 0; // NMT omits a category of less than 1 KB
    }
}
