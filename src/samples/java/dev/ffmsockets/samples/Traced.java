package dev.ffmsockets.samples;

import dev.ffmsockets.posix.Posix;

/**
 * Runs a sample's {@code main} after one marker system call, {@code close(-1)}, so that a trace of the JVM can
 * be cut to the program itself: what comes before the marker is the JVM starting (which, for one, asks nscd for
 * the user's name over a socket), and other threads are the JVM's own. The sample runs on the marker's thread.
 *
 * <p>usage: Traced CLASS [ARGS...]
 */
public final class Traced {

    /** The marker as strace prints it. */
    public static final String MARKER = "close(-1)";

    private Traced() {
    }

    public static void main(String[] args) throws Throwable {
        Class<?> sample = Class.forName(args[0]);
        var main = sample.getMethod("main", String[].class);
        Posix.close(-1);
        try {
            main.invoke(null, (Object) java.util.Arrays.copyOfRange(args, 1, args.length));
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause();
        }
    }
}
