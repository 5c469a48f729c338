package dev.ffmsockets.faults;

import dev.ffmsockets.Socket;
import dev.ffmsockets.kernel.Injection;

import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Faults for tests: the next {@code send} on a socket writes at most 3 bytes, every third {@code recv} of a thread
 * fails with {@code EINTR}, one {@code accept} fails with {@code EMFILE}, a {@code connect} is refused. Every call of
 * the library reaches the kernel through one layer, which consults the faults in force before each send, receive,
 * accept and connect: the C-style API ({@code Posix}), the safe wrapper ({@code Socket}), the {@code java.net}
 * adapters, the {@code java.nio} provider and the Netty transport all meet them as they would meet the kernel's own
 * failures, and handle them as they handle those (the wrapper retries an {@code EINTR} and finishes a short write in
 * {@code sendAll}; a reset is a {@code SocketException}, and so on). Nothing else of the call happens: a failed call
 * never reaches the kernel, a shortened one moves the bytes it may.
 *
 * {@snippet :
 * // the code under test: a C-style read loop that must survive EINTR
 * static long readAll(int fd, MemorySegment buf) {
 *     long got = 0;
 *     while (got < buf.byteSize()) {
 *         long n = recv(fd, buf.asSlice(got), buf.byteSize() - got, 0);
 *         if (n < 0 && errno() == EINTR) {
 *             continue;                      // interrupted: try again
 *         }
 *         if (n <= 0) {
 *             break;
 *         }
 *         got += n;
 *     }
 *     return got;
 * }
 *
 * // the test: every second recv of this thread fails with EINTR, and the loop still reads all 1000 bytes
 * try (Faults.Fault f = Faults.on(Faults.Call.RECV).ofThread().every(2).fail(EINTR)) {
 *     assertEquals(1000, readAll(fd, buf));
 *     assertTrue(f.triggered() > 0);
 * }
 * }
 *
 * <p><b>Off unless asked for.</b> Faults can be injected only in a JVM started with
 * {@code -Ddev.ffmsockets.faults=true} (a test JVM's argument, as Surefire's {@code argLine}); otherwise
 * {@link #on} throws, and the checks in the call path are a constant {@code false} the JIT removes, so the library
 * costs the same as without them.
 *
 * <p><b>Scope.</b> A fault applies to the calls on one socket's descriptor ({@link Builder#ofSocket},
 * {@link Builder#ofDescriptor}) or to the calls one thread makes ({@link Builder#ofThread()}), never to others, so
 * that tests in parallel, and the library's own threads, are not touched. A descriptor is a number the kernel reuses
 * after a close: close the fault with the socket. Faults are checked in the order they were made; the first that
 * applies decides.
 *
 * <p><b>Calls.</b> {@link Call#SEND}: {@code send}, {@code sendto}, {@code sendmsg}, {@code sendmmsg},
 * {@code write}; {@link Call#RECV}: {@code recv}, {@code recvfrom}, {@code recvmsg}, {@code recvmmsg}, {@code read};
 * {@link Call#ACCEPT}: {@code accept}, {@code accept4}; {@link Call#CONNECT}: {@code connect}. A limit of bytes
 * ({@link Builder#atMost}) applies to the calls with one buffer ({@code send}, {@code sendto}, {@code write},
 * {@code recv}, {@code recvfrom}, {@code read}); the calls of messages pass under it unchanged.
 */
public final class Faults {

    /** The system property that allows faults in a JVM, read once when the library is first used. */
    public static final String PROPERTY = "dev.ffmsockets.faults";

    private Faults() {
    }

    /** {@return whether this JVM was started with {@code -Ddev.ffmsockets.faults=true}} */
    public static boolean enabled() {
        return Injection.ON;
    }

    /** The calls a fault can be put on. */
    public enum Call {
        /** {@code send}, {@code sendto}, {@code sendmsg}, {@code sendmmsg}, {@code write}. */
        SEND(Injection.SEND),
        /** {@code recv}, {@code recvfrom}, {@code recvmsg}, {@code recvmmsg}, {@code read}. */
        RECV(Injection.RECV),
        /** {@code accept}, {@code accept4}. */
        ACCEPT(Injection.ACCEPT),
        /** {@code connect}. */
        CONNECT(Injection.CONNECT);

        final int code;

        Call(int code) {
            this.code = code;
        }
    }

    /**
     * Starts a fault on {@code call}.
     *
     * @param call the call to fail or shorten
     * @return a builder: its scope (a socket or a thread), when (the next call, the first n, every k-th, always), and
     *         what (an errno, or at most some bytes)
     * @throws IllegalStateException if the JVM was not started with {@code -Ddev.ffmsockets.faults=true}
     */
    public static Builder on(Call call) {
        Objects.requireNonNull(call, "call");
        if (!Injection.ON) {
            throw new IllegalStateException("fault injection is off in this JVM: start it with -D" + PROPERTY
                    + "=true (for a Maven test run, in Surefire's argLine)");
        }
        return new Builder(call);
    }

    /** Takes every fault out of force. */
    public static void clear() {
        Injection.clear();
    }

    /** A fault being described; made into one in force by {@link #fail} or {@link #atMost}. */
    public static final class Builder {
        private final Call call;
        private int fd = -1;
        private Thread thread;
        private long every = 0, count = 1;

        private Builder(Call call) {
            this.call = call;
        }

        /**
         * Only calls on this socket.
         *
         * @param socket an open socket
         * @return this builder
         */
        public Builder ofSocket(Socket socket) {
            return ofDescriptor(socket.fd());
        }

        /**
         * Only calls on this descriptor (a socket of the {@code java.net} adapters, the provider or Netty's
         * transport, whose descriptor a test knows).
         *
         * @param fd a descriptor, 0 or more
         * @return this builder
         */
        public Builder ofDescriptor(int fd) {
            if (fd < 0) {
                throw new IllegalArgumentException("descriptor " + fd + " is negative (a closed socket's)");
            }
            this.fd = fd;
            this.thread = null;
            return this;
        }

        /**
         * Only calls the current thread makes.
         *
         * @return this builder
         */
        public Builder ofThread() {
            return ofThread(Thread.currentThread());
        }

        /**
         * Only calls {@code t} makes.
         *
         * @param t a thread (a virtual thread is one too)
         * @return this builder
         */
        public Builder ofThread(Thread t) {
            this.thread = Objects.requireNonNull(t, "t");
            this.fd = -1;
            return this;
        }

        /**
         * The next matching call only (the default).
         *
         * @return this builder
         */
        public Builder next() {
            return times(1);
        }

        /**
         * The next {@code n} matching calls.
         *
         * @param n 1 or more
         * @return this builder
         */
        public Builder times(int n) {
            if (n < 1) {
                throw new IllegalArgumentException("times: " + n + " is not 1 or more");
            }
            every = 0;
            count = n;
            return this;
        }

        /**
         * Every {@code k}-th matching call: the k-th, the 2k-th, and so on.
         *
         * @param k 1 or more (1: every call)
         * @return this builder
         */
        public Builder every(int k) {
            if (k < 1) {
                throw new IllegalArgumentException("every: " + k + " is not 1 or more");
            }
            every = k;
            count = Long.MAX_VALUE;
            return this;
        }

        /**
         * Every matching call, until the fault is closed.
         *
         * @return this builder
         */
        public Builder always() {
            return every(1);
        }

        /**
         * Puts in force: the matching calls fail with {@code errno}, as the kernel's own failure (-1, and errno set),
         * without reaching the kernel.
         *
         * @param errno an errno value, such as {@code Posix.ECONNRESET}
         * @return the fault, in force until closed
         * @throws IllegalStateException if no scope was given
         */
        public Fault fail(int errno) {
            if (errno <= 0) {
                throw new IllegalArgumentException("fail: errno " + errno + " is not positive");
            }
            return start(-errno);
        }

        /**
         * Puts in force: the matching calls move at most {@code bytes} (a short write, a short read); a call asked
         * for fewer moves what it asked for.
         *
         * @param bytes 1 or more (a receive of 0 bytes would read as the end of the stream)
         * @return the fault, in force until closed
         * @throws IllegalArgumentException if {@code call} is {@code ACCEPT} or {@code CONNECT}, or bytes is not 1 or
         *                                  more
         * @throws IllegalStateException    if no scope was given
         */
        public Fault atMost(int bytes) {
            if (call == Call.ACCEPT || call == Call.CONNECT) {
                throw new IllegalArgumentException("atMost: " + call + " moves no bytes; fail it with an errno");
            }
            if (bytes < 1) {
                throw new IllegalArgumentException("atMost: " + bytes + " bytes is not 1 or more");
            }
            return start(bytes);
        }

        private Fault start(long effect) {
            if (fd < 0 && thread == null) {
                throw new IllegalStateException("a fault needs a scope: ofSocket, ofDescriptor or ofThread");
            }
            Fault f = new Fault(call.code, fd, thread, every, count, effect);
            Injection.add(f.rule);
            return f;
        }
    }

    /** A fault in force; {@link #close()} takes it out. */
    public static final class Fault implements AutoCloseable {
        private final AtomicLong seen = new AtomicLong(), triggered = new AtomicLong();
        final Injection.Rule rule;

        Fault(int call, int fd, Thread thread, long every, long count, long effect) {
            rule = (c, d, len) -> {
                if (c != call || (thread != null ? Thread.currentThread() != thread : d != fd)) {
                    return Injection.PASS;
                }
                long n = seen.incrementAndGet();
                boolean hit = every == 0 ? n <= count : n % every == 0;
                if (!hit) {
                    return Injection.PASS;
                }
                triggered.incrementAndGet();
                return effect;
            };
        }

        /** {@return how many calls this fault has failed or shortened} */
        public long triggered() {
            return triggered.get();
        }

        /** {@return how many calls it matched by call and scope, whether or not it acted on them} */
        public long seen() {
            return seen.get();
        }

        /** Takes the fault out of force; idempotent. */
        @Override
        public void close() {
            Injection.remove(rule);
        }
    }
}
