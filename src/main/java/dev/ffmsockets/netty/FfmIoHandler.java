package dev.ffmsockets.netty;

import dev.ffmsockets.kernel.Epoll;
import dev.ffmsockets.kernel.Kernel;
import dev.ffmsockets.kernel.Platform;
import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;

import static dev.ffmsockets.posix.Posix.*;

/**
 * Netty's {@link IoHandler} on ffm-sockets: one {@code epoll(7)} instance per event loop, reached through the
 * library's downcalls (no JNI). Each loop's run is one {@code epoll_wait(2)} into a native event array (no allocation
 * per event), with the timeout Netty's {@link IoHandlerContext} gives; a wake-up from another thread is one
 * {@code write(2)} to an {@code eventfd(2)}, made only when the loop sleeps or is about to.
 *
 * <p>Level-triggered: a descriptor is in epoll only while its channel wants something (to read, to write, to finish a
 * connection), as the JDK's selector keeps it, so an error or hang-up is not reported over and over to a channel that
 * asked for nothing. The channels keep their interest exact (reading stops when auto-read is off and no read is
 * pending; writability is asked for only while a write waits).
 *
 * <p>Use it with Netty's own event loop group and this package's channels:
 * <pre>{@code
 * EventLoopGroup group = new MultiThreadIoEventLoopGroup(FfmIoHandler.newFactory());
 * new ServerBootstrap().group(group).channel(FfmServerSocketChannel.class) ...
 * }</pre>
 */
@SuppressWarnings("exports") // Netty's types, which the module requires static: a user of the transport has Netty
public final class FfmIoHandler implements IoHandler {

    private static final int MAX_EVENTS = 1024;
    private static final io.netty.util.internal.logging.InternalLogger LOG =
            io.netty.util.internal.logging.InternalLoggerFactory.getInstance(FfmIoHandler.class);

    /** {@return a factory for Netty's {@code MultiThreadIoEventLoopGroup}: one handler for each event loop} */
    public static IoHandlerFactory newFactory() {
        return FfmIoHandler::new;
    }

    private final ThreadAwareExecutor executor;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment events, ctl, capture, one, wakeCapture;
    final Scratch scratch;
    private final int epfd, wakeFd;
    /** Each registered descriptor's registration, by number; the event loop's alone. */
    private Registration[] byFd = new Registration[256];
    /** Whether the loop is awake (or about to be): a wake-up writes to the eventfd only when it is not. */
    private final AtomicBoolean awake = new AtomicBoolean(true);
    /** Set once the descriptors are closed; read and written under {@code wakeCapture}. */
    private boolean released;

    private FfmIoHandler(ThreadAwareExecutor executor) {
        this.executor = executor;
        Platform.require();
        capture = arena.allocate(Kernel.CAPTURE);
        wakeCapture = arena.allocate(Kernel.CAPTURE);
        events = arena.allocate(Platform.EPOLL_EVENT, MAX_EVENTS);
        ctl = arena.allocate(Platform.EPOLL_EVENT);
        one = arena.allocateFrom(ValueLayout.JAVA_LONG, 1L);
        scratch = new Scratch(arena);
        int ep = Epoll.epoll_create1(capture, EPOLL_CLOEXEC);
        if (ep < 0) {
            IllegalStateException e = new IllegalStateException(Io.failure("epoll_create1", "", Kernel.errno(capture)));
            arena.close();
            throw e;
        }
        int wake = Epoll.eventfd(capture, 0, EFD_CLOEXEC | EFD_NONBLOCK);
        if (wake < 0) {
            IllegalStateException e = new IllegalStateException(Io.failure("eventfd", "", Kernel.errno(capture)));
            Kernel.close(capture, ep);
            arena.close();
            throw e;
        }
        // edge-triggered: each write wakes epoll_wait once, and the counter is never read back
        Platform.epollEvent(ctl, EPOLLIN | EPOLLET, wake);
        if (Epoll.epoll_ctl(capture, ep, EPOLL_CTL_ADD, wake, ctl) < 0) {
            IllegalStateException e = new IllegalStateException(Io.failure("epoll_ctl", "", Kernel.errno(capture)));
            Kernel.close(capture, wake);
            Kernel.close(capture, ep);
            arena.close();
            throw e;
        }
        epfd = ep;
        wakeFd = wake;
    }

    @Override
    public int run(IoHandlerContext context) {
        int n;
        if (!context.canBlock()) {
            n = epollWait(0);
        } else {
            // asleep first, then a last look at the task queue: a task added after it sees the loop asleep and wakes it
            awake.set(false);
            try {
                if (context.canBlock()) {
                    long deadline = context.deadlineNanos();
                    n = epollWait(deadline == -1 ? -1 : millis(context.delayNanos(System.nanoTime())));
                } else {
                    n = epollWait(0);
                }
            } finally {
                awake.set(true);
            }
        }
        int handled = 0;
        for (int i = 0; i < n; i++) {
            int fd = Platform.epollFd(events, i);
            if (fd == wakeFd) {
                continue;
            }
            int ready = Platform.epollEvents(events, i);
            Registration r = fd < byFd.length ? byFd[fd] : null;
            if (r == null || !r.isValid()) {
                Epoll.epoll_ctl(capture, epfd, EPOLL_CTL_DEL, fd, MemorySegment.NULL); // a leftover: forget it
                continue;
            }
            r.event.ready = ready;
            try {
                r.handle.handle(r, r.event);
            } catch (RuntimeException t) {
                // a handle's failure is its own: the loop goes on serving the others (an Error still ends the loop)
                LOG.warn("an I/O handle failed on its event; the event loop goes on", t);
            }
            handled++;
        }
        return handled;
    }

