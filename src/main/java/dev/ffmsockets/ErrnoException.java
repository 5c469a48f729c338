package dev.ffmsockets;

import dev.ffmsockets.posix.Posix;

/**
 * What every exception a failed system call of {@link Socket} throws carries: the call, the errno number and
 * its name. The exceptions themselves are subclasses of the standard types Java code already catches, each
 * also implementing this interface:
 *
 * <ul>
 *   <li>{@link ErrnoConnectException}, a {@link java.net.ConnectException}: {@code connect} refused
 *       ({@code ECONNREFUSED}) or timed out by the kernel ({@code ETIMEDOUT});</li>
 *   <li>{@link ErrnoBindException}, a {@link java.net.BindException}: {@code bind} to an address in use, not
 *       available or not permitted ({@code EADDRINUSE}, {@code EADDRNOTAVAIL}, {@code EACCES});</li>
 *   <li>{@link ErrnoNoRouteToHostException}, a {@link java.net.NoRouteToHostException}: {@code EHOSTUNREACH},
 *       {@code ENETUNREACH};</li>
 *   <li>{@link ErrnoPortUnreachableException}, a {@link java.net.PortUnreachableException}: {@code ECONNREFUSED}
 *       on a datagram socket's send or receive (an ICMP port unreachable came back);</li>
 *   <li>{@link ErrnoSocketTimeoutException}, a {@link java.net.SocketTimeoutException}: the socket's timeout
 *       expired ({@code ETIMEDOUT}); its {@code bytesTransferred} says how much of a {@code sendAll} went out;</li>
 *   <li>{@link ErrnoSocketException}, a {@link java.net.SocketException}: everything else, including a socket
 *       that is closed, or closed by another thread while the call waited: its message then contains
 *       {@code "Socket closed"} and its errno is {@code EBADF}.</li>
 * </ul>
 *
 * {@snippet :
 * try {
 *     socket.connect(InetSockAddr.loopback(1));
 * } catch (ConnectException e) {
 *     // "connect(127.0.0.1:1): Connection refused (ECONNREFUSED)"
 *     int errno = ((ErrnoException) e).errno();
 * }
 * }
 */
public sealed interface ErrnoException permits ErrnoSocketException, ErrnoConnectException, ErrnoBindException,
        ErrnoNoRouteToHostException, ErrnoPortUnreachableException, ErrnoSocketTimeoutException {

    /**
     * The errno value.
     *
     * @return the errno, such as {@link Posix#ECONNREFUSED}
     */
    int errno();

    /**
     * The C name of the errno value.
     *
     * @return the name, such as {@code "ECONNREFUSED"}, or {@code "errno N"} for a value without one
     */
    default String errnoName() {
        return dev.ffmsockets.impl.Errors.name(errno());
    }

    /**
     * The system call that failed.
     *
     * @return its name, such as {@code "connect"}
     */
    String syscall();
}
