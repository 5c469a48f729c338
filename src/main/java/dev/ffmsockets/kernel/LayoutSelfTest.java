package dev.ffmsockets.kernel;


import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;

import static dev.ffmsockets.raw.Constants.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * The bindings' layouts checked against the running kernel, the one oracle that cannot be wrong about itself: the
 * sizes it reports ({@code getsockopt}'s {@code optlen} for {@code linger}, {@code timeval}, {@code ucred};
 * {@code getsockname}'s {@code addrlen} for {@code sockaddr_in}, {@code sockaddr_in6}, {@code sockaddr_un}) and
 * where it reads and writes the fields (the family, an address, a timeout written by offset and read back, the pid
 * of {@code SO_PEERCRED}, {@code epoll_event}'s data and its stride in an array of two). Every buffer handed to the
 * kernel is larger than the binding says, so a wrong binding is reported, never a corruption of memory.
 *
 * <p>Run it with {@code Posix.selfTest()}, or at the first use of the library with {@code -Dffmsockets.selfTest=true}.
 */
public final class LayoutSelfTest {

    private LayoutSelfTest() {
    }

    /**
     * What the bindings say: sizes and offsets, taken from {@code dev.ffmsockets.raw} and, for {@code epoll_event},
     * from this platform's own ({@link Platform#EPOLL_EVENT}); a test plants wrong ones.
     */
    public record Expected(long linger, long lingerSeconds, long timeval, long tvSec, long tvUsec, long ucred, long ucredPid,
                    long sin, long sinFamily, long sinAddr, long sin6, long sin6Family, long sin6Addr, long sunFamily,
                    long sunPath, long epollEvent, long epollData) {
        /** {@return what the bindings of this platform say} */
        public static Expected ofBindings() {
            return new Expected(dev.ffmsockets.raw.linger.sizeof(), dev.ffmsockets.raw.linger.l_linger$offset(), dev.ffmsockets.raw.timeval.sizeof(), dev.ffmsockets.raw.timeval.tv_sec$offset(),
                    dev.ffmsockets.raw.timeval.tv_usec$offset(), dev.ffmsockets.raw.ucred.sizeof(), dev.ffmsockets.raw.ucred.pid$offset(), dev.ffmsockets.raw.sockaddr_in.sizeof(),
                    dev.ffmsockets.raw.sockaddr_in.sin_family$offset(), dev.ffmsockets.raw.sockaddr_in.sin_addr$offset(), dev.ffmsockets.raw.sockaddr_in6.sizeof(),
                    dev.ffmsockets.raw.sockaddr_in6.sin6_family$offset(), dev.ffmsockets.raw.sockaddr_in6.sin6_addr$offset(), dev.ffmsockets.raw.sockaddr_un.sun_family$offset(),
                    dev.ffmsockets.raw.sockaddr_un.sun_path$offset(), Platform.EPOLL_EVENT.byteSize(), Platform.EPOLL_DATA);
        }
    }

    /**
     * Checks the bindings against the kernel.
     *
     * @throws IllegalStateException listing every layout the kernel disagrees with, and naming the platform
     */
    public static void run() {
        List<String> wrong = check(Expected.ofBindings());
        if (!wrong.isEmpty()) {
            throw new IllegalStateException("ffm-sockets: the bindings do not match this system's kernel ("
                    + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "); refusing to go on "
                    + "rather than corrupt memory: " + String.join("; ", wrong));
        }
    }

    /**
     * Checks layouts against the kernel.
     *
     * @param e the sizes and offsets to check
     * @return what the kernel disagrees with; empty when nothing
     */
    public static List<String> check(Expected e) {
        List<String> wrong = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = arena.allocate(Kernel.CAPTURE);
            MemorySegment buf = arena.allocate(512, 16), len = arena.allocate(JAVA_INT), pair = arena.allocate(JAVA_INT, 2);
            int tcp = Kernel.socket(cap, AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
            int tcp6 = Kernel.socket(cap, AF_INET6, SOCK_STREAM | SOCK_CLOEXEC, 0);
            int unix = Kernel.socket(cap, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
            int ep = Kernel.epoll_create1(cap, EPOLL_CLOEXEC);
            int ev1 = Kernel.eventfd(cap, 1, EFD_CLOEXEC), ev2 = Kernel.eventfd(cap, 1, EFD_CLOEXEC);
            boolean paired = Kernel.socketpair(cap, AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair) == 0;
            try {
                if (tcp < 0 || unix < 0 || ep < 0 || ev1 < 0 || ev2 < 0 || !paired) {
                    wrong.add("could not open the sockets, epoll and eventfds to test with (errno "
                            + Kernel.errno(cap) + ")");
                    return wrong;
                }
                // linger: its size, and where l_linger is
                buf.fill((byte) 0);
                buf.set(JAVA_INT_UNALIGNED, 0, 1);
                buf.set(JAVA_INT_UNALIGNED, e.lingerSeconds(), 7);
                Kernel.setsockopt(cap, tcp, SOL_SOCKET, SO_LINGER, buf, (int) Math.max(e.linger(), e.lingerSeconds() + 4));
                size(wrong, "struct linger", cap, tcp, SOL_SOCKET, SO_LINGER, buf, len, e.linger());
                field(wrong, "linger.l_linger", buf.get(JAVA_INT_UNALIGNED, e.lingerSeconds()), 7);
                // timeval: its size, and its fields where the kernel has them. One microsecond comes back rounded up
                // to a clock tick (1,000 or more) only if it was written where the kernel reads tv_usec, and tv_sec
                // reads 0 only if it is where the kernel writes it: a write and a read through the same wrong
                // offsets would otherwise agree with each other
                buf.fill((byte) 0);
                buf.set(JAVA_LONG_UNALIGNED, e.tvSec(), 0);
                buf.set(JAVA_LONG_UNALIGNED, e.tvUsec(), 1);
                Kernel.setsockopt(cap, tcp, SOL_SOCKET, SO_RCVTIMEO, buf, (int) Math.max(16, e.timeval()));
                size(wrong, "struct timeval", cap, tcp, SOL_SOCKET, SO_RCVTIMEO, buf, len, e.timeval());
                long usec = buf.get(JAVA_LONG_UNALIGNED, e.tvUsec());
                if (usec <= 1 || usec >= 1_000_000) {
                    wrong.add("timeval.tv_usec reads " + usec + " where the kernel rounded 1 µs up to a clock tick");
                }
                field(wrong, "timeval.tv_sec", buf.get(JAVA_LONG_UNALIGNED, e.tvSec()), 0);
                // ucred: its size, and where the pid is
                size(wrong, "struct ucred", cap, pair.get(JAVA_INT, 0), SOL_SOCKET, SO_PEERCRED, buf, len, e.ucred());
                field(wrong, "ucred.pid", buf.get(JAVA_INT_UNALIGNED, e.ucredPid()), Kernel.getpid());
                // sockaddr_in: bound to 127.0.0.1, read back by getsockname
                buf.fill((byte) 0);
                buf.set(JAVA_SHORT_UNALIGNED, e.sinFamily(), (short) AF_INET);
                buf.set(JAVA_INT_UNALIGNED, e.sinAddr(), Integer.reverseBytes(0x7f000001));
                if (Kernel.bind(cap, tcp, buf, (int) e.sin()) < 0) {
                    wrong.add("bind of a sockaddr_in of " + e.sin() + " bytes failed (errno " + Kernel.errno(cap) + ")");
                } else {
                    name(wrong, "sockaddr_in", cap, tcp, buf, len, e.sin());
                    field(wrong, "sockaddr_in.sin_family", buf.get(JAVA_SHORT_UNALIGNED, e.sinFamily()), AF_INET);
                    field(wrong, "sockaddr_in.sin_addr", buf.get(JAVA_INT_UNALIGNED, e.sinAddr()), Integer.reverseBytes(0x7f000001));
                }
                // sockaddr_in6: bound to ::1 (where the kernel has IPv6)
                if (tcp6 >= 0) {
                    buf.fill((byte) 0);
                    buf.set(JAVA_SHORT_UNALIGNED, e.sin6Family(), (short) AF_INET6);
                    buf.set(JAVA_BYTE, e.sin6Addr() + 15, (byte) 1);
                    if (Kernel.bind(cap, tcp6, buf, (int) e.sin6()) < 0) {
                        wrong.add("bind of a sockaddr_in6 for ::1 (sin6_addr at " + e.sin6Addr() + ") failed (errno "
                                + Kernel.errno(cap) + ")");
                    } else {
                        name(wrong, "sockaddr_in6", cap, tcp6, buf, len, e.sin6());
                        field(wrong, "sockaddr_in6.sin6_family", buf.get(JAVA_SHORT_UNALIGNED, e.sin6Family()), AF_INET6);
                        field(wrong, "sockaddr_in6.sin6_addr", buf.get(JAVA_BYTE, e.sin6Addr() + 15), 1);
                    }
                }
                // sockaddr_un: bound with only its family (2 bytes), Linux gives it an abstract name of its own, a
                // NUL and five hex digits; getsockname's length then says where sun_path starts
                buf.fill((byte) 0);
                buf.set(JAVA_SHORT_UNALIGNED, e.sunFamily(), (short) AF_UNIX);
                if (Kernel.bind(cap, unix, buf, 2) < 0) {
                    wrong.add("the autobind of a sockaddr_un failed (errno " + Kernel.errno(cap) + ")");
                } else {
                    name(wrong, "sockaddr_un (sun_path at " + e.sunPath() + ", then an autobound name of 6 bytes)",
                            cap, unix, buf, len, e.sunPath() + 6);
                    field(wrong, "sockaddr_un.sun_family", buf.get(JAVA_SHORT_UNALIGNED, e.sunFamily()), AF_UNIX);
                }
                // epoll_event: data where epoll_wait writes it, and the stride of an array of them
                long[] tags = {0x1122334455667788L, 0x0102030405060708L};
                int[] fds = {ev1, ev2};
                for (int i = 0; i < 2; i++) {
                    buf.fill((byte) 0);
                    buf.set(JAVA_INT_UNALIGNED, 0, EPOLLIN);
                    buf.set(JAVA_LONG_UNALIGNED, e.epollData(), tags[i]);
                    Kernel.epoll_ctl(cap, ep, EPOLL_CTL_ADD, fds[i], buf);
                }
                buf.fill((byte) 0);
                int n = Kernel.epoll_wait(cap, ep, buf, (int) Math.min(2, 512 / Math.max(1, e.epollEvent())), 0);
                if (n != 2) {
                    wrong.add("epoll_wait gave " + n + " events of 2 ready eventfds");
                } else {
                    long first = buf.get(JAVA_LONG_UNALIGNED, e.epollData());
                    long second = buf.get(JAVA_LONG_UNALIGNED, e.epollEvent() + e.epollData());
                    boolean both = (first == tags[0] && second == tags[1]) || (first == tags[1] && second == tags[0]);
                    if (!both) {
                        wrong.add("epoll_event: " + e.epollEvent() + " bytes with data at " + e.epollData()
                                + " reads " + Long.toHexString(first) + ", " + Long.toHexString(second)
                                + " where the kernel wrote " + Long.toHexString(tags[0]) + " and " + Long.toHexString(tags[1]));
                    }
                }
            } finally {
                for (int fd : new int[] {tcp, tcp6, unix, ep, ev1, ev2}) {
                    if (fd >= 0) {
                        Kernel.close(cap, fd);
                    }
                }
                if (paired) {
                    Kernel.close(cap, pair.get(JAVA_INT, 0));
                    Kernel.close(cap, pair.get(JAVA_INT, 4));
                }
            }
        }
        return wrong;
    }

    private static void size(List<String> wrong, String what, MemorySegment cap, int fd, int level, int name,
                             MemorySegment buf, MemorySegment len, long expected) {
        buf.fill((byte) 0);
        len.set(JAVA_INT, 0, (int) buf.byteSize());
        if (Kernel.getsockopt(cap, fd, level, name, buf, len) < 0) {
            wrong.add("getsockopt for " + what + " failed (errno " + Kernel.errno(cap) + ")");
        } else if (len.get(JAVA_INT, 0) != expected) {
            wrong.add(what + " is " + len.get(JAVA_INT, 0) + " bytes for the kernel, " + expected + " in the bindings");
        }
    }

    private static void name(List<String> wrong, String what, MemorySegment cap, int fd, MemorySegment buf,
                             MemorySegment len, long expected) {
        buf.fill((byte) 0);
        len.set(JAVA_INT, 0, (int) buf.byteSize());
        if (Kernel.getsockname(cap, fd, buf, len) < 0) {
            wrong.add("getsockname for " + what + " failed (errno " + Kernel.errno(cap) + ")");
        } else if (len.get(JAVA_INT, 0) != expected) {
            wrong.add(what + " is " + len.get(JAVA_INT, 0) + " bytes for the kernel, " + expected + " in the bindings");
        }
    }

    private static void field(List<String> wrong, String what, long got, long expected) {
        if (got != expected) {
            wrong.add(what + " reads " + got + " where the kernel has " + expected);
        }
    }
}
