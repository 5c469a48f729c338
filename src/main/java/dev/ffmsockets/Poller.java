package dev.ffmsockets;

import dev.ffmsockets.raw.epoll_event;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * The library's own poller: where a virtual thread waits for its socket to become ready instead of blocking in a
 * system call (which would hold its carrier). It parks, unmounting from the carrier, and is unparked when epoll
 * reports the descriptor ready.
 *
 * <p>Three epoll instances, started on first use: one for sockets waiting to read, one for sockets waiting to
 * write, and a master. The read and write pollers run on virtual threads, so that polling takes turns with the
 * threads it serves on the same carriers instead of handing each event across OS threads: each polls without
 * waiting ({@code epoll_wait} with timeout 0), unparks the threads whose descriptors are ready, yields, and
 * polls again; when nothing is ready it parks itself in the master poller, a daemon platform thread asleep in
 * {@code epoll_wait} on the two pollers' own epoll descriptors, which unparks it when they have events. Nothing
 * ever spins: a poller with no events sleeps.
 *
 * <p>A waiting thread records itself for its descriptor, arms a one-shot registration ({@code EPOLL_CTL_MOD},
 * or {@code EPOLL_CTL_ADD} the first time), and parks. A thread that times out, is interrupted, or is woken by a
 * close ({@link #wake}) removes itself; the registration goes with the descriptor when it is closed. The pollers
 * never call user code. They need no wake-up descriptor ({@code eventfd}): another thread's {@code epoll_ctl}
 * takes effect at once, arming a descriptor that is already ready reports it at once, and a close unparks the
 * waiters itself.
 */
final class Poller {

    private static final int BATCH = 256;

    private static final class Master {
        static final Poller POLLER = new Poller("master", EPOLLIN, true);
    }

    private static final class Readers {
        static final Poller POLLER = new Poller("read", EPOLLIN | EPOLLRDHUP, false);
    }

    private static final class Writers {
        static final Poller POLLER = new Poller("write", EPOLLOUT, false);
    }

    private static volatile boolean readersStarted, writersStarted;

    private final String name;
    private final int interest;
    private final int epfd;
    /** Descriptor to the thread waiting for it, or to a {@code Thread[]} when several wait for the same one. */
    private final ConcurrentHashMap<Integer, Object> waiters = new ConcurrentHashMap<>();
    private final Thread thread;

    private Poller(String name, int interest, boolean master) {
        this.name = name;
        this.interest = interest | EPOLLONESHOT;
        epfd = epoll_create1(EPOLL_CLOEXEC);
        if (epfd < 0) {
            throw new UncheckedIOException(Errors.of("epoll_create1", name + " poller", errno(), false));
        }
        thread = master
                ? Thread.ofPlatform().daemon().name("ffm-sockets-master-poller").start(this::sleepAndWake)
                : Thread.ofVirtual().name("ffm-sockets-" + name + "-poller").start(this::pollAndYield);
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
        if (waiters.putIfAbsent(key, me) != null) {
            waiters.compute(key, (k, v) -> v == null ? me : join(v, me));
        }
        try {
            arm(fd);
            if (deadline == 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, deadline - System.nanoTime());
            }
        } finally {
            if (!waiters.remove(key, me)) {
                waiters.computeIfPresent(key, (k, v) -> leave(v, me));
            }
        }
    }

    private static Object join(Object v, Thread t) {
        Thread[] all = v instanceof Thread one ? new Thread[] {one} : (Thread[]) v;
        Thread[] more = Arrays.copyOf(all, all.length + 1);
        more[all.length] = t;
        return more;
    }

    private static Object leave(Object v, Thread t) {
        if (v == t) {
            return null;
        }
        if (!(v instanceof Thread[] all)) {
            return v;
        }
        Thread[] rest = Arrays.stream(all).filter(x -> x != t).toArray(Thread[]::new);
        return rest.length == 0 ? null : rest.length == 1 ? rest[0] : rest;
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

    /** Unparks every thread waiting for {@code fd} in the read or the write poller (a close does it). */
    static void wake(int fd) {
        if (readersStarted) {
            Readers.POLLER.unparkAll(fd);
        }
        if (writersStarted) {
            Writers.POLLER.unparkAll(fd);
        }
    }

    private void unparkAll(int fd) {
        Object v = waiters.remove(fd);
        if (v instanceof Thread one) {
            LockSupport.unpark(one);
        } else if (v instanceof Thread[] all) {
            for (Thread t : all) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Unparks the threads of the {@code n} events in {@code events}. */
    private void unparkReady(MemorySegment events, int n) {
        for (int i = 0; i < n; i++) {
            unparkAll((int) events.get(JAVA_LONG_UNALIGNED, i * epoll_event.sizeof() + epoll_event.data$offset()));
        }
    }

    /** The read and write pollers: poll without waiting, unpark, yield; park in the master when idle. */
    private void pollAndYield() {
        MemorySegment events = Arena.ofAuto().allocate(epoll_event.layout(), BATCH);
        for (;;) {
            int n = epoll_wait(epfd, events, BATCH, 0);
            if (n > 0) {
                unparkReady(events, n);
                Thread.yield();
            } else if (n == 0) {
                try {
                    Master.POLLER.await(epfd, 0);
                } catch (IOException e) {
                    failed("parking in the master poller", e);
                }
            } else if (errno() != EINTR) {
                failed("epoll_wait", Errors.of("epoll_wait", name + " poller", errno(), false));
            }
        }
    }

    /** The master: sleeps in epoll_wait until a poller's epoll has events, and unparks that poller. */
    private void sleepAndWake() {
        MemorySegment events = Arena.ofAuto().allocate(epoll_event.layout(), BATCH);
        for (;;) {
            int n = epoll_wait(epfd, events, BATCH, -1);
            if (n > 0) {
                unparkReady(events, n);
            } else if (n < 0 && errno() != EINTR) {
                failed("epoll_wait", Errors.of("epoll_wait", name + " poller", errno(), false));
            }
        }
    }

    /** A poller cannot throw to anyone: it reports the failure and carries on. */
    private void failed(String what, IOException e) {
        System.err.println("ffm-sockets " + name + " poller: " + what + ": " + e.getMessage());
        LockSupport.parkNanos(10_000_000); // do not flood if the failure repeats
    }

    /** How many threads wait in this poller now (for tests and diagnostics). */
    int waiting() {
        return waiters.values().stream().mapToInt(v -> v instanceof Thread[] all ? all.length : 1).sum();
    }

    /** How many threads wait in the read poller and the write poller together. */
    static int waitingInAll() {
        return (readersStarted ? Readers.POLLER.waiting() : 0) + (writersStarted ? Writers.POLLER.waiting() : 0);
    }

    /** Whether {@code thread} is recorded as waiting for {@code fd} in the read or the write poller (for tests). */
    static boolean isWaiting(Thread thread, int fd) {
        return readersStarted && Readers.POLLER.holds(fd, thread) || writersStarted && Writers.POLLER.holds(fd, thread);
    }

    private boolean holds(int fd, Thread t) {
        Object v = waiters.get(fd);
        return v == t || v instanceof Thread[] all && Arrays.asList(all).contains(t);
    }
}
