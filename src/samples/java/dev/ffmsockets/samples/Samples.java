package dev.ffmsockets.samples;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The C samples of {@code native/}, their Java ports (C-style API and safe wrapper) and the seeds' Python
 * programs, and how to build and run any server against any client: what the interop and strace tests and
 * {@code scripts/demo} share.
 */
public final class Samples {

    private Samples() {
    }

    /** Who wrote a program. */
    public enum Impl {
        C("C"), CSTYLE("Java, C-style API"), SAFE("Java, safe wrapper"), PYTHON("Python");

        public final String label;

        Impl(String label) {
            this.label = label;
        }

        public boolean isJava() {
            return this == CSTYLE || this == SAFE;
        }
    }

    /** A server and its client, in each language. */
    public enum Sample {
        TCP_HELLO("tcp_hello", "TcpHello", "hello"),
        TCP6_HELLO("tcp6_hello", "Tcp6Hello", "hello"),
        UDP_ECHO("udp_echo", "UdpEcho", null),
        UNIX_STREAM("unix_stream", "UnixStream", null),
        FD_PASS("fd_pass", "FdPass", null),
        UDP_BATCH("udp_batch", "UdpBatch", null);

        private final String cName;
        private final String javaName;
        private final String python;

        Sample(String cName, String javaName, String python) {
            this.cName = cName;
            this.javaName = javaName;
            this.python = python;
        }

        /** Whether the seeds' Python programs speak this sample's protocol. */
        public boolean hasPython() {
            return this == TCP_HELLO;
        }

        /** The program of {@code impl} for the server or the client, as a person would call it. */
        public String program(Impl impl, boolean server) {
            String role = server ? "server" : "client";
            return switch (impl) {
                case C -> cName + "_" + role;
                case CSTYLE -> "dev.ffmsockets.samples.cstyle." + javaName + (server ? "Server" : "Client");
                case SAFE -> "dev.ffmsockets.samples.safe." + javaName + (server ? "Server" : "Client");
                case PYTHON -> python + "_" + role + ".py";
            };
        }

        /** The server's arguments: any port (or a path in {@code dir}), one client. */
        List<String> serverArgs(Path dir) {
            return switch (this) {
                case UNIX_STREAM, FD_PASS -> List.of(dir.resolve(cName + ".sock").toString(), "1");
                default -> List.of("0", "1");
            };
        }

        /** The client's arguments, given where the server said it listens. */
        List<String> clientArgs(String where, Impl server) {
            return switch (this) {
                case TCP_HELLO -> server == Impl.PYTHON
                        ? List.of("127.0.0.1", where, "GET / HTTP/1.0\r\n\r\n") : List.of("127.0.0.1", where);
                case TCP6_HELLO -> List.of("::1", where);
                case UDP_ECHO -> List.of("127.0.0.1", where, "a datagram to echo");
                case UNIX_STREAM -> List.of(where, "a message to echo");
                case FD_PASS -> List.of(where, "a message through a passed descriptor");
                case UDP_BATCH -> List.of("127.0.0.1", where, "one", "batch", "of", "datagrams");
            };
        }

        /** What the client must print (the same whoever the client is, so that traces compare). */
        String expected(Impl server) {
            return switch (this) {
                case TCP_HELLO, TCP6_HELLO -> server == Impl.PYTHON ? "HTTP/1.1 200 OK\n\nHello there.\n" : "Hello there.";
                case UDP_ECHO -> "a datagram to echo";
                case UNIX_STREAM -> "a message to echo";
                case FD_PASS -> "a message through a passed descriptor";
                case UDP_BATCH -> "one\nbatch\nof\ndatagrams\n";
            };
        }

        @Override
        public String toString() {
            return cName;
        }
    }

    /** The project's root: FFM_SOCKETS_ROOT, else the working directory. */
    public static Path root() {
        String r = System.getenv("FFM_SOCKETS_ROOT");
        return Path.of(r != null ? r : System.getProperty("user.dir")).toAbsolutePath();
    }

    /** Where the C samples are built. */
    public static Path nativeBuild() {
        return root().resolve("target/native");
    }

    /**
     * Compiles each C file of {@code native/} and {@code native/bench/} with {@code cc -Wall -Wextra -Werror -O2}
     * into target/native, unless the binary is newer than its source. Warnings are errors: the samples are
     * warning-free C.
     */
    public static synchronized List<Path> buildNative() throws IOException, InterruptedException {
        Path out = Files.createDirectories(nativeBuild());
        List<Path> built = new ArrayList<>();
        try (Stream<Path> sources = Stream.concat(Files.list(root().resolve("native")), Files.list(root().resolve("native/bench")))) {
            for (Path c : sources.filter(p -> p.toString().endsWith(".c")).sorted().toList()) {
                String name = c.getFileName().toString().replace(".c", "");
                Path binary = out.resolve(name);
                if (Files.exists(binary) && Files.getLastModifiedTime(binary).compareTo(Files.getLastModifiedTime(c)) > 0) {
                    continue;
                }
                Run r = run(List.of("cc", "-Wall", "-Wextra", "-Werror", "-O2", "-pthread", "-o", binary.toString(),
                        c.toString()), 120);
                if (r.status() != 0) {
                    throw new IllegalStateException("cc failed on " + c + ":\n" + r.output());
                }
                built.add(binary);
            }
        }
        return built;
    }

