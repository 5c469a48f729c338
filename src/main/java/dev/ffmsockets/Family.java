package dev.ffmsockets;

import static dev.ffmsockets.posix.Posix.AF_INET;
import static dev.ffmsockets.posix.Posix.AF_INET6;
import static dev.ffmsockets.posix.Posix.AF_UNIX;

/** A socket's address family (its C domain), which decides the kind of {@link SockAddr} it uses. */
public enum Family {
    /** {@code AF_INET}: IPv4, with {@link InetSockAddr}. */
    INET(AF_INET, "AF_INET"),
    /** {@code AF_INET6}: IPv6, with {@link InetSockAddr}. */
    INET6(AF_INET6, "AF_INET6"),
    /** {@code AF_UNIX}: local sockets, with {@link UnixSockAddr}. */
    UNIX(AF_UNIX, "AF_UNIX");

    private final int value;
    private final String cName;

    Family(int value, String cName) {
        this.value = value;
        this.cName = cName;
    }

    /**
     * The C constant.
     *
     * @return {@code AF_INET}, {@code AF_INET6} or {@code AF_UNIX}
     */
    public int value() {
        return value;
    }

    /**
     * The family with a C constant.
     *
     * @param value an {@code AF_*} value
     * @return its family
     * @throws IllegalArgumentException if it is none of these three
     */
    public static Family of(int value) {
        for (Family f : values()) {
            if (f.value == value) {
                return f;
            }
        }
        throw new IllegalArgumentException("address family " + value + " is not AF_INET, AF_INET6 or AF_UNIX");
    }

    /** {@return the C name, such as {@code AF_INET}} */
    @Override
    public String toString() {
        return cName;
    }
}
