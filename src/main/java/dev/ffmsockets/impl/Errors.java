package dev.ffmsockets.impl;

import dev.ffmsockets.ErrnoBindException;
import dev.ffmsockets.ErrnoConnectException;
import dev.ffmsockets.ErrnoNoRouteToHostException;
import dev.ffmsockets.ErrnoPortUnreachableException;
import dev.ffmsockets.ErrnoSocketException;
import dev.ffmsockets.ErrnoSocketTimeoutException;
import dev.ffmsockets.posix.Posix;

import java.io.IOException;
import java.net.SocketException;
import java.time.Duration;

import static dev.ffmsockets.posix.Posix.EACCES;
import static dev.ffmsockets.posix.Posix.EADDRINUSE;
import static dev.ffmsockets.posix.Posix.EADDRNOTAVAIL;
import static dev.ffmsockets.posix.Posix.EBADF;
import static dev.ffmsockets.posix.Posix.ECONNREFUSED;
import static dev.ffmsockets.posix.Posix.EHOSTUNREACH;
import static dev.ffmsockets.posix.Posix.ENETUNREACH;
import static dev.ffmsockets.posix.Posix.ETIMEDOUT;

/** The one place that turns a failed call's errno into the exception the wrapper throws. */
public final class Errors {

    private Errors() {
    }

    /** {@return the C name of {@code errno}, or {@code "errno N"} for a value without one} */
    public static String name(int errno) {
        String n = Posix.errnoName(errno);
        return n != null ? n : "errno " + errno;
    }

    private static String message(String syscall, String detail, String what, int errno) {
        return syscall + "(" + detail + "): " + what + " (" + name(errno) + ")";
    }

    /**
     * The exception for {@code syscall} failing with {@code errno}; {@code detail} says on what (an address,
     * {@code fd 5}), {@code datagram} whether the socket is a datagram socket.
     *
     * @param syscall  the system call
     * @param detail   what it was called on
     * @param errno    the errno it left
     * @param datagram whether the socket is a datagram socket ({@code ECONNREFUSED} then means port unreachable)
     * @return the exception, of the standard type Java code catches for that error
     */
    public static IOException of(String syscall, String detail, int errno, boolean datagram) {
        String m = message(syscall, detail, Posix.strerror(errno), errno);
        boolean connect = syscall.equals("connect");
        if (errno == ECONNREFUSED) {
            return datagram && !connect ? new ErrnoPortUnreachableException(m, errno, syscall)
                    : new ErrnoConnectException(m, errno, syscall);
        }
        if (errno == ETIMEDOUT && connect) {
            return new ErrnoConnectException(m, errno, syscall);
        }
        if (errno == EHOSTUNREACH || errno == ENETUNREACH) {
            return new ErrnoNoRouteToHostException(m, errno, syscall);
        }
        if (syscall.equals("bind") && (errno == EADDRINUSE || errno == EADDRNOTAVAIL || errno == EACCES)) {
            return new ErrnoBindException(m, errno, syscall);
        }
        return new ErrnoSocketException(m, errno, syscall);
    }

    /**
     * The socket was closed, before the call or by another thread while it waited.
     *
     * @param syscall the system call
     * @param detail  what it was called on
     * @return the exception: a {@link SocketException} whose message says {@code Socket closed}, errno
     *         {@code EBADF}
     */
    public static SocketException closed(String syscall, String detail) {
        return new ErrnoSocketException(message(syscall, detail, "Socket closed", EBADF), EBADF, syscall);
    }

    /**
     * The socket's timeout expired.
     *
     * @param syscall      the system call
     * @param detail       what it was called on
     * @param timeoutNanos the timeout
     * @return the exception
     */
    public static ErrnoSocketTimeoutException timedOut(String syscall, String detail, long timeoutNanos) {
        String after = "Timed out after " + Duration.ofNanos(timeoutNanos).toMillis() + " ms";
        return new ErrnoSocketTimeoutException(message(syscall, detail, after, ETIMEDOUT), ETIMEDOUT, syscall);
    }

    /**
     * The timeout of a call that moved {@code done} of {@code total} bytes before it expired; its
     * {@code bytesTransferred} is {@code done} (up to {@code Integer.MAX_VALUE}).
     *
     * @param e     what the last wait threw
     * @param done  the bytes that went out
     * @param total the bytes there were to send
     * @return the exception, saying both counts
     */
    public static ErrnoSocketTimeoutException timedOut(ErrnoSocketTimeoutException e, long done, long total) {
        ErrnoSocketTimeoutException t = new ErrnoSocketTimeoutException(
                e.getMessage() + "; " + done + " of " + total + " bytes were sent", e.errno(), e.syscall());
        t.bytesTransferred = (int) Math.min(done, Integer.MAX_VALUE);
        return t;
    }
}
