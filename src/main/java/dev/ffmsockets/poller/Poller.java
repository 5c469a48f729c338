package dev.ffmsockets.poller;

import dev.ffmsockets.ErrnoSocketException;
import dev.ffmsockets.kernel.Epoll;
import dev.ffmsockets.kernel.Kernel;
import dev.ffmsockets.kernel.Platform;
import dev.ffmsockets.posix.Posix;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.locks.LockSupport;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.MemoryLayout.PathElement.groupElement;

/**
 * Where a virtual thread waits for its socket to become ready instead of blocking in a system call (which would
 * hold its carrier): it parks, unmounting from the carrier, and is unparked when epoll reports the descriptor
 * ready.
 *
 * <p>Three epoll instances, made on first use: one for sockets waiting to read, one for sockets waiting to write,
 * and a master. The read and write pollers run on virtual threads, so that polling takes turns with the threads
 * it serves on the same carriers instead of handing each event across OS threads: each polls without waiting
 * ({@code epoll_wait} with timeout 0), unparks the threads whose descriptors are ready, yields, and polls again;
 * when nothing is ready it parks itself in the master, a daemon platform thread asleep in {@code epoll_wait} on
 * the two pollers' own epoll descriptors. Nothing spins unless asked to ({@link #SPIN}): a poller with no events
 * sleeps. If they cannot be made
 * (say {@code epoll_create1} fails with {@code EMFILE}), the call that needed them fails with that errno and the
 * next use tries again.
 *
 * <p>A socket is registered with the read or the write poller once, the first time a thread waits on it, edge
 * triggered ({@code EPOLLET}), and stays registered until it is closed ({@link #deregister}): a wait makes no
 * {@code epoll_ctl}, as Go's poller makes none. A waiting thread records itself for its descriptor and parks; it
 * removes itself when it wakes, for whatever reason (ready, timed out, interrupted, or unparked by a close). An
 * edge that comes while nobody waits is kept as "ready" for the descriptor, and the next thread to wait finds it
 * and does not park: readiness that came between a call's {@code EAGAIN} and its wait is never lost. The master
 * poller, which the pollers themselves park in, arms one-shot registrations instead. The pollers never call user
 * code and need no wake-up descriptor: another thread's {@code epoll_ctl} takes effect at once, and registering a
 * descriptor that is already ready reports it at once.
 */
public final class Poller {

    private static final int BATCH = 256;

    /**
     * How many times in a row a read or write poller polls and finds nothing before it parks in the master
     * ({@code -Dffmsockets.poller.spin=N}, 0 to 10,000; default 0). Each empty poll is an {@code epoll_wait} that
     * returns at once and a yield to the threads ready to run: a little CPU spent while idle, against the master's
     * wake-up (a platform thread's {@code epoll_wait} returning, then an unpark) when the next event comes soon.
     * Off by default: it spends CPU that was not asked for.
     */
    static final int SPIN = Math.clamp(Integer.getInteger("ffmsockets.poller.spin", 0), 0, 10_000);
    private static final StructLayout CAPTURE = Linker.Option.captureStateLayout();
    private static final VarHandle ERRNO = CAPTURE.varHandle(groupElement("errno")).withInvokeExactBehavior();

    private static final Object STARTING = new Object();
    private static volatile Poller master, readers, writers;

    /** An epoll_event to arm a registration with, and where epoll_ctl's errno goes. */
    private record Arming(MemorySegment capture, MemorySegment event) {
        static Arming make() {
            MemorySegment m = Arena.ofAuto().allocate(CAPTURE.byteSize() + Platform.EPOLL_EVENT.byteSize(), 8);
            return new Arming(m.asSlice(0, CAPTURE.byteSize()), m.asSlice(CAPTURE.byteSize(), Platform.EPOLL_EVENT.byteSize()));
        }
    }

    private static final Pool<Arming> ARMING = new Pool<>(Arming::make);

    private final String name;
    private final int interest;
    private final int epfd;
    /** Edge-triggered registrations made once (the read and write pollers), or one-shot ones armed per wait. */
    private final boolean edge;
    /** Who waits for each descriptor: a thread, or a {@code Thread[]} when several wait for the same one. */
    private final Waiters waiters = new Waiters();

