package dev.ffmsockets.kernel;

import dev.ffmsockets.raw.sockets_h;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * The C library's functions as the layers above call them: linked once from the generated bindings' addresses and
 * descriptors, each capturing {@code errno} into memory the caller passes (the C-style API passes memory of the
 * calling thread, the safe wrapper memory held only around the call). Nothing is checked here: the callers check.
 * This package is not exported.
 */
public final class Kernel {

    static {
        Platform.require();
    }

    private Kernel() {
    }

    /** Where every function of this class captures errno: the layout {@code captureCallState("errno")} writes. */
    public static final java.lang.foreign.StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final java.lang.invoke.VarHandle ERRNO =
            CAPTURE.varHandle(java.lang.foreign.MemoryLayout.PathElement.groupElement("errno"));

    /**
     * The errno a call captured.
     *
     * @param capture memory of {@link #CAPTURE}'s layout that a call of this class was given
     * @return the errno it left there
     */
    public static int errno(MemorySegment capture) {
        return (int) ERRNO.get(capture, 0L);
    }

    /** Leaves {@code errno} in {@code capture} as a failed call would (an injected fault's). */
    static void setErrno(MemorySegment capture, int errno) {
        ERRNO.set(capture, 0L, errno);
    }

    // one holder class per function: a handle is linked on first use only
    private static final class H_socket { static final MethodHandle H = Downcalls.link(sockets_h.socket$address(), sockets_h.socket$descriptor()); }
    private static final class H_socketpair { static final MethodHandle H = Downcalls.link(sockets_h.socketpair$address(), sockets_h.socketpair$descriptor()); }
    private static final class H_setsockopt { static final MethodHandle H = Downcalls.link(sockets_h.setsockopt$address(), sockets_h.setsockopt$descriptor()); }
    private static final class H_getsockopt { static final MethodHandle H = Downcalls.link(sockets_h.getsockopt$address(), sockets_h.getsockopt$descriptor()); }
    private static final class H_bind { static final MethodHandle H = Downcalls.link(sockets_h.bind$address(), sockets_h.bind$descriptor()); }
    private static final class H_listen { static final MethodHandle H = Downcalls.link(sockets_h.listen$address(), sockets_h.listen$descriptor()); }
    private static final class H_accept { static final MethodHandle H = Downcalls.link(sockets_h.accept$address(), sockets_h.accept$descriptor()); }
    private static final class H_accept4 { static final MethodHandle H = Downcalls.link(sockets_h.accept4$address(), sockets_h.accept4$descriptor()); }
    private static final class H_connect { static final MethodHandle H = Downcalls.link(sockets_h.connect$address(), sockets_h.connect$descriptor()); }
    private static final class H_send { static final MethodHandle H = Downcalls.link(sockets_h.send$address(), sockets_h.send$descriptor()); }
    private static final class H_recv { static final MethodHandle H = Downcalls.link(sockets_h.recv$address(), sockets_h.recv$descriptor()); }
    private static final class H_sendto { static final MethodHandle H = Downcalls.link(sockets_h.sendto$address(), sockets_h.sendto$descriptor()); }
    private static final class H_recvfrom { static final MethodHandle H = Downcalls.link(sockets_h.recvfrom$address(), sockets_h.recvfrom$descriptor()); }
    private static final class H_sendmsg { static final MethodHandle H = Downcalls.link(sockets_h.sendmsg$address(), sockets_h.sendmsg$descriptor()); }
    private static final class H_recvmsg { static final MethodHandle H = Downcalls.link(sockets_h.recvmsg$address(), sockets_h.recvmsg$descriptor()); }
    private static final class H_shutdown { static final MethodHandle H = Downcalls.link(sockets_h.shutdown$address(), sockets_h.shutdown$descriptor()); }
    private static final class H_close { static final MethodHandle H = Downcalls.link(sockets_h.close$address(), sockets_h.close$descriptor()); }
    private static final class H_read { static final MethodHandle H = Downcalls.link(sockets_h.read$address(), sockets_h.read$descriptor()); }
    private static final class H_write { static final MethodHandle H = Downcalls.link(sockets_h.write$address(), sockets_h.write$descriptor()); }
    private static final class H_getsockname { static final MethodHandle H = Downcalls.link(sockets_h.getsockname$address(), sockets_h.getsockname$descriptor()); }
    private static final class H_getpeername { static final MethodHandle H = Downcalls.link(sockets_h.getpeername$address(), sockets_h.getpeername$descriptor()); }
    private static final class H_inet_pton { static final MethodHandle H = Downcalls.link(sockets_h.inet_pton$address(), sockets_h.inet_pton$descriptor()); }
    private static final class H_inet_ntop { static final MethodHandle H = Downcalls.link(sockets_h.inet_ntop$address(), sockets_h.inet_ntop$descriptor()); }
    private static final class H_getaddrinfo { static final MethodHandle H = Downcalls.link(sockets_h.getaddrinfo$address(), sockets_h.getaddrinfo$descriptor()); }
    private static final class H_poll { static final MethodHandle H = Downcalls.link(sockets_h.poll$address(), sockets_h.poll$descriptor()); }
    private static final class H_pipe { static final MethodHandle H = Downcalls.link(sockets_h.pipe$address(), sockets_h.pipe$descriptor()); }
    private static final class H_unlink { static final MethodHandle H = Downcalls.link(sockets_h.unlink$address(), sockets_h.unlink$descriptor()); }
    private static final class H_dup { static final MethodHandle H = Downcalls.link(sockets_h.dup$address(), sockets_h.dup$descriptor()); }
    private static final class H_dup2 { static final MethodHandle H = Downcalls.link(sockets_h.dup2$address(), sockets_h.dup2$descriptor()); }
    private static final class H_getrlimit { static final MethodHandle H = Downcalls.link(sockets_h.getrlimit$address(), sockets_h.getrlimit$descriptor()); }
    private static final class H_setrlimit { static final MethodHandle H = Downcalls.link(sockets_h.setrlimit$address(), sockets_h.setrlimit$descriptor()); }
    private static final class H_tgkill { static final MethodHandle H = Downcalls.link(sockets_h.tgkill$address(), sockets_h.tgkill$descriptor()); }
    private static final class H_strerror { static final MethodHandle H = Downcalls.plain(sockets_h.strerror$address(), sockets_h.strerror$descriptor()); }
    private static final class H_gai_strerror { static final MethodHandle H = Downcalls.plain(sockets_h.gai_strerror$address(), sockets_h.gai_strerror$descriptor()); }
    private static final class H_freeaddrinfo { static final MethodHandle H = Downcalls.plain(sockets_h.freeaddrinfo$address(), sockets_h.freeaddrinfo$descriptor()); }
    private static final class H_getpid { static final MethodHandle H = Downcalls.plain(sockets_h.getpid$address(), sockets_h.getpid$descriptor()); }
    private static final class H_getuid { static final MethodHandle H = Downcalls.plain(sockets_h.getuid$address(), sockets_h.getuid$descriptor()); }
    private static final class H_getgid { static final MethodHandle H = Downcalls.plain(sockets_h.getgid$address(), sockets_h.getgid$descriptor()); }
    private static final class H_gettid { static final MethodHandle H = Downcalls.plain(sockets_h.gettid$address(), sockets_h.gettid$descriptor()); }
    private static final class H_libc_current_sigrtmax { static final MethodHandle H = Downcalls.plain(sockets_h.__libc_current_sigrtmax$address(), sockets_h.__libc_current_sigrtmax$descriptor()); }
    private static final class H_sendmmsg { static final MethodHandle H = Downcalls.link(sockets_h.sendmmsg$address(), sockets_h.sendmmsg$descriptor()); }
    private static final class H_recvmmsg { static final MethodHandle H = Downcalls.link(sockets_h.recvmmsg$address(), sockets_h.recvmmsg$descriptor()); }
    private static final class H_fcntl2 {
        static final MethodHandle H = Downcalls.link(sockets_h.fcntl.address(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
    }
    private static final class H_ioctl {
        static final MethodHandle H = Downcalls.link(sockets_h.ioctl.address(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_LONG, ADDRESS),
                Linker.Option.firstVariadicArg(2));
    }
    private static final class H_fcntl3 {
        static final MethodHandle H = Downcalls.link(sockets_h.fcntl.address(), FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
                Linker.Option.firstVariadicArg(2));
    }

    /** {@return what a downcall threw, unchecked} ({@link Downcalls#unchecked}) */
    public static RuntimeException rethrow(Throwable t) {
        return Downcalls.unchecked(t);
    }

    /** {@code socket}; errno into {@code capture}. */
    public static int socket(MemorySegment capture, int domain, int type, int protocol) {
        try {
            return (int) H_socket.H.invokeExact(capture, domain, type, protocol);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code socketpair}; errno into {@code capture}. */
    public static int socketpair(MemorySegment capture, int domain, int type, int protocol, MemorySegment sv) {
        try {
            return (int) H_socketpair.H.invokeExact(capture, domain, type, protocol, sv);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code setsockopt}; errno into {@code capture}. */
    public static int setsockopt(MemorySegment capture, int fd, int level, int name, MemorySegment value, int len) {
        try {
            return (int) H_setsockopt.H.invokeExact(capture, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code getsockopt}; errno into {@code capture}. */
    public static int getsockopt(MemorySegment capture, int fd, int level, int name, MemorySegment value, MemorySegment len) {
        try {
            return (int) H_getsockopt.H.invokeExact(capture, fd, level, name, value, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code bind}; errno into {@code capture}. */
    public static int bind(MemorySegment capture, int fd, MemorySegment addr, int len) {
        try {
            return (int) H_bind.H.invokeExact(capture, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code listen}; errno into {@code capture}. */
    public static int listen(MemorySegment capture, int fd, int backlog) {
        try {
            return (int) H_listen.H.invokeExact(capture, fd, backlog);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code accept}; errno into {@code capture}. */
    public static int accept(MemorySegment capture, int fd, MemorySegment addr, MemorySegment len) {
        if (Injection.ON && Injection.fails(Injection.ACCEPT, capture, fd)) {
            return -1;
        }
        try {
            return (int) H_accept.H.invokeExact(capture, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code accept4}; errno into {@code capture}. */
    public static int accept4(MemorySegment capture, int fd, MemorySegment addr, MemorySegment len, int flags) {
        if (Injection.ON && Injection.fails(Injection.ACCEPT, capture, fd)) {
            return -1;
        }
        try {
            return (int) H_accept4.H.invokeExact(capture, fd, addr, len, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code connect}; errno into {@code capture}. */
    public static int connect(MemorySegment capture, int fd, MemorySegment addr, int len) {
        if (Injection.ON && Injection.fails(Injection.CONNECT, capture, fd)) {
            return -1;
        }
        try {
            return (int) H_connect.H.invokeExact(capture, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code send}; errno into {@code capture}. */
    public static long send(MemorySegment capture, int fd, MemorySegment buf, long len, int flags) {
        if (Injection.ON && (len = Injection.limit(Injection.SEND, capture, fd, len)) < 0) {
            return -1;
        }
        try {
            return (long) H_send.H.invokeExact(capture, fd, buf, len, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code recv}; errno into {@code capture}. */
    public static long recv(MemorySegment capture, int fd, MemorySegment buf, long len, int flags) {
        if (Injection.ON && (len = Injection.limit(Injection.RECV, capture, fd, len)) < 0) {
            return -1;
        }
        try {
            return (long) H_recv.H.invokeExact(capture, fd, buf, len, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code sendto}; errno into {@code capture}. */
    public static long sendto(MemorySegment capture, int fd, MemorySegment buf, long len, int flags, MemorySegment addr, int addrLen) {
        if (Injection.ON && (len = Injection.limit(Injection.SEND, capture, fd, len)) < 0) {
            return -1;
        }
        try {
            return (long) H_sendto.H.invokeExact(capture, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code recvfrom}; errno into {@code capture}. */
    public static long recvfrom(MemorySegment capture, int fd, MemorySegment buf, long len, int flags, MemorySegment addr, MemorySegment addrLen) {
        if (Injection.ON && (len = Injection.limit(Injection.RECV, capture, fd, len)) < 0) {
            return -1;
        }
        try {
            return (long) H_recvfrom.H.invokeExact(capture, fd, buf, len, flags, addr, addrLen);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code sendmsg}; errno into {@code capture}. */
    public static long sendmsg(MemorySegment capture, int fd, MemorySegment msg, int flags) {
        if (Injection.ON && Injection.fails(Injection.SEND, capture, fd)) {
            return -1;
        }
        try {
            return (long) H_sendmsg.H.invokeExact(capture, fd, msg, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code recvmsg}; errno into {@code capture}. */
    public static long recvmsg(MemorySegment capture, int fd, MemorySegment msg, int flags) {
        if (Injection.ON && Injection.fails(Injection.RECV, capture, fd)) {
            return -1;
        }
        try {
            return (long) H_recvmsg.H.invokeExact(capture, fd, msg, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code shutdown}; errno into {@code capture}. */
    public static int shutdown(MemorySegment capture, int fd, int how) {
        try {
            return (int) H_shutdown.H.invokeExact(capture, fd, how);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code close}; errno into {@code capture}. */
    public static int close(MemorySegment capture, int fd) {
        try {
            return (int) H_close.H.invokeExact(capture, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code read}; errno into {@code capture}. */
    public static long read(MemorySegment capture, int fd, MemorySegment buf, long count) {
        if (Injection.ON && (count = Injection.limit(Injection.RECV, capture, fd, count)) < 0) {
            return -1;
        }
        try {
            return (long) H_read.H.invokeExact(capture, fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code write}; errno into {@code capture}. */
    public static long write(MemorySegment capture, int fd, MemorySegment buf, long count) {
        if (Injection.ON && (count = Injection.limit(Injection.SEND, capture, fd, count)) < 0) {
            return -1;
        }
        try {
            return (long) H_write.H.invokeExact(capture, fd, buf, count);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code getsockname}; errno into {@code capture}. */
    public static int getsockname(MemorySegment capture, int fd, MemorySegment addr, MemorySegment len) {
        try {
            return (int) H_getsockname.H.invokeExact(capture, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code getpeername}; errno into {@code capture}. */
    public static int getpeername(MemorySegment capture, int fd, MemorySegment addr, MemorySegment len) {
        try {
            return (int) H_getpeername.H.invokeExact(capture, fd, addr, len);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code inet_pton}; errno into {@code capture}. */
    public static int inet_pton(MemorySegment capture, int af, MemorySegment src, MemorySegment dst) {
        try {
            return (int) H_inet_pton.H.invokeExact(capture, af, src, dst);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code inet_ntop}; errno into {@code capture}. */
    public static MemorySegment inet_ntop(MemorySegment capture, int af, MemorySegment src, MemorySegment dst, int size) {
        try {
            return (MemorySegment) H_inet_ntop.H.invokeExact(capture, af, src, dst, size);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code getaddrinfo}; errno into {@code capture}. */
    public static int getaddrinfo(MemorySegment capture, MemorySegment node, MemorySegment service, MemorySegment hints, MemorySegment res) {
        try {
            return (int) H_getaddrinfo.H.invokeExact(capture, node, service, hints, res);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code poll}; errno into {@code capture}. */
    public static int poll(MemorySegment capture, MemorySegment fds, long nfds, int timeout) {
        try {
            return (int) H_poll.H.invokeExact(capture, fds, nfds, timeout);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code pipe}; errno into {@code capture}. */
    public static int pipe(MemorySegment capture, MemorySegment fds) {
        try {
            return (int) H_pipe.H.invokeExact(capture, fds);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code unlink}; errno into {@code capture}. */
    public static int unlink(MemorySegment capture, MemorySegment path) {
        try {
            return (int) H_unlink.H.invokeExact(capture, path);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code dup}; errno into {@code capture}. */
    public static int dup(MemorySegment capture, int fd) {
        try {
            return (int) H_dup.H.invokeExact(capture, fd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code dup2}; errno into {@code capture}. */
    public static int dup2(MemorySegment capture, int oldFd, int newFd) {
        try {
            return (int) H_dup2.H.invokeExact(capture, oldFd, newFd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code getrlimit}; errno into {@code capture}. */
    public static int getrlimit(MemorySegment capture, int resource, MemorySegment rlim) {
        try {
            return (int) H_getrlimit.H.invokeExact(capture, resource, rlim);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code setrlimit}; errno into {@code capture}. */
    public static int setrlimit(MemorySegment capture, int resource, MemorySegment rlim) {
        try {
            return (int) H_setrlimit.H.invokeExact(capture, resource, rlim);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code tgkill}; errno into {@code capture}. */
    public static int tgkill(MemorySegment capture, int tgid, int tid, int sig) {
        try {
            return (int) H_tgkill.H.invokeExact(capture, tgid, tid, sig);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code strerror}. */
    public static MemorySegment strerror(int errnum) {
        try {
            return (MemorySegment) H_strerror.H.invokeExact(errnum);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code gai_strerror}. */
    public static MemorySegment gai_strerror(int errcode) {
        try {
            return (MemorySegment) H_gai_strerror.H.invokeExact(errcode);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code freeaddrinfo}. */
    public static void freeaddrinfo(MemorySegment res) {
        try {
            H_freeaddrinfo.H.invokeExact(res);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code getpid}. */
    public static int getpid() {
        try {
            return (int) H_getpid.H.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code getuid}. */
    public static int getuid() {
        try {
            return (int) H_getuid.H.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code getgid}. */
    public static int getgid() {
        try {
            return (int) H_getgid.H.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code gettid}. */
    public static int gettid() {
        try {
            return (int) H_gettid.H.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code __libc_current_sigrtmax}. */
    public static int sigrtmax() {
        try {
            return (int) H_libc_current_sigrtmax.H.invokeExact();
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code fcntl(fd, cmd)}; errno into {@code capture}. */
    public static int fcntl(MemorySegment capture, int fd, int cmd) {
        try {
            return (int) H_fcntl2.H.invokeExact(capture, fd, cmd);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code fcntl(fd, cmd, arg)}; errno into {@code capture}. */
    public static int fcntl(MemorySegment capture, int fd, int cmd, int arg) {
        try {
            return (int) H_fcntl3.H.invokeExact(capture, fd, cmd, arg);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code ioctl(fd, request, argp)}, the pointer form; errno into {@code capture}. */
    public static int ioctl(MemorySegment capture, int fd, long request, MemorySegment argp) {
        try {
            return (int) H_ioctl.H.invokeExact(capture, fd, request, argp);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code sendmmsg}; errno into {@code capture}. */
    public static int sendmmsg(MemorySegment capture, int fd, MemorySegment msgvec, int vlen, int flags) {
        if (Injection.ON && Injection.fails(Injection.SEND, capture, fd)) {
            return -1;
        }
        try {
            return (int) H_sendmmsg.H.invokeExact(capture, fd, msgvec, vlen, flags);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    /** {@code recvmmsg}; errno into {@code capture}. */
    public static int recvmmsg(MemorySegment capture, int fd, MemorySegment msgvec, int vlen, int flags, MemorySegment timeout) {
        if (Injection.ON && Injection.fails(Injection.RECV, capture, fd)) {
            return -1;
        }
        try {
            return (int) H_recvmmsg.H.invokeExact(capture, fd, msgvec, vlen, flags, timeout);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    static {
        // last, once every field above is set: the self-test calls this class
        if (Boolean.getBoolean("ffmsockets.selfTest")) {
            LayoutSelfTest.run();
        }
    }
}
