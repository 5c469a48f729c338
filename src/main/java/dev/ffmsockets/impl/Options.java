package dev.ffmsockets.impl;

import dev.ffmsockets.kernel.Kernel;
import dev.ffmsockets.Family;
import dev.ffmsockets.LinuxSocketOptions;
import dev.ffmsockets.PeerCredentials;
import dev.ffmsockets.SocketType;

import dev.ffmsockets.raw.linger;
import dev.ffmsockets.raw.ucred;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * The socket options the wrapper knows, declared one line each: the key, where it applies, its C level and name
 * (and the IPv6 ones where they differ), and how its value is written and read; and the two calls that use them.
 */
public final class Options {

    private Options() {
    }

    /** Which sockets an option applies to. */
    enum Applies {
        ANY, IP, TCP, UDP, IPV6, UNIX;

        boolean to(Family f, SocketType t) {
            boolean ip = f != Family.UNIX;
            return switch (this) {
                case ANY -> true;
                case IP -> ip;
                case TCP -> ip && t == SocketType.STREAM;
                case UDP -> ip && t == SocketType.DGRAM;
                case IPV6 -> f == Family.INET6;
                case UNIX -> f == Family.UNIX;
            };
        }
    }

    /** How an option's value becomes C bytes and back. */
    interface Codec<T> {
        /** Writes {@code value} into {@code buf}; returns its length. Refuses a bad value before any call. */
        int write(String option, T value, MemorySegment buf);

        T read(MemorySegment buf, int length) throws IOException;

        /** The most bytes C may write when the option is read. */
        default int size() {
            return Integer.BYTES;
        }
    }

    record Spec<T>(Applies applies, int level, int name, Codec<T> codec, boolean readOnly, Spec<T> v6) {
        /** The spec to use on a socket of family {@code f}. */
        Spec<T> on(Family f) {
            return f == Family.INET6 && v6 != null ? v6 : this;
        }
    }

    private static <T> Spec<T> rw(Applies a, int level, int name, Codec<T> codec) {
        return new Spec<>(a, level, name, codec, false, null);
    }

    private static <T> Spec<T> ro(Applies a, int level, int name, Codec<T> codec) {
        return new Spec<>(a, level, name, codec, true, null);
    }

    private static <T> Spec<T> ip(Applies a, int name4, int name6, Codec<T> codec) {
        return new Spec<>(a, IPPROTO_IP, name4, codec, false, new Spec<>(a, IPPROTO_IPV6, name6, codec, false, null));
    }

    private static final Codec<Boolean> BOOL = new Codec<>() {
        @Override
        public int write(String option, Boolean value, MemorySegment buf) {
            buf.set(JAVA_INT, 0, value ? 1 : 0);
            return Integer.BYTES;
        }

        @Override
        public Boolean read(MemorySegment buf, int length) {
            return buf.get(JAVA_INT, 0) != 0;
        }
    };

    private static Codec<Integer> ints(int min, int max) {
        return new Codec<>() {
            @Override
            public int write(String option, Integer value, MemorySegment buf) {
                if (value < min || value > max) {
                    throw new IllegalArgumentException(option + " must be " + min + " to " + max + ", not " + value);
                }
                buf.set(JAVA_INT, 0, value);
                return Integer.BYTES;
            }

            @Override
            public Integer read(MemorySegment buf, int length) {
                return buf.get(JAVA_INT, 0);
            }
        };
    }

    /** SO_LINGER as java.net has it: seconds to linger, or a negative value (read: -1) for off. */
    private static final Codec<Integer> LINGER = new Codec<>() {
        @Override
        public int write(String option, Integer value, MemorySegment buf) {
            if (value > 65535) {
                throw new IllegalArgumentException(option + " must be at most 65535 seconds, not " + value);
            }
            linger.l_onoff(buf, value >= 0 ? 1 : 0);
            linger.l_linger(buf, Math.max(0, value));
            return (int) linger.sizeof();
        }

        @Override
        public Integer read(MemorySegment buf, int length) {
            return linger.l_onoff(buf) != 0 ? linger.l_linger(buf) : -1;
        }

        @Override
        public int size() {
            return (int) linger.sizeof();
        }
    };

    private static final Codec<PeerCredentials> UCRED = new Codec<>() {
        @Override
        public int write(String option, PeerCredentials value, MemorySegment buf) {
            throw new UnsupportedOperationException(option + " can only be read");
        }

        @Override
        public PeerCredentials read(MemorySegment buf, int length) {
            return new PeerCredentials(ucred.pid(buf), ucred.uid(buf), ucred.gid(buf));
        }

        @Override
        public int size() {
            return (int) ucred.sizeof();
        }
    };

