package dev.ffmsockets.nio;

import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.UnixSockAddr;
import dev.ffmsockets.net.NativeSocketAddress;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Arrays;

/** The channels' addresses: {@code java.net}'s kinds to the library's and back, as the JDK's channels take them. */
final class ChannelAddresses {

    private ChannelAddresses() {
    }

    /**
     * The address a socket of {@code family} takes for {@code a}: an IPv4 address on a dual-stack IPv6 socket as
     * {@code ::ffff:a.b.c.d}, as the JDK's channels do.
     *
     * @throws UnresolvedAddressException      for an unresolved {@link InetSocketAddress}
     * @throws UnsupportedAddressTypeException for a kind of address the socket cannot take
     */
    static SockAddr of(SocketAddress a, Family family) {
        SockAddr s = switch (a) {
            case InetSocketAddress i when i.isUnresolved() -> throw new UnresolvedAddressException();
            case InetSocketAddress i -> InetSockAddr.from(i);
            case UnixDomainSocketAddress u -> UnixSockAddr.from(u);
            case NativeSocketAddress n -> n.sockAddr();
            case null -> throw new NullPointerException("address");
            default -> throw new UnsupportedAddressTypeException();
        };
        if (s instanceof InetSockAddr in && family == Family.INET6 && in.address() instanceof Inet4Address v4) {
            byte[] b = new byte[16];
            b[10] = (byte) 0xff;
            b[11] = (byte) 0xff;
            System.arraycopy(v4.getAddress(), 0, b, 12, 4);
            try {
                return InetSockAddr.of(java.net.Inet6Address.getByAddress(null, b, -1), in.port());
            } catch (UnknownHostException impossible) {
                throw new AssertionError(impossible);
            }
        }
        if (s.family() != family && !(s.family() == Family.INET && family == Family.INET6)) {
            throw new UnsupportedAddressTypeException();
        }
        return s;
    }

    /** The wildcard address of a family, port 0 (for a bind to {@code null}), or {@code null} for AF_UNIX. */
    static SockAddr any(Family family) {
        return switch (family) {
            case INET -> InetSockAddr.any(0);
            case INET6 -> InetSockAddr.any6(0);
            default -> null;
        };
    }

    /**
     * The {@code java.net} form of what the kernel reported: an IPv4-mapped IPv6 address as IPv4 (as the JDK's
     * channels report peers of a dual-stack socket), an abstract name as {@link NativeSocketAddress}.
     */
    static SocketAddress toJava(SockAddr a) {
        return switch (a) {
            case null -> null;
            case InetSockAddr i when mapped(i.address()) -> new InetSocketAddress(
                    v4(Arrays.copyOfRange(i.address().getAddress(), 12, 16)), i.port());
            case InetSockAddr i -> i.toSocketAddress();
            case UnixSockAddr u when u.isAbstract() -> NativeSocketAddress.of(u);
            case UnixSockAddr u -> u.toSocketAddress();
        };
    }

    private static boolean mapped(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length != 16 || b[10] != (byte) 0xff || b[11] != (byte) 0xff) {
            return false;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress v4(byte[] b) {
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }
}
