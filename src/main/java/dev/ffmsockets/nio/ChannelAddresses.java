package dev.ffmsockets.nio;

import dev.ffmsockets.ErrnoException;
import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.UnixSockAddr;
import dev.ffmsockets.net.NativeSocketAddress;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;
import java.util.Arrays;

import static dev.ffmsockets.posix.Posix.EAFNOSUPPORT;

/**
 * The channels' addresses, taken and reported as the JDK's channels do: {@code java.net}'s kinds to the library's and
 * back. On a dual-stack IPv6 socket an IPv4 address is written {@code ::ffff:a.b.c.d}, but the IPv4 wildcard is the
 * IPv6 wildcard {@code ::} (so that a wildcard bind takes both families), and what the kernel reports as an
 * IPv4-mapped address is shown as the {@link Inet4Address} it maps.
 */
final class ChannelAddresses {

    private ChannelAddresses() {
    }

    /**
     * Whether channels are IPv6 (dual-stack) by default, as the JDK's are: unless
     * {@code -Djava.net.preferIPv4Stack=true} or the kernel has no IPv6. Read once, as the JDK reads it.
     */
    static final boolean IPV6 = !Boolean.getBoolean("java.net.preferIPv4Stack") && kernelHasIpv6();

    private static boolean kernelHasIpv6() {
        try (Socket probe = Socket.open(Family.INET6, SocketType.DGRAM)) {
            return probe.isOpen();
        } catch (IOException e) {
            // another failure (EMFILE) says nothing of IPv6: the first channel reports it
            return !(e instanceof ErrnoException x && x.errno() == EAFNOSUPPORT);
        }
    }

    /** {@return the family a channel opened without one has: INET6 (dual-stack) or, without IPv6, INET} */
    static Family defaultFamily() {
        return IPV6 ? Family.INET6 : Family.INET;
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

    /**
     * An Internet address on a socket of {@code family}: an IPv4 address on an IPv6 socket as {@code ::ffff:a.b.c.d},
     * the IPv4 wildcard as {@code ::}, as the JDK writes them.
     */
    static InetSockAddr inet(InetAddress address, int port, Family family) {
        if (family == Family.INET6 && address instanceof Inet4Address v4) {
            if (v4.isAnyLocalAddress()) {
                return InetSockAddr.any6(port);
            }
            byte[] b = new byte[16];
            b[10] = (byte) 0xff;
            b[11] = (byte) 0xff;
            System.arraycopy(v4.getAddress(), 0, b, 12, 4);
            try {
                return InetSockAddr.of(Inet6Address.getByAddress(null, b, -1), port);
            } catch (UnknownHostException impossible) {
                throw new AssertionError(impossible);
            }
        }
        return InetSockAddr.of(address, port);
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
        return switch (a) {
            case null -> null;
            case InetSockAddr i when mapped(i.address()) -> new InetSocketAddress(
                    v4(Arrays.copyOfRange(i.address().getAddress(), 12, 16)), i.port());
            case InetSockAddr i -> new InetSocketAddress(i.address(), i.port());
            case UnixSockAddr u when u.isAbstract() -> NativeSocketAddress.of(u);
            case UnixSockAddr u -> u.toSocketAddress();
        };
    }

    /** The kernel's name for the socket's own address ({@code getsockname}), in {@code java.net}'s form. */
    static SocketAddress local(Socket s) throws IOException {
        return toJava(s.localAddress());
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
