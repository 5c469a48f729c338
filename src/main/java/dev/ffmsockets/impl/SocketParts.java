package dev.ffmsockets.impl;

import dev.ffmsockets.Socket;

/**
 * The parts of a {@link Socket} that the adapters of this module ({@code java.nio} channels, {@code java.net} views)
 * use past its public calls: a wait bounded by a view's own timeout, which the socket's calls do not take. The socket
 * class hands its parts over once, when it is initialised; no code outside the module reaches this package.
 */
public final class SocketParts {

    /** What a socket hands over. */
    public interface Access {
        /**
         * {@return the socket's transfers}
         *
         * @param s the socket
         */
        Transfers transfers(Socket s);

        /**
         * {@return a connection accepted within {@code timeoutNanos}, as {@link Socket#accept()} makes it; null in
         * non-blocking mode when none is pending}
         *
         * @param s            the listening socket
         * @param timeoutNanos how long it may wait; 0 for the socket's own timeout
         * @throws java.io.IOException as {@link Socket#accept()}, and a timeout
         */
        Socket accept(Socket s, long timeoutNanos) throws java.io.IOException;
    }

    private static volatile Access access;

    private SocketParts() {
    }

    /**
     * Called once, by {@link Socket}'s initialiser.
     *
     * @param a the socket class's access
     */
    public static void register(Access a) {
        if (access != null) {
            throw new IllegalStateException("SocketParts: registered already");
        }
        access = a;
    }

    /**
     * {@return the transfers of a socket: its sends and receives with a wait of the caller's}
     *
     * @param s the socket (its class is initialised, since it exists)
     */
    public static Transfers transfers(Socket s) {
        return access.transfers(s);
    }

    /**
     * {@return a connection accepted within {@code timeoutNanos}}
     *
     * @param s            the listening socket
     * @param timeoutNanos how long it may wait; 0 for the socket's own timeout
     * @throws java.io.IOException as {@link Socket#accept()}, and {@link dev.ffmsockets.ErrnoSocketTimeoutException}
     */
    public static Socket accept(Socket s, long timeoutNanos) throws java.io.IOException {
        return access.accept(s, timeoutNanos);
    }
}
