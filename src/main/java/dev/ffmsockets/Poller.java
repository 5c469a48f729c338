package dev.ffmsockets;

import dev.ffmsockets.raw.epoll_event;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * The library's own poller: where a thread waits for its socket to become ready instead of blocking in a system
 * call, so that a virtual thread unmounts and frees its carrier. One for reading, one for writing (as the JDK has),
 * each an epoll instance watched by a daemon platform thread, started the first time a thread waits.
 *
 * <p>A waiting thread records itself for the descriptor, arms a one-shot registration ({@code EPOLL_CTL_MOD},
 * or {@code EPOLL_CTL_ADD} the first time) and parks; the poller thread's {@code epoll_wait} reports the
 * descriptor ready and unparks every thread recorded for it. The poller never calls user code and never spins:
 * it sleeps in {@code epoll_wait} until an event. A thread that times out or is woken by a close removes itself.
 * The registration goes with the descriptor when it is closed.
 *
 * <p>It needs no wake-up descriptor ({@code eventfd}): other threads' {@code epoll_ctl} take effect at once
 * in the sleeping {@code epoll_wait}, a close unparks the waiters itself ({@link #wake}), and the poller threads
 * live as long as the JVM.
 */
final class Poller {

    private static final int BATCH = 256;

    private static final class Readers {
        static final Poller POLLER = new Poller("read", EPOLLIN | EPOLLRDHUP);
    }

    private static final class Writers {
        static final Poller POLLER = new Poller("write", EPOLLOUT);
    }

    private static volatile boolean readersStarted, writersStarted;

    private final String name;
    private final int interest;
    private final int epfd;
    private final ConcurrentHashMap<Integer, Set<Thread>> waiters = new ConcurrentHashMap<>();
    private final Thread thread;

    private Poller(String name, int interest) {
        this.name = name;
        this.interest = interest | EPOLLONESHOT;
        epfd = epoll_create1(EPOLL_CLOEXEC);
        if (epfd < 0) {
            throw new UncheckedIOException(Errors.of("epoll_create1", name + " poller", errno(), false));
        }
        thread = Thread.ofPlatform().daemon().name("ffm-sockets-" + name + "-poller").start(this::loop);
    }

    /** The poller for {@code POLLIN} or {@code POLLOUT}, started if it is not yet. */
    static Poller of(int events) {
        if (events == POLLIN) {
            readersStarted = true;
            return Readers.POLLER;
        }
        writersStarted = true;
        return Writers.POLLER;
    }

    /**
     * Parks the calling thread until {@code fd} may be ready, the deadline ({@code System.nanoTime()}, 0 for none)
     * passes, {@link #wake} is called for it, or the thread is interrupted. The caller tries its call again and
     * comes back here if it would still block; a wake-up without readiness is harmless.
     */
    void await(int fd, long deadline) throws IOException {
        Thread me = Thread.currentThread();
        Integer key = fd;
        waiters.compute(key, (k, set) -> {
            Set<Thread> s = set != null ? set : ConcurrentHashMap.newKeySet();
            s.add(me);
            return s;
        });
        try {
            arm(fd);
            if (deadline == 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, deadline - System.nanoTime());
            }
        } finally {
            waiters.computeIfPresent(key, (k, set) -> {
                set.remove(me);
                return set.isEmpty() ? null : set;
            });
        }
    }

    /** Arms the one-shot registration of {@code fd}: modify it, or add it if epoll does not have it. */
    private void arm(int fd) throws IOException {
        MemorySegment e = Scratch.current().epollEvent;
        epoll_event.events(e, interest);
        epoll_event.data(e).set(JAVA_LONG_UNALIGNED, 0, fd);
        if (epoll_ctl(epfd, EPOLL_CTL_MOD, fd, e) == 0) {
            return;
        }
        int error = errno();
        if (error == ENOENT) {
            if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, e) == 0) {
                return;
            }
            error = errno();
            if (error == EEXIST && epoll_ctl(epfd, EPOLL_CTL_MOD, fd, e) == 0) {
                return; // another thread added it meanwhile
            }
            error = errno();
        }
        throw Errors.of("epoll_ctl", "fd " + fd + ", " + name + " poller", error, false);
    }

    /** Unparks every thread waiting for {@code fd} in either poller (a close does it). */
    static void wake(int fd) {
        if (readersStarted) {
            Readers.POLLER.unparkAll(fd);
        }
        if (writersStarted) {
            Writers.POLLER.unparkAll(fd);
        }
    }

    private void unparkAll(int fd) {
        Set<Thread> set = waiters.remove(fd);
        if (set != null) {
            set.forEach(LockSupport::unpark);
        }
    }

    /** How many threads wait in this poller now (for tests and diagnostics). */
    int waiting() {
        return waiters.values().stream().mapToInt(Set::size).sum();
    }

    /** How many threads wait in the read poller and the write poller together. */
    static int waitingInAll() {
        return (readersStarted ? Readers.POLLER.waiting() : 0) + (writersStarted ? Writers.POLLER.waiting() : 0);
    }

    /** Whether {@code thread} is recorded as waiting for {@code fd} in either poller (for tests). */
    static boolean isWaiting(Thread thread, int fd) {
        return readersStarted && Readers.POLLER.waiters.getOrDefault(fd, Set.of()).contains(thread)
                || writersStarted && Writers.POLLER.waiters.getOrDefault(fd, Set.of()).contains(thread);
    }

    /** The poller threads started so far (for tests). */
    static java.util.List<Thread> threads() {
        java.util.List<Thread> all = new java.util.ArrayList<>();
        if (readersStarted) {
            all.add(Readers.POLLER.thread);
        }
        if (writersStarted) {
            all.add(Writers.POLLER.thread);
        }
        return all;
    }

    private void loop() {
        MemorySegment events = Arena.ofAuto().allocate(epoll_event.layout(), BATCH);
        for (;;) {
            int n = epoll_wait(epfd, events, BATCH, -1);
            if (n < 0) {
                if (errno() != EINTR) {
                    System.err.println("ffm-sockets " + name + " poller: epoll_wait: " + strerror(errno()));
                }
                continue;
            }
            for (int i = 0; i < n; i++) {
                long data = events.get(JAVA_LONG_UNALIGNED, i * epoll_event.sizeof() + epoll_event.data$offset());
                unparkAll((int) data);
            }
        }
    }
}
