package dev.ffmsockets.impl;

import dev.ffmsockets.ErrnoSocketException;

import dev.ffmsockets.kernel.Kernel;
import dev.ffmsockets.Family;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.SocketType;

import java.io.IOException;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The socket calls that never wait: making sockets, {@code bind}, {@code listen}, {@code shutdown}, the names, and
 * reading an integer option. Each is one system call between {@link Descriptor#begin} and {@link Descriptor#end}.
 */
public final class Control {

    private Control() {
    }

    /**
     * {@code socket(2)} with {@code SOCK_CLOEXEC}.
     *
     * @return the descriptor
     * @throws IOException {@code EAFNOSUPPORT}, {@code EMFILE}, ...
     */
    public static int socket(Family family, SocketType type, int protocol) throws IOException {
        Frame f = Frame.acquire();
        try {
            int fd = Kernel.socket(f.capture, family.value(), type.value() | SOCK_CLOEXEC, protocol);
            if (fd < 0) {
                throw Errors.of("socket", family + ", " + type, f.errno(), false);
            }
            return fd;
        } finally {
            f.release();
        }
    }

    /**
     * {@code socketpair(2)} with {@code SOCK_CLOEXEC}.
     *
     * @return the two descriptors
     * @throws IOException {@code EOPNOTSUPP}, {@code EMFILE}, ...
     */
    public static int[] socketpair(Family family, SocketType type) throws IOException {
        Frame f = Frame.acquire();
        try {
            if (Kernel.socketpair(f.capture, family.value(), type.value() | SOCK_CLOEXEC, 0, f.option) < 0) {
                throw Errors.of("socketpair", family + ", " + type, f.errno(), false);
            }
            return new int[] {f.option.getAtIndex(JAVA_INT, 0), f.option.getAtIndex(JAVA_INT, 1)};
        } finally {
            f.release();
        }
    }

    /**
     * The status flags of a descriptor: {@code fcntl(F_GETFL)}.
     *
     * @param fd the descriptor
     * @return its flags
     * @throws IOException {@code EBADF}
     */
    public static int statusFlags(int fd) throws IOException {
        Frame f = Frame.acquire();
        try {
            int flags = Kernel.fcntl(f.capture, fd, F_GETFL);
            if (flags < 0) {
                throw Errors.of("fcntl", "fd " + fd + ", F_GETFL", f.errno(), false);
            }
            return flags;
        } finally {
            f.release();
        }
    }

    /**
     * {@code SO_DOMAIN} of a descriptor offered for adoption, read with {@code getsockopt}: a descriptor that is not a
     * socket (a pipe, a file) or not open is refused with a message that says so, and stays the caller's.
     *
     * @param fd the descriptor
     * @return its domain
     * @throws IOException {@code ENOTSOCK}, {@code EBADF}, said as such
     */
    public static int domainOfAdopted(int fd) throws IOException {
        try {
            return intOption(fd, SO_DOMAIN);
        } catch (ErrnoSocketException e) {
            if (e.errno() != ENOTSOCK && e.errno() != EBADF) {
                throw e;
            }
            String what = e.errno() == ENOTSOCK ? "is not a socket" : "is not an open descriptor";
            ErrnoSocketException said = new ErrnoSocketException("adopt(fd " + fd + "): descriptor " + fd + " " + what
                    + " (" + Errors.name(e.errno()) + " from getsockopt SO_DOMAIN); it stays the caller's",
                    e.errno(), e.syscall());
            said.initCause(e);
            throw said;
        }
    }

    /**
     * An integer option of level {@code SOL_SOCKET} of a descriptor not yet owned ({@code SO_DOMAIN}, {@code SO_TYPE}).
     *
     * @param fd   the descriptor
     * @param name the option
     * @return its value
     * @throws IOException {@code EBADF}, {@code ENOTSOCK}
     */
    public static int intOption(int fd, int name) throws IOException {
        Frame f = Frame.acquire();
        try {
            f.optionLen.set(JAVA_INT, 0, Integer.BYTES);
            if (Kernel.getsockopt(f.capture, fd, SOL_SOCKET, name, f.option, f.optionLen) < 0) {
                throw Errors.of("getsockopt", "fd " + fd + ", " + (name == SO_DOMAIN ? "SO_DOMAIN" : "SO_TYPE"),
                        f.errno(), false);
            }
            return f.option.get(JAVA_INT, 0);
        } finally {
            f.release();
        }
    }

    /**
     * {@code fcntl(F_DUPFD_CLOEXEC)}: a new descriptor of the same socket.
     *
     * @return the new descriptor
     * @throws IOException {@code EMFILE}, a closed socket
     */
    public static int dup(Descriptor d) throws IOException {
        d.begin("fcntl");
        Frame f = Frame.acquire();
        try {
            int fd = Kernel.fcntl(f.capture, d.fd, F_DUPFD_CLOEXEC, 0);
            if (fd < 0) {
                throw failure(d, "fcntl", "fd " + d.fd + ", F_DUPFD_CLOEXEC", f.errno());
            }
            return fd;
        } finally {
            f.release();
            d.end();
        }
    }

    /**
     * An {@code ioctl(2)} whose argument is one {@code int} the kernel writes: {@code FIONREAD} ({@code SIOCINQ}),
     * {@code TIOCOUTQ} ({@code SIOCOUTQ}).
     *
     * @param name the request's name, for the message
     * @return the value
     * @throws IOException {@code EINVAL} (a listening socket), a closed socket
     */
    public static int ioctl(Descriptor d, long request, String name) throws IOException {
        d.begin("ioctl");
        Frame f = Frame.acquire();
        try {
            if (Kernel.ioctl(f.capture, d.fd, request, f.option) < 0) {
                throw failure(d, "ioctl", "fd " + d.fd + ", " + name, f.errno());
            }
            return f.option.get(JAVA_INT, 0);
        } finally {
            f.release();
            d.end();
        }
    }

    /**
     * {@code bind(2)}.
     *
     * @throws IOException {@code EADDRINUSE}, ..., a closed socket
     */
    public static void bind(Descriptor d, SockAddr local) throws IOException {
        d.begin("bind");
        Frame f = Frame.acquire();
        try {
            if (Kernel.bind(f.capture, d.fd, f.target, f.encode(local)) < 0) {
                throw failure(d, "bind", local, f.errno());
            }
        } finally {
            f.release();
            d.end();
        }
    }

    /**
     * {@code listen(2)}.
     *
     * @throws IOException {@code EOPNOTSUPP}, ..., a closed socket
     */
    public static void listen(Descriptor d, int backlog) throws IOException {
        d.begin("listen");
        Frame f = Frame.acquire();
        try {
            if (Kernel.listen(f.capture, d.fd, backlog) < 0) {
                throw failure(d, "listen", null, f.errno());
            }
        } finally {
            f.release();
            d.end();
        }
    }

    /**
     * {@code shutdown(2)}.
     *
     * @throws IOException {@code ENOTCONN}, ..., a closed socket
     */
    public static void shutdown(Descriptor d, int how) throws IOException {
        d.begin("shutdown");
        Frame f = Frame.acquire();
        try {
            if (Kernel.shutdown(f.capture, d.fd, how) < 0) {
                throw failure(d, "shutdown", null, f.errno());
            }
        } finally {
            f.release();
            d.end();
        }
    }

    /**
     * Dissolves a datagram socket's association: {@code connect(2)} to an address of family {@code AF_UNSPEC}.
     *
     * @throws IOException a closed socket, ...
     */
    public static void disconnect(Descriptor d) throws IOException {
        d.begin("connect");
        Frame f = Frame.acquire();
        try {
            f.addr.fill((byte) 0);
            f.addr.set(java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED, 0, (short) AF_UNSPEC);
            if (Kernel.connect(f.capture, d.fd, f.addr, 2) < 0 && f.errno() != EAFNOSUPPORT) {
                throw failure(d, "connect", "AF_UNSPEC", f.errno());
            }
        } finally {
            f.release();
            d.end();
        }
    }

    /**
     * {@code getsockname(2)} or {@code getpeername(2)}, decoded totally: what the kernel reports never throws.
     *
     * @throws IOException {@code ENOTCONN}, ..., a closed socket
     */
    public static SockAddr name(Descriptor d, boolean local) throws IOException {
        String call = local ? "getsockname" : "getpeername";
        d.begin(call);
        Frame f = Frame.acquire();
        try {
            f.addrLen.set(JAVA_INT, 0, (int) f.addr.byteSize());
            int r = local ? Kernel.getsockname(f.capture, d.fd, f.addr, f.addrLen)
                    : Kernel.getpeername(f.capture, d.fd, f.addr, f.addrLen);
            if (r < 0) {
                throw failure(d, call, null, f.errno());
            }
            SockAddr a = f.decode(d.family);
            return a != null ? a : Addresses.unspecified(d.family);
        } finally {
            f.release();
            d.end();
        }
    }

    /**
     * The pending error, cleared by reading it: {@code getsockopt(SO_ERROR)}. The caller has entered {@code d}.
     *
     * @return the errno, 0 for none
     */
    static int pendingError(Descriptor d, Object target) throws IOException {
        Frame f = Frame.acquire();
        try {
            f.optionLen.set(JAVA_INT, 0, Integer.BYTES);
            if (Kernel.getsockopt(f.capture, d.fd, SOL_SOCKET, SO_ERROR, f.option, f.optionLen) < 0) {
                throw failure(d, "getsockopt", target, f.errno());
            }
            return f.option.get(JAVA_INT, 0);
        } finally {
            f.release();
        }
    }

    /** The exception for a failed call: the errno's, or the closed-socket one if the descriptor is closed. */
    static IOException failure(Descriptor d, String call, Object target, int errno) {
        return d.isClosed() ? Errors.closed(call, d.detail(target))
                : Errors.of(call, d.detail(target), errno, d.type == SocketType.DGRAM);
    }
}
