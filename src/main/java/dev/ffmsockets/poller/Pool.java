package dev.ffmsockets.poller;

import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Supplier;

/**
 * A small lock-free pool of reusable objects that own native memory, for memory held only around a system call
 * made by a virtual thread (which must not keep any while it parks). At most as many are kept as there are
 * slots, a few per processor: more than that are never in use at once by threads that run, so an object given
 * back to a full pool is left to the garbage collector.
 *
 * @param <T> what it holds
 */
public final class Pool<T> {

    private final AtomicReferenceArray<T> slots =
            new AtomicReferenceArray<>(Math.max(8, 4 * Runtime.getRuntime().availableProcessors()));
    private final Supplier<T> factory;

    /**
     * A pool that makes what it lacks with {@code factory}.
     *
     * @param factory makes a new object when the pool is empty
     */
    public Pool(Supplier<T> factory) {
        this.factory = factory;
    }

    /** {@return an object from the pool, or a new one} */
    public T take() {
        int n = slots.length(), start = start(n);
        for (int i = 0; i < n; i++) {
            T t = slots.getAndSet((start + i) % n, null);
            if (t != null) {
                return t;
            }
        }
        return factory.get();
    }

    /**
     * Gives an object back; the caller must not use it after this.
     *
     * @param t the object
     */
    public void give(T t) {
        int n = slots.length(), start = start(n);
        for (int i = 0; i < n; i++) {
            if (slots.compareAndSet((start + i) % n, null, t)) {
                return;
            }
        }
    }

    /** Where a thread starts looking, so that threads on different carriers rarely meet on one slot. */
    private static int start(int n) {
        return (int) (Thread.currentThread().threadId() % n);
    }
}
