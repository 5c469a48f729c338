package dev.ffmsockets;

import dev.ffmsockets.poller.Poller;
import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.raw.rlimit;

import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.ffmsockets.posix.Posix.*;

/**
 * The process of {@link PollerStartTest}: the first wait of a virtual thread needs the pollers, whose epoll
 * instances cannot be made because the process has no descriptor left (its soft limit lowered to the lowest free
 * number). Prints what that call threw, what close did, and what the next wait does once descriptors are free.
 */
public final class PollerStartFailure {

    private PollerStartFailure() {
    }

    private static CompletableFuture<Object> recvOnVirtualThread(Socket s) {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                outcome.complete("received " + s.recv(new byte[8]));
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        return outcome;
    }

    public static void main(String[] args) throws Exception {
        // every class of the library loaded while files can still be opened: the tests run from a folder of
        // classes, where loading a class opens a file (from a jar, which stays open, it would not)
        Path classes = Path.of(Socket.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (Stream<Path> files = Files.walk(classes)) {
            // but the Netty transport's, which need Netty on the class path, as an application using them has it
            Path netty = classes.resolve("dev/ffmsockets/netty");
            for (Path f : files.filter(f -> f.toString().endsWith(".class") && !f.endsWith("module-info.class")
                    && !f.startsWith(netty)).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class.forName(name, false, PollerStartFailure.class.getClassLoader());
            }
        }
        Class.forName("dev.ffmsockets.kernel.Epoll$H_epoll_create1"); // linked now, as Socket's first calls would have
        try (Socket.Pair warm = Socket.pair(Family.UNIX, SocketType.STREAM)) {
            warm.second().send(new byte[1]);
            System.out.println("warm-up: " + recvOnVirtualThread(warm.first()).get(10, TimeUnit.SECONDS));
            warm.first().setTimeout(java.time.Duration.ofMillis(1));
            try {
                warm.first().recv(new byte[1]); // a platform thread's wait, and its exception, without the pollers
            } catch (java.net.SocketTimeoutException expected) {
                // loaded
            }
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment saved = rlimit.allocate(arena), low = rlimit.allocate(arena);
            getrlimit(RLIMIT_NOFILE, saved);
            Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM);
            int free = Posix.dup(0); // the lowest free descriptor number: every one below it is in use
            Posix.close(free);
            rlimit.rlim_cur(low, free);
            rlimit.rlim_max(low, rlimit.rlim_max(saved));
            setrlimit(RLIMIT_NOFILE, low);
            Object first = recvOnVirtualThread(p.first()).get(10, TimeUnit.SECONDS);
            System.out.println("first wait: " + (first instanceof ErrnoException e
                    ? first.getClass().getSimpleName() + " " + e.errnoName() + " " + ((Throwable) first).getMessage()
                    : first));
            try {
                p.close();
                System.out.println("close: returned");
            } catch (Throwable t) {
                System.out.println("close: threw " + t);
            }
            setrlimit(RLIMIT_NOFILE, saved);
            int after = Posix.dup(0);
            Posix.close(after);
            System.out.println("descriptors released: " + (after < free));
            try (Socket.Pair q = Socket.pair(Family.UNIX, SocketType.STREAM)) {
                CompletableFuture<Object> second = recvOnVirtualThread(q.first());
                while (Poller.waitingInAll() == 0 && !second.isDone()) {
                    Thread.onSpinWait();
                }
                q.second().send(new byte[3]);
                System.out.println("second wait: " + second.get(10, TimeUnit.SECONDS));
            }
        }
    }
}
