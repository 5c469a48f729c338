package dev.ffmsockets.impl;

import dev.ffmsockets.kernel.Kernel;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Wakes a platform thread blocked in a system call, the way the JDK's own sockets do: a signal sent to that
 * thread alone ({@code tgkill(2)}) whose handler does nothing and is installed without {@code SA_RESTART}, so
 * that the call returns {@code EINTR}. The handler is the JDK's: {@code sun.nio.ch.NativeThread} installs it for
 * {@code SIGRTMAX - 2} when it is initialized, which this class makes happen. It checks that the signal is really
 * caught (the default action of a real-time signal ends the process); if not, signals are unavailable and close
 * falls back to {@code shutdown(2)}.
 */
final class ThreadSignal {

    /** The signal; 0 when unavailable; -1 until known (a check that could not read /proc is tried again). */
    private static volatile int signal = -1;
    private static final int PID = Kernel.getpid();

    private ThreadSignal() {
    }

    /** {@return whether threads can be woken by a signal in this JVM} */
    static boolean available() {
        int s = signal;
        if (s < 0) {
            s = find();
        }
        return s > 0;
    }

    private static synchronized int find() {
        if (signal >= 0) {
            return signal;
        }
        try {
            Class.forName("sun.nio.ch.NativeThread", true, null);
            int candidate = Kernel.sigrtmax() - 2;
            return signal = caught(candidate) ? candidate : 0;
        } catch (IOException e) {
            return 0; // /proc could not be read now (out of descriptors?): unavailable this time, asked again next
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            return signal = 0;
        }
    }

    /** Whether this process has a handler for {@code signal}: its bit in {@code SigCgt} of /proc/self/status. */
    private static boolean caught(int signal) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("SigCgt:")) {
                long mask = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                return (mask >>> (signal - 1) & 1) != 0;
            }
        }
        return false;
    }

    /** Sends the signal to the platform thread with kernel id {@code tid}, errno into {@code capture}. */
    static void send(int tid, MemorySegment capture) {
        Kernel.tgkill(capture, PID, tid, signal);
    }
}
