package dev.ffmsockets.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** What the tests need to know about this process's file descriptors. */
public final class Fds {

    private Fds() {
    }

    /**
     * The number of open descriptors of this process, except epoll instances and the dead socket closed
     * descriptors are replaced with: the library's pollers and that socket are made on first use and live as long
     * as the process, like the JVM's own.
     */
    public static long open() {
        String dead = "/proc/self/fd/" + dev.ffmsockets.impl.Descriptor.deadSocket();
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.filter(fd -> !targetOf(fd).equals("anon_inode:[eventpoll]") && !fd.toString().equals(dead))
                    .count() - 1; // the listing's own
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String targetOf(Path fd) {
        try {
            return Files.readSymbolicLink(fd).toString();
        } catch (IOException e) {
            return ""; // closed meanwhile
        }
    }

    /** Whether {@code fd} is open in this process. */
    public static boolean isOpen(int fd) {
        return Files.exists(Path.of("/proc/self/fd/" + fd), java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /** What {@code fd} refers to, as /proc shows it ("socket:[1234]", "pipe:[5]", a path). */
    public static String target(int fd) {
        try {
            return Files.readSymbolicLink(Path.of("/proc/self/fd/" + fd)).toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** x86_64 system call numbers, as /proc/PID/task/TID/syscall shows them (glibc's recv is recvfrom). */
    public static final int SYS_READ = 0, SYS_POLL = 7, SYS_CONNECT = 42, SYS_ACCEPT = 43, SYS_SENDTO = 44,
            SYS_RECVFROM = 45, SYS_SPLICE = 275, SYS_ACCEPT4 = 288;

    /**
     * Waits until some thread of this process is blocked in system call {@code nr} on descriptor {@code fd},
     * read from /proc (no sleeping guess): what a test needs before it acts on a blocked call.
     */
    public static void awaitBlockedIn(int nr, int fd) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        String prefix = nr + " 0x" + Integer.toHexString(fd) + " ";
        while (System.nanoTime() < deadline) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                if (tasks.anyMatch(t -> syscallOf(t).startsWith(prefix))) {
                    return;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no thread blocked in system call " + nr + " on fd " + fd + " within 20 s");
    }

    /**
     * Waits until some thread of this process is blocked in {@code poll} on a single {@code pollfd} for
     * {@code fd}: poll's first argument is the address of that {@code pollfd}, read here in this process.
     */
    public static void awaitBlockedInPoll(int fd) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                if (tasks.map(Fds::syscallOf).anyMatch(line -> pollsOn(line, fd))) {
                    return;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no thread blocked in poll on fd " + fd + " within 20 s");
    }

    /**
     * Waits until some thread of this process is blocked on {@code fd}: in one of the system calls {@code nrs}
     * with {@code fd} as first argument, or in {@code poll} on it alone.
     */
    public static void awaitWaitingOn(int fd, int... nrs) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            try (Stream<Path> tasks = Files.list(Path.of("/proc/self/task"))) {
                if (tasks.map(Fds::syscallOf).anyMatch(line -> pollsOn(line, fd) || java.util.Arrays.stream(nrs)
                        .anyMatch(nr -> line.startsWith(nr + " 0x" + Integer.toHexString(fd) + " ")))) {
                    return;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("no thread blocked on fd " + fd + " within 20 s");
    }

    private static boolean pollsOn(String line, int fd) {
        String[] f = line.trim().split(" ");
        if (f.length < 3 || !f[0].equals(String.valueOf(SYS_POLL)) || !f[2].equals("0x1")) {
            return false;
        }
        long address = Long.parseUnsignedLong(f[1].substring(2), 16);
        return java.lang.foreign.MemorySegment.ofAddress(address).reinterpret(8)
                .get(java.lang.foreign.ValueLayout.JAVA_INT, 0) == fd;
    }

    private static String syscallOf(Path task) {
        try {
            return Files.readString(task.resolve("syscall"));
        } catch (IOException e) {
            return ""; // the thread ended meanwhile
        }
    }
}
