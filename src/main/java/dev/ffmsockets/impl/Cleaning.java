package dev.ffmsockets.impl;

import java.lang.ref.Cleaner;

/**
 * The library's one {@link Cleaner}, and its one thread, started at first use: it closes what its owner dropped
 * unclosed (a received descriptor nobody took, a datagram channel nobody references).
 */
public final class Cleaning {

    private Cleaning() {
    }

    private static final class Holder {
        static final Cleaner CLEANER = Cleaner.create(r -> {
            Thread t = new Thread(r, "ffm-sockets-cleaner");
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * Registers {@code action} to run once {@code owner} is unreachable, unless it was run before.
     *
     * @param owner  the object whose end releases the resource
     * @param action the release, which must not refer to {@code owner}
     * @return its handle: {@link Cleaner.Cleanable#clean} releases now, once
     */
    public static Cleaner.Cleanable register(Object owner, Runnable action) {
        return Holder.CLEANER.register(owner, action);
    }
}
