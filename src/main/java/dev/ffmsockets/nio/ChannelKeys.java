package dev.ffmsockets.nio;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The selection keys of one channel, so that a close takes its descriptor out of every epoll set before the
 * descriptor is closed: epoll watches the open file, not the number, so a descriptor closed while a duplicate (a
 * {@code dup}, a copy passed to another process) keeps the file open would stay in the set, unreachable, and report
 * events forever (epoll(7), Q6).
 */
final class ChannelKeys {

    private final CopyOnWriteArrayList<FfmSelectionKey> keys = new CopyOnWriteArrayList<>();
    /** Set once the channel closes; guarded by this. */
    private boolean closed;

    /**
     * Adds a key being registered.
     *
     * @return {@code false} if the channel is closing already: the key must never enter epoll
     */
    synchronized boolean add(FfmSelectionKey k) {
        if (closed) {
            return false;
        }
        keys.add(k);
        return true;
    }

    void remove(FfmSelectionKey k) {
        keys.remove(k);
    }

    /** The channel is closing: its descriptor leaves every selector's epoll set now, before {@code close(2)}. */
    void closing() {
        synchronized (this) {
            closed = true;
        }
        for (FfmSelectionKey k : keys) {
            k.selector.closing(k);
        }
    }
}
