package dev.ffmsockets.nio;

import dev.ffmsockets.kernel.Epoll;
import dev.ffmsockets.kernel.Kernel;
import dev.ffmsockets.kernel.Platform;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.IllegalSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.nio.channels.spi.AbstractSelectionKey;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.AbstractSet;
import java.util.Collections;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Consumer;

import static dev.ffmsockets.posix.Posix.*;

/**
 * A {@link java.nio.channels.Selector} on {@code epoll(7)}, level-triggered, for the channels of this package. As the
 * JDK's: a selection synchronizes on the selector, then on its selected-key set; a key whose interest set is empty is
 * taken out of epoll (an error or hang-up would otherwise be reported forever), cancelled keys are deregistered at the
 * next selection, {@link #wakeup()} before a selection makes it return at once, a close while another thread selects
 * makes that selection return as a wake-up would, and an interrupted selecting thread returns with its interrupt status
 * set. Interest changes reach epoll at once ({@code epoll_ctl} is safe beside a thread in {@code epoll_wait}). A
 * channel that closes takes its descriptor out of epoll first ({@link ChannelKeys}). The wake-up is an
 * {@code eventfd(2)}.
 */
final class FfmSelector extends AbstractSelector {

    private static final int MAX_EVENTS = 1024;

    private final Arena arena = Arena.ofShared();
    private final int epfd, wakeFd;
    private final MemorySegment events, ctl, capture, ctlCapture, eight, one, wakeCapture;
    /** The key of each registered descriptor, by number (no boxing per event); replaced when it grows, under ctl. */
    private volatile AtomicReferenceArray<FfmSelectionKey> byFd = new AtomicReferenceArray<>(256);
    private final Set<SelectionKey> keys = ConcurrentHashMap.newKeySet();
    private final Set<SelectionKey> publicKeys = Collections.unmodifiableSet(keys);
    /** The selected-key set: no allocation per key selected (each key knows its place in it). */
    private final SelectedKeys selected = new SelectedKeys();
    private final AtomicBoolean woken = new AtomicBoolean();
    /** Whether a selection is in progress, for the selecting thread's own reentry; guarded by this. */
    private boolean inSelect;
    /** Set when the descriptors are closed and the memory freed; written under ctl and wakeCapture. */
    private volatile boolean released;

