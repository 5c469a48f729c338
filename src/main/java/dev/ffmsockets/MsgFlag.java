package dev.ffmsockets;

import java.util.EnumSet;
import java.util.Set;

import static dev.ffmsockets.posix.Posix.*;

/**
 * The flags of a send or a receive ({@code MSG_*}), as values: the ones a call is given, and the ones a received
 * message comes back with ({@link #TRUNC}, {@link #CTRUNC}, {@link #EOR}, {@link #OOB}), read without bit
 * arithmetic.
 */
public enum MsgFlag {
    /** {@code MSG_OOB}: out-of-band data (TCP urgent data); on a received message, that it was. */
    OOB(MSG_OOB),
    /** {@code MSG_PEEK}: receive without taking: the data stays queued for the next receive. */
    PEEK(MSG_PEEK),
    /** {@code MSG_DONTROUTE}: send only to hosts on a directly connected network. */
    DONTROUTE(MSG_DONTROUTE),
    /** On a received message: the datagram was longer than the buffers, and cut ({@code MSG_TRUNC}). */
    TRUNC(MSG_TRUNC),
    /** On a received message: control data was cut, the control buffer being too small ({@code MSG_CTRUNC}). */
    CTRUNC(MSG_CTRUNC),
    /** {@code MSG_DONTWAIT}: this one call does not wait, whatever the socket's mode: it returns "would block". */
    DONTWAIT(MSG_DONTWAIT),
    /** On a received message: the end of a record ({@code MSG_EOR}, sequenced-packet sockets). */
    EOR(MSG_EOR),
    /** {@code MSG_WAITALL}: a stream receive waits until the buffer is full (or end of stream, or an error). */
    WAITALL(MSG_WAITALL),
    /** {@code MSG_MORE}: more data follows; the kernel may hold this back to send it together. */
    MORE(MSG_MORE),
    /** {@code MSG_ERRQUEUE}: receive from the socket's error queue. */
    ERRQUEUE(MSG_ERRQUEUE);

    private static final MsgFlag[] VALUES = values();
    /** Every flag's bit, or'ed: a value with none of them is the empty set, without a set made. */
    private static final int ALL = bits(VALUES);

    private final int value;

    MsgFlag(int value) {
        this.value = value;
    }

    /** {@return the C value, such as {@code MSG_PEEK}} */
    public int value() {
        return value;
    }

    /**
     * The C value of several flags.
     *
     * @param flags the flags
     * @return their bitwise or
     */
    public static int bits(MsgFlag... flags) {
        int bits = 0;
        for (MsgFlag f : flags) {
            bits |= f.value;
        }
        return bits;
    }

    /**
     * The flags of a C value.
     *
     * @param bits a {@code msg_flags} value
     * @return the flags among this enum's that it has, a set that cannot be modified
     */
    public static Set<MsgFlag> of(int bits) {
        if ((bits & ALL) == 0) {
            return Set.of();
        }
        Set<MsgFlag> s = EnumSet.noneOf(MsgFlag.class);
        for (MsgFlag f : VALUES) {
            if ((bits & f.value) != 0) {
                s.add(f);
            }
        }
        return java.util.Collections.unmodifiableSet(s);
    }
}
