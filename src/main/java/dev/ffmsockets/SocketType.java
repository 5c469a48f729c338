package dev.ffmsockets;

import static dev.ffmsockets.posix.Posix.SOCK_DGRAM;
import static dev.ffmsockets.posix.Posix.SOCK_SEQPACKET;
import static dev.ffmsockets.posix.Posix.SOCK_STREAM;

/** A socket's type, its C {@code SOCK_*} value. */
public enum SocketType {
    /** {@code SOCK_STREAM}: a connected byte stream (TCP for the Internet families). */
    STREAM(SOCK_STREAM, "SOCK_STREAM"),
    /** {@code SOCK_DGRAM}: datagrams (UDP for the Internet families). */
    DGRAM(SOCK_DGRAM, "SOCK_DGRAM"),
    /** {@code SOCK_SEQPACKET}: connected, ordered datagrams (AF_UNIX). */
    SEQPACKET(SOCK_SEQPACKET, "SOCK_SEQPACKET");

    private final int value;
    private final String cName;

    SocketType(int value, String cName) {
        this.value = value;
        this.cName = cName;
    }

    /**
     * The C constant.
     *
     * @return {@code SOCK_STREAM}, {@code SOCK_DGRAM} or {@code SOCK_SEQPACKET}
     */
    public int value() {
        return value;
    }

    /**
     * The type with a C constant.
     *
     * @param value a {@code SOCK_*} value
     * @return its type
     * @throws IllegalArgumentException if it is none of these three
     */
    public static SocketType of(int value) {
        for (SocketType t : values()) {
            if (t.value == value) {
                return t;
            }
        }
        throw new IllegalArgumentException("socket type " + value + " is not SOCK_STREAM, SOCK_DGRAM or SOCK_SEQPACKET");
    }

    /** {@return the C name, such as {@code SOCK_STREAM}} */
    @Override
    public String toString() {
        return cName;
    }
}
