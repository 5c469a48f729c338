package dev.ffmsockets.nio;

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
import java.nio.channels.MembershipKey;
import java.nio.channels.MulticastChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/**
 * The multicast memberships of a {@link FfmDatagramChannel}, as the JDK's channel keeps them: one key per group,
 * interface and source; joining again returns the key there is. An IPv4 group is joined with the IP options
 * ({@code IP_ADD_MEMBERSHIP}, with the interface's IPv4 address) on IPv4 and dual-stack sockets alike, as Linux
 * allows; an IPv6 group with {@code IPV6_ADD_MEMBERSHIP} and the interface's index; a source-specific membership, and
 * blocking a source, with {@code IP_ADD_SOURCE_MEMBERSHIP}/{@code IP_BLOCK_SOURCE} for IPv4 and the
 * protocol-independent {@code MCAST_*} options for IPv6. Guarded by the channel's state lock.
 */
final class Memberships {

    private final FfmDatagramChannel channel;
    private final Socket s;
    private final List<Key> keys = new ArrayList<>();

    Memberships(FfmDatagramChannel channel, Socket s) {
        this.channel = channel;
        this.s = s;
    }

    MembershipKey join(InetAddress group, NetworkInterface interf, InetAddress source) throws IOException {
        Objects.requireNonNull(group, "group");
        Objects.requireNonNull(interf, "interf");
        if (!group.isMulticastAddress()) {
            throw new IllegalArgumentException("Group not a multicast address");
        }
        if (group instanceof Inet6Address && channel.family() != Family.INET6) {
            throw new IllegalArgumentException("Only IPv6 sockets can join IPv6 multicast group");
        }
        if (channel.family() == Family.UNIX) {
            throw new UnsupportedOperationException("multicast on an AF_UNIX socket");
        }
        if (source != null) {
            checkSource(group, source);
        }
        synchronized (channel.stateLock()) {
            channel.ensureOpen();
            for (Key k : keys) {
                if (k.group.equals(group) && k.interf.equals(interf) && Objects.equals(k.source, source)) {
                    return k;
                }
            }
            Key k = new Key(group, interf, source);
            if (group instanceof Inet4Address) {
                request4(source == null ? IP_ADD_MEMBERSHIP : IP_ADD_SOURCE_MEMBERSHIP, k, source);
            } else {
                request6(source == null ? IPV6_ADD_MEMBERSHIP : MCAST_JOIN_SOURCE_GROUP, k, source);
            }
            keys.add(k);
            return k;
        }
    }

    /** {@return the membership of {@code group} on {@code interf} for every source, or null} */
    MembershipKey find(InetAddress group, NetworkInterface interf) {
        synchronized (channel.stateLock()) {
            for (Key k : keys) {
                if (k.group.equals(group) && k.interf.equals(interf) && k.source == null) {
                    return k;
                }
            }
            return null;
        }
    }

    private static void checkSource(InetAddress group, InetAddress source) {
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

    /** The channel closes: its keys are no longer valid (the kernel drops the memberships with the socket). */
    void closing() {
        synchronized (channel.stateLock()) {
            for (Key k : keys) {
                k.valid = false;
            }
            keys.clear();
        }
    }

    /** {@code setsockopt(IPPROTO_IP, option)} with an {@code ip_mreq}, or an {@code ip_mreq_source} with a source. */
    private void request4(int option, Key k, InetAddress source) throws IOException {
        Inet4Address at = k.interf.inetAddresses().filter(a -> a instanceof Inet4Address).map(a -> (Inet4Address) a)
                .findFirst().orElseThrow(() -> new IOException("Network interface not configured for IPv4"));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m;
            if (source == null) {
                m = arena.allocate(ip_mreq.layout());
                put(ip_mreq.imr_multiaddr(m), k.group);
                put(ip_mreq.imr_interface(m), at);
            } else {
                m = arena.allocate(ip_mreq_source.layout());
                put(ip_mreq_source.imr_multiaddr(m), k.group);
                put(ip_mreq_source.imr_interface(m), at);
                put(ip_mreq_source.imr_sourceaddr(m), source);
            }
            setsockopt(IPPROTO_IP, option, m);
        }
    }

