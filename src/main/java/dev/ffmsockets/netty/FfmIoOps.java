package dev.ffmsockets.netty;

import io.netty.channel.IoOps;

import static dev.ffmsockets.posix.Posix.EPOLLIN;
import static dev.ffmsockets.posix.Posix.EPOLLOUT;
import static dev.ffmsockets.posix.Posix.EPOLLRDHUP;

/**
 * The epoll events a channel waits for ({@code EPOLLIN}, {@code EPOLLOUT}), as {@link FfmIoHandler}'s registrations
 * take them; 0 takes the descriptor out of epoll.
 *
 * @param events the {@code epoll_event.events} bits
 */
record FfmIoOps(int events) implements IoOps {

    private static final int USUAL = EPOLLIN | EPOLLOUT | EPOLLRDHUP;
    /** Every combination of the usual events, by {@link #key}. */
    private static final FfmIoOps[] CACHED = new FfmIoOps[8];

    static {
        for (int e : new int[] {0, EPOLLIN, EPOLLOUT, EPOLLRDHUP}) {
            for (int f : new int[] {0, EPOLLIN, EPOLLOUT, EPOLLRDHUP}) {
                for (int g : new int[] {0, EPOLLIN, EPOLLOUT, EPOLLRDHUP}) {
                    int events = e | f | g;
                    CACHED[key(events)] = new FfmIoOps(events);
                }
            }
        }
    }

    private static int key(int events) {
        return ((events & EPOLLIN) != 0 ? 1 : 0) | ((events & EPOLLOUT) != 0 ? 2 : 0) | ((events & EPOLLRDHUP) != 0 ? 4 : 0);
    }

    /** {@return the ops for {@code events}; no allocation for the usual ones} */
    static FfmIoOps of(int events) {
        return (events & ~USUAL) == 0 ? CACHED[key(events)] : new FfmIoOps(events);
    }
}