    /**
     * The {@code java} launcher of a child JVM: this JVM's own; under emulation (the tests' execution 'emulated') the
     * script it names in {@code -Dffmsockets.emulated.java}, which starts the emulated architecture's JVM.
     */
    public static String launcher() {
        return System.getProperty("ffmsockets.emulated.java",
                Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    /** The JVM options every Java sample runs with. */
    public static List<String> jvm() {
        String launcher = launcher();
        String cp = root().resolve("target/classes") + java.io.File.pathSeparator + root().resolve("target/test-classes");
        return List.of(launcher, "--enable-native-access=ALL-UNNAMED", "-XX:+DisableAttachMechanism", "-XX:-UsePerfData",
                "-XX:TieredStopAtLevel=1", "-cp", cp);
    }

    /** The command that runs a program; {@code traced} Java programs start through {@link Traced}. */
    public static List<String> command(Sample sample, Impl impl, boolean server, List<String> args, boolean traced) {
        List<String> cmd = new ArrayList<>();
        String program = sample.program(impl, server);
        switch (impl) {
            case C -> cmd.add(nativeBuild().resolve(program).toString());
            case CSTYLE, SAFE -> {
                cmd.addAll(jvm());
                if (traced) {
                    cmd.add(Traced.class.getName());
                }
                cmd.add(program);
            }
            case PYTHON -> {
                cmd.add("python3");
                cmd.add(root().resolve("native").resolve(program).toString());
            }
        }
        cmd.addAll(args);
        return cmd;
    }

    /** What a finished process printed and how it exited. */
    public record Run(int status, String output) {
    }

    /** Runs a command to its end (stderr merged into the output), failing after {@code seconds}. */
    public static Run run(List<String> command, int seconds) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        p.getOutputStream().close();
        CompletableFuture<String> out = reading(() -> readAll(p.getInputStream()));
        if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException("timed out after " + seconds + " s: " + String.join(" ", command));
        }
        return new Run(p.exitValue(), out.join());
    }

    private static String readAll(java.io.InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads a process's stream on a thread of its own (a shared pool could be full of such blocked reads). */
    private static <T> CompletableFuture<T> reading(java.util.function.Supplier<T> read) {
        CompletableFuture<T> f = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try {
                f.complete(read.get());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** One server serving one client: what each printed. */
    public record Exchange(Sample sample, Impl server, Impl client, List<String> serverCommand, List<String> clientCommand,
                           String listening, Run serverRun, Run clientRun) {

        /** Whether both exited with 0 and the client printed exactly the expected bytes. */
        public boolean ok() {
            return serverRun.status() == 0 && clientRun.status() == 0 && clientRun.output().equals(expected());
        }

        public String expected() {
            return sample.expected(server);
        }
    }

    /**
     * Starts the server, waits for its "listening on ..." line, runs the client against it, and waits for both.
     * With {@code strace} given, it wraps the server or the client (whichever {@code traceServer} says).
     */
    public static Exchange exchange(Sample sample, Impl server, Impl client, Path dir, Strace strace, boolean traceServer)
            throws IOException, InterruptedException {
        List<String> serverCmd = command(sample, server, true, sample.serverArgs(dir), strace != null && traceServer);
        if (strace != null && traceServer) {
            serverCmd = strace.wrap(serverCmd);
        }
        Process sp = new ProcessBuilder(serverCmd).start();
        sp.getOutputStream().close();
        CompletableFuture<String> serverErr = reading(() -> readAll(sp.getErrorStream()));
        BufferedReader serverOut = new BufferedReader(new InputStreamReader(sp.getInputStream(), StandardCharsets.UTF_8));
        try {
            CompletableFuture<String> first = reading(() -> {
                try {
                    return serverOut.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            String line;
            try {
                line = first.get(30, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("the server did not say where it listens: " + String.join(" ", serverCmd), e);
            }
            if (line == null || !line.startsWith("listening on ")) {
                sp.waitFor(10, TimeUnit.SECONDS);
                throw new IllegalStateException("the server said " + line + " instead of where it listens: "
                        + String.join(" ", serverCmd) + "\n" + serverErr.getNow(""));
            }
            String where = line.substring("listening on ".length()).replace("port ", "");
            List<String> clientCmd = command(sample, client, false, sample.clientArgs(where, server),
                    strace != null && !traceServer);
            if (strace != null && !traceServer) {
                clientCmd = strace.wrap(clientCmd);
            }
            Run clientRun = run(clientCmd, 60);
            if (!sp.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("the server did not exit after its client: " + String.join(" ", serverCmd));
            }
            String rest = serverOut.lines().reduce("", (a, b) -> a + b + "\n");
            Run serverRun = new Run(sp.exitValue(), line + "\n" + rest + serverErr.join());
            return new Exchange(sample, server, client, serverCmd, clientCmd, line, serverRun, clientRun);
        } finally {
            sp.destroyForcibly();
        }
    }
}
