package dev.ffmsockets.impl;

import dev.ffmsockets.ErrnoException;
import dev.ffmsockets.Family;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketCall;
import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.raw.group_source_req;
import dev.ffmsockets.raw.ip_mreq;
import dev.ffmsockets.raw.ip_mreq_source;
import dev.ffmsockets.raw.ipv6_mreq;
import dev.ffmsockets.raw.sockaddr_in6;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.util.Objects;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * Multicast memberships as the kernel takes them, for the channels that keep them (the {@code java.nio} provider's
 * and the Netty transport's). An IPv4 group is joined with the IP options ({@code IP_ADD_MEMBERSHIP}, with the
 * interface's IPv4 address) on IPv4 and dual-stack sockets alike, as Linux allows; an IPv6 group with
 * {@code IPV6_ADD_MEMBERSHIP} and the interface's index; a source-specific membership, and blocking a source, with
 * {@code IP_ADD_SOURCE_MEMBERSHIP}/{@code IP_BLOCK_SOURCE} for IPv4 and the protocol-independent {@code MCAST_*}
 * options for IPv6.
 */
public final class Multicast {

    private Multicast() {
    }

    /**
     * Checks a request as the JDK's {@code DatagramChannel.join} checks it.
     *
     * @throws IllegalArgumentException not a multicast group, an IPv6 group on an IPv4 socket, or a bad source
     * @throws UnsupportedOperationException on an AF_UNIX socket
     */
    public static void check(Family family, InetAddress group, NetworkInterface interf, InetAddress source) {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(interf, "interf");
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException("Group not a multicast address");
        }
        if (group instanceof Inet6Address && family != Family.INET6) {
            throw new IllegalArgumentException("Only IPv6 sockets can join IPv6 multicast group");
        }
        if (family == Family.UNIX) {
            throw new UnsupportedOperationException("multicast on an AF_UNIX socket");
        }
        if (source != null) {
            checkSource(group, source);
        }
    }

    /** Checks a source to join or block, as the JDK does. */
    public static void checkSource(InetAddress group, InetAddress source) {
        if (source.isAnyLocalAddress()) {
            throw new IllegalArgumentException("Source address is a wildcard address");
        }
        if (source.isMulticastAddress()) {
            throw new IllegalArgumentException("Source address is multicast address");
        }
        if (source.getClass() != group.getClass()) {
            throw new IllegalArgumentException("Source address is different type to group");
        }
    }

    /** Joins {@code group} on {@code interf}, for every source or ({@code source} not null) for one. */
    public static void join(Socket s, InetAddress group, NetworkInterface interf, InetAddress source)
            throws IOException {
        if (group instanceof Inet4Address) {
            request4(s, source == null ? IP_ADD_MEMBERSHIP : IP_ADD_SOURCE_MEMBERSHIP, group, interf, source);
        } else {
            request6(s, source == null ? IPV6_ADD_MEMBERSHIP : MCAST_JOIN_SOURCE_GROUP, group, interf, source);
        }
    }

    /** Leaves what {@link #join} joined with the same arguments. */
    public static void leave(Socket s, InetAddress group, NetworkInterface interf, InetAddress source)
            throws IOException {
        if (group instanceof Inet4Address) {
            request4(s, source == null ? IP_DROP_MEMBERSHIP : IP_DROP_SOURCE_MEMBERSHIP, group, interf, source);
        } else {
            request6(s, source == null ? IPV6_DROP_MEMBERSHIP : MCAST_LEAVE_SOURCE_GROUP, group, interf, source);
        }
    }

    /** Blocks ({@code block}) or unblocks datagrams from {@code source} in a membership of every source. */
    public static void block(Socket s, InetAddress group, NetworkInterface interf, InetAddress source, boolean block)
            throws IOException {
        if (group instanceof Inet4Address) {
            request4(s, block ? IP_BLOCK_SOURCE : IP_UNBLOCK_SOURCE, group, interf, source);
        } else {
            request6(s, block ? MCAST_BLOCK_SOURCE : MCAST_UNBLOCK_SOURCE, group, interf, source);
        }
    }

    /** {@code setsockopt(IPPROTO_IP, option)} with an {@code ip_mreq}, or an {@code ip_mreq_source} with a source. */
    private static void request4(Socket s, int option, InetAddress group, NetworkInterface interf, InetAddress source)
            throws IOException {
        Inet4Address at = interf.inetAddresses().filter(a -> a instanceof Inet4Address).map(a -> (Inet4Address) a)
                .findFirst().orElseThrow(() -> new IOException("Network interface not configured for IPv4"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m;
            if (source == null) {
                m = arena.allocate(ip_mreq.layout());
                put(ip_mreq.imr_multiaddr(m), group);
                put(ip_mreq.imr_interface(m), at);
            } else {
                m = arena.allocate(ip_mreq_source.layout());
                put(ip_mreq_source.imr_multiaddr(m), group);
                put(ip_mreq_source.imr_interface(m), at);
                put(ip_mreq_source.imr_sourceaddr(m), source);
            }
            setsockopt(s, IPPROTO_IP, option, m, source != null);
        }
    }

    /** {@code setsockopt(IPPROTO_IPV6, option)} with an {@code ipv6_mreq}, or a {@code group_source_req} with a source. */
    private static void request6(Socket s, int option, InetAddress group, NetworkInterface interf, InetAddress source)
            throws IOException {
        int index = interf.getIndex();
        if (index < 0) {
            throw new IOException("Network interface cannot be identified");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m;
            if (source == null) {
                m = arena.allocate(ipv6_mreq.layout());
                put(ipv6_mreq.ipv6mr_multiaddr(m), group);
                ipv6_mreq.ipv6mr_interface(m, index);
            } else {
                m = arena.allocate(group_source_req.layout());
                group_source_req.gsr_interface(m, index);
                sockaddr6(group_source_req.gsr_group(m), group);
                sockaddr6(group_source_req.gsr_source(m), source);
            }
            setsockopt(s, IPPROTO_IPV6, option, m, source != null);
        }
    }

    /**
     * The request; one that names a source and that the kernel does not know ({@code ENOPROTOOPT}) or refuses for the
     * socket ({@code EOPNOTSUPP}) is an {@link UnsupportedOperationException} (no message, the {@code errno} as its
     * cause), as the JDK's channel throws for source filtering its system lacks.
     */
    private static void setsockopt(Socket s, int level, int option, MemorySegment m, boolean source) throws IOException {
        try {
            s.call(SocketCall.Readiness.NONE, fd -> Posix.setsockopt(fd, level, option, m, (int) m.byteSize()));
        } catch (IOException e) {
            if (source && e instanceof ErrnoException x && (x.errno() == ENOPROTOOPT || x.errno() == EOPNOTSUPP)) {
                throw new UnsupportedOperationException(null, e);
            }
            throw e;
        }
    }

    private static void put(MemorySegment to, InetAddress a) {
        byte[] b = a.getAddress();
        MemorySegment.copy(b, 0, to, JAVA_BYTE, 0, b.length);
    }

    /** A {@code sockaddr_in6} of {@code a}, port 0, in the {@code sockaddr_storage} {@code to}. */
    private static void sockaddr6(MemorySegment to, InetAddress a) {
        MemorySegment in6 = to.asSlice(0, sockaddr_in6.layout().byteSize());
        sockaddr_in6.sin6_family(in6, (short) AF_INET6);
        put(in6.asSlice(sockaddr_in6.layout().byteOffset(MemoryLayout.PathElement.groupElement("sin6_addr")), 16), a);
    }
}
