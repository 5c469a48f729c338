package dev.ffmsockets.impl;

import dev.ffmsockets.ControlMessage;
import dev.ffmsockets.Family;
import dev.ffmsockets.Message;
import dev.ffmsockets.MsgFlag;
import dev.ffmsockets.ReceivedFd;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.kernel.Kernel;
import dev.ffmsockets.raw.cmsghdr;
import dev.ffmsockets.raw.msghdr;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Control messages ({@code cmsghdr} and its data) to and from their typed values, with the {@code CMSG_*}
 * arithmetic of Linux x86_64: a 16-byte header, data aligned to 8 bytes.
 */
public final class ControlCodec {

    private ControlCodec() {
    }

    private static final long HDR = cmsghdr.sizeof();
    /** The most descriptors one {@code SCM_RIGHTS} message carries on Linux ({@code SCM_MAX_FD}). */
    public static final int MAX_FDS = 253;

    /** {@code CMSG_ALIGN}. */
    static long align(long n) {
        return (n + 7) & ~7L;
    }

    /**
     * {@code CMSG_SPACE}: the room a control message with {@code data} bytes takes.
     *
     * @param data the data bytes
     * @return the room
     */
    public static long space(long data) {
        return HDR + align(data);
    }

    /** {@code CMSG_LEN}. */
    static long length(long data) {
        return HDR + data;
    }

    /**
     * The room the control messages take, checked before any call.
     *
     * @throws IllegalArgumentException if one cannot be sent
     */
    public static long space(List<ControlMessage> control) {
        long total = 0;
        for (ControlMessage c : control) {
            total += space(dataSize(c));
        }
        return total;
    }

    private static long dataSize(ControlMessage c) {
        return switch (c) {
            case ControlMessage.Rights r -> fds(r.fds().size()) * Integer.BYTES;
            case ControlMessage.SocketRights r -> fds(r.sockets().size()) * Integer.BYTES;
            case ControlMessage.ReceivedRights r -> throw new IllegalArgumentException(
                    "received descriptors are sent as Rights of their numbers, not as ReceivedRights");
            case ControlMessage.Credentials x -> 12;
            case ControlMessage.PacketInfo p -> p.address() instanceof Inet4Address ? 12 : 20;
            case ControlMessage.Timestamp t -> throw new IllegalArgumentException(
                    "a Timestamp is received (SO_TIMESTAMPNS), never sent");
            case ControlMessage.ExtendedError e -> throw new IllegalArgumentException(
                    "an ExtendedError is received (MSG_ERRQUEUE), never sent");
            case ControlMessage.SegmentSize s -> 2;
            case ControlMessage.Other o -> o.data().length;
        };
    }

    private static int fds(int n) {
        if (n > MAX_FDS) {
            throw new IllegalArgumentException("SCM_RIGHTS carries at most " + MAX_FDS + " descriptors (SCM_MAX_FD), not "
                    + n + ": send them in several messages");
        }
        return n;
    }

    /**
     * Writes the control messages into {@code buf}, which has {@link #space(List)} bytes.
     *
     * @param held the descriptors of the sockets of {@link ControlMessage.SocketRights}, in order
     */
    static void encode(List<ControlMessage> control, List<Descriptor> held, MemorySegment buf) {
        buf.fill((byte) 0);
        long at = 0;
        int socket = 0;
        for (ControlMessage c : control) {
            long size = dataSize(c);
            MemorySegment h = buf.asSlice(at, space(size));
            MemorySegment data = h.asSlice(HDR, size);
            cmsghdr.cmsg_len(h, length(size));
            switch (c) {
                case ControlMessage.Rights r -> {
                    header(h, SOL_SOCKET, SCM_RIGHTS);
                    for (int i = 0; i < r.fds().size(); i++) {
                        data.setAtIndex(JAVA_INT, i, r.fds().get(i));
                    }
                }
                case ControlMessage.SocketRights r -> {
                    header(h, SOL_SOCKET, SCM_RIGHTS);
                    for (int i = 0; i < r.sockets().size(); i++) {
                        data.setAtIndex(JAVA_INT, i, held.get(socket++).fd);
                    }
                }
                case ControlMessage.Credentials x -> {
                    header(h, SOL_SOCKET, SCM_CREDENTIALS);
                    data.set(JAVA_INT, 0, x.pid());
                    data.set(JAVA_INT, 4, x.uid());
                    data.set(JAVA_INT, 8, x.gid());
                }
                case ControlMessage.PacketInfo p when p.address() instanceof Inet4Address -> {
                    header(h, IPPROTO_IP, IP_PKTINFO); // struct in_pktinfo: the source in ipi_spec_dst
                    data.set(JAVA_INT, 0, p.interfaceIndex());
                    MemorySegment.copy(p.address().getAddress(), 0, data, JAVA_BYTE, 4, 4);
                }
                case ControlMessage.PacketInfo p -> {
                    header(h, IPPROTO_IPV6, IPV6_PKTINFO); // struct in6_pktinfo
                    MemorySegment.copy(p.address().getAddress(), 0, data, JAVA_BYTE, 0, 16);
                    data.set(JAVA_INT, 16, p.interfaceIndex());
                }
                case ControlMessage.SegmentSize s -> {
                    header(h, SOL_UDP, UDP_SEGMENT);
                    data.set(JAVA_SHORT, 0, (short) s.size());
                }
                case ControlMessage.Other o -> {
                    header(h, o.level(), o.type());
                    MemorySegment.copy(o.data(), 0, data, JAVA_BYTE, 0, o.data().length);
                }
                case ControlMessage.ReceivedRights r -> throw new AssertionError("refused by space()");
                case ControlMessage.Timestamp t -> throw new AssertionError("refused by space()");
                case ControlMessage.ExtendedError e -> throw new AssertionError("refused by space()");
            }
            at += h.byteSize();
        }
    }