    /** Milliseconds for {@code epoll_wait}, rounded up so that a timer due in under a millisecond is not spun for. */
    private static int millis(long nanos) {
        if (nanos <= 0) {
            return 0;
        }
        return (int) Math.min((nanos + 999_999) / 1_000_000, Integer.MAX_VALUE);
    }

    private int epollWait(int timeout) {
        int n = Epoll.epoll_wait(capture, epfd, events, MAX_EVENTS, timeout);
        return Math.max(n, 0); // EINTR: a signal; the loop runs again
    }

    @Override
    public void wakeup() {
        if (!awake.get() && !awake.getAndSet(true)) {
            synchronized (wakeCapture) { // not while destroy closes the eventfd
                if (!released) {
                    Kernel.write(wakeCapture, wakeFd, one, 8); // a full counter (EAGAIN) wakes as well
                }
            }
        }
    }

    /** Closes every channel still registered, as the loop begins to shut down. */
    @Override
    public void prepareToDestroy() {
        closeAll();
    }

    /**
     * Closes what is left, then the epoll instance and the eventfd. Netty may end a loop without calling
     * {@link #prepareToDestroy()} (its shutdown can be confirmed in the very turn it is asked for, with no quiet
     * period), so the channels still registered are closed here too: no descriptor outlives its loop.
     */
    @Override
    public void destroy() {
        closeAll();
        synchronized (wakeCapture) {
            released = true;
            Kernel.close(capture, wakeFd);
            Kernel.close(capture, epfd);
        }
        arena.close();
    }

    private void closeAll() {
        for (Registration r : byFd.clone()) {
            if (r != null) {
                r.cancel();
                try {
                    r.handle.close();
                } catch (RuntimeException e) {
                    // the channel is closing; what it failed with is its own to report
                }
            }
        }
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        FfmIoHandle h = (FfmIoHandle) handle;
        int fd = h.fd();
        if (fd < 0) {
            throw new IOException("register: the channel's descriptor is closed");
        }
        if (fd >= byFd.length) {
            byFd = Arrays.copyOf(byFd, Math.max(fd + 1, byFd.length * 2));
        }
        Registration r = new Registration(h, fd);
        byFd[fd] = r; // a closed channel's entry under the same number is replaced: its descriptor was closed
        return r;
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return FfmIoHandle.class.isAssignableFrom(handleType);
    }

    /** A channel's place in this loop's epoll. */
    final class Registration implements IoRegistration {
        final FfmIoHandle handle;
        final int fd;
        final FfmIoEvent event = new FfmIoEvent();
        private volatile boolean valid = true;
        /** The events in epoll now; 0 when the descriptor is not in it. */
        private int inEpoll;

        Registration(FfmIoHandle handle, int fd) {
            this.handle = handle;
            this.fd = fd;
        }

        @Override
        @SuppressWarnings("unchecked")
        public <T> T attachment() {
            return (T) FfmIoHandler.this;
        }

        /**
         * Sets the events the channel waits for ({@link FfmIoOps}): the descriptor joins epoll, changes there, or
         * leaves it when it waits for nothing.
         *
         * @return the events now set, or -1 if this registration was cancelled
         */
        @Override
        public long submit(IoOps ops) {
            int wanted = ((FfmIoOps) ops).events();
            if (!valid) {
                return -1;
            }
            if (wanted == inEpoll) {
                return wanted;
            }
            int result;
            if (executor.isExecutorThread(Thread.currentThread())) {
                result = ctl(ctl, capture, wanted);
            } else {
                try (Arena a = Arena.ofConfined()) {
                    result = ctl(a.allocate(Platform.EPOLL_EVENT), a.allocate(Kernel.CAPTURE), wanted);
                }
            }
            return result;
        }

        private int ctl(MemorySegment event, MemorySegment errno, int wanted) {
            int op = wanted == 0 ? EPOLL_CTL_DEL : inEpoll == 0 ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
            Platform.epollEvent(event, wanted, fd);
            if (Epoll.epoll_ctl(errno, epfd, op, fd, wanted == 0 ? MemorySegment.NULL : event) < 0) {
                throw new java.io.UncheckedIOException(Io.failure("epoll_ctl", "", Kernel.errno(errno)));
            }
            inEpoll = wanted;
            return wanted;
        }

        @Override
        public boolean isValid() {
            return valid;
        }

        /** Takes the descriptor out of epoll (while it is still open, so that a copy of it cannot keep it there). */
        @Override
        public boolean cancel() {
            if (!valid) {
                return false;
            }
            valid = false;
            if (inEpoll != 0) {
                if (executor.isExecutorThread(Thread.currentThread())) {
                    Epoll.epoll_ctl(capture, epfd, EPOLL_CTL_DEL, fd, MemorySegment.NULL);
                } else {
                    try (Arena a = Arena.ofConfined()) {
                        Epoll.epoll_ctl(a.allocate(Kernel.CAPTURE), epfd, EPOLL_CTL_DEL, fd, MemorySegment.NULL);
                    }
                }
                inEpoll = 0;
            }
            if (executor.isExecutorThread(Thread.currentThread())) {
                forget();
            } else {
                executor.execute(this::forget);
            }
            return true;
        }

        private void forget() {
            if (fd < byFd.length && byFd[fd] == this) {
                byFd[fd] = null;
            }
        }
    }
}