    FfmSelector(SelectorProvider provider) throws IOException {
        super(provider);
        capture = arena.allocate(Kernel.CAPTURE);
        ctlCapture = arena.allocate(Kernel.CAPTURE);
        events = arena.allocate(Platform.EPOLL_EVENT, MAX_EVENTS);
        ctl = arena.allocate(Platform.EPOLL_EVENT);
        eight = arena.allocate(ValueLayout.JAVA_LONG);
        one = arena.allocateFrom(ValueLayout.JAVA_LONG, 1L);
        wakeCapture = arena.allocate(Kernel.CAPTURE);
        epfd = Epoll.epoll_create1(capture, EPOLL_CLOEXEC);
        if (epfd < 0) {
            arena.close();
            throw failure("epoll_create1", capture);
        }
        wakeFd = Epoll.eventfd(capture, 0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (wakeFd < 0) {
            IOException e = failure("eventfd", capture);
            Kernel.close(capture, epfd);
            arena.close();
            throw e;
        }
        Platform.epollEvent(ctl, EPOLLIN, wakeFd);
        if (Epoll.epoll_ctl(capture, epfd, EPOLL_CTL_ADD, wakeFd, ctl) < 0) {
            IOException e = failure("epoll_ctl", capture);
            Kernel.close(capture, wakeFd);
            Kernel.close(capture, epfd);
            arena.close();
            throw e;
        }
    }

    private static IOException failure(String call, MemorySegment capture) {
        int errno = Kernel.errno(capture);
        return new IOException(call + ": " + strerror(errno) + " (" + errnoName(errno) + ")");
    }

    @Override
    public Set<SelectionKey> keys() {
        ensureOpen();
        return publicKeys;
    }

    @Override
    public Set<SelectionKey> selectedKeys() {
        ensureOpen();
        return selected;
    }

    private void ensureOpen() {
        if (!isOpen()) {
            throw new ClosedSelectorException();
        }
    }

    // ---- registration ----------------------------------------------------------------------------------------

    @Override
    protected SelectionKey register(AbstractSelectableChannel ch, int ops, Object att) {
        if (!(ch instanceof FfmChannel c)) {
            throw new IllegalSelectorException();
        }
        ensureOpen();
        FfmSelectionKey key = new FfmSelectionKey(ch, this);
        key.attach(att);
        synchronized (this.ctl) {
            // first among the channel's keys, then the number: a close either finds this key and takes it out of
            // epoll, or came first and leaves a key that never enters epoll (the channel's close cancels it)
            boolean open = FfmChannel.keys(c).add(key);
            int fd = c.librarySocket().fd();
            key.fd = fd;
            if (!open || fd < 0) {
                key.dead = true;
                keys.add(key);
                return key;
            }
            // a cancelled key of a closed channel whose number this one now has stays for the next selection to drop
            AtomicReferenceArray<FfmSelectionKey> t = byFd;
            if (fd >= t.length()) {
                AtomicReferenceArray<FfmSelectionKey> bigger = new AtomicReferenceArray<>(Math.max(fd + 1, t.length() * 2));
                for (int i = 0; i < t.length(); i++) {
                    bigger.set(i, t.get(i));
                }
                byFd = t = bigger;
            }
            t.set(fd, key);
            keys.add(key);
        }
        key.interestOps(ops);
        return key;
    }

    private FfmSelectionKey keyOf(int fd) {
        AtomicReferenceArray<FfmSelectionKey> t = byFd;
        return fd >= 0 && fd < t.length() ? t.get(fd) : null;
    }

    /** Brings epoll in line with a key's interest set. */
    void interestChanged(FfmSelectionKey key) {
        synchronized (ctl) {
            if (released || key.dead || !key.isValid() || keyOf(key.fd) != key) {
                return;
            }
            int events = FfmChannel.events(key.interest());
            if (key.armed ? events == key.armedEvents : events == 0) {
                return; // epoll has it so already: OP_READ and OP_ACCEPT, OP_WRITE and OP_CONNECT share events
            }
            int op = events == 0 ? EPOLL_CTL_DEL : key.armed ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
            Platform.epollEvent(ctl, events, key.fd);
            // a descriptor closed meanwhile has left epoll already (EBADF, ENOENT): its key is cancelled with it
            Epoll.epoll_ctl(ctlCapture, epfd, op, key.fd, ctl);
            key.armed = events != 0;
            key.armedEvents = events;
        }
    }

    /**
     * The key's channel is closing: its descriptor leaves epoll now, before {@code close(2)}, and never enters it
     * again. A selection in progress that has an event of it already finds the key cancelled, or its slot taken by a
     * key of a new channel with the same number (a spurious readiness, which the contract allows).
     */
    void closing(FfmSelectionKey key) {
        synchronized (ctl) {
            key.dead = true;
            disarm(key);
        }
    }

    /** Out of epoll, if it is there. Under ctl. */
    private void disarm(FfmSelectionKey key) {
        if (key.armed && !released && keyOf(key.fd) == key) {
            Epoll.epoll_ctl(ctlCapture, epfd, EPOLL_CTL_DEL, key.fd, MemorySegment.NULL);
        }
        key.armed = false;
    }

    /** Takes a cancelled key out: out of epoll, out of the key sets, deregistered from its channel. */
    private void drop(FfmSelectionKey key) {
        synchronized (ctl) {
            disarm(key);
            if (keyOf(key.fd) == key) {
                byFd.compareAndSet(key.fd, key, null);
            }
            keys.remove(key);
        }
        FfmChannel.keys((FfmChannel) key.channel).remove(key);
        synchronized (selected) {
            selected.remove(key);
        }
        deregister(key);
    }

    private void processCancelled() {
        Set<SelectionKey> cancelled = cancelledKeys();
        synchronized (cancelled) {
            if (cancelled.isEmpty()) {
                return; // no iterator to allocate, twice per selection
            }
            for (Iterator<SelectionKey> i = cancelled.iterator(); i.hasNext(); ) {
                drop((FfmSelectionKey) i.next());
                i.remove();
            }
        }
    }

    // ---- selection -------------------------------------------------------------------------------------------

    @Override
    public int selectNow() throws java.io.IOException {
        return doSelect(null, 0);
    }

    @Override
    public int select(long timeout) throws java.io.IOException {
        if (timeout < 0) {
            throw new IllegalArgumentException("Negative timeout");
        }
        return doSelect(null, timeout == 0 ? -1 : timeout);
    }

    @Override
    public int select() throws java.io.IOException {
        return doSelect(null, -1);
    }

    @Override
    public int select(Consumer<SelectionKey> action, long timeout) throws java.io.IOException {
        if (timeout < 0) {
            throw new IllegalArgumentException("Negative timeout");
        }
        return doSelect(java.util.Objects.requireNonNull(action), timeout == 0 ? -1 : timeout);
    }

    @Override
    public int select(Consumer<SelectionKey> action) throws java.io.IOException {
        return doSelect(java.util.Objects.requireNonNull(action), -1);
    }

    @Override
    public int selectNow(Consumer<SelectionKey> action) throws java.io.IOException {
        return doSelect(java.util.Objects.requireNonNull(action), 0);
    }

    /**
     * One selection: {@code timeout} milliseconds, -1 for none, 0 for not waiting. Synchronizes on the selector, then
     * on its selected-key set, as the {@code Selector} contract says; a close from another thread meanwhile makes it
     * return as a wake-up would.
     *
     * @throws IllegalStateException if the calling thread is selecting already (from a selection's action)
     */
    private int doSelect(Consumer<SelectionKey> action, long timeout) {
        synchronized (this) {
            ensureOpen();
            if (inSelect) {
                throw new IllegalStateException("select in progress");
            }
            inSelect = true;
            try {
                synchronized (selected) {
                    return selectLocked(action, timeout);
                }
            } finally {
                inSelect = false;
            }
        }
    }

    private int selectLocked(Consumer<SelectionKey> action, long timeout) {
        processCancelled();
        selected.selecting();
        int n;
        boolean blocking = timeout != 0;
        if (blocking) {
            begin();
        }
        try {
            int wait = woken.get() ? 0 : (int) Math.min(timeout, Integer.MAX_VALUE);
            n = Epoll.epoll_wait(capture, epfd, events, MAX_EVENTS, wait);
            if (n < 0) {
                n = 0; // EINTR: a signal; the caller selects again
            }
        } finally {
            if (blocking) {
                end();
            }
        }
        processCancelled();
        int updated = 0;
        for (int i = 0; i < n; i++) {
            int fd = Platform.epollFd(events, i);
            int ev = Platform.epollEvents(events, i);
            if (fd == wakeFd) {
                Kernel.read(capture, wakeFd, eight, 8);
                continue;
            }
            FfmSelectionKey key = keyOf(fd);
            if (key == null || !key.isValid()) {
                continue;
            }
            int ready = FfmChannel.readyOps((FfmChannel) key.channel, ev, key.interest());
            if (ready == 0) {
                continue;
            }
            if (action != null) {
                key.readyOps(ready);
                action.accept(key);
                ensureOpen(); // the action closed the selector
                updated++;
            } else if (key.selectedAt >= 0) {
                int before = key.readyOps();
                if ((before | ready) != before) {
                    key.readyOps(before | ready);
                    updated++;
                }
            } else {
                key.readyOps(ready);
                selected.put(key);
                updated++;
            }
        }
        woken.set(false);
        return updated;
    }

    /** Makes the selection in progress, or the next one, return at once: one {@code write(2)} to the eventfd. */
    @Override
    public FfmSelector wakeup() {
        if (!woken.get()) {
            synchronized (wakeCapture) { // not while close releases the descriptors
                if (!released && woken.compareAndSet(false, true)) {
                    Kernel.write(wakeCapture, wakeFd, one, 8); // a full counter (EAGAIN) wakes as well
                }
            }
        }
        return this;
    }

    /**
     * Closes: wakes a selection in progress (which returns as from a wake-up) and, once it has returned, cancels every
     * key and closes epoll and the eventfd.
     */
    @Override
    protected void implCloseSelector() {
        // isOpen() is false already, so wakeup() would not write: wake a selecting thread here
        synchronized (wakeCapture) {
            Kernel.write(wakeCapture, wakeFd, one, 8);
        }
        synchronized (this) {
            synchronized (selected) {
                for (SelectionKey k : keys.toArray(new SelectionKey[0])) {
                    ((AbstractSelectionKey) k).cancel();
                }
                processCancelled();
                synchronized (ctl) {
                    synchronized (wakeCapture) {
                        released = true;
                        Kernel.close(capture, wakeFd);
                        Kernel.close(capture, epfd);
                    }
                    arena.close();
                }
            }
        }
    }

    /**
     * The selected-key set: removals (by the caller, through its iterator too) but no additions, as the contract
     * says; an array in which each key records its index, so that selecting a key and removing it allocate nothing
     * (a {@code HashSet} allocates a node for every key it takes). Removal moves the last key into the gap.
     */
    private static final class SelectedKeys extends AbstractSet<SelectionKey> {
        private FfmSelectionKey[] keys = new FfmSelectionKey[64];
        private int size;

        void put(FfmSelectionKey k) {
            if (size == keys.length) {
                keys = java.util.Arrays.copyOf(keys, size * 2);
            }
            k.selectedAt = size;
            keys[size++] = k;
        }

        @Override
        public boolean contains(Object o) {
            return o instanceof FfmSelectionKey k && k.selectedAt >= 0 && k.selectedAt < size && keys[k.selectedAt] == k;
        }

        @Override
        public boolean remove(Object o) {
            if (!contains(o)) {
                return false;
            }
            FfmSelectionKey k = (FfmSelectionKey) o;
            removeAt(k.selectedAt);
            return true;
        }

        private void removeAt(int i) {
            FfmSelectionKey k = keys[i];
            FfmSelectionKey last = keys[--size];
            keys[i] = last;
            last.selectedAt = i;
            keys[size] = null;
            k.selectedAt = -1;
        }

        @Override
        public void clear() {
            for (int i = 0; i < size; i++) {
                keys[i].selectedAt = -1;
                keys[i] = null;
            }
            size = 0;
        }

        @Override
        public int size() {
            return size;
        }

        @Override
        public boolean add(SelectionKey k) {
            throw new UnsupportedOperationException("a selected-key set takes no additions");
        }

        @Override
        public boolean addAll(java.util.Collection<? extends SelectionKey> c) {
            throw new UnsupportedOperationException("a selected-key set takes no additions");
        }

        /** The iterator handed out when none is in use, so that iterating allocates nothing. */
        private final Iter cached = new Iter();

        /**
         * An iterator: the set's own when it is free (the usual loop over the keys after each selection), a new one
         * when it is still in use (a nested or abandoned iteration). A selection ends every iteration before it.
         */
        @Override
        public Iterator<SelectionKey> iterator() {
            if (cached.inUse) {
                Iter fresh = new Iter();
                fresh.inUse = true;
                return fresh;
            }
            cached.next = 0;
            cached.removable = false;
            cached.inUse = true;
            return cached;
        }

        /** A selection begins: no iteration from before it goes on (the set changes under it). */
        void selecting() {
            cached.inUse = false;
        }

        private final class Iter implements Iterator<SelectionKey> {
            int next;
            boolean removable, inUse;

            @Override
            public boolean hasNext() {
                if (next < size) {
                    return true;
                }
                inUse = false;
                return false;
            }

            @Override
            public SelectionKey next() {
                if (next >= size) {
                    throw new java.util.NoSuchElementException();
                }
                removable = true;
                return keys[next++];
            }

            @Override
            public void remove() {
                if (!removable) {
                    throw new IllegalStateException();
                }
                removable = false;
                removeAt(--next); // the last key moves into the gap, and is the next one returned
            }
        }
    }
}