    private static void header(MemorySegment h, int level, int type) {
        cmsghdr.cmsg_level(h, level);
        cmsghdr.cmsg_type(h, type);
    }

    /**
     * The message {@code recvmsg} filled: its sender, flags and control messages. Every descriptor the kernel
     * installed is owned by the result, or closed if making it fails.
     *
     * @param f       the frame of the call, for closing descriptors
     * @param msg     the {@code msghdr}
     * @param name    the memory its {@code msg_name} points to
     * @param control the memory its {@code msg_control} points to, or {@code null}
     * @param n       what {@code recvmsg} returned
     * @param family  the socket's family
     * @return the message
     */
    static Message decode(Frame f, MemorySegment msg, MemorySegment name, MemorySegment control, long n,
                          Family family) {
        int mflags = msghdr.msg_flags(msg);
        long controlLen = control == null ? 0 : Math.min(msghdr.msg_controllen(msg), control.byteSize());
        control = control == null ? MemorySegment.NULL : control.asSlice(0, controlLen);
        List<ReceivedFd> wrapped = owned(f, control, controlLen);
        try {
            List<ControlMessage> out = messages(control, wrapped);
            int nameLen = Math.min(msghdr.msg_namelen(msg), (int) name.byteSize());
            SockAddr sender = nameLen > 0 ? Addresses.decode(name, nameLen, family) : null;
            return new Message(n, sender, MsgFlag.of(mflags), out);
        } catch (RuntimeException | Error e) {
            wrapped.forEach(ReceivedFd::close);
            throw e;
        }
    }

    /**
     * Every descriptor the kernel installed in the control data ({@code SCM_RIGHTS}), in order, each owned by a
     * {@link ReceivedFd}: none is left unowned, even if wrapping one fails (the rest are closed then).
     *
     * @param f      the frame of the call, for closing descriptors
     * @param length the bytes of {@code control} the kernel wrote
     * @return the owners; the empty list, with no allocation, when there are none
     */
    static List<ReceivedFd> owned(Frame f, MemorySegment control, long length) {
        if (!hasRights(control, length)) {
            return List.of();
        }
        int[] fds = rights(control.asSlice(0, length));
        int owned = 0;
        List<ReceivedFd> wrapped = new ArrayList<>(fds.length);
        try {
            for (; owned < fds.length; owned++) {
                wrapped.add(ReceivedFd.of(fds[owned]));
            }
            return wrapped;
        } catch (RuntimeException | Error e) {
            wrapped.forEach(ReceivedFd::close);
            for (int i = owned; i < fds.length; i++) {
                Kernel.close(f.capture, fds[i]);
            }
            throw e;
        }
    }

    /**
     * The control messages of the control data, typed where they are known; the descriptors of its
     * {@code SCM_RIGHTS} messages are {@code rights}, in order, as {@link #owned} made them.
     */
    static List<ControlMessage> messages(MemorySegment control, List<ReceivedFd> rights) {
        List<ControlMessage> out = new ArrayList<>();
        int[] next = {0};
        walk(control, (level, type, data) -> {
            if (level == SOL_SOCKET && type == SCM_RIGHTS) {
                int k = (int) (data.byteSize() / Integer.BYTES);
                out.add(new ControlMessage.ReceivedRights(rights.subList(next[0], next[0] + k)));
                next[0] += k;
            } else {
                out.add(value(level, type, data));
            }
        });
        return out;
    }

