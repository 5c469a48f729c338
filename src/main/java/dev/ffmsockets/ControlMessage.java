package dev.ffmsockets;

import dev.ffmsockets.posix.Posix;

import java.net.InetAddress;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * A control message of {@code Socket.sendMsg} and {@code Socket.recvMsg} (C's {@code cmsghdr} and its data), as a
 * typed value. What a send takes: {@link Rights}, {@link SocketRights}, {@link Credentials}, {@link PacketInfo}
 * (the source to send from), {@link SegmentSize} (UDP GSO), {@link Other}. What a receive gives:
 * {@link ReceivedRights}, {@link Credentials} (with {@code SO_PASSCRED}), {@link PacketInfo} (with
 * {@code IP_PKTINFO} / {@code IPV6_RECVPKTINFO}), {@link Timestamp} (with {@code SO_TIMESTAMPNS}),
 * {@link SegmentSize} (UDP GRO), {@link ExtendedError} (from the error queue, with {@code IP_RECVERR}), and
 * {@link Other} for anything else.
 */
public sealed interface ControlMessage {

    /**
     * Descriptors to pass ({@code SCM_RIGHTS}), given as numbers: the caller keeps them open until the send returns.
     *
     * @param fds the descriptors, at least one
     */
    record Rights(List<Integer> fds) implements ControlMessage {
        /**
         * Checks the descriptors.
         *
         * @throws IllegalArgumentException if there are none, or one is negative
         */
        public Rights {
            fds = List.copyOf(fds);
            if (fds.isEmpty() || fds.stream().anyMatch(fd -> fd < 0)) {
                throw new IllegalArgumentException("SCM_RIGHTS needs one or more descriptors, none negative: " + fds);
            }
        }
    }

    /**
     * Sockets to pass ({@code SCM_RIGHTS}): their descriptors cannot be released while the send uses them.
     *
     * @param sockets the sockets, at least one
     */
    record SocketRights(List<Socket> sockets) implements ControlMessage {
        /**
         * Checks the sockets.
         *
         * @throws IllegalArgumentException if there are none
         */
        public SocketRights {
            sockets = List.copyOf(sockets);
            if (sockets.isEmpty()) {
                throw new IllegalArgumentException("SCM_RIGHTS needs one or more sockets");
            }
        }
    }

    /**
     * Descriptors received ({@code SCM_RIGHTS}), owned: each is closed with the {@link Message} unless taken.
     *
     * @param fds the descriptors
     */
    record ReceivedRights(List<ReceivedFd> fds) implements ControlMessage {
        /** Copies the list. */
        public ReceivedRights {
            fds = List.copyOf(fds);
        }
    }

    /**
     * A process's credentials ({@code SCM_CREDENTIALS}, C's {@code struct ucred}): received when the socket has
     * {@link LinuxSocketOptions#SO_PASSCRED}; sent to assert them (the kernel checks that the sender may).
     *
     * @param pid the process id
     * @param uid the user id
     * @param gid the group id
     */
    record Credentials(int pid, int uid, int gid) implements ControlMessage {
        /** {@return this process's own credentials} */
        public static Credentials ofThisProcess() {
            return new Credentials(Posix.getpid(), Posix.getuid(), Posix.getgid());
        }
    }

    /**
     * The address a datagram was sent to and the interface it came in on ({@code IP_PKTINFO}, {@code IPV6_PKTINFO});
     * on a send, the source address to send from and the interface (0 for any).
     *
     * @param address        the address (the datagram's destination; for a send, the source)
     * @param interfaceIndex the interface index, 0 for none
     */
    record PacketInfo(InetAddress address, int interfaceIndex) implements ControlMessage {
        /** Checks the address. */
        public PacketInfo {
            Objects.requireNonNull(address, "address");
        }
    }

    /**
     * When the kernel received the datagram ({@code SO_TIMESTAMPNS}), to the nanosecond.
     *
     * @param time the time
     */
    record Timestamp(Instant time) implements ControlMessage {
    }

    /**
     * The size of UDP segments: on a send ({@code UDP_SEGMENT}), cut the buffer into datagrams of this size in the
     * kernel (GSO); on a receive ({@code UDP_GRO}), the size of the datagrams the kernel joined into this one.
     *
     * @param size the segment size in bytes
     */
    record SegmentSize(int size) implements ControlMessage {
        /**
         * Checks the size.
         *
         * @throws IllegalArgumentException if it is not 1 to 65535
         */
        public SegmentSize {
            if (size < 1 || size > 0xFFFF) {
                throw new IllegalArgumentException("a UDP segment size is 1 to 65535, not " + size);
            }
        }
    }

    /**
     * An error from the socket's error queue ({@code IP_RECVERR} / {@code IPV6_RECVERR}, C's
     * {@code struct sock_extended_err} and the address after it): received with {@link MsgFlag#ERRQUEUE} when the
     * socket has {@link LinuxSocketOptions#IP_RECVERR}; ip(7).
     *
     * @param errno    the error, such as {@link Posix#ECONNREFUSED} ({@code ee_errno})
     * @param origin   where it came from: {@code SO_EE_ORIGIN_ICMP} (2), {@code SO_EE_ORIGIN_ICMP6} (3),
     *                 {@code SO_EE_ORIGIN_LOCAL} (1), ... ({@code ee_origin})
     * @param type     the ICMP type, for an ICMP origin ({@code ee_type})
     * @param code     the ICMP code ({@code ee_code})
     * @param info     {@code ee_info}: the path MTU for {@code EMSGSIZE}
     * @param data     {@code ee_data}
     * @param offender the node that reported it ({@code SO_EE_OFFENDER}), or {@code null} if none is known
     */
    record ExtendedError(int errno, int origin, int type, int code, int info, int data, SockAddr offender)
            implements ControlMessage {
    }

    /**
     * Any other control message, as its level, type and data bytes.
     *
     * @param level the level, such as {@link Posix#SOL_SOCKET}
     * @param type  the type, such as {@link Posix#SCM_RIGHTS}
     * @param data  the data bytes (copied in and out)
     */
    record Other(int level, int type, byte[] data) implements ControlMessage {
        /** Copies the bytes. */
        public Other {
            data = data.clone();
        }

        /** {@return a copy of the data bytes} */
        @Override
        public byte[] data() {
            return data.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Other x && x.level == level && x.type == type && Arrays.equals(x.data, data);
        }

        @Override
        public int hashCode() {
            return Objects.hash(level, type, Arrays.hashCode(data));
        }

        @Override
        public String toString() {
            return "Other[level=" + level + ", type=" + type + ", " + data.length + " bytes]";
        }
    }

    /**
     * The room a control message with {@code dataBytes} of data takes in a receive's control space
     * ({@code CMSG_SPACE}): add them up for {@code Socket.recvMsg}'s {@code controlSpace}.
     *
     * @param dataBytes the bytes of its data: 4 per descriptor, 12 for credentials, 16 for a timestamp, ...
     * @return the room in bytes
     * @throws IllegalArgumentException if {@code dataBytes} is negative
     */
    static int space(int dataBytes) {
        if (dataBytes < 0) {
            throw new IllegalArgumentException("data bytes " + dataBytes + " is negative");
        }
        return Math.toIntExact(dev.ffmsockets.impl.ControlCodec.space(dataBytes));
    }

    /**
     * The room {@code n} descriptors take in one {@code SCM_RIGHTS} message: {@code CMSG_SPACE(n * sizeof(int))}.
     *
     * @param n how many, 1 to 253
     * @return the room in bytes
     * @throws IllegalArgumentException if {@code n} is not 1 to 253
     */
    static int spaceForDescriptors(int n) {
        if (n < 1 || n > 253) {
            throw new IllegalArgumentException("one SCM_RIGHTS message carries 1 to 253 descriptors, not " + n);
        }
        return space(n * Integer.BYTES);
    }

    /**
     * Sockets to pass.
     *
     * @param sockets the sockets
     * @return the control message
     */
    static SocketRights rights(Socket... sockets) {
        return new SocketRights(List.of(sockets));
    }

    /**
     * Descriptors to pass.
     *
     * @param fds the descriptors
     * @return the control message
     */
    static Rights rights(int... fds) {
        return new Rights(Arrays.stream(fds).boxed().toList());
    }
}
