package dev.ffmsockets.net;

import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.UnixSockAddr;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Objects;

import javax.net.ServerSocketFactory;

/**
 * A {@link ServerSocketFactory} whose server sockets are {@link FfmServerSocket}s. With a <em>target</em>, each
 * server socket it makes with a port listens on that address instead (an AF_UNIX path or abstract name); without,
 * on TCP as asked.
 */
public class FfmServerSocketFactory extends ServerSocketFactory {

    private final SockAddr target;

    /** A factory of TCP server sockets. */
    public FfmServerSocketFactory() {
        this.target = null;
    }

    /**
     * A factory whose server sockets listen on the AF_UNIX socket {@code target} names.
     *
     * @param target a path, {@code @name} for an abstract name, or {@code null} for TCP
     */
    public FfmServerSocketFactory(String target) {
        this.target = target == null ? null : FfmSocketFactory.parse(target);
    }

    /**
     * A factory whose server sockets listen on {@code target}.
     *
     * @param target any address
     */
    public FfmServerSocketFactory(SockAddr target) {
        this.target = Objects.requireNonNull(target, "target");
    }

    /**
     * A factory whose server sockets listen on the AF_UNIX socket at {@code path}.
     *
     * @param path the path; its file must not exist yet (a stale one gives {@link java.net.BindException})
     * @return the factory
     */
    public static FfmServerSocketFactory unix(Path path) {
        return new FfmServerSocketFactory(UnixSockAddr.of(path));
    }

    /** {@return an unbound server socket; bind it with any address it accepts} */
    @Override
    public ServerSocket createServerSocket() throws IOException {
        return new FfmServerSocket();
    }

    /** {@return a server socket listening on the target, or on {@code port} of the IPv4 wildcard address} */
    @Override
    public ServerSocket createServerSocket(int port) throws IOException {
        return createServerSocket(port, 50, null);
    }

    @Override
    public ServerSocket createServerSocket(int port, int backlog) throws IOException {
        return createServerSocket(port, backlog, null);
    }

    /**
     * A server socket listening on the target (port and address ignored), or on {@code port} of {@code ifAddress}
     * ({@code null}: the IPv4 wildcard address).
     *
     * @throws IllegalArgumentException if the port is outside 0..65535
     */
    @Override
    public ServerSocket createServerSocket(int port, int backlog, InetAddress ifAddress) throws IOException {
        if (port < 0 || port > 0xFFFF) {
            throw new IllegalArgumentException("Port value out of range: " + port);
        }
        SockAddr local = target != null ? target
                : ifAddress == null ? InetSockAddr.any(port) : InetSockAddr.of(ifAddress, port);
        return new FfmServerSocket(NativeSocketAddress.of(local), backlog);
    }
}
