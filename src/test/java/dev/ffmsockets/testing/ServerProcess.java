package dev.ffmsockets.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A server program from the system's packages (PostgreSQL, nginx) run by a test: started in a temporary directory
 * of its own, ready when it prints the line that says so (read from its output, not guessed by sleeping), and
 * always stopped, its directory removed. When the tests run as root, the server runs as its package's own user, as
 * servers such as PostgreSQL refuse root.
 */
public final class ServerProcess implements AutoCloseable {

    private final String name;
    private final List<String> command;
    private final Process process;
    private final List<String> output = new ArrayList<>();
    private final CompletableFuture<Void> ready = new CompletableFuture<>();

    private ServerProcess(String name, List<String> command, Process process, String readyLine) {
        this.name = name;
        this.command = List.copyOf(command);
        this.process = process;
        Thread.ofPlatform().daemon().name(name + "-output").start(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    synchronized (output) {
                        output.add(line);
                    }
                    if (line.contains(readyLine)) {
                        ready.complete(null);
                    }
                }
            } catch (IOException e) {
                // the process is gone; the wait below reports it
            }
            ready.completeExceptionally(new IllegalStateException(name + " exited (status "
                    + process.onExit().join().exitValue() + ") before it was ready:\n" + output()));
        });
    }

    /** Whether this process runs as root, so that servers must be run as their own user. */
    public static boolean root() {
        return "root".equals(System.getProperty("user.name"));
    }

    /** {@code command}, run as {@code user} when the tests run as root, else as it is. */
    public static List<String> as(String user, List<String> command) {
        if (!root()) {
            return command;
        }
        List<String> c = new ArrayList<>(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--clear-groups", "--"));
        c.addAll(command);
        return c;
    }

    /** Gives {@code dir} and everything in it to {@code user} when the tests run as root. */
    public static void giveTo(String user, Path dir) throws IOException {
        if (!root()) {
            return;
        }
        UserPrincipal owner = dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName(user);
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                Files.setOwner(p, owner);
            }
        }
    }

    /**
     * Runs a setup command to its end.
     *
     * @throws IllegalStateException with the command's output if it fails
     */
    public static void run(List<String> command, Map<String, String> env, Duration within) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> {
            try {
                return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        if (!p.waitFor(within.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " took longer than " + within);
        }
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", command) + " failed (status " + p.exitValue() + "):\n" + out.join());
        }
    }

    /**
     * Starts a server and waits until it prints {@code readyLine}.
     *
     * @throws IllegalStateException with the server's output if it exits or does not get ready in time
     */
    public static ServerProcess start(String name, List<String> command, Map<String, String> env, String readyLine,
                                      Duration within) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        ServerProcess s = new ServerProcess(name, command, pb.start(), readyLine);
        try {
            s.ready.get(within.toMillis(), TimeUnit.MILLISECONDS);
            return s;
        } catch (ExecutionException e) {
            s.close();
            throw (IllegalStateException) e.getCause();
        } catch (TimeoutException e) {
            s.close();
            throw new IllegalStateException(name + " was not ready after " + within + ":\n" + s.output());
        }
    }

    /** Starts a server on a port. */
    public interface OnPort {
        ServerProcess start(int port) throws IOException, InterruptedException;
    }

    /**
     * Starts a server on a port of 127.0.0.1 the kernel chose just now (for servers that cannot report the port
     * they bound), trying another port while the failure says {@code taken} (the port was taken in between).
     */
    public static ServerProcess onFreePort(String taken, OnPort start) throws IOException, InterruptedException {
        IllegalStateException last = null;
        for (int attempt = 0; attempt < 5; attempt++) {
            int port;
            try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
                port = s.getLocalPort();
            }
            try {
                return start.start(port);
            } catch (IllegalStateException e) {
                last = e;
                if (!e.getMessage().contains(taken)) {
                    throw e;
                }
            }
        }
        throw last;
    }

    /** {@return what the server printed so far} */
    public String output() {
        synchronized (output) {
            return String.join("\n", output);
        }
    }

    /** {@return the command that started the server} */
    public List<String> command() {
        return command;
    }

    /** {@return the server's process} */
    public Process process() {
        return process;
    }

    /** Kills the server and every process it started with {@code SIGKILL}, at once. */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        process.onExit().join();
    }

    /** Stops the server ({@code SIGTERM}), or kills it if it has not stopped within 30 seconds. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                kill();
            }
        } catch (InterruptedException e) {
            kill();
            Thread.currentThread().interrupt();
        }
        process.descendants().forEach(ProcessHandle::destroyForcibly);
    }

    /** Removes a directory and everything in it. */
    public static void delete(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return name + "[pid " + process.pid() + "]";
    }
}
