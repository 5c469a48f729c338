package dev.ffmsockets.net;

import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.UnixSockAddr;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

import javax.net.SocketFactory;

/**
 * A {@link SocketFactory} whose sockets are {@link FfmSocket}s: {@code java.net.Socket}s backed by ffm-sockets.
 *
 * <p>With a <em>target</em>, every socket connects to it, whatever host and port it is given: the way software that
 * only knows host and port (JDBC drivers, HTTP clients) is pointed at a Unix socket. Without one, sockets go where
 * they are asked: TCP to a host and port (host names resolved by {@code getaddrinfo(3)}, each address tried in
 * turn), AF_UNIX to a {@link java.net.UnixDomainSocketAddress} or {@link NativeSocketAddress}.
 *
 * {@snippet :
 * // PostgreSQL's JDBC driver over its Unix socket
 * String url = "jdbc:postgresql://localhost/postgres"
 *         + "?socketFactory=dev.ffmsockets.net.FfmSocketFactory"
 *         + "&socketFactoryArg=/var/run/postgresql/.s.PGSQL.5432";
 * }
 */
public class FfmSocketFactory extends SocketFactory {

    private final SockAddr target;

    /** A factory without target: sockets connect where they are asked. */
    public FfmSocketFactory() {
        this.target = null;
    }

    /**
     * A factory whose sockets all connect to the AF_UNIX socket {@code target} names: the constructor drivers call
     * with their one string argument (PostgreSQL's {@code socketFactoryArg}, for example).
     *
     * @param target a path such as {@code /run/app.sock}, {@code @name} for an abstract name, or {@code null} for
     *               no target (what such drivers pass when given no argument)
     * @throws IllegalArgumentException if it is empty or does not fit {@code sun_path}
     */
    public FfmSocketFactory(String target) {
        this.target = target == null ? null : parse(target);
    }

    /**
     * A factory whose sockets all connect to {@code target}.
     *
     * @param target any address: AF_UNIX pathname or abstract, IPv4, IPv6
     */
    public FfmSocketFactory(SockAddr target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /**
     * A factory whose sockets all connect to the AF_UNIX socket at {@code path}.
     *
     * @param path the socket's path
     * @return the factory
     */
    public static FfmSocketFactory unix(Path path) {
        return new FfmSocketFactory(UnixSockAddr.of(path));
    }

    /** The AF_UNIX address of a factory's string argument: a path, or {@code @name} for an abstract name. */
    static UnixSockAddr parse(String target) {
        Objects.requireNonNull(target, "target");
        if (target.isEmpty()) {
            throw new IllegalArgumentException("socket factory target is empty: give the path of a Unix socket, "
                    + "or @name for an abstract name");
        }
        return target.startsWith("@") ? UnixSockAddr.abstractName(target.substring(1)) : UnixSockAddr.of(target);
    }

    /** {@return the address every socket connects to, or {@code null} when sockets connect where asked} */
    public SockAddr target() {
        return target;
    }

    /** {@return an unconnected socket; with a target, it connects there whatever address it is given} */
    @Override
    public Socket createSocket() throws IOException {
        return new FfmSocket(target);
    }

    /**
     * A connected socket: to the target if the factory has one, else over TCP to {@code host}, resolved with
     * {@code getaddrinfo(3)}, each address tried in order until one connects.
     *
     * @throws java.net.UnknownHostException if the host does not resolve
     * @throws IOException                   the last address's failure to connect
     */
    @Override
    public Socket createSocket(String host, int port) throws IOException {
        if (target != null) {
            return connected(target, null);
        }
        return connectAny(InetSockAddr.resolve(host == null ? "localhost" : host, port), null);
    }

    @Override
    public Socket createSocket(InetAddress host, int port) throws IOException {
        Objects.requireNonNull(host, "host");
        return connected(target != null ? target : InetSockAddr.of(host, port), null);
    }

    /**
     * A connected socket bound first to a local address.
     *
     * @throws IllegalArgumentException if the factory's target is AF_UNIX and a local address or port is given
     */
    @Override
    public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
        InetSocketAddress local = local(localHost, localPort);
        if (target != null) {
            return connected(target, local);
        }
        return connectAny(InetSockAddr.resolve(host == null ? "localhost" : host, port), local);
    }

    @Override
    public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
        Objects.requireNonNull(address, "address");
        return connected(target != null ? target : InetSockAddr.of(address, port), local(localAddress, localPort));
    }

    private InetSocketAddress local(InetAddress host, int port) {
        if (host == null && port == 0) {
            return null;
        }
        if (target instanceof UnixSockAddr) {
            throw new IllegalArgumentException("createSocket: a local Internet address (" + host + ", port " + port
                    + ") cannot be bound by a socket to the AF_UNIX target " + target);
        }
        return host == null ? new InetSocketAddress(port) : new InetSocketAddress(host, port);
    }

    private Socket connectAny(List<InetSockAddr> addresses, InetSocketAddress local) throws IOException {
        IOException failed = null;
        for (InetSockAddr a : addresses) {
            try {
                return connected(a, local);
            } catch (IOException e) {
                if (failed != null) {
                    e.addSuppressed(failed);
                }
                failed = e;
            }
        }
        throw failed;
    }

    private Socket connected(SockAddr peer, InetSocketAddress local) throws IOException {
        FfmSocket s = new FfmSocket(peer);
        try {
            if (local != null) {
                s.bind(local);
            }
            s.connect(NativeSocketAddress.of(peer));
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }
}
