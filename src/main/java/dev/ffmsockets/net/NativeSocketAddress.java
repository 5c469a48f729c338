package dev.ffmsockets.net;

import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.UnixSockAddr;
import dev.ffmsockets.impl.DualStack;

import java.io.Serial;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Objects;

/**
 * A {@link SocketAddress} that carries any {@link SockAddr}, for the addresses {@code java.net} has no type for
 * (abstract AF_UNIX names such as {@code @name}, unnamed sockets). {@link FfmSocket} and {@link FfmServerSocket}
 * accept it wherever they accept a {@code SocketAddress}, and return it where {@code java.net} could not express
 * the address.
 */
public final class NativeSocketAddress extends SocketAddress {
    @Serial
    private static final long serialVersionUID = 1L;
    /** The address; records of this library are not serializable, so this one is not kept across serialization. */
    private final transient SockAddr address;

    private NativeSocketAddress(SockAddr address) {
        this.address = Objects.requireNonNull(address, "address");
    }

    /**
     * Wraps an address.
     *
     * @param address the address
     * @return the wrapper
     */
    public static NativeSocketAddress of(SockAddr address) {
        return new NativeSocketAddress(address);
    }

    /** {@return the address} */
    public SockAddr sockAddr() {
        return address;
    }

    /**
     * The {@code SockAddr} of a {@code SocketAddress} of any kind this package accepts.
     *
     * @param address an {@link InetSocketAddress} (resolved), {@link UnixDomainSocketAddress} or
     *                {@code NativeSocketAddress}
     * @param call    the call, for the message
     * @return the address
     * @throws IllegalArgumentException if the kind is not one of those (as {@code java.net.Socket} says:
     *                                  {@code Unsupported address type})
     * @throws java.net.UnknownHostException if the {@code InetSocketAddress} is unresolved, as {@code java.net}
     *                                  throws
     */
    static SockAddr toSockAddr(SocketAddress address, String call) throws java.net.UnknownHostException {
        return switch (address) {
            case NativeSocketAddress n -> n.address;
            case UnixDomainSocketAddress u -> UnixSockAddr.from(u);
            case InetSocketAddress i when i.isUnresolved() -> throw new java.net.UnknownHostException(i.getHostName());
            case InetSocketAddress i -> InetSockAddr.from(i);
            case null -> throw new IllegalArgumentException(call + ": The address can't be null");
            default -> throw new IllegalArgumentException(call + ": Unsupported address type "
                    + address.getClass().getName() + ": use an InetSocketAddress, a UnixDomainSocketAddress or a "
                    + "NativeSocketAddress");
        };
    }

    /**
     * The {@code java.net} form of an address, as the JDK's channels show addresses: {@link InetSocketAddress} (an
     * IPv4-mapped IPv6 address as the IPv4 address it maps), {@link UnixDomainSocketAddress} for a pathname or unnamed
     * one, this class for an abstract name.
     *
     * @param address the address, or {@code null}
     * @return its {@code java.net} form, or {@code null} for {@code null}
     */
    public static SocketAddress toSocketAddress(SockAddr address) {
        return switch (address) {
            case null -> null;
            case InetSockAddr i -> new InetSocketAddress(DualStack.unmapped(i.address()), i.port());
            case UnixSockAddr u when u.isAbstract() -> new NativeSocketAddress(u);
            case UnixSockAddr u -> u.toSocketAddress();
        };
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NativeSocketAddress n && address.equals(n.address);
    }

    @Override
    public int hashCode() {
        return address.hashCode();
    }

    /** {@return the address as its {@code SockAddr} writes it, such as {@code @name} or {@code 127.0.0.1:80}} */
    @Override
    public String toString() {
        return address.toString();
    }
}
