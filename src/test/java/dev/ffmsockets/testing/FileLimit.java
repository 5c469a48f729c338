package dev.ffmsockets.testing;

import dev.ffmsockets.raw.rlimit;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.ffmsockets.posix.Posix.*;

/**
 * Raises this process's soft limit of open files (RLIMIT_NOFILE, with setrlimit through the C-style API) to what a
 * test needs, the hard limit too if it must and may; closing restores both. Fails clearly when it cannot.
 */
public final class FileLimit implements AutoCloseable {

    private final Arena arena = Arena.ofConfined();
    private final MemorySegment saved = rlimit.allocate(arena);

    public FileLimit(long needed) {
        if (getrlimit(RLIMIT_NOFILE, saved) != 0) {
            throw new IllegalStateException("getrlimit: " + strerror(errno()));
        }
        long soft = rlimit.rlim_cur(saved), hard = rlimit.rlim_max(saved);
        if (soft >= needed) {
            return;
        }
        MemorySegment raised = rlimit.allocate(arena);
        rlimit.rlim_cur(raised, needed);
        rlimit.rlim_max(raised, Math.max(hard, needed));
        if (setrlimit(RLIMIT_NOFILE, raised) != 0) {
            throw new IllegalStateException("this needs " + needed + " open files; the limit is " + soft + " (hard "
                    + hard + ") and raising it failed: " + strerror(errno()) + ". Raise the hard limit (ulimit -Hn "
                    + needed + ") or run as a user who may (CAP_SYS_RESOURCE).");
        }
    }

    @Override
    public void close() {
        setrlimit(RLIMIT_NOFILE, saved);
        arena.close();
    }
}
