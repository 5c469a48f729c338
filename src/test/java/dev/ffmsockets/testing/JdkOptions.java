package dev.ffmsockets.testing;

import java.net.SocketOption;

/**
 * The JDK's extended socket options ({@code jdk.net.ExtendedSocketOptions}), read by reflection as the library reads
 * them: the module does not require {@code jdk.net}, so its tests cannot name the class.
 */
public final class JdkOptions {

    private JdkOptions() {
    }

    /** The option of {@code jdk.net.ExtendedSocketOptions} called {@code name}, of type {@code type}. */
    public static <T> SocketOption<T> of(String name, Class<T> type) {
        try {
            SocketOption<?> o = (SocketOption<?>) Class.forName("jdk.net.ExtendedSocketOptions").getField(name).get(null);
            if (o.type() != type) {
                throw new AssertionError(name + " is a " + o.type() + ", not a " + type);
            }
            @SuppressWarnings("unchecked")
            SocketOption<T> typed = (SocketOption<T>) o;
            return typed;
        } catch (ReflectiveOperationException e) {
            throw new AssertionError("jdk.net.ExtendedSocketOptions." + name + " is not in this JDK", e);
        }
    }
}
