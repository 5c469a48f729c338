package dev.ffmsockets.nio;

import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.UnixSockAddr;
import dev.ffmsockets.impl.DualStack;
import dev.ffmsockets.net.NativeSocketAddress;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;

/**
 * The channels' addresses, taken and reported as the JDK's channels do: {@code java.net}'s kinds to the library's and
 * back, on dual-stack sockets as {@link DualStack} writes and reads them.
 */
final class ChannelAddresses {

    private ChannelAddresses() {
    }

    /**
     * The Internet address the JDK's channels accept for a socket of {@code family}.
     *
     * @throws UnsupportedAddressTypeException for another kind of address, or an IPv6 one on an IPv4 socket
     * @throws UnresolvedAddressException      for an unresolved one
     */
    static InetSocketAddress checkInet(SocketAddress a, Family family) {
        if (a == null) {
            throw new NullPointerException();
        }
        if (!(a instanceof InetSocketAddress i)) {
            throw new UnsupportedAddressTypeException();
        }
        if (i.isUnresolved()) {
            throw new UnresolvedAddressException();
        }
        if (family == Family.INET && !(i.getAddress() instanceof Inet4Address)) {
            throw new UnsupportedAddressTypeException();
        }
        return i;
    }

    /**
     * What a connect goes to, as the JDK's channels take it: the wildcard address means this host's loopback.
     *
     * @throws UnsupportedAddressTypeException for a kind of address the socket cannot take
     * @throws UnresolvedAddressException      for an unresolved one
     */
    static SocketAddress checkRemote(SocketAddress a, Family family) {
        if (family == Family.UNIX) {
            return checkUnix(a);
        }
        InetSocketAddress i = checkInet(a, family);
        if (!i.getAddress().isAnyLocalAddress()) {
            return i;
        }
        return new InetSocketAddress(i.getAddress() instanceof Inet4Address ? InetAddress.getLoopbackAddress()
                : loopback6(), i.getPort());
    }

    /** An AF_UNIX address: a {@link UnixDomainSocketAddress}, or a {@link NativeSocketAddress} for abstract names. */
    static SocketAddress checkUnix(SocketAddress a) {
        if (a == null) {
            throw new NullPointerException();
        }
        if (a instanceof UnixDomainSocketAddress || a instanceof NativeSocketAddress n && n.sockAddr() instanceof UnixSockAddr) {
            return a;
        }
        throw new UnsupportedAddressTypeException();
    }

    /**
     * The library's address for a checked {@code java.net} one, on a socket of {@code family}.
     *
     * @throws SocketException {@code Unix domain path too long}, as the JDK says, for a path {@code sun_path} cannot
     *                         hold
     */
    static SockAddr of(SocketAddress a, Family family) throws SocketException {
        return switch (a) {
            case InetSocketAddress i -> inet(i.getAddress(), i.getPort(), family);
            case UnixDomainSocketAddress u -> unix(u);
            case NativeSocketAddress n -> n.sockAddr();
            default -> throw new UnsupportedAddressTypeException();
        };
    }

    private static SockAddr unix(UnixDomainSocketAddress u) throws SocketException {
        try {
            return UnixSockAddr.from(u);
        } catch (IllegalArgumentException tooLong) {
            SocketException e = new SocketException("Unix domain path too long");
            e.initCause(tooLong);
            throw e;
        }
    }

    /** An Internet address on a socket of {@code family}, as {@link DualStack#on} writes it. */
    static InetSockAddr inet(InetAddress address, int port, Family family) {
        return DualStack.on(family, address, port);
    }

    /** The wildcard address of a family, port 0 (for a bind to {@code null}); {@code null} for AF_UNIX. */
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
        return NativeSocketAddress.toSocketAddress(a);
    }

    /** The kernel's name for the socket's own address ({@code getsockname}), in {@code java.net}'s form. */
    static SocketAddress local(Socket s) throws IOException {
        return toJava(s.localAddress());
    }

    private static InetAddress loopback6() {
        byte[] b = new byte[16];
        b[15] = 1;
        try {
            return InetAddress.getByAddress(b);
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }
}
