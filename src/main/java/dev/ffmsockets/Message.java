package dev.ffmsockets;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A message received by {@code Socket.recvMsg}: how many bytes, from whom, with which flags, and its control
 * messages. It owns the descriptors it brought ({@link ControlMessage.ReceivedRights}): {@link #close()} closes those
 * not taken, so receive it in a try-with-resources.
 *
 * @param length  the bytes received (with {@link MsgFlag#TRUNC} asked for, a datagram's real length, which may be
 *                more than the buffers held)
 * @param sender  the sender's address, or {@code null} when the kernel gave none (a connected stream)
 * @param flags   what came back: {@link MsgFlag#TRUNC} (a datagram was cut), {@link MsgFlag#CTRUNC} (control data
 *                was cut), {@link MsgFlag#EOR}, {@link MsgFlag#OOB}
 * @param control the control messages, in the order the kernel gave them
 */
public record Message(long length, SockAddr sender, Set<MsgFlag> flags, List<ControlMessage> control)
        implements AutoCloseable {

    /** Copies the flags and the control messages. */
    public Message {
        flags = Set.copyOf(flags);
        control = List.copyOf(control);
    }

    /** {@return whether the datagram was longer than the buffers, and cut} */
    public boolean truncated() {
        return flags.contains(MsgFlag.TRUNC);
    }

    /** {@return whether control data was cut for want of room (descriptors that did not fit were never installed)} */
    public boolean controlTruncated() {
        return flags.contains(MsgFlag.CTRUNC);
    }

    /** {@return every descriptor received, from all the {@code SCM_RIGHTS} messages, in order} */
    public List<ReceivedFd> descriptors() {
        List<ReceivedFd> all = new ArrayList<>();
        for (ControlMessage c : control) {
            if (c instanceof ControlMessage.ReceivedRights r) {
                all.addAll(r.fds());
            }
        }
        return all;
    }

    /** Closes every received descriptor that was not taken. Idempotent. */
    @Override
    public void close() {
        for (ControlMessage c : control) {
            if (c instanceof ControlMessage.ReceivedRights r) {
                r.fds().forEach(ReceivedFd::close);
            }
        }
    }
}
