package dev.ffmsockets.nio;

import dev.ffmsockets.ErrnoException;
import dev.ffmsockets.Family;
import dev.ffmsockets.LinuxSocketOptions;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;

import java.io.IOException;

import java.nio.channels.SelectionKey;

import static dev.ffmsockets.posix.Posix.EAFNOSUPPORT;
import static dev.ffmsockets.posix.Posix.EPOLLERR;
import static dev.ffmsockets.posix.Posix.EPOLLHUP;
import static dev.ffmsockets.posix.Posix.EPOLLIN;
import static dev.ffmsockets.posix.Posix.EPOLLOUT;

/** What {@link FfmSelector} needs of a channel of this package: its socket, and its operations as epoll events. */
interface FfmChannel {

    /** {@return the library's socket under the channel} */
    Socket librarySocket();

    /**
     * A socket for a new channel: of {@code family}, and for INET6 a dual-stack one that takes IPv4 peers too, as the
     * JDK's channels open by default (or an IPv4 one where the kernel has no IPv6).
     */
    static Socket open(Family family, SocketType type) throws IOException {
        try {
            Socket s = Socket.open(family, type);
            if (family == Family.INET6) {
                try {
                    s.setOption(LinuxSocketOptions.IPV6_V6ONLY, false);
                } catch (IOException | RuntimeException e) {
                    s.close();
                    throw e;
                }
            }
            return s;
        } catch (IOException e) {
            if (family == Family.INET6 && e instanceof ErrnoException x && x.errno() == EAFNOSUPPORT) {
                return Socket.open(Family.INET, type);
            }
            throw e;
        }
    }

    /** The epoll events that tell when the operations {@code ops} may proceed. */
    static int events(int ops) {
        int e = 0;
        if ((ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            e |= EPOLLIN;
        }
        if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            e |= EPOLLOUT;
        }
        return e;
    }

    /**
     * The operations of {@code interest} that epoll's {@code events} say may proceed. An error or hang-up makes every
     * operation of interest ready, so that the operation itself reports it, as the JDK's selectors do.
     */
    static int ready(int events, int interest) {
        int ready = 0;
        boolean failed = (events & (EPOLLERR | EPOLLHUP)) != 0;
        if (failed || (events & EPOLLIN) != 0) {
            ready |= interest & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        }
        if (failed || (events & EPOLLOUT) != 0) {
            ready |= interest & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT);
        }
        return ready;
    }
}