    /** Whether the first {@code controlLen} bytes hold an {@code SCM_RIGHTS} message; allocates nothing. */
    private static boolean hasRights(MemorySegment control, long controlLen) {
        for (long at = 0; at + HDR <= controlLen; ) {
            long len = control.get(JAVA_LONG, at + cmsghdr.cmsg_len$offset());
            if (len < HDR) {
                return false;
            }
            if (control.get(JAVA_INT, at + cmsghdr.cmsg_level$offset()) == SOL_SOCKET
                    && control.get(JAVA_INT, at + cmsghdr.cmsg_type$offset()) == SCM_RIGHTS && len > HDR) {
                return true;
            }
            at += align(len);
        }
        return false;
    }

    /** Every descriptor in the {@code SCM_RIGHTS} messages of the control data, in order. */
    private static int[] rights(MemorySegment control) {
        int[] count = {0};
        walk(control, (level, type, data) -> {
            if (level == SOL_SOCKET && type == SCM_RIGHTS) {
                count[0] += (int) (data.byteSize() / Integer.BYTES);
            }
        });
        int[] fds = new int[count[0]];
        int[] i = {0};
        walk(control, (level, type, data) -> {
            if (level == SOL_SOCKET && type == SCM_RIGHTS) {
                for (long j = 0; j < data.byteSize() / Integer.BYTES; j++) {
                    fds[i[0]++] = data.getAtIndex(JAVA_INT, j);
                }
            }
        });
        return fds;
    }

    private interface Visitor {
        void visit(int level, int type, MemorySegment data);
    }

    /**
     * Visits each control message the kernel wrote, its data cut at the end of the buffer ({@code MSG_CTRUNC}); a
     * header shorter than itself ends the walk.
     */
    private static void walk(MemorySegment control, Visitor visitor) {
        long controlLen = control.byteSize();
        for (long at = 0; at + HDR <= controlLen; ) {
            MemorySegment h = control.asSlice(at, HDR);
            long len = cmsghdr.cmsg_len(h);
            if (len < HDR) {
                return;
            }
            long size = Math.min(len, controlLen - at) - HDR;
            visitor.visit(cmsghdr.cmsg_level(h), cmsghdr.cmsg_type(h), control.asSlice(at + HDR, size));
            at += align(len);
        }
    }

    /** The size of {@code struct sock_extended_err}, which the offender's address follows. */
    private static final int EXTENDED_ERROR = 16;

    /** A control message other than descriptors, typed where it is known. */
    private static ControlMessage value(int level, int type, MemorySegment data) {
        long size = data.byteSize();
        if (level == SOL_SOCKET && type == SCM_CREDENTIALS && size >= 12) {
            return new ControlMessage.Credentials(data.get(JAVA_INT, 0), data.get(JAVA_INT, 4), data.get(JAVA_INT, 8));
        }
        if (level == SOL_SOCKET && type == SCM_TIMESTAMPNS && size >= 16) {
            return new ControlMessage.Timestamp(Instant.ofEpochSecond(data.get(JAVA_LONG, 0), data.get(JAVA_LONG, 8)));
        }
        if (level == IPPROTO_IP && type == IP_PKTINFO && size >= 12) {
            return new ControlMessage.PacketInfo(address(Messages.bytes(data, 8, 4)), data.get(JAVA_INT, 0));
        }
        if (level == IPPROTO_IPV6 && type == IPV6_PKTINFO && size >= 20) {
            return new ControlMessage.PacketInfo(Addresses.ipv6(Messages.bytes(data, 0, 16), 0), data.get(JAVA_INT, 16));
        }
        if ((level == IPPROTO_IP && type == IP_RECVERR || level == IPPROTO_IPV6 && type == IPV6_RECVERR)
                && size >= EXTENDED_ERROR) {
            // struct sock_extended_err: u32 errno; u8 origin, type, code, pad; u32 info, data; then the offender
            int rest = (int) (size - EXTENDED_ERROR);
            SockAddr offender = Addresses.decode(data.asSlice(EXTENDED_ERROR, rest), rest, Family.INET);
            return new ControlMessage.ExtendedError(data.get(JAVA_INT, 0), Byte.toUnsignedInt(data.get(JAVA_BYTE, 4)),
                    Byte.toUnsignedInt(data.get(JAVA_BYTE, 5)), Byte.toUnsignedInt(data.get(JAVA_BYTE, 6)),
                    data.get(JAVA_INT, 8), data.get(JAVA_INT, 12), offender);
        }
        if (level == SOL_UDP && type == UDP_GRO && size >= 4 && data.get(JAVA_INT, 0) > 0 && data.get(JAVA_INT, 0) <= 0xFFFF) {
            return new ControlMessage.SegmentSize(data.get(JAVA_INT, 0));
        }
        return new ControlMessage.Other(level, type, Messages.bytes(data, 0, (int) size));
    }

    private static InetAddress address(byte[] ip) {
        try {
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are an IPv4 address", e);
        }
    }
}
