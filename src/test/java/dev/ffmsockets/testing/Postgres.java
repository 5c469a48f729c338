package dev.ffmsockets.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A PostgreSQL server of the system's packages, made by {@code initdb} in a temporary directory and listening on a
 * Unix socket in it (and, if asked, on a TCP port of 127.0.0.1 that the kernel chose), with trust authentication
 * for the user {@code postgres}. Stopped and removed by {@link #close()}.
 */
public final class Postgres implements AutoCloseable {

    private static final String READY = "database system is ready to accept connections";
    private static final Map<String, String> ENV = Map.of("LC_ALL", "C", "LANG", "C");

    private final Path dir;
    private final ServerProcess server;
    private final int port;

    private Postgres(Path dir, ServerProcess server, int port) {
        this.dir = dir;
        this.server = server;
        this.port = port;
    }

    /**
     * The directory of the server's programs: the newest {@code /usr/lib/postgresql/N/bin} with a
     * {@code postgres} in it.
     *
     * @throws AssertionError saying what to install when there is none
     */
    public static Path binDir() throws IOException {
        Path lib = Path.of("/usr/lib/postgresql");
        if (Files.isDirectory(lib)) {
            try (Stream<Path> versions = Files.list(lib)) {
                var found = versions.map(v -> v.resolve("bin"))
                        .filter(b -> Files.isExecutable(b.resolve("postgres")) && Files.isExecutable(b.resolve("initdb")))
                        .max(Comparator.comparingInt(b -> versionOf(b.getParent())));
                if (found.isPresent()) {
                    return found.get();
                }
            }
        }
        throw new AssertionError("No PostgreSQL server: /usr/lib/postgresql/*/bin/postgres is missing. Install it "
                + "(Debian/Ubuntu: apt-get install postgresql; scripts/test installs it) and run the tests again.");
    }

    private static int versionOf(Path p) {
        try {
            return Integer.parseInt(p.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /**
     * Makes and starts a server.
     *
     * @param tcp whether it also listens on TCP, on 127.0.0.1
     */
    public static Postgres start(boolean tcp) throws IOException, InterruptedException {
        Path bin = binDir();
        Path dir = Files.createTempDirectory("ffm-pg");
        try {
            Path data = dir.resolve("data"), sockets = Files.createDirectory(dir.resolve("sock"));
            ServerProcess.giveTo("postgres", dir);
            ServerProcess.run(ServerProcess.as("postgres", List.of(bin.resolve("initdb").toString(), "-D", data.toString(),
                    "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")), ENV, Duration.ofMinutes(2));
            List<String> postgres = List.of(bin.resolve("postgres").toString(), "-D", data.toString(),
                    "-k", sockets.toString(), "-c", "listen_addresses=" + (tcp ? "127.0.0.1" : ""),
                    "-c", "max_connections=150", "-c", "fsync=off", "-c", "synchronous_commit=off",
                    "-c", "full_page_writes=off", "-c", "logging_collector=off");
            ServerProcess.OnPort start = port -> ServerProcess.start("postgres", ServerProcess.as("postgres",
                    concat(postgres, List.of("-p", Integer.toString(port)))), ENV, READY, Duration.ofMinutes(1));
            // without TCP the port only names the Unix socket, in a directory of its own
            ServerProcess server = tcp ? ServerProcess.onFreePort("could not bind", start) : start.start(5432);
            return new Postgres(dir, server, portOf(server));
        } catch (IOException | InterruptedException | RuntimeException | Error e) {
            ServerProcess.delete(dir);
            throw e;
        }
    }

    private static List<String> concat(List<String> a, List<String> b) {
        return java.util.stream.Stream.concat(a.stream(), b.stream()).toList();
    }

    /** The port the server was given: the argument after {@code -p} on its command line. */
    private static int portOf(ServerProcess server) {
        List<String> args = server.command();
        return Integer.parseInt(args.get(args.indexOf("-p") + 1));
    }

    /** {@return the server's Unix socket: {@code .s.PGSQL.PORT} in its directory} */
    public Path unixSocket() {
        return dir.resolve("sock").resolve(".s.PGSQL." + port);
    }

    /** {@return the server's port (on TCP, if it listens there; otherwise only in the socket's name)} */
    public int port() {
        return port;
    }

    /** {@return the server} */
    public ServerProcess server() {
        return server;
    }

    /** {@return a JDBC URL over the Unix socket, through {@code dev.ffmsockets.net.FfmSocketFactory}} */
    public String unixUrl() {
        return "jdbc:postgresql://localhost:" + port + "/postgres?user=postgres"
                + "&socketFactory=dev.ffmsockets.net.FfmSocketFactory&socketFactoryArg=" + unixSocket();
    }

    /** {@return a JDBC URL over TCP to 127.0.0.1, with {@code socketFactory} (a class name) or the driver's default} */
    public String tcpUrl(String socketFactory) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres"
                + (socketFactory == null ? "" : "&socketFactory=" + socketFactory);
    }

    /** Stops the server and removes its directory. */
    @Override
    public void close() {
        try {
            server.close();
        } finally {
            ServerProcess.delete(dir);
        }
    }
}
