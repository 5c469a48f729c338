package dev.ffmsockets;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;

import dev.ffmsockets.impl.Resolver;

/**
 * An IPv4 or IPv6 address with a port: C's {@code sockaddr_in} or {@code sockaddr_in6}. For IPv6 it also
 * carries {@code sin6_flowinfo} and {@code sin6_scope_id}. No name is ever looked up.
 *
 * @param address  the IP address ({@link Inet4Address} for IPv4, {@link Inet6Address} for IPv6)
 * @param port     the port, 0 to 65535 (0 asks the kernel for any free port on {@code bind})
 * @param flowInfo IPv6 flow information ({@code sin6_flowinfo}), 0 to {@code 0x0FFFFFFF}; 0 for IPv4
 * @param scopeId  IPv6 scope id ({@code sin6_scope_id}), such as an interface index; 0 for IPv4
 */
public record InetSockAddr(InetAddress address, int port, int flowInfo, int scopeId) implements SockAddr {

    private static final InetAddress LOOPBACK4 = literal("127.0.0.1");
    private static final InetAddress LOOPBACK6 = literal("::1");
    private static final InetAddress ANY4 = literal("0.0.0.0");
    private static final InetAddress ANY6 = literal("::");

    /**
     * Checks every part before any system call sees it.
     *
     * @throws NullPointerException     if {@code address} is null
     * @throws IllegalArgumentException if the port is outside 0 to 65535, the flow information is negative or
     *                                  wider than 28 bits, the scope id is negative, or an IPv4 address has a
     *                                  flow information or a scope id
     */
    public InetSockAddr {
        if (address == null) {
            throw new NullPointerException("address");
        }
        dev.ffmsockets.impl.Ports.check(port);
        if (flowInfo < 0 || flowInfo > 0x0FFFFFFF) {
            throw new IllegalArgumentException("flow information " + flowInfo + " is outside 0 to 0x0FFFFFFF");
        }
        if (scopeId < 0) {
            throw new IllegalArgumentException("scope id " + scopeId + " is negative");
        }
        if (address instanceof Inet4Address && (flowInfo != 0 || scopeId != 0)) {
            throw new IllegalArgumentException("an IPv4 address has no flow information or scope id");
        }
    }

    /**
     * An address and port; an IPv6 address's own scope id is kept.
     *
     * @param address the IP address
     * @param port    the port, 0 to 65535
     * @return the socket address
     */
    public static InetSockAddr of(InetAddress address, int port) {
        int scope = address instanceof Inet6Address v6 ? Math.max(0, v6.getScopeId()) : 0;
        return new InetSockAddr(address, port, 0, scope);
    }

    /**
     * An address written as a literal, {@code "127.0.0.1"}, {@code "::1"} or {@code "fe80::1%2"}. No name is
     * looked up: {@code "localhost"} is refused.
     *
     * @param literal an IPv4 or IPv6 address literal
     * @param port    the port, 0 to 65535
     * @return the socket address
     * @throws IllegalArgumentException if {@code literal} is not an IP address literal or the port is out of range
     */
    public static InetSockAddr of(String literal, int port) {
        return of(literal(literal), port);
    }

    /**
     * {@code 127.0.0.1} and a port.
     *
     * @param port the port, 0 to 65535
     * @return the IPv4 loopback address
     */
    public static InetSockAddr loopback(int port) {
        return new InetSockAddr(LOOPBACK4, port, 0, 0);
    }

    /**
     * {@code ::1} and a port.
     *
     * @param port the port, 0 to 65535
     * @return the IPv6 loopback address
     */
    public static InetSockAddr loopback6(int port) {
        return new InetSockAddr(LOOPBACK6, port, 0, 0);
    }

    /**
     * {@code 0.0.0.0} ({@code INADDR_ANY}) and a port: every IPv4 address of this host, for {@code bind}.
     *
     * @param port the port, 0 to 65535
     * @return the IPv4 wildcard address
     */
    public static InetSockAddr any(int port) {
        return new InetSockAddr(ANY4, port, 0, 0);
    }

    /**
     * {@code ::} ({@code in6addr_any}) and a port, for {@code bind}.
     *
     * @param port the port, 0 to 65535
     * @return the IPv6 wildcard address
     */
    public static InetSockAddr any6(int port) {
        return new InetSockAddr(ANY6, port, 0, 0);
    }

    /**
     * Resolves a host name with {@code getaddrinfo(3)}, as a C program does: the C library's lookup and order
     * ({@code /etc/hosts}, DNS, RFC 6724), addresses for stream sockets, duplicates dropped. The call blocks while
     * the C library resolves (on a virtual thread it holds the carrier, as a file read does).
     *
     * @param host a host name or an address literal
     * @param port the port to put in each address, 0 to 65535
     * @return the addresses, in the order to try them; never empty
     * @throws IllegalArgumentException      if the host is empty or holds a NUL, or the port is out of range
     * @throws UnknownHostException         if the name does not resolve; the message names the {@code EAI_*} error
     */
    public static List<InetSockAddr> resolve(String host, int port) throws UnknownHostException {
        return Resolver.resolve(host, port);
    }

    /**
     * Converts a resolved {@link InetSocketAddress}.
     *
     * @param address a resolved address
     * @return the same address and port
     * @throws IllegalArgumentException if {@code address} is unresolved
     */
    public static InetSockAddr from(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException("unresolved address " + address + ": resolve it first");
        }
        return of(address.getAddress(), address.getPort());
    }

    /** {@return {@link Family#INET} for an IPv4 address, {@link Family#INET6} for IPv6} */
    @Override
    public Family family() {
        return address instanceof Inet4Address ? Family.INET : Family.INET6;
    }

    /** {@return this address as an {@link InetSocketAddress}} */
    @Override
    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(address, port);
    }

    /**
     * {@return {@code 127.0.0.1:80}, {@code [::1]:80}, or {@code [fe80::1%2]:80} with a scope id; IPv6 in the
     * canonical text form of RFC 5952, as {@code inet_ntop} writes it}
     */
    @Override
    public String toString() {
        if (address instanceof Inet4Address) {
            return address.getHostAddress() + ":" + port;
        }
        return "[" + ipv6Text(address.getAddress()) + (scopeId != 0 ? "%" + scopeId : "") + "]:" + port;
    }

    /**
     * IPv6 text as glibc's {@code inet_ntop} writes it (RFC 5952): lower-case hex without leading zeros, the first
     * longest run of two or more zero groups as "::", an embedded IPv4 address in dotted decimal.
     */
    private static String ipv6Text(byte[] a) {
        int[] g = new int[8];
        for (int i = 0; i < 8; i++) {
            g[i] = ((a[2 * i] & 0xFF) << 8) | (a[2 * i + 1] & 0xFF);
        }
        int bestStart = -1, bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        if (bestStart == 0 && (bestLen == 6 || (bestLen == 5 && g[5] == 0xFFFF))) {
            // IPv4-compatible and IPv4-mapped addresses end in dotted decimal, as inet_ntop writes them
            return "::" + (bestLen == 5 ? "ffff:" : "") + (a[12] & 0xFF) + "." + (a[13] & 0xFF) + "."
                    + (a[14] & 0xFF) + "." + (a[15] & 0xFF);
        }
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                s.append("::");
                i += bestLen - 1;
                continue;
            }
            if (!s.isEmpty() && s.charAt(s.length() - 1) != ':') {
                s.append(':');
            }
            s.append(Integer.toHexString(g[i]));
        }
        return s.toString();
    }

    private static InetAddress literal(String literal) {
        try {
            return InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP address literal: \"" + literal + "\" (no name is looked up)", e);
        }
    }
}
