package dev.ffmsockets.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    /**
     * Whether the kernel is x86_64's; else the generic table of aarch64 and riscv64. The kernel's, not the JVM's: under
     * qemu-user an aarch64 JVM's calls are made by the host, and /proc shows the host's numbers.
     */
    private static final boolean X86_64 = kernelArch().equals("x86_64");

    /**
     * The kernel's byte order, in which it reads the {@code pollfd} of a call: under qemu-user the host's copy of the
     * program's, converted (a big-endian program's on a little-endian host).
     */
    public static final java.nio.ByteOrder KERNEL_ORDER = kernelArch().matches("s390x|ppc64")
            ? java.nio.ByteOrder.BIG_ENDIAN : java.nio.ByteOrder.LITTLE_ENDIAN;

    private static String kernelArch() {
        try {
            return Files.readString(Path.of("/proc/sys/kernel/arch")).strip();
        } catch (IOException e) {
            String arch = System.getProperty("os.arch");
            return arch.equals("amd64") ? "x86_64" : arch;
        }
    }

    /**
     * System call numbers of this kernel, as /proc/PID/task/TID/syscall shows them (glibc's recv is recvfrom): x86_64's,
     * or the generic table aarch64 and riscv64 share. That table has no {@code poll}: glibc's poll is {@code ppoll},
     * whose first argument is the same {@code pollfd} array ({@link #SYS_PPOLL}).
     */
    public static final int SYS_READ = X86_64 ? 0 : 63, SYS_POLL = X86_64 ? 7 : 73, SYS_CONNECT = X86_64 ? 42 : 203,
            SYS_ACCEPT = X86_64 ? 43 : 202, SYS_SENDTO = X86_64 ? 44 : 206, SYS_RECVFROM = X86_64 ? 45 : 207,
            SYS_SPLICE = X86_64 ? 275 : 76, SYS_ACCEPT4 = X86_64 ? 288 : 242, SYS_PPOLL = X86_64 ? 271 : 73;

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
        // poll, or ppoll (the generic table's, and qemu-user's for an emulated poll)
        if (f.length < 3 || !(f[0].equals(String.valueOf(SYS_POLL)) || f[0].equals(String.valueOf(SYS_PPOLL)))
                || !f[2].equals("0x1")) {
            return false;
        }
        long address = Long.parseUnsignedLong(f[1].substring(2), 16);
        return java.lang.foreign.MemorySegment.ofAddress(address).reinterpret(8)
                .get(java.lang.foreign.ValueLayout.JAVA_INT.withOrder(KERNEL_ORDER), 0) == fd;
    }

    private static String syscallOf(Path task) {
        try {
            return Files.readString(task.resolve("syscall"));
        } catch (IOException e) {
            return ""; // the thread ended meanwhile
        }
    }

    /** Something made while {@link #opened} watches, which may fail. */
    public interface Making<T> {
        T make() throws Exception;
    }

    /** What {@link #opened} saw: the value made, and each descriptor that appeared meanwhile with its target. */
    public record Opened<T>(T value, java.util.Map<Integer, String> fds) {
        /** {@return the one new descriptor whose target starts with {@code prefix}, such as "socket:" or "anon_inode:[eventpoll]"} */
        public int the(String prefix) {
            List<Integer> m = fds.entrySet().stream().filter(e -> e.getValue().startsWith(prefix)).map(java.util.Map.Entry::getKey).toList();
            if (m.size() != 1) {
                throw new AssertionError("not exactly one new descriptor of " + prefix + ": " + fds);
            }
            return m.get(0);
        }
    }

    /**
     * Makes something and says which descriptors appeared meanwhile: how a test finds the number of a descriptor that a
     * channel or selector does not tell (the JDK's). The caller makes sure no other thread opens descriptors meanwhile.
     */
    public static <T> Opened<T> opened(Making<T> making) throws Exception {
        java.util.Map<Integer, String> before = snapshot();
        T value = making.make();
        java.util.Map<Integer, String> fresh = new java.util.TreeMap<>(snapshot());
        fresh.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())));
        return new Opened<>(value, fresh);
    }

    /** Every descriptor with its target, but for the listing's own (a number a later listing may reuse). */
    public static java.util.Map<Integer, String> snapshot() {
        java.util.Map<Integer, String> all = new java.util.TreeMap<>();
        for (int fd : numbers()) {
            String target = targetOf(Path.of("/proc/self/fd/" + fd));
            if (!target.isEmpty() && !target.matches("/proc/[0-9]+/fd")) {
                all.put(fd, target);
            }
        }
        return all;
    }

    private static java.util.Set<Integer> numbers() {
        try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
            return s.map(p -> Integer.parseInt(p.getFileName().toString())).collect(java.util.stream.Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The descriptors an epoll instance of this process watches, as its {@code fdinfo} lists them ({@code tfd:}). */
    public static java.util.Set<Integer> watchedBy(int epfd) {
        try {
            return Files.readAllLines(Path.of("/proc/self/fdinfo/" + epfd)).stream().filter(l -> l.startsWith("tfd:"))
                    .map(l -> Integer.parseInt(l.trim().split("\\s+")[1])).collect(java.util.stream.Collectors.toSet());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * The numbers of epoll_wait and epoll_pwait, where a selecting thread waits (the generic table has only
     * epoll_pwait, which glibc's epoll_wait calls).
     */
    public static final int SYS_EPOLL_WAIT = X86_64 ? 232 : 22, SYS_EPOLL_PWAIT = X86_64 ? 281 : 22;

    /**
     * The descriptor of this process's TCP socket whose local port is {@code port}: its inode from /proc/net/tcp and
     * tcp6, then the descriptor that links to it (for sockets whose number their API does not tell, such as the JDK's).
     */
    public static int socketWithLocalPort(int port) {
        String hexPort = String.format(":%04X", port);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[1].endsWith(hexPort)) {
                        String target = "socket:[" + f[9] + "]";
                        for (int fd : numbers()) {
                            if (targetOf(Path.of("/proc/self/fd/" + fd)).equals(target)) {
                                return fd;
                            }
                        }
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        throw new AssertionError("no socket of this process has local port " + port);
    }

    /**
     * The number of open descriptors once it is {@code expected}, or after a few seconds what it is then: for a count
     * taken after a server stopped, whose last connections another thread may still be closing.
     */
    public static long openOnceBackTo(long expected) {
        long deadline = System.nanoTime() + 5_000_000_000L;
        long now = open();
        while (now != expected && System.nanoTime() < deadline) {
            Thread.onSpinWait();
            now = open();
        }
        return now;
    }

    /**
     * What is open now and was not in {@code before}, described for a failure: each descriptor's target, and for a
     * TCP socket its state and ports as /proc/net/tcp and tcp6 list them (say, a connection the peer closed that the
     * process never closed, CLOSE_WAIT); at most 20 lines, then a count of the rest by kind.
     */
    public static String extraSince(java.util.Map<Integer, String> before) {
        java.util.Map<Integer, String> now = snapshot();
        now.entrySet().removeIf(e -> e.getValue().equals(before.get(e.getKey())));
        java.util.Map<String, String> tcp = new java.util.HashMap<>();
        String[] states = {"?", "ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT1", "FIN_WAIT2", "TIME_WAIT", "CLOSE",
                "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"};
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && !f[0].equals("sl")) {
                        int st = Integer.parseInt(f[3], 16);
                        tcp.put("socket:[" + f[9] + "]", (st < states.length ? states[st] : f[3]) + " local "
                                + Integer.parseInt(f[1].substring(f[1].indexOf(':') + 1), 16) + " remote "
                                + Integer.parseInt(f[2].substring(f[2].indexOf(':') + 1), 16));
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        try {
            // Num RefCount Protocol Flags Type St Inode [Path]: type 1 stream, 2 datagram; state 1 unconnected, 3 connected
            for (String line : Files.readAllLines(Path.of("/proc/net/unix"))) {
                String[] f = line.trim().split("\\s+");
                if (f.length > 6 && !f[0].equals("Num")) {
                    tcp.put("socket:[" + f[6] + "]", "unix type " + f[4] + " state " + f[5] + " flags " + f[3]
                            + (f.length > 7 ? " " + f[7] : ""));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        java.util.Map<String, Integer> kinds = new java.util.TreeMap<>();
        StringBuilder b = new StringBuilder(now.size() + " more open:");
        int shown = 0;
        for (var e : now.entrySet()) {
            String what = e.getValue() + (tcp.containsKey(e.getValue()) ? " " + tcp.get(e.getValue()) : "");
            kinds.merge(what.replaceAll("\\[[0-9]+\\]|local [0-9]+|remote [0-9]+", "").trim(), 1, Integer::sum);
            if (shown++ < 20) {
                b.append("\n  ").append(e.getKey()).append(" -> ").append(what);
            }
        }
        return b.append("\n  by kind: ").append(kinds).toString();
    }

    /**
     * Waits, at most {@code seconds}, until {@link #open()} is {@code count} again.
     *
     * @param before the {@link #snapshot()} taken with {@code count}, to say what is left
     * @return {@code null} once they are, else what is still open ({@link #extraSince})
     */
    public static String awaitBackTo(long count, java.util.Map<Integer, String> before, int seconds) {
        long deadline = System.nanoTime() + seconds * 1_000_000_000L;
        while (open() != count && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        return open() == count ? null : open() + " open where there were " + count + "; " + extraSince(before);
    }
}