    private Poller(String name, int interest, boolean edge) throws IOException {
        this.name = name;
        this.edge = edge;
        this.interest = interest | (edge ? EPOLLET : EPOLLONESHOT);
        MemorySegment capture = Arena.ofAuto().allocate(CAPTURE);
        epfd = Epoll.epoll_create1(capture, EPOLL_CLOEXEC);
        if (epfd < 0) {
            throw failure("epoll_create1", (int) ERRNO.get(capture, 0L));
        }
    }

    /**
     * The poller for {@code POLLIN} or {@code POLLOUT}, started if it is not yet.
     *
     * @param events {@code POLLIN} or {@code POLLOUT}
     * @return the poller
     * @throws IOException if it cannot be started ({@code EMFILE}, ...); the next call tries again
     */
    public static Poller of(int events) throws IOException {
        Poller p = events == POLLIN ? readers : writers;
        return p != null ? p : start(events == POLLIN);
    }

    private static Poller start(boolean read) throws IOException {
        synchronized (STARTING) {
            if (master == null) {
                Poller m = new Poller("master", EPOLLIN, false);
                startThread(m, () -> Thread.ofPlatform().daemon().name("ffm-sockets-master-poller").unstarted(m::sleepAndWake));
                master = m;
            }
            Poller p = read ? readers : writers;
            if (p == null) {
                Poller q = p = new Poller(read ? "read" : "write", read ? EPOLLIN | EPOLLRDHUP : EPOLLOUT, true);
                startThread(q, () -> Thread.ofVirtual().name("ffm-sockets-" + q.name + "-poller").unstarted(q::pollAndYield));
                if (read) {
                    readers = p;
                } else {
                    writers = p;
                }
            }
            return p;
        }
    }

    /** Starts a poller's thread; if that fails, its epoll descriptor is closed and the failure passed on. */
    private static void startThread(Poller p, java.util.function.Supplier<Thread> thread) {
        try {
            thread.get().start();
        } catch (RuntimeException | Error e) {
            Kernel.close(Arena.ofAuto().allocate(CAPTURE), p.epfd);
            throw e;
        }
    }

    /**
     * Parks the calling thread until {@code fd} may be ready, the deadline ({@code System.nanoTime()}, 0 for none)
     * passes, or the thread is unparked or interrupted. The caller tries its call again and comes back here if it
     * would still block; a wake-up without readiness is harmless.
     *
     * @param fd       the descriptor
     * @param deadline when to stop waiting, 0 for never
     * @throws IOException if the registration fails ({@code epoll_ctl})
     */
    public void await(int fd, long deadline) throws IOException {
        Thread me = Thread.currentThread();
        if (!waiters.join(fd, me)) {
            return; // it became ready since the caller's call: try again at once
        }
        try {
            if (!edge) {
                arm(fd, EPOLL_CTL_MOD);
            }
            if (deadline == 0) {
                LockSupport.park(this);
            } else {
                LockSupport.parkNanos(this, deadline - System.nanoTime());
            }
        } finally {
            waiters.leave(fd, me);
        }
    }

    /**
     * Registers {@code fd}, edge triggered, once for the socket's life: before a thread first waits on it here.
     * Registering a socket that is ready already reports it at once.
     *
     * @param fd the descriptor
     * @throws IOException if {@code epoll_ctl} fails
     */
    public void register(int fd) throws IOException {
        waiters.clearReady(fd); // left by an earlier socket of the same number
        arm(fd, EPOLL_CTL_ADD);
    }

    /**
     * Removes the registrations of {@code fd} from the read and the write poller, as its socket is closed: the
     * open file may outlive the number (a dup, a forked child), and its events must not come under the number.
     * Never throws.
     *
     * @param fd    the descriptor
     * @param read  whether it was registered with the read poller
     * @param write whether it was registered with the write poller
     */
    public static void deregister(int fd, boolean read, boolean write) {
        Poller r = readers, w = writers;
        if (read && r != null) {
            r.delete(fd);
        }
        if (write && w != null) {
            w.delete(fd);
        }
    }

    private void delete(int fd) {
        Arming m = ARMING.take();
        try {
            Epoll.epoll_ctl(m.capture(), epfd, EPOLL_CTL_DEL, fd, m.event());
        } finally {
            ARMING.give(m);
        }
    }

