package dev.ffmsockets.testing;

import java.util.concurrent.CompletableFuture;

/**
 * A call running on a thread of its own, platform or virtual, whose outcome a test awaits: what it threw, or
 * {@code null} if it returned.
 *
 * @param thread  the thread
 * @param outcome what the call threw, or {@code null}
 */
public record Background(Thread thread, CompletableFuture<Throwable> outcome) {

    /** A call that may throw anything. */
    public interface Call {
        void run() throws Exception;
    }

    /** Starts {@code call} on a new virtual thread, or a new daemon platform thread. */
    public static Background start(boolean virtual, Call call) {
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        Thread t = (virtual ? Thread.ofVirtual() : Thread.ofPlatform().daemon()).start(() -> {
            try {
                call.run();
                outcome.complete(null);
            } catch (Throwable e) {
                outcome.complete(e);
            }
        });
        return new Background(t, outcome);
    }
}
