package dev.ffmsockets.net;

import dev.ffmsockets.Family;
import dev.ffmsockets.LinuxSocketOptions;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.impl.Options;

import java.io.IOException;
import java.net.SocketOption;
import java.net.StandardSocketOptions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The options of an {@link FfmSocket} that no socket holds: those set before the socket is made (applied when it
 * is), and the legacy TCP/IP ones drivers set blindly on an AF_UNIX socket (remembered, and ignored). Guarded by
 * the owner's lock.
 */
final class PendingOptions {

    private final Map<SocketOption<?>, Object> pending = new LinkedHashMap<>();
    private final Map<SocketOption<?>, Object> ignored = new LinkedHashMap<>();
    /** The family a socket will have: the target's, or INET until an address says otherwise. */
    private final Family family;
    private final boolean unixTarget;

    PendingOptions(SockAddr target) {
        this.family = target != null ? target.family() : Family.INET;
        this.unixTarget = target != null && target.family() == Family.UNIX;
    }

    /** {@return the options a socket of the expected family takes} */
    Set<SocketOption<?>> supported() {
        return Options.supported(family, SocketType.STREAM);
    }

    /** Records an option for the socket to come. */
    <T> void set(SocketOption<T> name, T value) {
        if (!supported().contains(name)) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
        if (value == null && name != StandardSocketOptions.IP_MULTICAST_IF) {
            throw new IllegalArgumentException("'" + name + "': the value is null");
        }
        pending.put(name, value);
    }

    /** An option before the socket exists: the value set, or what a new socket of the family starts with. */
    <T> T get(SocketOption<T> name) throws IOException {
        if (pending.containsKey(name)) {
            return name.type().cast(pending.get(name));
        }
        if (!supported().contains(name)) {
            throw new UnsupportedOperationException("'" + name + "' not supported");
        }
        try (Socket probe = Socket.open(family, SocketType.STREAM)) {
            return probe.getOption(name);
        }
    }

    /** Gives a socket just made the options set before it; those that do not apply to it are remembered. */
    void applyTo(Socket s) throws IOException {
        for (Map.Entry<SocketOption<?>, Object> e : pending.entrySet()) {
            if (s.supportedOptions().contains(e.getKey())) {
                set(s, e.getKey(), e.getValue());
            } else {
                ignored.put(e.getKey(), e.getValue());
            }
        }
        pending.clear();
    }

    @SuppressWarnings("unchecked")
    private static <T> void set(Socket s, SocketOption<T> option, Object value) throws IOException {
        s.setOption(option, (T) value);
    }

    /**
     * A legacy setter's option on {@code s} ({@code null} before it exists): if it does not apply there (a TCP or IP
     * option on AF_UNIX), remembers it and says so.
     */
    boolean ignore(Socket s, SocketOption<?> option, Object value) {
        if (!ignoredOn(s, option)) {
            return false;
        }
        ignored.put(option, value);
        return true;
    }

    /** A legacy getter's answer where the option is ignored: what was set, else {@code otherwise}; null if it applies. */
    <T> T ignoredValue(Socket s, SocketOption<T> option, T otherwise) {
        if (ignored.containsKey(option)) {
            return option.type().cast(ignored.get(option));
        }
        return ignoredOn(s, option) ? otherwise : null;
    }

    private boolean ignoredOn(Socket s, SocketOption<?> option) {
        return s != null ? !s.supportedOptions().contains(option) : unixTarget && !unixOption(option);
    }

    private static boolean unixOption(SocketOption<?> option) {
        return option != StandardSocketOptions.TCP_NODELAY && option != StandardSocketOptions.IP_TOS
                && option != LinuxSocketOptions.SO_OOBINLINE;
    }
}
