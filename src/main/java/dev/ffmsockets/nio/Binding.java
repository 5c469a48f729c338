package dev.ffmsockets.nio;

import dev.ffmsockets.Family;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.UnixSockAddr;

import java.io.IOException;
import java.net.BindException;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Random;

/**
 * The binds of the channels, by the JDK's rules: {@code null} is the wildcard address and an ephemeral port on an
 * Internet socket; on AF_UNIX it is no name for a socket channel and a generated name in the temporary directory for
 * a server channel. Each returns the address as the kernel then reports it.
 */
final class Binding {

    private Binding() {
    }

    /** Made at first need (an AF_UNIX server bound to null): a SecureRandom keeps /dev/random open for good. */
    private static final class Names {
        static final Random RANDOM = new SecureRandom();
    }

    /** An Internet socket's bind: {@code bind(2)} to {@code local}, or to the wildcard and port 0 for null. */
    static SocketAddress inet(Socket s, SocketAddress local, Family family) throws IOException {
        SockAddr a = local == null ? ChannelAddresses.any(family)
                : ChannelAddresses.of(ChannelAddresses.checkInet(local, family), family);
        s.bind(a);
        return ChannelAddresses.local(s);
    }

    /**
     * An AF_UNIX socket channel's bind: {@code null} and the empty path leave it unnamed (no call), as the JDK's; a
     * path or an abstract name is bound.
     */
    static SocketAddress unnamedOr(Socket s, SocketAddress local) throws IOException {
        SocketAddress a = local == null ? null : ChannelAddresses.checkUnix(local);
        if (a == null || a instanceof UnixDomainSocketAddress u && u.getPath().toString().isEmpty()) {
            return UnixDomainSocketAddress.of("");
        }
        s.bind(ChannelAddresses.of(a, Family.UNIX));
        return ChannelAddresses.local(s);
    }

    /**
     * An AF_UNIX server channel's bind: {@code null} is a name of the JDK's making, {@code socket_<n>} in the
     * temporary directory ({@code jdk.net.unixdomain.tmpdir}, else {@code java.io.tmpdir}), tried up to ten times; the
     * empty path is refused.
     *
     * @throws BindException {@code Server socket cannot bind to unnamed address}, or no free generated name
     */
    static SocketAddress named(Socket s, SocketAddress local) throws IOException {
        if (local != null) {
            SocketAddress a = ChannelAddresses.checkUnix(local);
            SockAddr named = ChannelAddresses.of(a, Family.UNIX);
            if (named instanceof UnixSockAddr u && u.isUnnamed()) {
                throw new BindException("Server socket cannot bind to unnamed address");
            }
            s.bind(named);
            return ChannelAddresses.local(s);
        }
        String dir = System.getProperty("jdk.net.unixdomain.tmpdir", "");
        if (dir.isEmpty()) {
            dir = System.getProperty("java.io.tmpdir");
        }
        for (int attempt = 0; attempt < 10; attempt++) {
            Path path;
            try {
                path = Path.of(dir, "socket_" + Names.RANDOM.nextInt(Integer.MAX_VALUE));
            } catch (InvalidPathException e) {
                throw new BindException("Invalid temporary directory");
            }
            try {
                s.bind(ChannelAddresses.of(UnixDomainSocketAddress.of(path), Family.UNIX));
                return ChannelAddresses.local(s);
            } catch (BindException taken) {
                // another socket has that name: try the next
            }
        }
        throw new BindException("Could not bind to temporary name");
    }
}
