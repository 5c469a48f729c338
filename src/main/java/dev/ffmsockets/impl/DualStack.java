package dev.ffmsockets.impl;

import dev.ffmsockets.ErrnoException;
import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.LinuxSocketOptions;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import static dev.ffmsockets.posix.Posix.EAFNOSUPPORT;

/**
 * Internet sockets as the JDK makes them for its channels and {@code java.net} sockets: dual-stack IPv6 (one socket
 * for IPv4 and IPv6 peers) unless {@code -Djava.net.preferIPv4Stack=true} or the kernel has no IPv6. On such a socket
 * an IPv4 address is written {@code ::ffff:a.b.c.d}, but the IPv4 wildcard is the IPv6 wildcard {@code ::}, so that a
 * wildcard bind takes both families; what the kernel reports as an IPv4-mapped address is shown as the
 * {@link Inet4Address} it maps. Used by the {@code java.nio} provider and the {@code java.net} adapters alike.
 */
public final class DualStack {

    private DualStack() {
    }

    /** Whether Internet sockets are dual-stack IPv6, as the JDK's: read once, as the JDK reads it. */
    public static final boolean IPV6 = !Boolean.getBoolean("java.net.preferIPv4Stack") && kernelHasIpv6();

    private static boolean kernelHasIpv6() {
        try (Socket probe = Socket.open(Family.INET6, SocketType.DGRAM)) {
            return probe.isOpen();
        } catch (IOException e) {
            // another failure (EMFILE) says nothing of IPv6: the first socket reports it
            return !(e instanceof ErrnoException x && x.errno() == EAFNOSUPPORT);
        }
    }

    /** {@return the family of an Internet socket made without one: INET6 (dual-stack), or INET without IPv6} */
    public static Family family() {
        return IPV6 ? Family.INET6 : Family.INET;
    }

    /**
     * A socket of {@code family}; for INET6 a dual-stack one ({@code IPV6_V6ONLY} off).
     *
     * @throws UnsupportedOperationException for INET6 when IPv6 is not available, as the JDK says it
     */
    public static Socket open(Family family, SocketType type) throws IOException {
        if (family == Family.INET6 && !IPV6) {
            throw new UnsupportedOperationException("IPv6 not available");
        }
        Socket s = Socket.open(family, type);
        if (family == Family.INET6) {
            try {
                s.setOption(LinuxSocketOptions.IPV6_V6ONLY, false);
            } catch (IOException | RuntimeException e) {
                s.close();
                throw e;
            }
        }
        return s;
    }

    /**
     * The address {@code address} and {@code port} are on a socket of {@code family}: an IPv4 address on an IPv6
     * socket as {@code ::ffff:a.b.c.d}, the IPv4 wildcard as {@code ::}.
     */
    public static InetSockAddr on(Family family, InetAddress address, int port) {
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

    /** {@return an IPv4-mapped IPv6 address as the IPv4 address it maps, any other as it is} */
    public static InetAddress unmapped(InetAddress a) {
        byte[] b = a.getAddress();
        if (b.length != 16 || b[10] != (byte) 0xff || b[11] != (byte) 0xff) {
            return a;
        }
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return a;
            }
        }
        try {
            return InetAddress.getByAddress(Arrays.copyOfRange(b, 12, 16));
        } catch (UnknownHostException impossible) {
            throw new AssertionError(impossible);
        }
    }
}
