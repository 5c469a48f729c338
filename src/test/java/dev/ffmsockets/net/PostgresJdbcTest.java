package dev.ffmsockets.net;

import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import dev.ffmsockets.testing.Postgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * PostgreSQL's JDBC driver through {@link FfmSocketFactory}, against a real PostgreSQL server of the system's
 * packages: over its Unix socket, and over TCP beside the driver's own {@code java.net} sockets, with the same
 * results. One server for the class; the test that kills a server mid-query has its own.
 */
@ExtendWith(NoDescriptorLeaks.class)
class PostgresJdbcTest {

    /** The factory the driver is told to use, which records every socket it makes. */
    public static final class Recording extends FfmSocketFactory {
        static final ConcurrentLinkedQueue<Socket> MADE = new ConcurrentLinkedQueue<>();

        public Recording() {
        }

        public Recording(String target) {
            super(target);
        }

        @Override
        public Socket createSocket() throws IOException {
            Socket s = super.createSocket();
            MADE.add(s);
            return s;
        }
    }

    /** How the driver reaches the server. */
    enum Route {
        UNIX_FFM, TCP_FFM, TCP_JAVA_NET;

        String url(Postgres pg) {
            return switch (this) {
                case UNIX_FFM -> pg.unixUrl().replace(FfmSocketFactory.class.getName(), Recording.class.getName());
                case TCP_FFM -> pg.tcpUrl(Recording.class.getName());
                case TCP_JAVA_NET -> pg.tcpUrl(null);
            };
        }
    }

    private static Postgres pg;

    @BeforeAll
    static void startServer() throws Exception {
        pg = Postgres.start(true);
    }

    @AfterAll
    static void stopServer() {
        if (pg != null) {
            pg.close();
        }
    }

    @BeforeEach
    void forget() {
        Recording.MADE.clear();
    }

    private static Connection connect(Route route) throws SQLException {
        return DriverManager.getConnection(route.url(pg));
    }

    /** That the connections went through the library's sockets, or through none of them for java.net. */
    private static void wentThrough(Route route, int connections) {
        assertEquals(route == Route.TCP_JAVA_NET ? 0 : connections, Recording.MADE.size());
        for (Socket s : Recording.MADE) {
            assertInstanceOf(FfmSocket.class, s);
        }
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void queriesAndTransactions(Route route) throws Exception {
        try (Connection c = connect(route)) {
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select host(inet_client_addr()), current_user, 6 * 7")) {
                assertTrue(rs.next());
                // the server's own account of the transport: no client address on a Unix socket
                assertEquals(route == Route.UNIX_FFM ? null : "127.0.0.1", rs.getString(1));
                assertEquals("postgres", rs.getString(2));
                assertEquals(42, rs.getInt(3));
            }
            try (Statement st = c.createStatement()) {
                st.execute("create temp table t (id int primary key, name text)");
            }
            try (PreparedStatement ins = c.prepareStatement("insert into t values (?, ?)")) {
                for (int i = 0; i < 1000; i++) {
                    ins.setInt(1, i);
                    ins.setString(2, "row " + i + " \u00e9\u4e2d");
                    ins.addBatch();
                }
                assertEquals(1000, ins.executeBatch().length);
            }
            c.setAutoCommit(false);
            try (Statement st = c.createStatement()) {
                st.executeUpdate("delete from t where id >= 500");
                c.rollback();
            }
            c.setAutoCommit(true);
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select count(*), sum(id), max(name) from t")) {
                assertTrue(rs.next());
                assertEquals(1000, rs.getInt(1));
                assertEquals(499_500, rs.getLong(2));
                assertEquals("row 999 \u00e9\u4e2d", rs.getString(3));
            }
            SQLException bad = assertThrows(SQLException.class, () -> {
                try (Statement st = c.createStatement()) {
                    st.execute("select * from no_such_table");
                }
            });
            assertEquals("42P01", bad.getSQLState());
            assertTrue(c.isValid(5), "a server error leaves the connection usable");
        }
        wentThrough(route, 1);
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void tenMebibytesOfByteaRoundTripByteExact(Route route) throws Exception {
        byte[] data = new byte[10 << 20];
        new Random(route.ordinal()).nextBytes(data);
        try (Connection c = connect(route)) {
            try (Statement st = c.createStatement()) {
                st.execute("create temp table blobs (id int, b bytea)");
            }
            try (PreparedStatement ins = c.prepareStatement("insert into blobs values (1, ?)")) {
                ins.setBytes(1, data);
                assertEquals(1, ins.executeUpdate());
            }
            try (Statement st = c.createStatement();
                 ResultSet rs = st.executeQuery("select b, length(b), md5(b) from blobs where id = 1")) {
                assertTrue(rs.next());
                assertArrayEquals(data, rs.getBytes(1));
                assertEquals(data.length, rs.getInt(2));
                assertEquals(md5(data), rs.getString(3), "the server holds exactly the bytes sent");
            }
        }
        wentThrough(route, 1);
    }

    private static String md5(byte[] data) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(data));
    }

    @ParameterizedTest
    @EnumSource(Route.class)
    void aHundredConcurrentConnectionsFromVirtualThreads(Route route) throws Exception {
        int n = 100;
        CountDownLatch allConnected = new CountDownLatch(n);
        List<Future<Integer>> pids = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < n; i++) {
                int k = i;
                pids.add(pool.submit(() -> {
                    try (Connection c = connect(route)) {
                        allConnected.countDown();
                        assertTrue(allConnected.await(2, TimeUnit.MINUTES), "all connections open at once");
                        try (PreparedStatement st = c.prepareStatement("select pg_backend_pid(), ?::int * 2")) {
                            st.setInt(1, k);
                            try (ResultSet rs = st.executeQuery()) {
                                assertTrue(rs.next());
                                assertEquals(2 * k, rs.getInt(2));
                                return rs.getInt(1);
                            }
                        }
                    }
                }));
            }
            Set<Integer> distinct = new HashSet<>();
            for (Future<Integer> f : pids) {
                distinct.add(f.get());
            }
            assertEquals(n, distinct.size(), "one server process per connection, all at once");
        }
        wentThrough(route, n);
    }

    @Test
    void theServerKilledMidQueryGivesACleanSqlExceptionAndLeaksNothing() throws Exception {
        long before = Fds.open();
        try (Postgres doomed = Postgres.start(false);
             ExecutorService pool = Executors.newSingleThreadExecutor()) {
            Connection c = DriverManager.getConnection(doomed.unixUrl()
                    .replace(FfmSocketFactory.class.getName(), Recording.class.getName()));
            try {
                int fd = ((FfmSocket) Recording.MADE.peek()).socket().fd();
                Future<?> query = pool.submit(() -> {
                    try (Statement st = c.createStatement()) {
                        st.execute("select pg_sleep(600)");
                    }
                    return null;
                });
                Fds.awaitWaitingOn(fd, Fds.SYS_RECVFROM); // the query is sent; its answer awaited
                doomed.server().kill();
                Exception e = assertThrows(java.util.concurrent.ExecutionException.class, query::get);
                SQLException sql = assertInstanceOf(SQLException.class, e.getCause());
                assertEquals("08006", sql.getSQLState(), "connection failure: " + sql);
            } finally {
                doomed.server().kill(); // whatever failed, nothing waits for the 600 s query
                c.close();
            }
            assertTrue(c.isClosed());
        }
        assertEquals(before, Fds.open(), "no descriptor left behind");
    }
}
