package dev.ffmsockets;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * A socket address: an Internet address and port ({@link InetSockAddr}) or a Unix-domain name
 * ({@link UnixSockAddr}). Values are checked when they are made, so a {@code SockAddr} always fits the C
 * {@code sockaddr} it becomes.
 */
public sealed interface SockAddr permits InetSockAddr, UnixSockAddr {

    /**
     * The address family a socket needs to use this address.
     *
     * @return {@link Family#INET}, {@link Family#INET6} or {@link Family#UNIX}
     */
    Family family();

    /**
     * Converts a {@code java.net} address.
     *
     * @param address an {@link InetSocketAddress} (resolved) or a {@link UnixDomainSocketAddress}
     * @return the same address as a {@code SockAddr}
     * @throws IllegalArgumentException if the address is of another kind, unresolved, or does not fit a
     *                                  {@code sockaddr}
     */
    static SockAddr from(SocketAddress address) {
        return switch (address) {
            case InetSocketAddress inet -> InetSockAddr.from(inet);
            case UnixDomainSocketAddress unix -> UnixSockAddr.from(unix);
            case null -> throw new NullPointerException("address");
            default -> throw new IllegalArgumentException("not an Internet or Unix-domain socket address: "
                    + address.getClass().getName());
        };
    }

    /**
     * This address as the {@code java.net} type for its family.
     *
     * @return an {@link InetSocketAddress} or a {@link UnixDomainSocketAddress}
     * @throws UnsupportedOperationException for a Unix address that {@code java.net} cannot express
     *                                       (abstract or unnamed)
     */
    SocketAddress toSocketAddress();
}
