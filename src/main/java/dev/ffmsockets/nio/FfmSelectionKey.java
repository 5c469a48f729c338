package dev.ffmsockets.nio;

import java.nio.channels.CancelledKeyException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.Selector;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelectionKey;

/** A registration of a channel of this package with an {@link FfmSelector}. */
final class FfmSelectionKey extends AbstractSelectionKey {

    final AbstractSelectableChannel channel;
    final FfmSelector selector;
    /** The channel's descriptor when it was registered, -1 if it was closed by then; set once, under the selector. */
    int fd = -1;
    /** Whether its channel is closing or closed: it never enters epoll again. Guarded by the selector. */
    boolean dead;
    private volatile int interestOps;
    private volatile int readyOps;
    /** Where the key is in its selector's selected-key set, -1 when not there; guarded by that set. */
    int selectedAt = -1;
    /** Whether epoll holds the descriptor now (not while the interest set is empty); guarded by the selector. */
    boolean armed;
    /** The events epoll holds for the descriptor while armed; guarded by the selector. */
    int armedEvents;

    FfmSelectionKey(AbstractSelectableChannel channel, FfmSelector selector) {
        this.channel = channel;
        this.selector = selector;
    }

    @Override
    public SelectableChannel channel() {
        return channel;
    }

    @Override
    public Selector selector() {
        return selector;
    }

    private void ensureValid() {
        if (!isValid()) {
            throw new CancelledKeyException();
        }
    }

    @Override
    public int interestOps() {
        ensureValid();
        return interestOps;
    }

    /** Sets the interest set, and epoll's at once ({@code epoll_ctl} is safe beside a thread in {@code epoll_wait}). */
    @Override
    public java.nio.channels.SelectionKey interestOps(int ops) {
        ensureValid();
        if ((ops & ~channel.validOps()) != 0) {
            throw new IllegalArgumentException("Invalid interest ops: " + ops);
        }
        synchronized (this) {
            interestOps = ops;
            selector.interestChanged(this);
        }
        return this;
    }

    /** The interest set without the validity check, for the selector. */
    int interest() {
        return interestOps;
    }

    @Override
    public int readyOps() {
        ensureValid();
        return readyOps;
    }

    void readyOps(int ops) {
        readyOps = ops;
    }
}