    /** Arms the registration of {@code fd}: modify it (one-shot, per wait) or add it, the other when that fails. */
    private void arm(int fd, int op) throws IOException {
        Arming m = ARMING.take();
        try {
            MemorySegment capture = m.capture(), e = m.event();
            Platform.epollEvent(e, interest, fd);
            if (Epoll.epoll_ctl(capture, epfd, op, fd, e) == 0) {
                return;
            }
            int error = (int) ERRNO.get(capture, 0L);
            if (op == EPOLL_CTL_ADD && error == EEXIST) {
                return; // another thread registered it meanwhile
            }
            if (error == ENOENT) {
                if (Epoll.epoll_ctl(capture, epfd, EPOLL_CTL_ADD, fd, e) == 0) {
                    return;
                }
                error = (int) ERRNO.get(capture, 0L);
                if (error == EEXIST && Epoll.epoll_ctl(capture, epfd, EPOLL_CTL_MOD, fd, e) == 0) {
                    return; // another thread added it meanwhile
                }
                error = (int) ERRNO.get(capture, 0L);
            }
            throw failure("epoll_ctl", fd, error);
        } finally {
            ARMING.give(m);
        }
    }

    private void unparkAll(int fd) {
        Object v = edge ? waiters.ready(fd) : waiters.take(fd);
        if (v instanceof Thread one) {
            LockSupport.unpark(one);
        } else if (v instanceof Thread[] all) {
            for (Thread t : all) {
                LockSupport.unpark(t);
            }
        }
    }

    /** Waits for events (timeout 0: returns at once) and unparks their threads; the count, or -1 and errno. */
    private int poll(MemorySegment capture, MemorySegment events, int timeout) {
        int n = Epoll.epoll_wait(capture, epfd, events, BATCH, timeout);
        for (int i = 0; i < n; i++) {
            unparkAll(Platform.epollFd(events, i));
        }
        return n;
    }

    /** The read and write pollers: poll without waiting, unpark, yield; park in the master when idle. */
    private void pollAndYield() {
        MemorySegment capture = Arena.ofAuto().allocate(CAPTURE);
        MemorySegment events = Arena.ofAuto().allocate(Platform.EPOLL_EVENT, BATCH);
        int idle = 0;
        for (;;) {
            int n = poll(capture, events, 0);
            if (n > 0 || n == 0 && idle < SPIN) {
                idle = n > 0 ? 0 : idle + 1;
                Thread.yield();
            } else if (n == 0) {
                idle = 0;
                try {
                    master.await(epfd, 0);
                } catch (IOException e) {
                    failed("parking in the master poller", e);
                }
            } else if ((int) ERRNO.get(capture, 0L) != EINTR) {
                failed("epoll_wait", failure("epoll_wait", (int) ERRNO.get(capture, 0L)));
            }
        }
    }

    /** The master: sleeps in epoll_wait until a poller's epoll has events, and unparks that poller. */
    private void sleepAndWake() {
        MemorySegment capture = Arena.ofAuto().allocate(CAPTURE);
        MemorySegment events = Arena.ofAuto().allocate(Platform.EPOLL_EVENT, BATCH);
        for (;;) {
            if (poll(capture, events, -1) < 0 && (int) ERRNO.get(capture, 0L) != EINTR) {
                failed("epoll_wait", failure("epoll_wait", (int) ERRNO.get(capture, 0L)));
            }
        }
    }

    /** A poller cannot throw to anyone: it reports the failure and carries on. */
    private void failed(String what, IOException e) {
        System.err.println("ffm-sockets " + name + " poller: " + what + ": " + e.getMessage());
        LockSupport.parkNanos(10_000_000); // do not flood if the failure repeats
    }

    private IOException failure(String call, int errno) {
        return failure(call, -1, errno);
    }

    private IOException failure(String call, int fd, int errno) {
        String name = Posix.errnoName(errno);
        return new ErrnoSocketException(call + "(" + (fd >= 0 ? "fd " + fd + ", " : "") + this.name + " poller): "
                + Posix.strerror(errno) + " (" + (name != null ? name : "errno " + errno) + ")", errno, call);
    }

    /** {@return how many threads wait in this poller now (for tests and diagnostics)} */
    public int waiting() {
        return waiters.count();
    }

    /** {@return how many threads wait in the read poller and the write poller together} */
    public static int waitingInAll() {
        Poller r = readers, w = writers;
        return (r != null ? r.waiting() : 0) + (w != null ? w.waiting() : 0);
    }

    /**
     * Whether {@code thread} is recorded as waiting for {@code fd} in the read or the write poller (for tests).
     *
     * @param thread a thread
     * @param fd     a descriptor
     * @return whether it waits there
     */
    public static boolean isWaiting(Thread thread, int fd) {
        Poller r = readers, w = writers;
        return r != null && r.holds(fd, thread) || w != null && w.holds(fd, thread);
    }

