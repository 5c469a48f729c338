package dev.ffmsockets;

import java.net.SocketOption;

/**
 * Socket options of Linux that {@link java.net.StandardSocketOptions} lacks, for {@code Socket.setOption} and
 * {@code Socket.getOption}. Each names its C level and option; see {@code socket(7)}, {@code tcp(7)},
 * {@code ipv6(7)} and {@code unix(7)}.
 */
public final class LinuxSocketOptions {

    private LinuxSocketOptions() {
    }

    /** {@code SOL_SOCKET SO_REUSEPORT}: several sockets may bind the same address and port (Internet sockets). */
    public static final SocketOption<Boolean> SO_REUSEPORT = new Option<>("SO_REUSEPORT", Boolean.class);
    /** {@code SOL_SOCKET SO_PEERCRED}: the peer's pid, uid and gid (Unix-domain sockets; read only). */
    public static final SocketOption<PeerCredentials> SO_PEERCRED = new Option<>("SO_PEERCRED", PeerCredentials.class);
    /** {@code SOL_SOCKET SO_ERROR}: the pending error, cleared by reading it (read only). */
    public static final SocketOption<Integer> SO_ERROR = new Option<>("SO_ERROR", Integer.class);
    /** {@code SOL_SOCKET SO_ACCEPTCONN}: whether the socket is listening (read only). */
    public static final SocketOption<Boolean> SO_ACCEPTCONN = new Option<>("SO_ACCEPTCONN", Boolean.class);
    /** {@code SOL_SOCKET SO_RCVLOWAT}: the fewest bytes a receive waits for. */
    public static final SocketOption<Integer> SO_RCVLOWAT = new Option<>("SO_RCVLOWAT", Integer.class);
    /** {@code SOL_SOCKET SO_OOBINLINE}: TCP urgent data is received in line with the rest (TCP sockets). */
    public static final SocketOption<Boolean> SO_OOBINLINE = new Option<>("SO_OOBINLINE", Boolean.class);
    /** {@code SOL_SOCKET SO_PRIORITY}: the priority of the socket's packets, 0 to 6 without privileges. */
    public static final SocketOption<Integer> SO_PRIORITY = new Option<>("SO_PRIORITY", Integer.class);
    /** {@code IPPROTO_TCP TCP_KEEPIDLE}: seconds of idleness before keepalive probes start, 1 to 32767. */
    public static final SocketOption<Integer> TCP_KEEPIDLE = new Option<>("TCP_KEEPIDLE", Integer.class);
    /** {@code IPPROTO_TCP TCP_KEEPINTVL}: seconds between keepalive probes, 1 to 32767. */
    public static final SocketOption<Integer> TCP_KEEPINTVL = new Option<>("TCP_KEEPINTVL", Integer.class);
    /** {@code IPPROTO_TCP TCP_KEEPCNT}: unanswered keepalive probes before the connection is dropped, 1 to 127. */
    public static final SocketOption<Integer> TCP_KEEPCNT = new Option<>("TCP_KEEPCNT", Integer.class);
    /** {@code IPPROTO_TCP TCP_QUICKACK}: acknowledge at once rather than delay (not permanent; see tcp(7)). */
    public static final SocketOption<Boolean> TCP_QUICKACK = new Option<>("TCP_QUICKACK", Boolean.class);
    /** {@code IPPROTO_TCP TCP_USER_TIMEOUT}: milliseconds unacknowledged data may wait before the connection fails. */
    public static final SocketOption<Integer> TCP_USER_TIMEOUT = new Option<>("TCP_USER_TIMEOUT", Integer.class);
    /** {@code IPPROTO_TCP TCP_CORK}: hold back partial frames until uncorked. */
    public static final SocketOption<Boolean> TCP_CORK = new Option<>("TCP_CORK", Boolean.class);
    /** {@code IPPROTO_TCP TCP_NOTSENT_LOWAT}: the most unsent bytes before the socket stops being writable. */
    public static final SocketOption<Integer> TCP_NOTSENT_LOWAT = new Option<>("TCP_NOTSENT_LOWAT", Integer.class);
    /** {@code IPPROTO_IPV6 IPV6_V6ONLY}: an IPv6 socket accepts IPv6 only, not IPv4-mapped addresses. */
    public static final SocketOption<Boolean> IPV6_V6ONLY = new Option<>("IPV6_V6ONLY", Boolean.class);

    /**
     * {@code SOL_SOCKET SO_PASSCRED}: receive the sender's credentials with each message, as
     * {@link ControlMessage.Credentials} (Unix-domain sockets).
     */
    public static final SocketOption<Boolean> SO_PASSCRED = new Option<>("SO_PASSCRED", Boolean.class);
    /** {@code SOL_SOCKET SO_TIMESTAMPNS}: receive the kernel's receive time with each datagram, as {@link ControlMessage.Timestamp}. */
    public static final SocketOption<Boolean> SO_TIMESTAMPNS = new Option<>("SO_TIMESTAMPNS", Boolean.class);
    /**
     * {@code IPPROTO_IP IP_PKTINFO}, on IPv6 sockets {@code IPPROTO_IPV6 IPV6_RECVPKTINFO}: receive the address each
     * datagram was sent to and the interface it came in on, as {@link ControlMessage.PacketInfo} (UDP).
     */
    public static final SocketOption<Boolean> IP_PKTINFO = new Option<>("IP_PKTINFO", Boolean.class);
    /**
     * {@code IPPROTO_IP IP_RECVERR}, on IPv6 sockets {@code IPPROTO_IPV6 IPV6_RECVERR}: queue each error the network
     * reports (an ICMP unreachable, a TTL expired) on the socket's error queue, read with {@link MsgFlag#ERRQUEUE}
     * as {@link ControlMessage.ExtendedError}; ip(7), ipv6(7).
     */
    public static final SocketOption<Boolean> IP_RECVERR = new Option<>("IP_RECVERR", Boolean.class);
    /**
     * {@code SOL_UDP UDP_SEGMENT}: cut every send larger than this many bytes into datagrams of this size in the
     * kernel (UDP GSO, Linux 4.18 and later); 0 for none. Per call: {@link ControlMessage.SegmentSize}.
     */
    public static final SocketOption<Integer> UDP_SEGMENT = new Option<>("UDP_SEGMENT", Integer.class);
    /**
     * {@code SOL_UDP UDP_GRO}: let the kernel join datagrams of one flow into one receive, reporting their size as
     * {@link ControlMessage.SegmentSize} (UDP GRO, Linux 5.0 and later).
     */
    public static final SocketOption<Boolean> UDP_GRO = new Option<>("UDP_GRO", Boolean.class);

    /** A socket option key of this project: its C name and its Java type. */
    record Option<T>(String name, Class<T> type) implements SocketOption<T> {
        @Override
        public String toString() {
            return name;
        }
    }
}
