package dev.ffmsockets.bench;

import dev.ffmsockets.bench.Bench.Row;
import dev.ffmsockets.bench.Bench.Settings;
import dev.ffmsockets.bench.Bench.Workload;
import dev.ffmsockets.net.FfmSocketFactory;
import dev.ffmsockets.testing.Nginx;
import dev.ffmsockets.testing.Postgres;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.postgresql.PGConnection;

import java.io.OutputStream;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import javax.net.SocketFactory;

/**
 * W9 as {@link Bench} runs it: real software over the library's {@code java.net} adapters against the same software
 * over the JDK's sockets, on the same servers of the system's packages. PostgreSQL's JDBC driver: prepared
 * {@code SELECT 1} round trips and a bulk {@code COPY ... TO STDOUT}; OkHttp against nginx: small keep-alive
 * requests and 1 MiB responses. Each is measured through the driver's or client's default TCP ({@code java.net},
 * the baseline), through {@link FfmSocketFactory} over TCP, and through it over the server's Unix socket. There is
 * no C here: as in W5, the implementations' windows are interleaved round by round, each warmed up first.
 */
final class AppRun {

    static final String PG_QUERY = "PostgreSQL JDBC, prepared SELECT 1";
    static final String PG_COPY = "PostgreSQL JDBC, COPY of 100,000 rows (8.4 MB) TO STDOUT";
    static final String HTTP_SMALL = "OkHttp to nginx, keep-alive GET of 13 B";
    static final String HTTP_LARGE = "OkHttp to nginx, keep-alive GET of 1 MiB";
    /** The routes, the first the baseline. */
    static final List<String> IMPLS = List.of("java.net", "ffm-tcp", "ffm-unix");
    private static final int COPY_ROWS = 100_000; // about 84 bytes each in COPY's text form

    private AppRun() {
    }

    static List<Workload> workloads() {
        return List.of(new Workload("W9", PG_QUERY, "app", 0, "queries/s"),
                new Workload("W9", PG_COPY, "app", 0, "MB/s"),
                new Workload("W9", HTTP_SMALL, "app", 0, "requests/s"),
                new Workload("W9", HTTP_LARGE, "app", 0, "MB/s"));
    }

    /** One operation, and the bytes it moved (for the MB/s workloads). */
    private interface Op {
        long run() throws Exception;
    }

    static List<Row> measure(List<Workload> workloads, Settings s, Bench.Progress progress) throws Exception {
        List<Row> rows = new ArrayList<>();
        try (Postgres pg = Postgres.start(true); Nginx nginx = Nginx.start()) {
            try (Connection c = DriverManager.getConnection(pg.tcpUrl(null)); Statement st = c.createStatement()) {
                st.execute("create table bulk (id int, t text)");
                st.execute("insert into bulk select i, repeat('x', 76) from generate_series(1, " + COPY_ROWS + ") i");
                st.execute("vacuum analyze bulk");
            }
            byte[] large = new byte[1 << 20];
            new java.util.Random(9).nextBytes(large);
            Files.write(Files.createDirectories(nginx.stored("x").getParent()).resolve("large.bin"), large);
            for (Workload w : workloads) {
                List<AutoCloseable> open = new ArrayList<>();
                try {
                    List<Op> ops = new ArrayList<>();
                    for (String impl : IMPLS) {
                        ops.add(switch (w.name()) {
                            case PG_QUERY, PG_COPY -> postgres(w, pg, impl, open);
                            default -> http(w, nginx, impl, open);
                        });
                    }
                    rows.addAll(interleave(w, ops, s, progress));
                } finally {
                    for (AutoCloseable a : open.reversed()) {
                        a.close();
                    }
                }
            }
        }
        return rows;
    }

    private static Op postgres(Workload w, Postgres pg, String impl, List<AutoCloseable> open) throws Exception {
        String url = switch (impl) {
            case "java.net" -> pg.tcpUrl(null);
            case "ffm-tcp" -> pg.tcpUrl(FfmSocketFactory.class.getName());
            default -> pg.unixUrl();
        };
        Connection c = DriverManager.getConnection(url);
        open.add(c);
        if (w.name().equals(PG_QUERY)) {
            PreparedStatement ps = c.prepareStatement("select 1");
            open.add(ps);
            return () -> {
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    return 1;
                }
            };
        }
        var copy = c.unwrap(PGConnection.class).getCopyAPI();
        long[] bytes = new long[1];
        OutputStream sink = new OutputStream() { // counts what COPY delivered (copyOut itself returns rows)
            @Override
            public void write(int b) {
                bytes[0]++;
            }

            @Override
            public void write(byte[] b, int off, int len) {
                bytes[0] += len;
            }
        };
        return () -> {
            bytes[0] = 0;
            copy.copyOut("copy bulk to stdout", sink);
            return bytes[0];
        };
    }

    private static Op http(Workload w, Nginx nginx, String impl, List<AutoCloseable> open) {
        SocketFactory f = switch (impl) {
            case "java.net" -> SocketFactory.getDefault();
            case "ffm-tcp" -> new FfmSocketFactory();
            default -> FfmSocketFactory.unix(nginx.unixSocket());
        };
        OkHttpClient http = new OkHttpClient.Builder().socketFactory(f).build();
        open.add(() -> {
            http.connectionPool().evictAll();
            http.dispatcher().executorService().shutdown();
        });
        String base = impl.equals("ffm-unix") ? "http://localhost" : "http://127.0.0.1:" + nginx.port();
        Request request = new Request.Builder().url(base + (w.name().equals(HTTP_SMALL) ? "/hello" : "/dav/large.bin")).build();
        return () -> {
            try (Response r = http.newCall(request).execute()) {
                return r.body().bytes().length;
            }
        };
    }

    /** Runs {@code op} for {@code seconds}; its rate in the workload's unit. */
    private static double window(Workload w, Op op, double seconds) throws Exception {
        long end = System.nanoTime() + (long) (seconds * 1e9), start = System.nanoTime(), ops = 0;
        AtomicLong bytes = new AtomicLong();
        long now;
        do {
            bytes.addAndGet(op.run());
            ops++;
        } while ((now = System.nanoTime()) < end);
        double elapsed = (now - start) / 1e9;
        return w.unit().equals("MB/s") ? bytes.get() / elapsed / 1e6 : ops / elapsed;
    }

    private static List<Row> interleave(Workload w, List<Op> ops, Settings s, Bench.Progress progress) throws Exception {
        double warmup = Math.max(4.0, s.warmups() * s.warmupSeconds());
        for (Op op : ops) {
            window(w, op, warmup);
        }
        Rounds rounds = Rounds.run(ops.size(), s.pairs(), i -> window(w, ops.get(i), s.window()));
        List<List<Double>> windows = rounds.windows(), steals = rounds.steals();
        List<Row> rows = new ArrayList<>();
        for (int i = 0; i < ops.size(); i++) {
            Row r = new Row(w, IMPLS.get(i), windows.get(i), windows.get(i), steals.get(i), null, null, null, null);
            rows.add(r);
            progress.report(r);
        }
        return rows;
    }
}