    private boolean holds(int fd, Thread t) {
        Object v = waiters.get(fd);
        return v == t || v instanceof Thread[] all && Arrays.asList(all).contains(t);
    }

    /**
     * Who waits for each descriptor, in a table indexed by the descriptor's number (numbers are small and dense):
     * no boxing, no node per wait. Chunks of the table are made as higher numbers come.
     */
    private static final class Waiters {
        private static final int CHUNK = 1024;
        /** What a descriptor's entry holds when an edge came and nobody waited. */
        private static final Object READY = new Object();
        private volatile AtomicReferenceArray<Object>[] chunks = newChunks(16);

        @SuppressWarnings("unchecked")
        private static AtomicReferenceArray<Object>[] newChunks(int n) {
            return (AtomicReferenceArray<Object>[]) new AtomicReferenceArray<?>[n];
        }

        private AtomicReferenceArray<Object> chunk(int fd) {
            AtomicReferenceArray<Object>[] c = chunks;
            int i = fd / CHUNK;
            AtomicReferenceArray<Object> chunk = i < c.length ? c[i] : null;
            return chunk != null ? chunk : grow(i);
        }

        private synchronized AtomicReferenceArray<Object> grow(int i) {
            AtomicReferenceArray<Object>[] c = chunks;
            if (i >= c.length) {
                c = Arrays.copyOf(c, Math.max(2 * c.length, i + 1));
            }
            if (c[i] == null) {
                c[i] = new AtomicReferenceArray<>(CHUNK);
            }
            chunks = c;
            return c[i];
        }

        /** Records {@code t} as waiting for {@code fd}; or, if an edge came meanwhile, consumes it: false. */
        boolean join(int fd, Thread t) {
            AtomicReferenceArray<Object> c = chunk(fd);
            int i = fd % CHUNK;
            for (;;) {
                Object v = c.get(i);
                if (v == READY) {
                    if (c.compareAndSet(i, READY, null)) {
                        return false;
                    }
                } else if (c.compareAndSet(i, v, v == null ? t : with(v, t))) {
                    return true;
                }
            }
        }

        /** An edge for {@code fd}: takes its waiters (a thread or a {@code Thread[]}), or, with none, marks it ready. */
        Object ready(int fd) {
            AtomicReferenceArray<Object> c = chunk(fd);
            int i = fd % CHUNK;
            for (;;) {
                Object v = c.get(i);
                if (v == READY || v == null && c.compareAndSet(i, null, READY)) {
                    return null;
                }
                if (v != null && c.compareAndSet(i, v, null)) {
                    return v;
                }
            }
        }

        void clearReady(int fd) {
            chunk(fd).compareAndSet(fd % CHUNK, READY, null);
        }

        void leave(int fd, Thread t) {
            AtomicReferenceArray<Object> c = chunk(fd);
            int i = fd % CHUNK;
            for (;;) {
                Object v = c.get(i);
                if (v == null || v == READY || !(v == t || v instanceof Thread[] all && Arrays.asList(all).contains(t))) {
                    return; // taken by the poller, or never there
                }
                if (c.compareAndSet(i, v, without(v, t))) {
                    return;
                }
            }
        }

        /** Takes every waiter of {@code fd}: a thread, a {@code Thread[]}, or null. */
        Object take(int fd) {
            Object v = fd < 0 ? null : chunk(fd).getAndSet(fd % CHUNK, null);
            return v == READY ? null : v;
        }

        Object get(int fd) {
            return chunk(fd).get(fd % CHUNK);
        }

        int count() {
            int n = 0;
            for (AtomicReferenceArray<Object> c : chunks) {
                for (int i = 0; c != null && i < c.length(); i++) {
                    Object v = c.get(i);
                    n += v == null || v == READY ? 0 : v instanceof Thread[] all ? all.length : 1;
                }
            }
            return n;
        }

        private static Object with(Object v, Thread t) {
            Thread[] all = v instanceof Thread one ? new Thread[] {one} : (Thread[]) v;
            Thread[] more = Arrays.copyOf(all, all.length + 1);
            more[all.length] = t;
            return more;
        }

        private static Object without(Object v, Thread t) {
            if (v == t) {
                return null;
            }
            Thread[] rest = Arrays.stream((Thread[]) v).filter(x -> x != t).toArray(Thread[]::new);
            return rest.length == 0 ? null : rest.length == 1 ? rest[0] : rest;
        }
    }
}
