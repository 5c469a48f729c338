package dev.ffmsockets.posix;

import java.lang.StackWalker.StackFrame;
import java.util.Optional;

/**
 * The guard of the few functions of {@link Posix} that cannot check what C will touch: the addresses inside a
 * {@code msghdr} ({@code sendmsg}, {@code recvmsg}), a control buffer given by address ({@code CMSG_FIRSTHDR},
 * {@code CMSG_NXTHDR}), a list to free ({@code freeaddrinfo}), and socket options whose value holds an address.
 * Called without it, they would hand this module's native access on to code that has none. So, as the JDK's
 * restricted methods do, they require native access of the module that calls them, and throw
 * {@link IllegalCallerException} otherwise. (The JDK only warns by default; a library cannot tell which mode
 * the JVM runs in, so these always refuse.)
 */
final class NativeAccess {

    /**
     * Also for the restricted functions themselves: {@code WALKER.getCallerClass()} called directly in one gives
     * its caller, far cheaper than a walk.
     */
    static final StackWalker WALKER = StackWalker.getInstance(StackWalker.Option.RETAIN_CLASS_REFERENCE);
    private static final String PACKAGE = NativeAccess.class.getPackageName();

    private NativeAccess() {
    }

    /**
     * Throws unless the first caller outside this package belongs to a module with native access.
     *
     * @param function the function, as the message names it
     */
    static void require(String function) {
        Optional<Class<?>> caller = WALKER.walk(frames -> frames.map(StackFrame::getDeclaringClass)
                .filter(c -> !c.getPackageName().equals(PACKAGE)).findFirst());
        check(function, caller);
    }

    /**
     * {@link #require(String)} for a function that found its direct caller with {@code WALKER.getCallerClass()}: no
     * walk of the stack unless that caller is in this package (a walk costs about 1 µs, on calls that take a few).
     *
     * @param function the function, as the message names it
     * @param caller   the class that called the restricted function
     */
    static void require(String function, Class<?> caller) {
        if (caller.getPackageName().equals(PACKAGE)) {
            require(function);
        } else if (!caller.getModule().isNativeAccessEnabled()) {
            check(function, Optional.of(caller));
        }
    }

    private static void check(String function, Optional<Class<?>> caller) {
        Module module = caller.map(Class::getModule).orElse(NativeAccess.class.getModule());
        if (!module.isNativeAccessEnabled()) {
            String name = module.isNamed() ? module.getName() : "ALL-UNNAMED";
            throw new IllegalCallerException(function + " is restricted: C would use addresses that cannot be "
                    + "checked, so its caller needs native access of its own, and "
                    + caller.map(Class::getName).orElse("the caller") + " in " + module + " has none. Run with "
                    + "--enable-native-access=" + name + ", or use the safe wrapper, dev.ffmsockets.Socket");
        }
    }
}
