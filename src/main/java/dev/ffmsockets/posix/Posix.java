package dev.ffmsockets.posix;

import dev.ffmsockets.kernel.Epoll;
import dev.ffmsockets.kernel.Kernel;
import dev.ffmsockets.kernel.KernelFiles;
import dev.ffmsockets.kernel.Platform;
import dev.ffmsockets.raw.Constants;
import dev.ffmsockets.raw.addrinfo;
import dev.ffmsockets.raw.cmsghdr;
import dev.ffmsockets.raw.mmsghdr;
import dev.ffmsockets.raw.msghdr;
import dev.ffmsockets.raw.pollfd;
import dev.ffmsockets.raw.rlimit;
import dev.ffmsockets.raw.sockets_h;
import dev.ffmsockets.raw.timespec;

import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import static dev.ffmsockets.posix.CallState.ADDR;
import static dev.ffmsockets.posix.CallState.DATA;
import static dev.ffmsockets.posix.CallState.EXTRA;
import static dev.ffmsockets.posix.CallState.RESULT;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * The C socket API, under its C names and with its C signatures, so that a C socket program ports to
 * Java line by line and makes the same system calls.
 *
 * {@snippet :
 * import static dev.ffmsockets.posix.Posix.*;
 *
 * try (Arena arena = Arena.ofConfined()) {
 *     int listenfd = socket(AF_INET, SOCK_STREAM, 0);
 *     MemorySegment serv_addr = sockaddr_in.allocate(arena);
 *     sockaddr_in.sin_family(serv_addr, (short) AF_INET);
 *     in_addr.s_addr(sockaddr_in.sin_addr(serv_addr), htonl(INADDR_ANY));
 *     sockaddr_in.sin_port(serv_addr, htons(2017));
 *     if (bind(listenfd, serv_addr, (int) sockaddr_in.sizeof()) < 0) {
 *         perror("bind");
 *     }
 * }
 * }
 *
 * <p><b>Types.</b> {@code int} is {@code int}; {@code size_t}, {@code ssize_t} and {@code nfds_t} are
 * {@code long}; {@code socklen_t} is {@code int}; every pointer is a {@link MemorySegment} (use
 * {@link MemorySegment#NULL} for C's {@code NULL}). Structs are the classes jextract generated in
 * {@link dev.ffmsockets.raw} ({@code sockaddr_in}, {@code sockaddr_in6}, {@code sockaddr_un}, {@code msghdr},
 * {@code pollfd}, ...). The constants are the fields of {@link Constants}, compile-time constants under
 * their C names, inherited here so that the static import brings them.
 *
 * <p><b>Return values and errno.</b> Every function returns exactly what C returns ({@code -1} on failure for
 * most). {@link #errno()} is the errno left by <em>this thread's</em> last failing call, as in C; the JVM's own
 * use of the C library in between cannot disturb it. No function retries on {@code EINTR} or makes a system
 * call that the C function would not make.
 *
 * <p><b>Memory safety, the one place this API is stricter than C.</b> Every length is checked against the
 * segment it describes before the call: a {@code len} larger than {@code buf}, an {@code addrlen} or
 * {@code *addrlen} larger than {@code addr}, an {@code optlen} larger than {@code optval}, an {@code nfds} beyond
 * the {@code pollfd} array, a string without its terminating NUL. A violation throws
 * {@link IndexOutOfBoundsException} before the call, and nothing is written. A segment the C function writes
 * into must not be read-only ({@link IllegalArgumentException}). What cannot be checked: the raw addresses
 * stored <em>inside</em> structs ({@code msg_name}, {@code msg_iov} and {@code iov_base}, {@code msg_control} of
 * a {@code msghdr}; {@code ai_next} and the rest of an {@code addrinfo} list). They are plain addresses, as in
 * C, and their correctness is the caller's.
 *
 * <p><b>Native access.</b> Every function here is usable from a module without native access of its own
 * (only this module needs it), except those that would touch memory they cannot check, which are
 * <em>restricted</em> as the JDK's own such methods are: they throw {@link IllegalCallerException} unless the
 * calling module has native access ({@code --enable-native-access=M}). They are {@link #sendmsg},
 * {@link #recvmsg}, {@link #sendmmsg}, {@link #recvmmsg}, {@link #CMSG_FIRSTHDR}, {@link #CMSG_NXTHDR},
 * {@link #freeaddrinfo}, {@link #ai_addr}, and
 * {@link #setsockopt}/{@link #getsockopt} of the few options whose value holds an address. In
 * {@link dev.ffmsockets.raw} nothing public calls C or reinterprets memory: a pointer read from a struct is a
 * zero-length segment, and code with native access links its own downcall from a function's
 * {@code $address()} and {@code $descriptor()}.
 *
 * <p><b>Heap segments</b> ({@code MemorySegment.ofArray(bytes)}) are accepted wherever a pointer is: they are
 * copied through native memory kept per thread, so C sees the same lengths and makes the same system calls.
 * No call here is made with {@link Linker.Option#critical critical} linkage: a thread blocked inside a
 * critical downcall cannot reach a safepoint, and the next garbage collection would wait for it.
 *
 * <p>This API is generated for Linux x86_64, aarch64, riscv64 and s390x with glibc and Linux x86_64 with musl, and
 * tested on the first natively and on aarch64, riscv64 and s390x under emulation (every layout is proven against
 * each platform's C compiler). Struct layouts and constants are those of {@code dev.ffmsockets.raw}, which are the
 * same on all five but for {@link #EPOLL_EVENT} and a few C library limits ({@code SOMAXCONN}, {@code NI_MAXHOST},
 * {@code AF_MAX} differ on musl; see docs/platforms.md). On any other platform the first use of this class fails with an
 * {@link UnsupportedOperationException} that names the platform.
 */
public final class Posix implements Constants {

    static {
        Platform.require();
    }

    private Posix() {
    }

    /**
     * {@code struct epoll_event} as this platform lays it out: packed into 12 bytes on x86_64, 16 bytes with
     * {@code data} at offset 8 on aarch64, riscv64 and s390x. Allocate the events of {@link #epoll_ctl} and
     * {@link #epoll_wait} with it rather than with {@code dev.ffmsockets.raw.epoll_event}, which is x86_64's; read
     * {@code data} at {@code EPOLL_EVENT.byteOffset(groupElement("data"))}, unaligned.
     */
    public static final StructLayout EPOLL_EVENT = Platform.EPOLL_EVENT;

    /** The C {@code socklen_t} type, for {@code arena.allocateFrom(socklen_t, (int) sockaddr_in.sizeof())}. */
    public static final ValueLayout.OfInt socklen_t = sockets_h.socklen_t;
    /** The C {@code int} type. */
    public static final ValueLayout.OfInt C_INT = sockets_h.C_INT;

    private static final boolean LITTLE_ENDIAN = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
    private static final long SOCKADDR_IN_SIZE = 16, SOCKADDR_IN6_SIZE = 28;

    private static int result(CallState st, int r) {
        if (r == -1) {
            st.failed();
        }
        return r;
    }

    private static long result(CallState st, long r) {
        if (r == -1) {
            st.failed();
        }
        return r;
    }

    // ---- errno ----------------------------------------------------------------------------------------

    /**
     * {@code errno}: the error number left by this thread's last failing call of this class, exactly as C's
     * {@code errno} is per thread. Calls that succeed leave it unchanged, as in C.
     *
     * @return the errno value, such as {@link #ECONNREFUSED}; 0 if this thread has had no failing call
     */
    public static int errno() {
        return CallState.current().errno;
    }

    /**
     * Sets this thread's {@code errno}, as C's {@code errno = value}: 0 before a call whose failure shows only in
     * errno.
     *
     * @param value the errno value
     */
    public static void setErrno(int value) {
        CallState.current().errno = value;
    }

    /**
     * {@code strerror(3)}: the C library's message for an errno value.
     *
     * @param errnum an errno value
     * @return the message, such as {@code "Connection refused"}; {@code "Unknown error N"} for unknown values
     */
    public static String strerror(int errnum) {
        return (Kernel.strerror(errnum)).reinterpret(Integer.MAX_VALUE).getString(0);
    }

    /**
     * {@code perror(3)}: prints {@code s}, a colon and {@link #strerror strerror(errno())} to standard error,
     * as C does (only the message when {@code s} is {@code null} or empty). errno is unchanged.
     *
     * @param s the prefix, typically the name of the call that failed
     */
    public static void perror(String s) {
        String message = strerror(errno());
        System.err.println(s == null || s.isEmpty() ? message : s + ": " + message);
    }

    /**
     * The C name of an errno value, as glibc's {@code strerrorname_np(3)} gives it.
     *
     * @param errnum an errno value
     * @return the name, such as {@code "ECONNREFUSED"}, or {@code null} when no errno has this value
     */
    public static String errnoName(int errnum) {
        return Constants.errnoName(errnum);
    }

    // ---- byte order (pure Java, no downcall) -----------------------------------------------------------

    /**
     * {@code htons(3)}: host to network byte order, 16 bits.
     *
     * @param hostshort the value in host order
     * @return the value in network order
     */
    public static short htons(short hostshort) {
        return LITTLE_ENDIAN ? Short.reverseBytes(hostshort) : hostshort;
    }

    /**
     * {@code htons(3)} for an {@code int} such as a port number, so that {@code htons(2017)} needs no cast.
     *
     * @param hostshort the value in host order, 0 to 65535
     * @return the value in network order
     * @throws IllegalArgumentException if the value does not fit 16 unsigned bits
     */
    public static short htons(int hostshort) {
        if ((hostshort & ~0xFFFF) != 0) {
            throw new IllegalArgumentException("htons: " + hostshort + " does not fit in 16 bits (0 to 65535)");
        }
        return htons((short) hostshort);
    }

    /**
     * {@code ntohs(3)}: network to host byte order, 16 bits. The result is C's {@code uint16_t} as a Java {@code int},
     * 0 to 65535, so that a port number prints as C prints it ({@code ntohs(sockaddr_in.sin_port(addr))} is 47873, not
     * -17663); {@link #htons(int)} takes it back.
     *
     * @param netshort the value in network order
     * @return the value in host order, 0 to 65535
     */
    public static int ntohs(short netshort) {
        return Short.toUnsignedInt(htons(netshort));
    }

    /**
     * {@code htonl(3)}: host to network byte order, 32 bits.
     *
     * @param hostlong the value in host order
     * @return the value in network order
     */
    public static int htonl(int hostlong) {
        return LITTLE_ENDIAN ? Integer.reverseBytes(hostlong) : hostlong;
    }

    /**
     * {@code ntohl(3)}: network to host byte order, 32 bits.
     *
     * @param netlong the value in network order
     * @return the value in host order
     */
    public static int ntohl(int netlong) {
        return htonl(netlong);
    }

    // ---- sockets ------------------------------------------------------------------------------------------

    /**
     * {@code socket(2)}: {@code int socket(int domain, int type, int protocol)}.
     *
     * @param domain   {@link #AF_INET}, {@link #AF_INET6}, {@link #AF_UNIX}, ...
     * @param type     {@link #SOCK_STREAM}, {@link #SOCK_DGRAM}, ..., optionally or-ed with
     *                 {@link #SOCK_CLOEXEC} and {@link #SOCK_NONBLOCK}
     * @param protocol 0, or an {@code IPPROTO_*} value
     * @return the new file descriptor, or -1 with errno set ({@code EAFNOSUPPORT}, {@code EINVAL},
     *         {@code EMFILE}, ...)
     */
    public static int socket(int domain, int type, int protocol) {
        CallState st = CallState.current();
        return result(st, Kernel.socket(st.capture, domain, type, protocol));
    }

    /**
     * {@code socketpair(2)}: {@code int socketpair(int domain, int type, int protocol, int sv[2])}.
     *
     * @param domain   {@link #AF_UNIX}
     * @param type     the socket type
     * @param protocol 0
     * @param sv       at least two {@code int}s; receives the two connected descriptors
     * @return 0, or -1 with errno set
     * @throws IndexOutOfBoundsException if {@code sv} cannot hold two {@code int}s
     */
    public static int socketpair(int domain, int type, int protocol, MemorySegment sv) {
        Checks.writable("socketpair", "sv", sv, 2 * Integer.BYTES);
        CallState st = CallState.current();
        MemorySegment p = st.out(DATA, sv, 2 * Integer.BYTES);
        int r = result(st, Kernel.socketpair(st.capture, domain, type, protocol, p));
        CallState.back(p, sv, r == 0 ? 2 * Integer.BYTES : 0);
        return r;
    }

    /**
     * {@code setsockopt(2)}: {@code int setsockopt(int sockfd, int level, int optname, const void *optval,
     * socklen_t optlen)}.
     *
     * @param sockfd  the socket
     * @param level   {@link #SOL_SOCKET}, {@link #IPPROTO_TCP}, ...
     * @param optname {@link #SO_REUSEADDR}, {@link #TCP_NODELAY}, ...
     * @param optval  the value
     * @param optlen  the size of the value in bytes
     * @return 0, or -1 with errno set ({@code ENOPROTOOPT}, {@code EINVAL}, {@code EBADF}, {@code ENOTSOCK})
     * @throws IndexOutOfBoundsException if {@code optlen} is larger than {@code optval}
     * @throws IllegalCallerException    for an option whose value holds an address (see {@link #getsockopt}) when
     *                                   the calling module has no native access
     */
    public static int setsockopt(int sockfd, int level, int optname, MemorySegment optval, int optlen) {
        requireNativeAccessFor("setsockopt", level, optname);
        long n = Checks.socklen("setsockopt", "optlen", optlen, "optval", optval);
        CallState st = CallState.current();
        return result(st, Kernel.setsockopt(st.capture, sockfd, level, optname,
                st.in(DATA, optval, n), optlen));
    }

    /**
     * {@code getsockopt(2)}: {@code int getsockopt(int sockfd, int level, int optname, void *optval,
     * socklen_t *optlen)}. {@code *optlen} is read, checked and passed to C through memory of this thread, and
     * the length C reports is written back to {@code optlen}.
     *
     * <p><b>Restricted</b> for the options whose value holds an address the kernel reads or writes through, which
     * cannot be checked: {@code SO_ATTACH_FILTER} and {@code SO_ATTACH_REUSEPORT_CBPF} (a {@code sock_fprog}),
     * {@code TCP_ZEROCOPY_RECEIVE}, and every option of levels {@code SOL_PACKET} and {@code SOL_XDP}. For those
     * (here and in {@link #setsockopt}) the calling module needs native access.
     *
     * @param sockfd  the socket
     * @param level   the option level
     * @param optname the option
     * @param optval  receives the value
     * @param optlen  one {@code socklen_t}: on entry the size of {@code optval} to use, on return the option's size
     * @return 0, or -1 with errno set
     * @throws IndexOutOfBoundsException if {@code optlen} cannot hold a {@code socklen_t} or {@code *optlen} is
     *                                   larger than {@code optval}
     * @throws IllegalCallerException    for an option whose value holds an address, when the calling module has no
     *                                   native access
     */
    public static int getsockopt(int sockfd, int level, int optname, MemorySegment optval, MemorySegment optlen) {
        requireNativeAccessFor("getsockopt", level, optname);
        long n = Checks.valueResult("getsockopt", "optlen", optlen, "optval", optval);
        CallState st = CallState.current();
        MemorySegment v = st.out(DATA, optval, n);
        st.length.set(JAVA_INT, 0, (int) n);
        int r = result(st, Kernel.getsockopt(st.capture, sockfd, level, optname, v, st.length));
        returnLength(st, r, v, optval, n, optlen);
        return r;
    }

    /** Options whose value holds an address: the caller must have native access (see {@link #getsockopt}). */
    private static void requireNativeAccessFor(String function, int level, int optname) {
        boolean address = switch (level) {
            case SOL_SOCKET -> optname == SO_ATTACH_FILTER || optname == SO_ATTACH_REUSEPORT_CBPF;
            case IPPROTO_TCP -> optname == TCP_ZEROCOPY_RECEIVE;
            case SOL_PACKET, SOL_XDP -> true;
            default -> false;
        };
        if (address) {
            NativeAccess.require(function + " of level " + level + ", option " + optname);
        }
    }

    /**
     * {@code bind(2)}: {@code int bind(int sockfd, const struct sockaddr *addr, socklen_t addrlen)}.
     *
     * @param sockfd  the socket
     * @param addr    a {@code sockaddr_in}, {@code sockaddr_in6}, {@code sockaddr_un}, ...
     * @param addrlen the size of the address in bytes
     * @return 0, or -1 with errno set ({@code EADDRINUSE}, {@code EACCES}, {@code EINVAL}, ...)
     * @throws IndexOutOfBoundsException if {@code addrlen} is larger than {@code addr}
     */
    public static int bind(int sockfd, MemorySegment addr, int addrlen) {
        long n = Checks.socklen("bind", "addrlen", addrlen, "addr", addr);
        CallState st = CallState.current();
        return result(st, Kernel.bind(st.capture, sockfd, st.in(ADDR, addr, n), addrlen));
    }

    /**
     * {@code listen(2)}: {@code int listen(int sockfd, int backlog)}.
     *
     * @param sockfd  the socket
     * @param backlog the length of the queue of pending connections
     * @return 0, or -1 with errno set ({@code EOPNOTSUPP} on a datagram socket, {@code EADDRINUSE}, ...)
     */
    public static int listen(int sockfd, int backlog) {
        CallState st = CallState.current();
        return result(st, Kernel.listen(st.capture, sockfd, backlog));
    }

    /**
     * {@code accept(2)}: {@code int accept(int sockfd, struct sockaddr *addr, socklen_t *addrlen)}. Both may
     * be {@link MemorySegment#NULL}. When {@code addr} is given, {@code *addrlen} is checked against it and the
     * peer's address length is written back to {@code addrlen}.
     *
     * @param sockfd  the listening socket
     * @param addr    receives the peer's address, or {@code NULL}
     * @param addrlen one {@code socklen_t}: on entry the size of {@code addr}, on return the address's size
     * @return the connected socket, or -1 with errno set ({@code EAGAIN}, {@code EINVAL}, {@code EMFILE}, ...)
     * @throws IndexOutOfBoundsException if {@code addr} is given and {@code addrlen} cannot hold a
     *                                   {@code socklen_t} or {@code *addrlen} is larger than {@code addr}
     */
    public static int accept(int sockfd, MemorySegment addr, MemorySegment addrlen) {
        return accept(false, sockfd, addr, addrlen, 0);
    }

    /**
     * {@code accept4(2)}: {@code accept} with {@link #SOCK_CLOEXEC} and {@link #SOCK_NONBLOCK} flags for the
     * new socket. Arguments are checked as {@link #accept} checks them.
     *
     * @param sockfd  the listening socket
     * @param addr    receives the peer's address, or {@code NULL}
     * @param addrlen one {@code socklen_t}, as for {@code accept}
     * @param flags   {@code SOCK_CLOEXEC}, {@code SOCK_NONBLOCK} or 0
     * @return the connected socket, or -1 with errno set
     * @throws IndexOutOfBoundsException as for {@link #accept}
     */
    public static int accept4(int sockfd, MemorySegment addr, MemorySegment addrlen, int flags) {
        return accept(true, sockfd, addr, addrlen, flags);
    }

    private static int accept(boolean four, int sockfd, MemorySegment addr, MemorySegment addrlen, int flags) {
        CallState st = CallState.current();
        boolean noAddress = Checks.isNull(addr);
        // C ignores addrlen when addr is NULL; otherwise *addrlen goes through this thread's socklen_t.
        long n = noAddress ? 0 : Checks.valueResult(four ? "accept4" : "accept", "addrlen", addrlen, "addr", addr);
        MemorySegment a = noAddress ? addr : st.out(ADDR, addr, n);
        MemorySegment l = noAddress ? ignoredLength(addrlen) : st.length;
        if (!noAddress) {
            st.length.set(JAVA_INT, 0, (int) n);
        }
        int r = four
                ? Kernel.accept4(st.capture, sockfd, a, l, flags)
                : Kernel.accept(st.capture, sockfd, a, l);
        if (!noAddress) {
            returnLength(st, r == -1 ? -1 : 0, a, addr, n, addrlen);
        }
        return result(st, r);
    }

    /**
     * {@code connect(2)}: {@code int connect(int sockfd, const struct sockaddr *addr, socklen_t addrlen)}.
     *
     * @param sockfd  the socket
     * @param addr    the peer's address
     * @param addrlen the size of the address in bytes
     * @return 0, or -1 with errno set ({@code ECONNREFUSED}, {@code EINPROGRESS}, {@code ETIMEDOUT}, ...)
     * @throws IndexOutOfBoundsException if {@code addrlen} is larger than {@code addr}
     */
    public static int connect(int sockfd, MemorySegment addr, int addrlen) {
        long n = Checks.socklen("connect", "addrlen", addrlen, "addr", addr);
        CallState st = CallState.current();
        return result(st, Kernel.connect(st.capture, sockfd, st.in(ADDR, addr, n), addrlen));
    }

    /**
     * {@code send(2)}: {@code ssize_t send(int sockfd, const void *buf, size_t len, int flags)}.
     *
     * @param sockfd the socket
     * @param buf    the bytes to send
     * @param len    how many of them
     * @param flags  {@link #MSG_NOSIGNAL}, {@link #MSG_DONTWAIT}, ... or 0
     * @return the number of bytes sent, or -1 with errno set ({@code EAGAIN}, {@code EPIPE}, ...)
     * @throws IndexOutOfBoundsException if {@code len} is negative or larger than {@code buf}
     */
    public static long send(int sockfd, MemorySegment buf, long len, int flags) {
        Checks.length("send", len, buf);
        CallState st = CallState.current();
        return result(st, Kernel.send(st.capture, sockfd, st.in(DATA, buf, len), len, flags));
    }

    /**
     * {@code recv(2)}: {@code ssize_t recv(int sockfd, void *buf, size_t len, int flags)}.
     *
     * @param sockfd the socket
     * @param buf    receives the bytes
     * @param len    at most this many
     * @param flags  {@link #MSG_DONTWAIT}, {@link #MSG_PEEK}, {@link #MSG_WAITALL}, ... or 0
     * @return the number of bytes received, 0 at end of stream, or -1 with errno set ({@code EAGAIN}, ...).
     *         With {@link #MSG_TRUNC} the real length of a datagram, which may exceed {@code len}; only
     *         {@code len} bytes are ever written.
     * @throws IndexOutOfBoundsException if {@code len} is negative or larger than {@code buf}
     * @throws IllegalArgumentException if {@code buf} is read-only
     */
    public static long recv(int sockfd, MemorySegment buf, long len, int flags) {
        Checks.writableLength("recv", len, buf);
        CallState st = CallState.current();
        MemorySegment b = st.out(DATA, buf, len);
        long r = result(st, Kernel.recv(st.capture, sockfd, b, len, flags));
        CallState.back(b, buf, Math.min(r, len));
        return r;
    }

    /**
     * {@code sendto(2)}: {@code ssize_t sendto(int sockfd, const void *buf, size_t len, int flags,
     * const struct sockaddr *dest_addr, socklen_t addrlen)}.
     *
     * @param sockfd    the socket
     * @param buf       the bytes to send
     * @param len       how many of them
     * @param flags     flags, or 0
     * @param dest_addr the destination, or {@code NULL} on a connected socket
     * @param addrlen   the size of the destination address in bytes
     * @return the number of bytes sent, or -1 with errno set ({@code EMSGSIZE}, {@code EDESTADDRREQ}, ...)
     * @throws IndexOutOfBoundsException if {@code len} or {@code addrlen} exceeds its segment
     */
    public static long sendto(int sockfd, MemorySegment buf, long len, int flags, MemorySegment dest_addr, int addrlen) {
        Checks.length("sendto", len, buf);
        long n = Checks.socklen("sendto", "addrlen", addrlen, "dest_addr", dest_addr);
        CallState st = CallState.current();
        return result(st, Kernel.sendto(st.capture, sockfd, st.in(DATA, buf, len), len, flags,
                st.in(ADDR, dest_addr, n), addrlen));
    }

    /**
     * {@code recvfrom(2)}: {@code ssize_t recvfrom(int sockfd, void *buf, size_t len, int flags,
     * struct sockaddr *src_addr, socklen_t *addrlen)}. {@code src_addr} and {@code addrlen} may be
     * {@code NULL}; when {@code src_addr} is given they are checked and returned as {@link #accept} does.
     *
     * @param sockfd   the socket
     * @param buf      receives the bytes
     * @param len      at most this many
     * @param flags    flags, or 0
     * @param src_addr receives the sender's address, or {@code NULL}
     * @param addrlen  one {@code socklen_t}: on entry the size of {@code src_addr}, on return the address's size
     * @return the number of bytes received, or -1 with errno set; see {@link #recv} for {@code MSG_TRUNC}
     * @throws IndexOutOfBoundsException if {@code len} exceeds {@code buf}, or {@code *addrlen} exceeds
     *                                   {@code src_addr}
     * @throws IllegalArgumentException if {@code buf} or {@code src_addr} is read-only
     */
    public static long recvfrom(int sockfd, MemorySegment buf, long len, int flags, MemorySegment src_addr,
                                MemorySegment addrlen) {
        Checks.writableLength("recvfrom", len, buf);
        CallState st = CallState.current();
        boolean noAddress = Checks.isNull(src_addr);
        long n = noAddress ? 0 : Checks.valueResult("recvfrom", "addrlen", addrlen, "src_addr", src_addr);
        MemorySegment b = st.out(DATA, buf, len);
        MemorySegment a = noAddress ? src_addr : st.out(ADDR, src_addr, n);
        MemorySegment l = noAddress ? ignoredLength(addrlen) : st.length;
        if (!noAddress) {
            st.length.set(JAVA_INT, 0, (int) n);
        }
        long r = result(st, Kernel.recvfrom(st.capture, sockfd, b, len, flags, a, l));
        CallState.back(b, buf, Math.min(r, len));
        if (!noAddress) {
            returnLength(st, r == -1 ? -1 : 0, a, src_addr, n, addrlen);
        }
        return r;
    }

    /**
     * {@code sendmsg(2)}: {@code ssize_t sendmsg(int sockfd, const struct msghdr *msg, int flags)}. Only the
     * {@code msghdr} itself is checked; the addresses inside it ({@code msg_name}, {@code msg_iov},
     * {@code msg_control}) are raw pointers to native memory that cannot be checked. <b>Restricted</b>: the
     * calling module needs native access.
     *
     * @param sockfd the socket
     * @param msg    a {@code msghdr}
     * @param flags  flags, or 0
     * @return the number of bytes sent, or -1 with errno set
     * @throws IndexOutOfBoundsException if {@code msg} is smaller than a {@code msghdr}
     * @throws IllegalCallerException    if the calling module has no native access
     */
    public static long sendmsg(int sockfd, MemorySegment msg, int flags) {
        NativeAccess.require("sendmsg", NativeAccess.WALKER.getCallerClass());
        Checks.holds("sendmsg", "msg", msg, msghdr.sizeof());
        CallState st = CallState.current();
        return result(st, Kernel.sendmsg(st.capture, sockfd, st.in(EXTRA, msg, msghdr.sizeof()), flags));
    }

    /**
     * {@code recvmsg(2)}: {@code ssize_t recvmsg(int sockfd, struct msghdr *msg, int flags)}. As for
     * {@link #sendmsg}, the pointers inside the {@code msghdr} cannot be checked. <b>Restricted</b>: the calling
     * module needs native access.
     *
     * @param sockfd the socket
     * @param msg    a {@code msghdr}; C updates its {@code msg_namelen}, {@code msg_controllen} and
     *               {@code msg_flags}
     * @param flags  flags ({@link #MSG_CMSG_CLOEXEC}, ...) or 0
     * @return the number of bytes received, or -1 with errno set
     * @throws IndexOutOfBoundsException if {@code msg} is smaller than a {@code msghdr}
     * @throws IllegalArgumentException if {@code msg} is read-only
     * @throws IllegalCallerException    if the calling module has no native access
     */
    public static long recvmsg(int sockfd, MemorySegment msg, int flags) {
        NativeAccess.require("recvmsg", NativeAccess.WALKER.getCallerClass());
        Checks.writable("recvmsg", "msg", msg, msghdr.sizeof());
        CallState st = CallState.current();
        MemorySegment m = st.in(EXTRA, msg, msghdr.sizeof());
        long r = result(st, Kernel.recvmsg(st.capture, sockfd, m, flags));
        CallState.back(m, msg, msghdr.sizeof());
        return r;
    }

    /**
     * {@code shutdown(2)}: {@code int shutdown(int sockfd, int how)}.
     *
     * @param sockfd the socket
     * @param how    {@link #SHUT_RD}, {@link #SHUT_WR} or {@link #SHUT_RDWR}
     * @return 0, or -1 with errno set ({@code ENOTCONN}, {@code EINVAL}, ...)
     */
    public static int shutdown(int sockfd, int how) {
        CallState st = CallState.current();
        return result(st, Kernel.shutdown(st.capture, sockfd, how));
    }

    /**
     * {@code close(2)}: {@code int close(int fd)}.
     *
     * @param fd the descriptor
     * @return 0, or -1 with errno set ({@code EBADF}, ...)
     */
    public static int close(int fd) {
        CallState st = CallState.current();
        return result(st, Kernel.close(st.capture, fd));
    }

    /**
     * {@code read(2)}: {@code ssize_t read(int fd, void *buf, size_t count)}.
     *
     * @param fd    the descriptor
     * @param buf   receives the bytes
     * @param count at most this many
     * @return the number of bytes read, 0 at end of file, or -1 with errno set
     * @throws IndexOutOfBoundsException if {@code count} is negative or larger than {@code buf}
     * @throws IllegalArgumentException if {@code buf} is read-only
     */
    public static long read(int fd, MemorySegment buf, long count) {
        Checks.writableLength("read", count, buf);
        CallState st = CallState.current();
        MemorySegment b = st.out(DATA, buf, count);
        long r = result(st, Kernel.read(st.capture, fd, b, count));
        CallState.back(b, buf, r);
        return r;
    }

    /**
     * {@code write(2)}: {@code ssize_t write(int fd, const void *buf, size_t count)}.
     *
     * @param fd    the descriptor
     * @param buf   the bytes to write
     * @param count how many of them
     * @return the number of bytes written, or -1 with errno set ({@code EPIPE}, {@code EAGAIN}, ...)
     * @throws IndexOutOfBoundsException if {@code count} is negative or larger than {@code buf}
     */
    public static long write(int fd, MemorySegment buf, long count) {
        Checks.length("write", count, buf);
        CallState st = CallState.current();
        return result(st, Kernel.write(st.capture, fd, st.in(DATA, buf, count), count));
    }

    /**
     * {@code getsockname(2)}: {@code int getsockname(int sockfd, struct sockaddr *addr, socklen_t *addrlen)}.
     * Checked and returned as {@link #accept} does.
     *
     * @param sockfd  the socket
     * @param addr    receives the local address
     * @param addrlen one {@code socklen_t}: on entry the size of {@code addr}, on return the address's size
     * @return 0, or -1 with errno set
     * @throws IndexOutOfBoundsException if {@code addrlen} cannot hold a {@code socklen_t} or {@code *addrlen}
     *                                   is larger than {@code addr}
     */
    public static int getsockname(int sockfd, MemorySegment addr, MemorySegment addrlen) {
        return sockname(true, sockfd, addr, addrlen);
    }

    /**
     * {@code getpeername(2)}: {@code int getpeername(int sockfd, struct sockaddr *addr, socklen_t *addrlen)}.
     * Checked and returned as {@link #accept} does.
     *
     * @param sockfd  the socket
     * @param addr    receives the peer's address
     * @param addrlen one {@code socklen_t}: on entry the size of {@code addr}, on return the address's size
     * @return 0, or -1 with errno set ({@code ENOTCONN}, ...)
     * @throws IndexOutOfBoundsException as for {@link #getsockname}
     */
    public static int getpeername(int sockfd, MemorySegment addr, MemorySegment addrlen) {
        return sockname(false, sockfd, addr, addrlen);
    }

    private static int sockname(boolean local, int sockfd, MemorySegment addr, MemorySegment addrlen) {
        long n = Checks.valueResult(local ? "getsockname" : "getpeername", "addrlen", addrlen, "addr", addr);
        CallState st = CallState.current();
        MemorySegment a = st.out(ADDR, addr, n);
        st.length.set(JAVA_INT, 0, (int) n);
        int r = local
                ? Kernel.getsockname(st.capture, sockfd, a, st.length)
                : Kernel.getpeername(st.capture, sockfd, a, st.length);
        returnLength(st, r, a, addr, n, addrlen);
        return result(st, r);
    }

    /**
     * The length argument of a call whose address is {@code NULL}, which C ignores: passed on as it is when it
     * is native (so the call is the same), as {@code NULL} when it is on the heap (C cannot take its address).
     */
    private static MemorySegment ignoredLength(MemorySegment addrlen) {
        return addrlen.isNative() ? addrlen : MemorySegment.NULL;
    }

    /** After a value-result call: copies the address back from scratch and writes the new length. */
    private static void returnLength(CallState st, int r, MemorySegment passed, MemorySegment seg, long given,
                                     MemorySegment lengthOut) {
        if (r == -1) {
            return;
        }
        int reported = st.length.get(JAVA_INT, 0);
        CallState.back(passed, seg, Math.min(Integer.toUnsignedLong(reported), given));
        lengthOut.set(JAVA_INT_UNALIGNED, 0, reported);
    }

    // ---- addresses ----------------------------------------------------------------------------------------

    /**
     * {@code inet_pton(3)}: {@code int inet_pton(int af, const char *src, void *dst)}.
     *
     * @param af  {@link #AF_INET} or {@link #AF_INET6}
     * @param src a NUL-terminated address in text form
     * @param dst receives the address in network order: 4 bytes for {@code AF_INET}, 16 for {@code AF_INET6}
     * @return 1 on success, 0 if {@code src} is not a valid address, -1 with errno {@code EAFNOSUPPORT} for an
     *         unknown {@code af}
     * @throws IndexOutOfBoundsException if {@code src} has no NUL or {@code dst} is too small for {@code af}
     * @throws IllegalArgumentException if {@code dst} is read-only
     */
    public static int inet_pton(int af, MemorySegment src, MemorySegment dst) {
        long srcLen = Checks.cString("inet_pton", "src", src);
        Checks.writable("inet_pton", "dst", dst, addressSize(af));
        CallState st = CallState.current();
        MemorySegment d = st.out(ADDR, dst, addressSize(af));
        int r = result(st, Kernel.inet_pton(st.capture, af, st.in(DATA, src, srcLen), d));
        CallState.back(d, dst, r == 1 ? addressSize(af) : 0);
        return r;
    }

    /**
     * {@code inet_pton(3)} with the address as a Java string (encoded as ASCII and NUL-terminated).
     *
     * @param af  {@link #AF_INET} or {@link #AF_INET6}
     * @param src the address in text form
     * @param dst receives the address in network order
     * @return as {@link #inet_pton(int, MemorySegment, MemorySegment)}
     */
    public static int inet_pton(int af, String src, MemorySegment dst) {
        byte[] text = src.getBytes(StandardCharsets.US_ASCII);
        byte[] z = java.util.Arrays.copyOf(text, text.length + 1);
        return inet_pton(af, MemorySegment.ofArray(z), dst);
    }

    /**
     * {@code inet_ntop(3)}: {@code const char *inet_ntop(int af, const void *src, char *dst, socklen_t size)}.
     *
     * @param af   {@link #AF_INET} or {@link #AF_INET6}
     * @param src  the address in network order: 4 or 16 bytes
     * @param dst  receives the NUL-terminated text
     * @param size the size of {@code dst} to use ({@link #INET_ADDRSTRLEN}, {@link #INET6_ADDRSTRLEN})
     * @return {@code dst} on success (read it with {@code dst.getString(0)}), or {@link MemorySegment#NULL} with
     *         errno set ({@code ENOSPC}, {@code EAFNOSUPPORT})
     * @throws IndexOutOfBoundsException if {@code src} is too small for {@code af} or {@code size} exceeds
     *                                   {@code dst}
     * @throws IllegalArgumentException if {@code dst} is read-only
     */
    public static MemorySegment inet_ntop(int af, MemorySegment src, MemorySegment dst, int size) {
        long need = addressSize(af);
        Checks.holds("inet_ntop", "src", src, need);
        long n = Checks.socklen("inet_ntop", "size", size, "dst", dst);
        Checks.writable("inet_ntop", "dst", dst, n);
        CallState st = CallState.current();
        MemorySegment d = st.out(DATA, dst, n);
        MemorySegment r = Kernel.inet_ntop(st.capture, af, st.in(ADDR, src, need), d, size);
        if (r.address() == 0) {
            st.failed();
            return MemorySegment.NULL;
        }
        CallState.back(d, dst, n);
        return dst;
    }

    /** The size of an address of family {@code af} as inet_pton/inet_ntop handle it; 0 when unknown. */
    private static long addressSize(int af) {
        return af == AF_INET ? 4 : af == AF_INET6 ? 16 : 0;
    }

    /**
     * Checks the bindings' struct layouts against the running kernel (sizes it reports, where it reads and writes
     * fields), with buffers larger than the bindings say so that nothing is corrupted if they are wrong: the address
     * and option structs, {@code epoll_event}, and the structs the message and batch calls write pointers into
     * ({@code msghdr}, {@code iovec}, {@code cmsghdr}, {@code mmsghdr}, by a {@code sendmsg} and a
     * {@code recvmmsg}); also run at first use with {@code -Dffmsockets.selfTest=true}. About twenty system calls.
     *
     * @throws IllegalStateException listing each layout the kernel disagrees with
     */
    public static void selfTest() {
        dev.ffmsockets.kernel.LayoutSelfTest.run();
    }

    /**
     * {@code getaddrinfo(3)}: {@code int getaddrinfo(const char *node, const char *service,
     * const struct addrinfo *hints, struct addrinfo **res)}. Read the list through {@code addrinfo}'s accessors
     * after {@code res.get(ADDRESS, 0).reinterpret(addrinfo.sizeof())}; the {@code ai_next} and {@code ai_addr}
     * pointers in it are raw, as in C: {@link #ai_addr(MemorySegment)} gives an entry's address with its size.
     * Free it with {@link #freeaddrinfo}.
     *
     * @param node    a NUL-terminated host name or address, or {@code NULL}
     * @param service a NUL-terminated service name or port, or {@code NULL}
     * @param hints   an {@code addrinfo} with the wanted family, type, protocol and flags, or {@code NULL}
     * @param res     one pointer; receives the first {@code addrinfo} of the list
     * @return 0, or an {@code EAI_*} error code (see {@link #gai_strerror}); with {@link #EAI_SYSTEM}, errno is set
     * @throws IndexOutOfBoundsException if a string has no NUL, {@code hints} is smaller than an {@code addrinfo}
     *                                   or {@code res} cannot hold a pointer
     */
    public static int getaddrinfo(MemorySegment node, MemorySegment service, MemorySegment hints, MemorySegment res) {
        long nodeLen = Checks.isNull(node) ? 0 : Checks.cString("getaddrinfo", "node", node);
        long serviceLen = Checks.isNull(service) ? 0 : Checks.cString("getaddrinfo", "service", service);
        long hintsLen = Checks.isNull(hints) ? 0 : addrinfo.sizeof();
        Checks.holds("getaddrinfo", "hints", hints, hintsLen);
        Checks.writable("getaddrinfo", "res", res, ADDRESS.byteSize());
        CallState st = CallState.current();
        MemorySegment r = st.out(RESULT, res, ADDRESS.byteSize());
        int rc = Kernel.getaddrinfo(st.capture, st.in(DATA, node, nodeLen),
                st.in(ADDR, service, serviceLen), st.in(EXTRA, hints, hintsLen), r);
        if (rc == EAI_SYSTEM) {
            st.failed();
        }
        CallState.back(r, res, rc == 0 ? ADDRESS.byteSize() : 0);
        return rc;
    }

    /**
     * {@code ai->ai_addr}, sized: the address of an {@code addrinfo} of {@link #getaddrinfo}'s list as a segment of
     * {@code ai->ai_addrlen} bytes, ready for {@code bind(fd, ai_addr(ai), addrinfo.ai_addrlen(ai))} or
     * {@code connect}. (The raw accessor {@code addrinfo.ai_addr(ai)} gives a pointer of 0 bytes, which every call
     * refuses: Java cannot know how much memory a pointer read from a struct points to.) <b>Restricted</b>: that
     * {@code ai_addr} points to {@code ai_addrlen} bytes cannot be checked, so the calling module needs native access.
     *
     * @param ai an {@code addrinfo}
     * @return its address, or {@link MemorySegment#NULL} if it has none
     * @throws IllegalCallerException if the calling module has no native access
     */
    public static MemorySegment ai_addr(MemorySegment ai) {
        NativeAccess.require("ai_addr", NativeAccess.WALKER.getCallerClass());
        MemorySegment a = addrinfo.ai_addr(ai);
        return Checks.isNull(a) ? MemorySegment.NULL : a.reinterpret(Integer.toUnsignedLong(addrinfo.ai_addrlen(ai)));
    }

    /**
     * {@code freeaddrinfo(3)}: {@code void freeaddrinfo(struct addrinfo *res)}. <b>Restricted</b>: C frees what
     * {@code res} points to, which cannot be checked, so the calling module needs native access.
     *
     * @param res the list {@link #getaddrinfo} returned
     * @throws IllegalCallerException if the calling module has no native access
     */
    public static void freeaddrinfo(MemorySegment res) {
        NativeAccess.require("freeaddrinfo", NativeAccess.WALKER.getCallerClass());
        Kernel.freeaddrinfo(res);
    }

    /**
     * {@code gai_strerror(3)}: the message for a {@link #getaddrinfo} error code.
     *
     * @param errcode an {@code EAI_*} value
     * @return the message, such as {@code "Name or service not known"}
     */
    public static String gai_strerror(int errcode) {
        return (Kernel.gai_strerror(errcode)).reinterpret(Integer.MAX_VALUE).getString(0);
    }

    // ---- descriptors ---------------------------------------------------------------------------------------

    /**
     * {@code poll(2)}: {@code int poll(struct pollfd *fds, nfds_t nfds, int timeout)}.
     *
     * @param fds     an array of {@code pollfd}
     * @param nfds    how many of them
     * @param timeout milliseconds, -1 for none, 0 to return at once
     * @return the number of ready descriptors, 0 on timeout, or -1 with errno set ({@code EINTR}, ...)
     * @throws IndexOutOfBoundsException if {@code nfds} {@code pollfd}s do not fit in {@code fds}
     * @throws IllegalArgumentException if {@code fds} is read-only
     */
    public static int poll(MemorySegment fds, long nfds, int timeout) {
        long n = Checks.count("poll", "nfds", nfds, "fds", fds, pollfd.sizeof());
        Checks.writable("poll", "fds", fds, n);
        CallState st = CallState.current();
        MemorySegment f = st.in(DATA, fds, n);
        int r = result(st, Kernel.poll(st.capture, f, nfds, timeout));
        CallState.back(f, fds, r >= 0 ? n : 0);
        return r;
    }

    /**
     * {@code fcntl(2)} without argument: {@code fcntl(fd, F_GETFL)}, {@code fcntl(fd, F_GETFD)}.
     *
     * @param fd  the descriptor
     * @param cmd the command
     * @return what the command returns, or -1 with errno set
     */
    public static int fcntl(int fd, int cmd) {
        CallState st = CallState.current();
        return result(st, Kernel.fcntl(st.capture, fd, cmd));
    }

    /**
     * {@code fcntl(2)} with an {@code int} argument: {@code fcntl(fd, F_SETFL, flags | O_NONBLOCK)}.
     *
     * @param fd  the descriptor
     * @param cmd the command
     * @param arg its argument
     * @return what the command returns, or -1 with errno set
     */
    public static int fcntl(int fd, int cmd, int arg) {
        CallState st = CallState.current();
        return result(st, Kernel.fcntl(st.capture, fd, cmd, arg));
    }

    /** {@code SIOCINQ} (linux/sockios.h): {@link #FIONREAD} under its socket name. */
    public static final int SIOCINQ = FIONREAD;
    /** {@code SIOCOUTQ} (linux/sockios.h): {@link #TIOCOUTQ} under its socket name. */
    public static final int SIOCOUTQ = TIOCOUTQ;

    /**
     * {@code ioctl(2)} on a socket, for the requests whose argument is one {@code int}: {@code int ioctl(int fd,
     * unsigned long request, int *argp)}. {@link #FIONREAD} ({@link #SIOCINQ}): the bytes that a receive would
     * return now (a stream's queued bytes, a datagram socket's next datagram's size); {@link #TIOCOUTQ}
     * ({@link #SIOCOUTQ}): the bytes sent and not yet acknowledged by the peer (TCP), or the memory the bytes not yet
     * received take (Unix);
     * {@link #FIONBIO}: sets ({@code *argp != 0}) or clears {@code O_NONBLOCK}. Other requests are refused: the
     * size of their argument is not known here, so it could not be checked. A downcall of one's own, linked with
     * {@code Linker.Option.captureCallState("errno")}, makes them through
     * {@code Socket.call(SocketCall.Readiness, SocketCall.Capturing)}.
     *
     * @param fd      the descriptor
     * @param request {@link #FIONREAD}, {@link #SIOCINQ}, {@link #TIOCOUTQ}, {@link #SIOCOUTQ} or {@link #FIONBIO}
     * @param argp    one {@code int}: written by the first four, read by {@code FIONBIO}
     * @return 0, or -1 with errno set ({@code EBADF}, {@code ENOTTY}, {@code EINVAL} for {@code SIOCINQ} on a
     *         listening socket, ...)
     * @throws IllegalArgumentException  if {@code request} is not one of those, or {@code argp} is read-only for a
     *                                   request that writes it
     * @throws IndexOutOfBoundsException if {@code argp} cannot hold an {@code int}
     */
    public static int ioctl(int fd, long request, MemorySegment argp) {
        CallState st = CallState.current();
        if (request == FIONBIO) {
            Checks.holds("ioctl", "argp", argp, Integer.BYTES);
            return result(st, Kernel.ioctl(st.capture, fd, request, st.in(DATA, argp, Integer.BYTES)));
        }
        if (request != FIONREAD && request != TIOCOUTQ) {
            throw new IllegalArgumentException("ioctl: request 0x" + Long.toHexString(request) + " is not one whose "
                    + "argument size is known here (FIONREAD/SIOCINQ, TIOCOUTQ/SIOCOUTQ, FIONBIO): make it through "
                    + "Socket.call with a downcall of your own linked with captureCallState(\"errno\")");
        }
        Checks.writable("ioctl", "argp", argp, Integer.BYTES);
        MemorySegment p = st.out(DATA, argp, Integer.BYTES);
        int r = result(st, Kernel.ioctl(st.capture, fd, request, p));
        CallState.back(p, argp, r == 0 ? Integer.BYTES : 0);
        return r;
    }

    /**
     * {@code pipe(2)}: {@code int pipe(int pipefd[2])}.
     *
     * @param pipefd at least two {@code int}s; receives the read end and the write end
     * @return 0, or -1 with errno set
     * @throws IndexOutOfBoundsException if {@code pipefd} cannot hold two {@code int}s
     */
    public static int pipe(MemorySegment pipefd) {
        Checks.writable("pipe", "pipefd", pipefd, 2 * Integer.BYTES);
        CallState st = CallState.current();
        MemorySegment p = st.out(DATA, pipefd, 2 * Integer.BYTES);
        int r = result(st, Kernel.pipe(st.capture, p));
        CallState.back(p, pipefd, r == 0 ? 2 * Integer.BYTES : 0);
        return r;
    }

    /**
     * {@code pipe2(2)}: {@code int pipe2(int pipefd[2], int flags)}.
     *
     * @param pipefd at least two {@code int}s; receives the read end and the write end
     * @param flags  {@link #O_CLOEXEC}, {@link #O_NONBLOCK}, or 0
     * @return 0, or -1 with errno set
     * @throws IndexOutOfBoundsException if {@code pipefd} cannot hold two {@code int}s
     */
    public static int pipe2(MemorySegment pipefd, int flags) {
        Checks.writable("pipe2", "pipefd", pipefd, 2 * Integer.BYTES);
        CallState st = CallState.current();
        MemorySegment p = st.out(DATA, pipefd, 2 * Integer.BYTES);
        int r = result(st, KernelFiles.pipe2(st.capture, p, flags));
        CallState.back(p, pipefd, r == 0 ? 2 * Integer.BYTES : 0);
        return r;
    }

    /**
     * {@code open(2)}: {@code int open(const char *pathname, int flags)}, without a mode (no {@code O_CREAT}).
     *
     * @param pathname a NUL-terminated path
     * @param flags    {@link #O_RDONLY}, {@link #O_CLOEXEC}, ...
     * @return the descriptor, or -1 with errno set ({@code ENOENT}, {@code EACCES}, ...)
     * @throws IndexOutOfBoundsException if {@code pathname} has no NUL
     */
    public static int open(MemorySegment pathname, int flags) {
        long n = Checks.cString("open", "pathname", pathname);
        CallState st = CallState.current();
        return result(st, KernelFiles.open(st.capture, st.in(DATA, pathname, n), flags));
    }

    /**
     * {@code splice(2)}: {@code ssize_t splice(int fd_in, off64_t *off_in, int fd_out, off64_t *off_out,
     * size_t len, unsigned int flags)}: moves bytes between a pipe and another descriptor inside the kernel.
     *
     * @param fd_in   the descriptor read from
     * @param off_in  one {@code off64_t}, the offset in {@code fd_in} (updated), or {@code NULL}
     * @param fd_out  the descriptor written to
     * @param off_out likewise for {@code fd_out}, or {@code NULL}
     * @param len     at most this many bytes
     * @param flags   {@link #SPLICE_F_MOVE}, {@link #SPLICE_F_NONBLOCK}, {@link #SPLICE_F_MORE}, or 0
     * @return the number of bytes moved, 0 at end of input, or -1 with errno set
     * @throws IndexOutOfBoundsException if an offset given cannot hold an {@code off64_t}
     */
    public static long splice(int fd_in, MemorySegment off_in, int fd_out, MemorySegment off_out, long len, int flags) {
        CallState st = CallState.current();
        MemorySegment in = offset("splice", "off_in", st, DATA, off_in), out = offset("splice", "off_out", st, ADDR, off_out);
        long r = result(st, KernelFiles.splice(st.capture, fd_in, in, fd_out, out, len, flags));
        CallState.back(in, off_in, Checks.isNull(off_in) ? 0 : Long.BYTES);
        CallState.back(out, off_out, Checks.isNull(off_out) ? 0 : Long.BYTES);
        return r;
    }

    /**
     * {@code sendfile(2)}: {@code ssize_t sendfile(int out_fd, int in_fd, off_t *offset, size_t count)}: sends bytes
     * of a file to a socket inside the kernel.
     *
     * @param out_fd the socket
     * @param in_fd  the file
     * @param offset one {@code off_t}, where to read in the file (updated), or {@code NULL} for its file offset
     * @param count  at most this many bytes
     * @return the number of bytes sent, or -1 with errno set
     * @throws IndexOutOfBoundsException if {@code offset} is given and cannot hold an {@code off_t}
     */
    public static long sendfile(int out_fd, int in_fd, MemorySegment offset, long count) {
        CallState st = CallState.current();
        MemorySegment o = offset("sendfile", "offset", st, DATA, offset);
        long r = result(st, KernelFiles.sendfile(st.capture, out_fd, in_fd, o, count));
        CallState.back(o, offset, Checks.isNull(offset) ? 0 : Long.BYTES);
        return r;
    }

    /** A 64-bit offset argument: {@code NULL}, or one {@code off_t} that C reads and writes, passed in native memory. */
    private static MemorySegment offset(String fn, String name, CallState st, int slot, MemorySegment offset) {
        if (Checks.isNull(offset)) {
            return offset;
        }
        Checks.writable(fn, name, offset, Long.BYTES);
        return st.in(slot, offset, Long.BYTES);
    }

    /**
     * {@code sendmmsg(2)}: {@code int sendmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags)}:
     * several datagrams in one call. Only the array of {@code mmsghdr} is checked; the addresses inside each (as for
     * {@link #sendmsg}) cannot be. <b>Restricted</b>: the calling module needs native access.
     *
     * @param sockfd the socket
     * @param msgvec {@code vlen} {@code mmsghdr}s; C sets each one's {@code msg_len}
     * @param vlen   how many
     * @param flags  flags, or 0
     * @return how many datagrams were sent, or -1 with errno set
     * @throws IndexOutOfBoundsException if {@code msgvec} holds fewer than {@code vlen} {@code mmsghdr}s
     * @throws IllegalCallerException    if the calling module has no native access
     */
    public static int sendmmsg(int sockfd, MemorySegment msgvec, int vlen, int flags) {
        NativeAccess.require("sendmmsg", NativeAccess.WALKER.getCallerClass());
        long size = Checks.count("sendmmsg", "vlen", Integer.toUnsignedLong(vlen), "msgvec", msgvec, mmsghdr.sizeof());
        Checks.writable("sendmmsg", "msgvec", msgvec, size);
        CallState st = CallState.current();
        MemorySegment m = st.in(EXTRA, msgvec, size);
        int r = result(st, Kernel.sendmmsg(st.capture, sockfd, m, vlen, flags));
        CallState.back(m, msgvec, size);
        return r;
    }

    /**
     * {@code recvmmsg(2)}: {@code int recvmmsg(int sockfd, struct mmsghdr *msgvec, unsigned int vlen, int flags,
     * struct timespec *timeout)}: several datagrams in one call. As for {@link #sendmmsg}, the addresses inside each
     * {@code mmsghdr} cannot be checked. <b>Restricted</b>: the calling module needs native access.
     *
     * @param sockfd  the socket
     * @param msgvec  {@code vlen} {@code mmsghdr}s; C updates each one's {@code msg_len}, name and control lengths
     * @param vlen    how many
     * @param flags   {@link #MSG_WAITFORONE}, {@link #MSG_DONTWAIT}, ... or 0
     * @param timeout a {@code timespec}, or {@code NULL}
     * @return how many datagrams were received, or -1 with errno set
     * @throws IndexOutOfBoundsException if {@code msgvec} holds fewer than {@code vlen} {@code mmsghdr}s, or
     *                                   {@code timeout} is smaller than a {@code timespec}
     * @throws IllegalCallerException    if the calling module has no native access
     */
    public static int recvmmsg(int sockfd, MemorySegment msgvec, int vlen, int flags, MemorySegment timeout) {
        NativeAccess.require("recvmmsg", NativeAccess.WALKER.getCallerClass());
        long size = Checks.count("recvmmsg", "vlen", Integer.toUnsignedLong(vlen), "msgvec", msgvec, mmsghdr.sizeof());
        Checks.writable("recvmmsg", "msgvec", msgvec, size);
        long t = Checks.isNull(timeout) ? 0 : timespec.sizeof();
        Checks.writable("recvmmsg", "timeout", timeout, t);
        CallState st = CallState.current();
        MemorySegment m = st.in(EXTRA, msgvec, size);
        MemorySegment ts = t == 0 ? timeout : st.in(DATA, timeout, t);
        int r = result(st, Kernel.recvmmsg(st.capture, sockfd, m, vlen, flags, ts));
        CallState.back(m, msgvec, size);
        CallState.back(ts, timeout, t);
        return r;
    }

    /**
     * {@code unlink(2)}: {@code int unlink(const char *pathname)}, to remove a Unix socket's file before
     * {@code bind}.
     *
     * @param pathname a NUL-terminated path
     * @return 0, or -1 with errno set ({@code ENOENT}, ...)
     * @throws IndexOutOfBoundsException if {@code pathname} has no NUL
     */
    public static int unlink(MemorySegment pathname) {
        long n = Checks.cString("unlink", "pathname", pathname);
        CallState st = CallState.current();
        return result(st, Kernel.unlink(st.capture, st.in(DATA, pathname, n)));
    }

    /**
     * {@code dup(2)}: {@code int dup(int oldfd)}.
     *
     * @param oldfd the descriptor
     * @return the new descriptor, or -1 with errno set
     */
    public static int dup(int oldfd) {
        CallState st = CallState.current();
        return result(st, Kernel.dup(st.capture, oldfd));
    }

    /**
     * {@code dup2(2)}: {@code int dup2(int oldfd, int newfd)}.
     *
     * @param oldfd the descriptor to copy
     * @param newfd the number it gets (closed first if open)
     * @return {@code newfd}, or -1 with errno set
     */
    public static int dup2(int oldfd, int newfd) {
        CallState st = CallState.current();
        return result(st, Kernel.dup2(st.capture, oldfd, newfd));
    }

    /**
     * {@code getpid(2)}: the process id (never fails).
     *
     * @return the process id
     */
    public static int getpid() {
        return Kernel.getpid();
    }

    /**
     * {@code getuid(2)}: the real user id (never fails).
     *
     * @return the user id
     */
    public static int getuid() {
        return Kernel.getuid();
    }

    /**
     * {@code getgid(2)}: the real group id (never fails).
     *
     * @return the group id
     */
    public static int getgid() {
        return Kernel.getgid();
    }

    // ---- epoll, eventfd, rlimit -------------------------------------------------------------------------

    /**
     * {@code epoll_create1(2)}: {@code int epoll_create1(int flags)}.
     *
     * @param flags {@link #EPOLL_CLOEXEC} or 0
     * @return the epoll descriptor, or -1 with errno set
     */
    public static int epoll_create1(int flags) {
        CallState st = CallState.current();
        return result(st, Epoll.epoll_create1(st.capture, flags));
    }

    /**
     * {@code epoll_ctl(2)}: {@code int epoll_ctl(int epfd, int op, int fd, struct epoll_event *event)}.
     *
     * @param epfd  the epoll descriptor
     * @param op    {@link #EPOLL_CTL_ADD}, {@link #EPOLL_CTL_MOD} or {@link #EPOLL_CTL_DEL}
     * @param fd    the descriptor to watch
     * @param event an {@code epoll_event}, or {@code NULL} for {@code EPOLL_CTL_DEL}
     * @return 0, or -1 with errno set
     * @throws IndexOutOfBoundsException if {@code event} is neither {@code NULL} nor an {@code epoll_event}
     */
    public static int epoll_ctl(int epfd, int op, int fd, MemorySegment event) {
        long n = Checks.isNull(event) ? 0 : EPOLL_EVENT.byteSize();
        Checks.holds("epoll_ctl", "event", event, n);
        CallState st = CallState.current();
        return result(st, Epoll.epoll_ctl(st.capture, epfd, op, fd, st.in(EXTRA, event, n)));
    }

    /**
     * {@code epoll_wait(2)}: {@code int epoll_wait(int epfd, struct epoll_event *events, int maxevents,
     * int timeout)}.
     *
     * @param epfd      the epoll descriptor
     * @param events    an array of {@code epoll_event}
     * @param maxevents its length to use
     * @param timeout   milliseconds, -1 for none
     * @return the number of events, 0 on timeout, or -1 with errno set ({@code EINTR}, {@code EINVAL}, ...)
     * @throws IndexOutOfBoundsException if {@code maxevents} events do not fit in {@code events}
     * @throws IllegalArgumentException if {@code events} is read-only
     */
    public static int epoll_wait(int epfd, MemorySegment events, int maxevents, int timeout) {
        long n = maxevents <= 0 ? 0 : Checks.count("epoll_wait", "maxevents", maxevents, "events", events, EPOLL_EVENT.byteSize());
        Checks.writable("epoll_wait", "events", events, n);
        CallState st = CallState.current();
        MemorySegment e = st.out(DATA, events, n);
        int r = result(st, Epoll.epoll_wait(st.capture, epfd, e, maxevents, timeout));
        CallState.back(e, events, r > 0 ? r * EPOLL_EVENT.byteSize() : 0);
        return r;
    }

    /**
     * {@code eventfd(2)}: {@code int eventfd(unsigned int initval, int flags)}.
     *
     * @param initval the counter's initial value
     * @param flags   {@link #EFD_CLOEXEC}, {@link #EFD_NONBLOCK}, {@link #EFD_SEMAPHORE} or 0
     * @return the descriptor, or -1 with errno set
     */
    public static int eventfd(int initval, int flags) {
        CallState st = CallState.current();
        return result(st, Epoll.eventfd(st.capture, initval, flags));
    }

    /**
     * {@code getrlimit(2)}: {@code int getrlimit(int resource, struct rlimit *rlim)}.
     *
     * @param resource {@link #RLIMIT_NOFILE}, ...
     * @param rlim     receives the soft and hard limits
     * @return 0, or -1 with errno set
     * @throws IndexOutOfBoundsException if {@code rlim} is smaller than an {@code rlimit}
     * @throws IllegalArgumentException if {@code rlim} is read-only
     */
    public static int getrlimit(int resource, MemorySegment rlim) {
        Checks.writable("getrlimit", "rlim", rlim, rlimit.sizeof());
        CallState st = CallState.current();
        MemorySegment l = st.out(DATA, rlim, rlimit.sizeof());
        int r = result(st, Kernel.getrlimit(st.capture, resource, l));
        CallState.back(l, rlim, r == 0 ? rlimit.sizeof() : 0);
        return r;
    }

    /**
     * {@code setrlimit(2)}: {@code int setrlimit(int resource, const struct rlimit *rlim)}.
     *
     * @param resource {@link #RLIMIT_NOFILE}, ...
     * @param rlim     the new soft and hard limits
     * @return 0, or -1 with errno set ({@code EPERM}, {@code EINVAL})
     * @throws IndexOutOfBoundsException if {@code rlim} is smaller than an {@code rlimit}
     */
    public static int setrlimit(int resource, MemorySegment rlim) {
        Checks.holds("setrlimit", "rlim", rlim, rlimit.sizeof());
        CallState st = CallState.current();
        return result(st, Kernel.setrlimit(st.capture, resource, st.in(DATA, rlim, rlimit.sizeof())));
    }

    // ---- control messages: the CMSG_* macros of <sys/socket.h> -------------------------------------------

    /**
     * {@code CMSG_ALIGN}, which glibc defines as
     * {@snippet lang=c :
     * #define CMSG_ALIGN(len) (((len) + sizeof (size_t) - 1) \
     *                          & (size_t) ~(sizeof (size_t) - 1))
     * }
     *
     * @param len a length in bytes
     * @return {@code len} rounded up to a multiple of {@code sizeof(size_t)}
     */
    public static long CMSG_ALIGN(long len) {
        return (len + Long.BYTES - 1) & ~(long) (Long.BYTES - 1);
    }

    /**
     * {@code CMSG_SPACE}, which glibc defines as
     * {@snippet lang=c :
     * #define CMSG_SPACE(len) (CMSG_ALIGN (len) \
     *                          + CMSG_ALIGN (sizeof (struct cmsghdr)))
     * }
     *
     * @param len the size of the data of one control message
     * @return the room it takes in a control buffer, with its header and padding
     */
    public static long CMSG_SPACE(long len) {
        return CMSG_ALIGN(len) + CMSG_ALIGN(cmsghdr.sizeof());
    }

    /**
     * {@code CMSG_LEN}, which glibc defines as
     * {@snippet lang=c :
     * #define CMSG_LEN(len)   (CMSG_ALIGN (sizeof (struct cmsghdr)) + (len))
     * }
     *
     * @param len the size of the data of one control message
     * @return the value for its {@code cmsg_len}
     */
    public static long CMSG_LEN(long len) {
        return CMSG_ALIGN(cmsghdr.sizeof()) + len;
    }

    /**
     * {@code CMSG_FIRSTHDR}, which glibc defines as
     * {@snippet lang=c :
     * #define CMSG_FIRSTHDR(mhdr) \
     *   ((size_t) (mhdr)->msg_controllen >= sizeof (struct cmsghdr) \
     *    ? (struct cmsghdr *) (mhdr)->msg_control : (struct cmsghdr *) 0)
     * }
     * The result is sized to the control buffer ({@code msg_controllen} bytes from {@code msg_control}), so that
     * reads and writes through it are bounds-checked. {@code msg_control} must point to memory of at least that
     * size, as in C. <b>Restricted</b>: that cannot be checked, so the calling module needs native access.
     *
     * @param mhdr a {@code msghdr}
     * @return the first {@code cmsghdr}, or {@link MemorySegment#NULL}
     * @throws IllegalCallerException if the calling module has no native access
     */
    public static MemorySegment CMSG_FIRSTHDR(MemorySegment mhdr) {
        NativeAccess.require("CMSG_FIRSTHDR", NativeAccess.WALKER.getCallerClass());
        long controllen = msghdr.msg_controllen(mhdr);
        if (Long.compareUnsigned(controllen, cmsghdr.sizeof()) < 0) {
            return MemorySegment.NULL;
        }
        return msghdr.msg_control(mhdr).reinterpret(controllen);
    }

    /**
     * {@code CMSG_NXTHDR}, which glibc defines as {@code __cmsg_nxthdr (mhdr, cmsg)}:
     * {@snippet lang=c :
     * size_t __size_needed = sizeof (struct cmsghdr) + __CMSG_PADDING (__cmsg->cmsg_len);
     * if ((size_t) __cmsg->cmsg_len < sizeof (struct cmsghdr))
     *   return (struct cmsghdr *) 0;
     * if (((size_t) (__msg_control_ptr + __mhdr->msg_controllen - __cmsg_ptr) < __size_needed)
     *     || ((size_t) (__msg_control_ptr + __mhdr->msg_controllen - __cmsg_ptr - __size_needed)
     *         < __cmsg->cmsg_len))
     *   return (struct cmsghdr *) 0;
     * __cmsg = (struct cmsghdr *) ((unsigned char *) __cmsg + CMSG_ALIGN (__cmsg->cmsg_len));
     * return __cmsg;
     * }
     * The result is sized to what is left of the control buffer. <b>Restricted</b>, as {@link #CMSG_FIRSTHDR}.
     *
     * @param mhdr a {@code msghdr}
     * @param cmsg a {@code cmsghdr} of its control buffer, from {@link #CMSG_FIRSTHDR} or this function
     * @return the next {@code cmsghdr}, or {@link MemorySegment#NULL} after the last
     * @throws IllegalCallerException if the calling module has no native access
     */
    public static MemorySegment CMSG_NXTHDR(MemorySegment mhdr, MemorySegment cmsg) {
        NativeAccess.require("CMSG_NXTHDR", NativeAccess.WALKER.getCallerClass());
        long len = cmsghdr.cmsg_len(cmsg);
        long padding = (Long.BYTES - (len & (Long.BYTES - 1))) & (Long.BYTES - 1);
        long needed = cmsghdr.sizeof() + padding;
        if (Long.compareUnsigned(len, cmsghdr.sizeof()) < 0) {
            return MemorySegment.NULL;
        }
        long control = msghdr.msg_control(mhdr).address();
        long left = control + msghdr.msg_controllen(mhdr) - cmsg.address();
        if (Long.compareUnsigned(left, needed) < 0 || Long.compareUnsigned(left - needed, len) < 0) {
            return MemorySegment.NULL;
        }
        long step = CMSG_ALIGN(len);
        return MemorySegment.ofAddress(cmsg.address() + step).reinterpret(left - step);
    }

    /**
     * {@code CMSG_DATA}, which glibc defines as
     * {@snippet lang=c :
     * #define CMSG_DATA(cmsg) ((unsigned char *) ((struct cmsghdr *) (cmsg) + 1))
     * }
     * The result is sized to the message's data, {@code cmsg_len - CMSG_LEN(0)} bytes, when that fits in
     * {@code cmsg}; else to the rest of {@code cmsg} (for example while {@code cmsg_len} is not yet set).
     *
     * @param cmsg a {@code cmsghdr}
     * @return its data
     */
    public static MemorySegment CMSG_DATA(MemorySegment cmsg) {
        long header = cmsghdr.sizeof();
        long data = cmsghdr.cmsg_len(cmsg) - CMSG_LEN(0);
        long rest = cmsg.byteSize() - header;
        return cmsg.asSlice(header, data >= 0 && data <= rest ? data : rest);
    }
}
