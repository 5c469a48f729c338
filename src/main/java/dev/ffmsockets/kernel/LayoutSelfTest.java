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

    /** An IPv4 address as {@code sin_addr} holds it: big-endian whatever the CPU's order (s390x's is big too). */
    private static final java.lang.foreign.ValueLayout.OfInt NETWORK_INT =
            JAVA_INT_UNALIGNED.withOrder(java.nio.ByteOrder.BIG_ENDIAN);

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
     * What the bindings say of the structs the message and batch calls write pointers into: {@code msghdr},
     * {@code iovec}, {@code cmsghdr}, {@code mmsghdr}; a test plants wrong ones.
     */
    public record MessageLayouts(long msghdr, long msgName, long msgNamelen, long msgIov, long msgIovlen,
                                 long msgControl, long msgControllen, long msgFlags, long iovec, long iovBase,
                                 long iovLen, long cmsghdr, long cmsgLen, long cmsgLevel, long cmsgType,
                                 long mmsghdr, long mmsgLen) {
        /** {@return what the bindings of this platform say} */
        public static MessageLayouts ofBindings() {
            return new MessageLayouts(dev.ffmsockets.raw.msghdr.sizeof(), dev.ffmsockets.raw.msghdr.msg_name$offset(),
                    dev.ffmsockets.raw.msghdr.msg_namelen$offset(), dev.ffmsockets.raw.msghdr.msg_iov$offset(),
                    dev.ffmsockets.raw.msghdr.msg_iovlen$offset(), dev.ffmsockets.raw.msghdr.msg_control$offset(),
                    dev.ffmsockets.raw.msghdr.msg_controllen$offset(), dev.ffmsockets.raw.msghdr.msg_flags$offset(),
                    dev.ffmsockets.raw.iovec.sizeof(), dev.ffmsockets.raw.iovec.iov_base$offset(),
                    dev.ffmsockets.raw.iovec.iov_len$offset(), dev.ffmsockets.raw.cmsghdr.sizeof(),
                    dev.ffmsockets.raw.cmsghdr.cmsg_len$offset(), dev.ffmsockets.raw.cmsghdr.cmsg_level$offset(),
                    dev.ffmsockets.raw.cmsghdr.cmsg_type$offset(), dev.ffmsockets.raw.mmsghdr.sizeof(),
                    dev.ffmsockets.raw.mmsghdr.msg_len$offset());
        }
    }

    /**
     * Checks the bindings against the kernel.
     *
     * @throws IllegalStateException listing every layout the kernel disagrees with, and naming the platform
     */
    public static void run() {
        List<String> wrong = check(Expected.ofBindings());
        wrong.addAll(check(MessageLayouts.ofBindings()));
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
            int ep = Epoll.epoll_create1(cap, EPOLL_CLOEXEC);
            int ev1 = Epoll.eventfd(cap, 1, EFD_CLOEXEC), ev2 = Epoll.eventfd(cap, 1, EFD_CLOEXEC);
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
                // reads 1 only if it is where the kernel writes it: a write and a read through the same wrong
                // offsets would otherwise agree with each other (and 1, not 0: a tv_sec read 4 bytes late on a
                // big-endian CPU would read the zero high half of tv_usec)
                buf.fill((byte) 0);
                buf.set(JAVA_LONG_UNALIGNED, e.tvSec(), 1);
                buf.set(JAVA_LONG_UNALIGNED, e.tvUsec(), 1);
                Kernel.setsockopt(cap, tcp, SOL_SOCKET, SO_RCVTIMEO, buf, (int) Math.max(16, e.timeval()));
                size(wrong, "struct timeval", cap, tcp, SOL_SOCKET, SO_RCVTIMEO, buf, len, e.timeval());
                long usec = buf.get(JAVA_LONG_UNALIGNED, e.tvUsec());
                if (usec <= 1 || usec >= 1_000_000) {
                    wrong.add("timeval.tv_usec reads " + usec + " where the kernel rounded 1 µs up to a clock tick");
                }
                field(wrong, "timeval.tv_sec", buf.get(JAVA_LONG_UNALIGNED, e.tvSec()), 1);
                // ucred: its size, and where the pid is
                size(wrong, "struct ucred", cap, pair.get(JAVA_INT, 0), SOL_SOCKET, SO_PEERCRED, buf, len, e.ucred());
                field(wrong, "ucred.pid", buf.get(JAVA_INT_UNALIGNED, e.ucredPid()), Kernel.getpid());
                // sockaddr_in: bound to 127.0.0.1, read back by getsockname
                buf.fill((byte) 0);
                buf.set(JAVA_SHORT_UNALIGNED, e.sinFamily(), (short) AF_INET);
                buf.set(NETWORK_INT, e.sinAddr(), 0x7f000001); // network byte order on every CPU: 127.0.0.1
                if (Kernel.bind(cap, tcp, buf, (int) e.sin()) < 0) {
                    wrong.add("bind of a sockaddr_in of " + e.sin() + " bytes failed (errno " + Kernel.errno(cap) + ")");
                } else {
                    name(wrong, "sockaddr_in", cap, tcp, buf, len, e.sin());
                    field(wrong, "sockaddr_in.sin_family", buf.get(JAVA_SHORT_UNALIGNED, e.sinFamily()), AF_INET);
                    field(wrong, "sockaddr_in.sin_addr", buf.get(NETWORK_INT, e.sinAddr()), 0x7f000001);
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
                    Epoll.epoll_ctl(cap, ep, EPOLL_CTL_ADD, fds[i], buf);
                }
                buf.fill((byte) 0);
                int n = Epoll.epoll_wait(cap, ep, buf, (int) Math.min(2, 512 / Math.max(1, e.epollEvent())), 0);
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

    /** Room for every struct and buffer of the message check, each far from the next. */
    private static final long SLOT = 1024, SLOTS = 16;

    /**
     * Checks the message structs against the kernel with two datagrams over a Unix pair: one {@code sendmsg} of two
     * {@code iovec}s and an {@code SCM_CREDENTIALS} message, then one {@code recvmmsg} of both into an array of two
     * {@code mmsghdr}. The kernel reads the sent structs where it has their fields (the bytes it sends say so) and
     * writes the received ones where it has them (lengths, control data, flags read back at the bindings'
     * offsets). In the structs the kernel reads pointers from ({@code msghdr}, {@code iovec}, {@code mmsghdr}) every
     * pointer written points into its own 1 KiB slot of one zeroed block and every other value is below 64 KiB,
     * where nothing is ever mapped; what a receive writes is bounded by what was sent (8 bytes and one credentials
     * message). So a wrong binding, through which the kernel would read a pointer as a length or the reverse, makes
     * a call fail or a value read wrong, and never writes outside that block.
     *
     * @param m the layouts to check
     * @return what the kernel disagrees with; empty when nothing
     */
    public static List<String> check(MessageLayouts m) {
        List<String> wrong = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment cap = arena.allocate(Kernel.CAPTURE);
            MemorySegment block = arena.allocate(SLOT * SLOTS, 16), pair = arena.allocate(JAVA_INT, 2);
            MemorySegment[] slot = new MemorySegment[(int) SLOTS];
            for (int i = 0; i < SLOTS; i++) {
                slot[i] = block.asSlice(i * SLOT, SLOT);
            }
            if (Kernel.socketpair(cap, AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, pair) < 0) {
                wrong.add("could not open a Unix datagram pair to test with (errno " + Kernel.errno(cap) + ")");
                return wrong;
            }
            int a = pair.get(JAVA_INT, 0), b = pair.get(JAVA_INT, 4);
            try {
                slot[0].set(JAVA_INT, 0, 1);
                if (Kernel.setsockopt(cap, b, SOL_SOCKET, SO_PASSCRED, slot[0], 4) < 0) {
                    wrong.add("SO_PASSCRED failed (errno " + Kernel.errno(cap) + ")");
                    return wrong;
                }
                // sendmsg: "ab" and "cde" in two iovecs, and this process's credentials
                MemorySegment msg = slot[1], iov = slot[2], control = slot[3], ab = slot[4], cde = slot[5];
                ab.set(JAVA_BYTE, 0, (byte) 'a');
                ab.set(JAVA_BYTE, 1, (byte) 'b');
                cde.set(JAVA_BYTE, 0, (byte) 'c');
                cde.set(JAVA_BYTE, 1, (byte) 'd');
                cde.set(JAVA_BYTE, 2, (byte) 'e');
                iov(iov, m, 0, ab, 2);
                iov(iov, m, 1, cde, 3);
                long credLen = m.cmsghdr() + 12;
                control.set(JAVA_LONG_UNALIGNED, m.cmsgLen(), credLen);
                control.set(JAVA_INT_UNALIGNED, m.cmsgLevel(), SOL_SOCKET);
                control.set(JAVA_INT_UNALIGNED, m.cmsgType(), SCM_CREDENTIALS);
                control.set(JAVA_INT_UNALIGNED, m.cmsghdr(), Kernel.getpid());
                control.set(JAVA_INT_UNALIGNED, m.cmsghdr() + 4, Kernel.getuid());
                control.set(JAVA_INT_UNALIGNED, m.cmsghdr() + 8, Kernel.getgid());
                header(msg, 0, m, iov, 2, control, (credLen + 7) & ~7L);
                long sent = Kernel.sendmsg(cap, a, msg, MSG_DONTWAIT);
                if (sent != 5) {
                    wrong.add("sendmsg of two iovecs (2 and 3 bytes) and SCM_CREDENTIALS through msghdr (" + m.msghdr()
                            + " bytes), iovec (" + m.iovec() + ") and cmsghdr (" + m.cmsghdr() + ") gave " + sent
                            + " (errno " + Kernel.errno(cap) + ")");
                    return wrong;
                }
                // a second datagram, with no control data of the sender's
                iov(iov, m, 0, cde, 3);
                header(msg, 0, m, iov, 1, MemorySegment.NULL, 0);
                if (Kernel.sendmsg(cap, a, msg, MSG_DONTWAIT) != 3) {
                    wrong.add("sendmsg of one iovec gave errno " + Kernel.errno(cap));
                    return wrong;
                }
                // recvmmsg of both into two mmsghdr, each its own iovec of 64 bytes and 64 bytes of control room
                MemorySegment vec = slot[6];
                MemorySegment[] iovs = {slot[7], slot[8]}, bufs = {slot[9], slot[10]}, controls = {slot[11], slot[12]};
                for (int i = 0; i < 2; i++) {
                    iov(iovs[i], m, 0, bufs[i], 64);
                    header(vec, i * m.mmsghdr(), m, iovs[i], 1, controls[i], 64);
                    vec.set(JAVA_INT_UNALIGNED, i * m.mmsghdr() + m.msgFlags(), 0x7777);
                    vec.set(JAVA_INT_UNALIGNED, i * m.mmsghdr() + m.mmsgLen(), 0x7777);
                }
                int n = Kernel.recvmmsg(cap, b, vec, 2, MSG_DONTWAIT, MemorySegment.NULL);
                if (n != 2) {
                    wrong.add("recvmmsg into two mmsghdr (" + m.mmsghdr() + " bytes each) gave " + n + " of 2 (errno "
                            + Kernel.errno(cap) + ")");
                    return wrong;
                }
                field(wrong, "mmsghdr.msg_len of the first", vec.get(JAVA_INT_UNALIGNED, m.mmsgLen()), 5);
                field(wrong, "mmsghdr.msg_len of the second (mmsghdr's size)",
                        vec.get(JAVA_INT_UNALIGNED, m.mmsghdr() + m.mmsgLen()), 3);
                field(wrong, "the bytes gathered from two iovecs", bufs[0].get(JAVA_BYTE, 4), 'e');
                field(wrong, "msghdr.msg_flags written back", vec.get(JAVA_INT_UNALIGNED, m.msgFlags()), 0);
                field(wrong, "msghdr.msg_controllen written back",
                        vec.get(JAVA_LONG_UNALIGNED, m.msgControllen()), (credLen + 7) & ~7L);
                field(wrong, "cmsghdr.cmsg_len", controls[0].get(JAVA_LONG_UNALIGNED, m.cmsgLen()), credLen);
                field(wrong, "cmsghdr.cmsg_level", controls[0].get(JAVA_INT_UNALIGNED, m.cmsgLevel()), SOL_SOCKET);
                field(wrong, "cmsghdr.cmsg_type", controls[0].get(JAVA_INT_UNALIGNED, m.cmsgType()), SCM_CREDENTIALS);
                field(wrong, "the credentials' pid after the cmsghdr",
                        controls[0].get(JAVA_INT_UNALIGNED, m.cmsghdr()), Kernel.getpid());
                // SO_PASSCRED: the kernel attaches the sender's credentials to the second datagram too
                field(wrong, "msghdr.msg_controllen of the second (mmsghdr's size)",
                        vec.get(JAVA_LONG_UNALIGNED, m.mmsghdr() + m.msgControllen()), (credLen + 7) & ~7L);
                field(wrong, "the second's credentials' pid", controls[1].get(JAVA_INT_UNALIGNED, m.cmsghdr()),
                        Kernel.getpid());
            } finally {
                Kernel.close(cap, a);
                Kernel.close(cap, b);
            }
        }
        return wrong;
    }

    /** Writes iovec {@code i} of the array at {@code iov}. */
    private static void iov(MemorySegment iov, MessageLayouts m, int i, MemorySegment base, long len) {
        iov.set(java.lang.foreign.ValueLayout.ADDRESS_UNALIGNED, i * m.iovec() + m.iovBase(), base);
        iov.set(JAVA_LONG_UNALIGNED, i * m.iovec() + m.iovLen(), len);
    }

    /** Writes a msghdr at {@code at} of {@code into}: no name, the iovecs, the control data, no flags. */
    private static void header(MemorySegment into, long at, MessageLayouts m, MemorySegment iov, long iovlen,
                               MemorySegment control, long controllen) {
        into.asSlice(at, Math.min(m.msghdr(), into.byteSize() - at)).fill((byte) 0);
        into.set(java.lang.foreign.ValueLayout.ADDRESS_UNALIGNED, at + m.msgIov(), iov);
        into.set(JAVA_LONG_UNALIGNED, at + m.msgIovlen(), iovlen);
        into.set(java.lang.foreign.ValueLayout.ADDRESS_UNALIGNED, at + m.msgControl(), control);
        into.set(JAVA_LONG_UNALIGNED, at + m.msgControllen(), controllen);
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