    /** {@code setsockopt(IPPROTO_IPV6, option)} with an {@code ipv6_mreq}, or a {@code group_source_req} with a source. */
    private void request6(int option, Key k, InetAddress source) throws IOException {
        int index = k.interf.getIndex();
        if (index < 0) {
            throw new IOException("Network interface cannot be identified");
        }
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m;
            if (source == null) {
                m = arena.allocate(ipv6_mreq.layout());
                put(ipv6_mreq.ipv6mr_multiaddr(m), k.group);
                ipv6_mreq.ipv6mr_interface(m, index);
            } else {
                m = arena.allocate(group_source_req.layout());
                group_source_req.gsr_interface(m, index);
                sockaddr6(group_source_req.gsr_group(m), k.group);
                sockaddr6(group_source_req.gsr_source(m), source);
            }
            setsockopt(IPPROTO_IPV6, option, m);
        }
    }

    private void setsockopt(int level, int option, MemorySegment m) throws IOException {
        s.call(SocketCall.Readiness.NONE, fd -> Posix.setsockopt(fd, level, option, m, (int) m.byteSize()));
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

    private void drop(Key k) throws IOException {
        synchronized (channel.stateLock()) {
            if (!k.valid) {
                return;
            }
            if (k.group instanceof Inet4Address) {
                request4(k.source == null ? IP_DROP_MEMBERSHIP : IP_DROP_SOURCE_MEMBERSHIP, k, k.source);
            } else {
                request6(k.source == null ? IPV6_DROP_MEMBERSHIP : MCAST_LEAVE_SOURCE_GROUP, k, k.source);
            }
            k.valid = false;
            keys.remove(k);
        }
    }

    private void block(Key k, InetAddress source, boolean block) throws IOException {
        synchronized (channel.stateLock()) {
            if (!k.valid) {
                throw new IllegalStateException("key is no longer valid");
            }
            if (k.group instanceof Inet4Address) {
                request4(block ? IP_BLOCK_SOURCE : IP_UNBLOCK_SOURCE, k, source);
            } else {
                request6(block ? MCAST_BLOCK_SOURCE : MCAST_UNBLOCK_SOURCE, k, source);
            }
        }
    }

    /** A membership: valid until dropped or the channel closes. */
    final class Key extends MembershipKey {
        final InetAddress group;
        final NetworkInterface interf;
        final InetAddress source;
        /** Guarded by the channel's state lock. */
        volatile boolean valid = true;
        /** The sources blocked; guarded by this. */
        private final Set<InetAddress> blocked = new HashSet<>();

        Key(InetAddress group, NetworkInterface interf, InetAddress source) {
            this.group = group;
            this.interf = interf;
            this.source = source;
        }

        @Override
        public boolean isValid() {
            return valid;
        }

        /** Leaves the group: {@code IP_DROP_MEMBERSHIP}, {@code IPV6_DROP_MEMBERSHIP} or the source-specific ones. */
        @Override
        public void drop() {
            try {
                Memberships.this.drop(this);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e); // the kernel refused to leave what it let us join
            }
        }

        /** Blocks datagrams from {@code source}: {@code IP_BLOCK_SOURCE} or {@code MCAST_BLOCK_SOURCE}. */
        @Override
        public synchronized MembershipKey block(InetAddress source) throws IOException {
            if (this.source != null) {
                throw new IllegalStateException("key is source-specific");
            }
            checkSource(group, Objects.requireNonNull(source, "source"));
            if (blocked.contains(source)) {
                return this;
            }
            Memberships.this.block(this, source, true);
            blocked.add(source);
            return this;
        }

        /** Unblocks {@code source}: {@code IP_UNBLOCK_SOURCE} or {@code MCAST_UNBLOCK_SOURCE}. */
        @Override
        public synchronized MembershipKey unblock(InetAddress source) {
            if (!blocked.contains(Objects.requireNonNull(source, "source"))) {
                throw new IllegalStateException("not blocked");
            }
            try {
                Memberships.this.block(this, source, false);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            blocked.remove(source);
            return this;
        }

        @Override
        public MulticastChannel channel() {
            return channel;
        }

        @Override
        public InetAddress group() {
            return group;
        }

        @Override
        public NetworkInterface networkInterface() {
            return interf;
        }

        @Override
        public InetAddress sourceAddress() {
            return source;
        }

        @Override
        public String toString() {
            return "<" + group.getHostAddress() + "," + interf.getName()
                    + (source == null ? "" : "," + source.getHostAddress()) + ">";
        }
    }
}