    /** IP_MULTICAST_IF takes the interface's IPv4 address (a struct in_addr). */
    private static final Codec<NetworkInterface> MULTICAST_IF4 = new Codec<>() {
        @Override
        public int write(String option, NetworkInterface value, MemorySegment buf) {
            InetAddress v4 = value.inetAddresses().filter(a -> a instanceof Inet4Address).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException(option + ": interface " + value.getName()
                            + " has no IPv4 address"));
            MemorySegment.copy(v4.getAddress(), 0, buf, JAVA_BYTE, 0, 4);
            return 4;
        }

        @Override
        public NetworkInterface read(MemorySegment buf, int length) throws IOException {
            byte[] ip = new byte[4];
            MemorySegment.copy(buf, JAVA_BYTE, 0, ip, 0, 4);
            InetAddress a = InetAddress.getByAddress(ip);
            return a.isAnyLocalAddress() ? null : NetworkInterface.getByInetAddress(a);
        }
    };

    /** IPV6_MULTICAST_IF takes the interface index. */
    private static final Codec<NetworkInterface> MULTICAST_IF6 = new Codec<>() {
        @Override
        public int write(String option, NetworkInterface value, MemorySegment buf) {
            buf.set(JAVA_INT, 0, value.getIndex());
            return Integer.BYTES;
        }

        @Override
        public NetworkInterface read(MemorySegment buf, int length) throws SocketException {
            int index = buf.get(JAVA_INT, 0);
            return index == 0 ? null : NetworkInterface.getByIndex(index);
        }
    };

    private static final Codec<Integer> POSITIVE = ints(1, Integer.MAX_VALUE);
    private static final Codec<Integer> NON_NEGATIVE = ints(0, Integer.MAX_VALUE);
    private static final Codec<Integer> BYTE = ints(0, 255);

    private static final Map<SocketOption<?>, Spec<?>> SPECS = withJdkKeys(Map.ofEntries(
            Map.entry(StandardSocketOptions.SO_BROADCAST, rw(Applies.UDP, SOL_SOCKET, SO_BROADCAST, BOOL)),
            Map.entry(StandardSocketOptions.SO_KEEPALIVE, rw(Applies.ANY, SOL_SOCKET, SO_KEEPALIVE, BOOL)),
            Map.entry(StandardSocketOptions.SO_SNDBUF, rw(Applies.ANY, SOL_SOCKET, SO_SNDBUF, POSITIVE)),
            Map.entry(StandardSocketOptions.SO_RCVBUF, rw(Applies.ANY, SOL_SOCKET, SO_RCVBUF, POSITIVE)),
            Map.entry(StandardSocketOptions.SO_REUSEADDR, rw(Applies.ANY, SOL_SOCKET, SO_REUSEADDR, BOOL)),
            Map.entry(StandardSocketOptions.SO_REUSEPORT, rw(Applies.IP, SOL_SOCKET, SO_REUSEPORT, BOOL)),
            Map.entry(StandardSocketOptions.SO_LINGER, rw(Applies.ANY, SOL_SOCKET, SO_LINGER, LINGER)),
            Map.entry(StandardSocketOptions.IP_TOS, ip(Applies.IP, IP_TOS, IPV6_TCLASS, BYTE)),
            Map.entry(StandardSocketOptions.IP_MULTICAST_IF, new Spec<>(Applies.UDP, IPPROTO_IP, IP_MULTICAST_IF,
                    MULTICAST_IF4, false, rw(Applies.UDP, IPPROTO_IPV6, IPV6_MULTICAST_IF, MULTICAST_IF6))),
            Map.entry(StandardSocketOptions.IP_MULTICAST_TTL, ip(Applies.UDP, IP_MULTICAST_TTL, IPV6_MULTICAST_HOPS, BYTE)),
            Map.entry(StandardSocketOptions.IP_MULTICAST_LOOP, ip(Applies.UDP, IP_MULTICAST_LOOP, IPV6_MULTICAST_LOOP, BOOL)),
            Map.entry(StandardSocketOptions.TCP_NODELAY, rw(Applies.TCP, IPPROTO_TCP, TCP_NODELAY, BOOL)),
            Map.entry(LinuxSocketOptions.SO_REUSEPORT, rw(Applies.IP, SOL_SOCKET, SO_REUSEPORT, BOOL)),
            Map.entry(LinuxSocketOptions.SO_PEERCRED, ro(Applies.UNIX, SOL_SOCKET, SO_PEERCRED, UCRED)),
            Map.entry(LinuxSocketOptions.SO_ERROR, ro(Applies.ANY, SOL_SOCKET, SO_ERROR, NON_NEGATIVE)),
            Map.entry(LinuxSocketOptions.SO_ACCEPTCONN, ro(Applies.ANY, SOL_SOCKET, SO_ACCEPTCONN, BOOL)),
            Map.entry(LinuxSocketOptions.SO_RCVLOWAT, rw(Applies.ANY, SOL_SOCKET, SO_RCVLOWAT, POSITIVE)),
            Map.entry(LinuxSocketOptions.SO_OOBINLINE, rw(Applies.TCP, SOL_SOCKET, SO_OOBINLINE, BOOL)),
            Map.entry(LinuxSocketOptions.SO_PRIORITY, rw(Applies.ANY, SOL_SOCKET, SO_PRIORITY, NON_NEGATIVE)),
            Map.entry(LinuxSocketOptions.TCP_KEEPIDLE, rw(Applies.TCP, IPPROTO_TCP, TCP_KEEPIDLE, ints(1, 32767))),
            Map.entry(LinuxSocketOptions.TCP_KEEPINTVL, rw(Applies.TCP, IPPROTO_TCP, TCP_KEEPINTVL, ints(1, 32767))),
            Map.entry(LinuxSocketOptions.TCP_KEEPCNT, rw(Applies.TCP, IPPROTO_TCP, TCP_KEEPCNT, ints(1, 127))),
            Map.entry(LinuxSocketOptions.TCP_QUICKACK, rw(Applies.TCP, IPPROTO_TCP, TCP_QUICKACK, BOOL)),
            Map.entry(LinuxSocketOptions.TCP_USER_TIMEOUT, rw(Applies.TCP, IPPROTO_TCP, TCP_USER_TIMEOUT, NON_NEGATIVE)),
            Map.entry(LinuxSocketOptions.TCP_CORK, rw(Applies.TCP, IPPROTO_TCP, TCP_CORK, BOOL)),
            Map.entry(LinuxSocketOptions.TCP_NOTSENT_LOWAT, rw(Applies.TCP, IPPROTO_TCP, TCP_NOTSENT_LOWAT, NON_NEGATIVE)),
            Map.entry(LinuxSocketOptions.IPV6_V6ONLY, rw(Applies.IPV6, IPPROTO_IPV6, IPV6_V6ONLY, BOOL)),
            Map.entry(LinuxSocketOptions.SO_PASSCRED, rw(Applies.UNIX, SOL_SOCKET, SO_PASSCRED, BOOL)),
            Map.entry(LinuxSocketOptions.SO_TIMESTAMPNS, rw(Applies.ANY, SOL_SOCKET, SO_TIMESTAMPNS, BOOL)),
            Map.entry(LinuxSocketOptions.IP_PKTINFO, ip(Applies.UDP, IP_PKTINFO, IPV6_RECVPKTINFO, BOOL)),
            Map.entry(LinuxSocketOptions.IP_RECVERR, ip(Applies.IP, IP_RECVERR, IPV6_RECVERR, BOOL)),
            Map.entry(LinuxSocketOptions.UDP_SEGMENT, rw(Applies.UDP, SOL_UDP, UDP_SEGMENT, ints(0, 0xFFFF))),
            Map.entry(LinuxSocketOptions.UDP_GRO, rw(Applies.UDP, SOL_UDP, UDP_GRO, BOOL))));

    /**
     * The JDK's own keys ({@code jdk.net.ExtendedSocketOptions}) for the options the library has under its names,
     * which software written for the JDK's sockets sets (Netty's {@code NioChannelOption}, drivers' keepalive
     * settings): the same spec under both keys, so that either works on every socket, channel and adapter. Read by
     * reflection, so that the module needs {@code jdk.net} only where it is present.
     */
    private static Map<SocketOption<?>, Spec<?>> withJdkKeys(Map<SocketOption<?>, Spec<?>> specs) {
        Map<SocketOption<?>, Spec<?>> all = new java.util.HashMap<>(specs);
        Map<String, SocketOption<?>> same = Map.of("TCP_KEEPIDLE", LinuxSocketOptions.TCP_KEEPIDLE,
                "TCP_KEEPINTERVAL", LinuxSocketOptions.TCP_KEEPINTVL, "TCP_KEEPCOUNT", LinuxSocketOptions.TCP_KEEPCNT,
                "TCP_QUICKACK", LinuxSocketOptions.TCP_QUICKACK);
        try {
            Class<?> jdk = Class.forName("jdk.net.ExtendedSocketOptions");
            for (Map.Entry<String, SocketOption<?>> e : same.entrySet()) {
                SocketOption<?> key = (SocketOption<?>) jdk.getField(e.getKey()).get(null);
                if (key.type() == e.getValue().type()) {
                    all.put(key, specs.get(e.getValue()));
                }
            }
        } catch (ReflectiveOperationException | LinkageError | ClassCastException absent) {
            // a runtime without jdk.net: the library's own keys only
        }
        return Map.copyOf(all);
    }

    /**
     * Sets an option: {@code setsockopt(2)}. The value is checked before the call.
     *
     * @throws UnsupportedOperationException if the option does not apply to this socket or can only be read
     * @throws IllegalArgumentException      if the value is null or out of the option's range
     * @throws IOException                   the errno's exception, a closed socket
     */
    public static <T> void set(Descriptor d, SocketOption<T> option, T value) throws IOException {
        Spec<T> spec = spec(option, d.family, d.type);
        if (spec.readOnly()) {
            throw new UnsupportedOperationException(option.name() + " can only be read");
        }
        if (value == null || !option.type().isInstance(value)) {
            String type = option.type().getSimpleName();
            throw new IllegalArgumentException(option.name() + " takes " + ("AEIOU".indexOf(type.charAt(0)) >= 0 ? "an " : "a ")
                    + type + ", not " + (value == null ? "null" : value.getClass().getSimpleName()));
        }
        d.begin("setsockopt");
        Frame f = Frame.acquire();
        try {
            int len = spec.codec().write(option.name(), value, f.option);
            if (Kernel.setsockopt(f.capture, d.fd, spec.level(), spec.name(), f.option, len) < 0) {
                throw Control.failure(d, "setsockopt", "fd " + d.fd + ", " + option.name(), f.errno());
            }
        } finally {
            f.release();
            d.end();
        }
    }

    /**
     * Reads an option: {@code getsockopt(2)}.
     *
     * @throws UnsupportedOperationException if the option does not apply to this socket
     * @throws IOException                   the errno's exception, a closed socket
     */
    public static <T> T get(Descriptor d, SocketOption<T> option) throws IOException {
        Spec<T> spec = spec(option, d.family, d.type);
        d.begin("getsockopt");
        Frame f = Frame.acquire();
        try {
            f.option.fill((byte) 0);
            f.optionLen.set(JAVA_INT, 0, spec.codec().size());
            if (Kernel.getsockopt(f.capture, d.fd, spec.level(), spec.name(), f.option, f.optionLen) < 0) {
                throw Control.failure(d, "getsockopt", "fd " + d.fd + ", " + option.name(), f.errno());
            }
            return spec.codec().read(f.option, f.optionLen.get(JAVA_INT, 0));
        } finally {
            f.release();
            d.end();
        }
    }

    /**
     * The spec of {@code option} on a socket of this family and type.
     *
     * @throws UnsupportedOperationException if the option is unknown or does not apply to such sockets
     */
    @SuppressWarnings("unchecked")
    static <T> Spec<T> spec(SocketOption<T> option, Family family, SocketType type) {
        Spec<T> spec = (Spec<T>) SPECS.get(option);
        if (spec == null) {
            throw new UnsupportedOperationException("socket option " + option.name() + " is not supported");
        }
        if (!spec.applies().to(family, type)) {
            throw new UnsupportedOperationException("socket option " + option.name() + " does not apply to "
                    + family + " " + type + " sockets");
        }
        return spec.on(family);
    }

    /**
     * The options that apply to sockets of this family and type and can be set, as {@code supportedOptions()} means
     * in {@code java.net} and {@code java.nio}; those that can only be read ({@code SO_PEERCRED}, {@code SO_ERROR},
     * {@code SO_ACCEPTCONN}) are left out, though {@code getOption} reads them.
     *
     * @param family the family
     * @param type   the type
     * @return the options
     */
    public static Set<SocketOption<?>> supported(Family family, SocketType type) {
        return SPECS.entrySet().stream().filter(e -> e.getValue().applies().to(family, type) && !e.getValue().readOnly())
                .map(Map.Entry::getKey).collect(Collectors.toUnmodifiableSet());
    }
}
