package dev.ffmsockets;

import dev.ffmsockets.posix.Posix;

import java.io.IOException;
import java.io.Serial;
import java.net.BindException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.PortUnreachableException;
import java.net.SocketException;
import java.net.SocketTimeoutException;

import static dev.ffmsockets.posix.Posix.EACCES;
import static dev.ffmsockets.posix.Posix.EADDRINUSE;
import static dev.ffmsockets.posix.Posix.EADDRNOTAVAIL;
import static dev.ffmsockets.posix.Posix.EBADF;
import static dev.ffmsockets.posix.Posix.ECONNREFUSED;
import static dev.ffmsockets.posix.Posix.EHOSTUNREACH;
import static dev.ffmsockets.posix.Posix.ENETUNREACH;
import static dev.ffmsockets.posix.Posix.ETIMEDOUT;

/** The one place that turns a failed call's errno into the exception {@link Socket} throws. */
final class Errors {

    private Errors() {
    }

    static String name(int errno) {
        String n = Posix.errnoName(errno);
        return n != null ? n : "errno " + errno;
    }

    private static String message(String syscall, String detail, String what, int errno) {
        return syscall + "(" + detail + "): " + what + " (" + name(errno) + ")";
    }

    /**
     * The exception for {@code syscall} failing with {@code errno}; {@code detail} says on what (an address,
     * {@code fd 5}), {@code datagram} whether the socket is a datagram socket.
     */
    static IOException of(String syscall, String detail, int errno, boolean datagram) {
        String m = message(syscall, detail, Posix.strerror(errno), errno);
        boolean connect = syscall.equals("connect");
        if (errno == ECONNREFUSED) {
            return datagram && !connect ? new Unreachable(m, errno, syscall) : new Refused(m, errno, syscall);
        }
        if (errno == ETIMEDOUT && connect) {
            return new Refused(m, errno, syscall);
        }
        if (errno == EHOSTUNREACH || errno == ENETUNREACH) {
            return new NoRoute(m, errno, syscall);
        }
        if (syscall.equals("bind") && (errno == EADDRINUSE || errno == EADDRNOTAVAIL || errno == EACCES)) {
            return new InUse(m, errno, syscall);
        }
        return new Failed(m, errno, syscall);
    }

    /** The socket was closed, before the call or by another thread while it waited. */
    static SocketException closed(String syscall, String detail) {
        return new Failed(message(syscall, detail, "Socket closed", EBADF), EBADF, syscall);
    }

    /** The socket's timeout expired. */
    static SocketTimeoutException timedOut(String syscall, String detail, long timeoutNanos) {
        String after = "Timed out after " + java.time.Duration.ofNanos(timeoutNanos).toMillis() + " ms";
        return new TimedOut(message(syscall, detail, after, ETIMEDOUT), ETIMEDOUT, syscall);
    }

    static final class Failed extends SocketException implements ErrnoException {
        @Serial
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final String syscall;

        Failed(String message, int errno, String syscall) {
            super(message);
            this.errno = errno;
            this.syscall = syscall;
        }

        @Override
        public int errno() {
            return errno;
        }

        @Override
        public String syscall() {
            return syscall;
        }
    }

    static final class Refused extends ConnectException implements ErrnoException {
        @Serial
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final String syscall;

        Refused(String message, int errno, String syscall) {
            super(message);
            this.errno = errno;
            this.syscall = syscall;
        }

        @Override
        public int errno() {
            return errno;
        }

        @Override
        public String syscall() {
            return syscall;
        }
    }

    static final class InUse extends BindException implements ErrnoException {
        @Serial
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final String syscall;

        InUse(String message, int errno, String syscall) {
            super(message);
            this.errno = errno;
            this.syscall = syscall;
        }

        @Override
        public int errno() {
            return errno;
        }

        @Override
        public String syscall() {
            return syscall;
        }
    }

    static final class NoRoute extends NoRouteToHostException implements ErrnoException {
        @Serial
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final String syscall;

        NoRoute(String message, int errno, String syscall) {
            super(message);
            this.errno = errno;
            this.syscall = syscall;
        }

        @Override
        public int errno() {
            return errno;
        }

        @Override
        public String syscall() {
            return syscall;
        }
    }

    static final class Unreachable extends PortUnreachableException implements ErrnoException {
        @Serial
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final String syscall;

        Unreachable(String message, int errno, String syscall) {
            super(message);
            this.errno = errno;
            this.syscall = syscall;
        }

        @Override
        public int errno() {
            return errno;
        }

        @Override
        public String syscall() {
            return syscall;
        }
    }

    static final class TimedOut extends SocketTimeoutException implements ErrnoException {
        @Serial
        private static final long serialVersionUID = 1L;
        private final int errno;
        private final String syscall;

        TimedOut(String message, int errno, String syscall) {
            super(message);
            this.errno = errno;
            this.syscall = syscall;
        }

        @Override
        public int errno() {
            return errno;
        }

        @Override
        public String syscall() {
            return syscall;
        }
    }
}
