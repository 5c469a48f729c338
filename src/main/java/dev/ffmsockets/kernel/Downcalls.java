package dev.ffmsockets.kernel;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * How {@link Kernel}'s functions are linked (errno captured, options such as {@code critical} added), and what a call
 * of one throws: only what the FFM API throws, passed on unchecked, and, when the library has no native access, one
 * exception that names the flag to give, on the first call and every later one alike.
 */
final class Downcalls {

    /** Set once a function could not be linked for want of native access (its holder class is then unusable). */
    private static volatile boolean refused;

    private Downcalls() {
    }

    /** A downcall that captures errno into the segment it takes first. */
    static MethodHandle link(MemorySegment address, FunctionDescriptor descriptor, Linker.Option... more) {
        Linker.Option[] options = new Linker.Option[more.length + 1];
        options[0] = Linker.Option.captureCallState("errno");
        System.arraycopy(more, 0, options, 1, more.length);
        return Linker.nativeLinker().downcallHandle(address, descriptor, options);
    }

    /** A downcall of a function that sets no errno. */
    static MethodHandle plain(MemorySegment address, FunctionDescriptor descriptor) {
        return Linker.nativeLinker().downcallHandle(address, descriptor);
    }

    /**
     * What a downcall threw, as an unchecked exception. Without native access, linking fails in a holder's (or the
     * bindings') class initialization: an {@code ExceptionInInitializerError} the first time and a
     * {@code NoClassDefFoundError} after, neither naming the flag; both become {@link #noNativeAccess}.
     */
    static RuntimeException unchecked(Throwable t) {
        if (t instanceof RuntimeException r) {
            return r;
        }
        if (t instanceof ExceptionInInitializerError e && causedByNativeAccess(e)) {
            refused = true;
            return noNativeAccess(e.getCause());
        }
        if (t instanceof NoClassDefFoundError && refused) {
            return noNativeAccess(t);
        }
        if (t instanceof Error e) {
            throw e;
        }
        return new IllegalStateException(t);
    }

    private static boolean causedByNativeAccess(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            if (c instanceof IllegalCallerException) {
                return true;
            }
        }
        return false;
    }

    /**
     * The exception for a run without native access for this library, naming the flag for the way it was loaded: its
     * module's name on the module path, {@code ALL-UNNAMED} on the class path.
     */
    private static IllegalCallerException noNativeAccess(Throwable cause) {
        Module m = Downcalls.class.getModule();
        String flag = "--enable-native-access=" + (m.isNamed() ? m.getName() : "ALL-UNNAMED");
        return new IllegalCallerException("ffm-sockets calls the C library through the FFM API and needs native access, "
                + "which this JVM does not give it: run java with " + flag + (m.isNamed() ? " (the library is on the "
                + "module path)" : " (the library is on the class path)") + ", or in a jar's manifest "
                + "Enable-Native-Access: ALL-UNNAMED", cause);
    }
}
