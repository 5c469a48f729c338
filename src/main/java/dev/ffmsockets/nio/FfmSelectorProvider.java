package dev.ffmsockets.nio;

import dev.ffmsockets.Family;
import dev.ffmsockets.impl.DualStack;

import java.io.IOException;
import java.net.ProtocolFamily;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.Pipe;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.channels.spi.AbstractSelector;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;

/**
 * A {@link SelectorProvider} whose channels and selector are ffm-sockets': hand it to software that takes one, such
 * as Netty ({@code NioIoHandler.newFactory(FfmSelectorProvider.provider())}), or make it the JVM's with
 * {@code -Djava.nio.channels.spi.SelectorProvider=dev.ffmsockets.nio.FfmSelectorProvider}.
 *
 * <p>Its channels keep the JDK's contracts (the JDK's own channels and Netty's test suite are the referees): see
 * {@link FfmSocketChannel}, {@link FfmServerSocketChannel} and {@link FfmDatagramChannel}. Channels opened without a
 * family are dual-stack IPv6, as the JDK's, or IPv4 with {@code -Djava.net.preferIPv4Stack=true}. A {@link Pipe} is an
 * AF_UNIX {@code socketpair(2)}, each end shut down in the direction it does not use.
 */
public class FfmSelectorProvider extends SelectorProvider {

    private static final FfmSelectorProvider PROVIDER = new FfmSelectorProvider();

    /** A provider; {@link #provider()} gives the shared one. Public so that the JVM can make it by its name. */
    public FfmSelectorProvider() {
    }

    /** {@return the shared provider} */
    public static FfmSelectorProvider provider() {
        return PROVIDER;
    }

    static Family family(ProtocolFamily family) {
        Objects.requireNonNull(family, "family");
        if (family == StandardProtocolFamily.INET) {
            return Family.INET;
        }
        if (family == StandardProtocolFamily.INET6) {
            return Family.INET6;
        }
        if (family == StandardProtocolFamily.UNIX) {
            return Family.UNIX;
        }
        throw new UnsupportedOperationException("Protocol family not supported: " + family);
    }

    /** {@return a datagram channel of a dual-stack IPv6 socket (IPv4 peers too), as the JDK's default} */
    @Override
    public DatagramChannel openDatagramChannel() throws IOException {
        return new FfmDatagramChannel(this, DualStack.family());
    }

    /** {@return a datagram channel of {@code family}: INET, INET6 or UNIX} */
    @Override
    public DatagramChannel openDatagramChannel(ProtocolFamily family) throws IOException {
        return new FfmDatagramChannel(this, family(family));
    }

    /** {@return a pipe: an AF_UNIX stream {@code socketpair(2)}, one end the source, the other the sink} */
    @Override
    public Pipe openPipe() throws IOException {
        return new FfmPipe(this);
    }

    /** {@return a selector on {@code epoll(7)}} */
    @Override
    public AbstractSelector openSelector() throws IOException {
        return new FfmSelector(this);
    }

    /** {@return a server channel of a dual-stack IPv6 socket (IPv4 peers too), as the JDK's default} */
    @Override
    public ServerSocketChannel openServerSocketChannel() throws IOException {
        return new FfmServerSocketChannel(this, DualStack.family());
    }

    /** {@return a server channel of {@code family}: INET, INET6 or UNIX} */
    @Override
    public ServerSocketChannel openServerSocketChannel(ProtocolFamily family) throws IOException {
        return new FfmServerSocketChannel(this, family(family));
    }

    /** {@return a channel of a dual-stack IPv6 socket (IPv4 peers too), as the JDK's default} */
    @Override
    public SocketChannel openSocketChannel() throws IOException {
        return new FfmSocketChannel(this, DualStack.family());
    }

    /** {@return a channel of {@code family}: INET, INET6 or UNIX} */
    @Override
    public SocketChannel openSocketChannel(ProtocolFamily family) throws IOException {
        return new FfmSocketChannel(this, family(family));
    }
}
