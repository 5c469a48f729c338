package dev.ffmsockets.nio;

import dev.ffmsockets.Socket;
import dev.ffmsockets.impl.Multicast;

import java.io.IOException;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.channels.MembershipKey;
import java.nio.channels.MulticastChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The multicast memberships of a {@link FfmDatagramChannel}, as the JDK's channel keeps them: one key per group,
 * interface and source; joining again returns the key there is. The requests are {@link Multicast}'s. Guarded by the
 * channel's state lock.
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
        Multicast.check(channel.family(), group, interf, source);
        synchronized (channel.stateLock()) {
            channel.ensureOpen();
            for (Key k : keys) {
                if (k.group.equals(group) && k.interf.equals(interf) && Objects.equals(k.source, source)) {
                    return k;
                }
            }
            Key k = new Key(group, interf, source);
            Multicast.join(s, group, interf, source);
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

    /** The channel closes: its keys are no longer valid (the kernel drops the memberships with the socket). */
    void closing() {
        synchronized (channel.stateLock()) {
            for (Key k : keys) {
                k.valid = false;
            }
            keys.clear();
        }
    }

    private void drop(Key k) throws IOException {
        synchronized (channel.stateLock()) {
            if (!k.valid) {
                return;
            }
            Multicast.leave(s, k.group, k.interf, k.source);
            k.valid = false;
            keys.remove(k);
        }
    }

    private void block(Key k, InetAddress source, boolean block) throws IOException {
        synchronized (channel.stateLock()) {
            if (!k.valid) {
                throw new IllegalStateException("key is no longer valid");
            }
            Multicast.block(s, k.group, k.interf, source, block);
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
            Multicast.checkSource(group, Objects.requireNonNull(source, "source"));
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
