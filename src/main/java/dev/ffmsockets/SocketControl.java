package dev.ffmsockets;

import dev.ffmsockets.impl.Blocking;
import dev.ffmsockets.impl.Connector;
import dev.ffmsockets.impl.Control;
import dev.ffmsockets.impl.Descriptor;
import dev.ffmsockets.impl.Options;

import java.io.IOException;
import java.net.SocketOption;
import java.time.Duration;
import java.util.Objects;
import java.util.Set;

import static dev.ffmsockets.posix.Posix.*;

/**
 * The calls of {@link Socket} that ask about the socket or change its state, not move data: queue lengths, shutdown,
 * addresses, options, timeout and blocking mode. (A part of {@code Socket}, as {@link SocketIo} and
 * {@link SocketCalls} are: every method here is {@code Socket}'s.)
 */
abstract class SocketControl extends SocketCalls {

    SocketControl(Descriptor d, Blocking mode, Connector connector) {
        super(d, mode, connector);
    }

    // ---- queues ---------------------------------------------------------------------------------------------

    /**
     * How many bytes a receive would return now, without waiting: {@code ioctl(2)} {@code FIONREAD}
     * ({@code SIOCINQ}). On a stream, the bytes queued; on a datagram socket, the size of the next datagram (0
     * when none, or an empty one).
     *
     * @return the bytes
     * @throws IOException {@code EINVAL} on a listening socket, a closed socket, ...
     */
    public int available() throws IOException {
        return Control.ioctl(d, FIONREAD, "FIONREAD");
    }

    /**
     * How much of what was sent is still queued: {@code ioctl(2)} {@code SIOCOUTQ}. For TCP, the bytes the peer has
     * not yet acknowledged; for a Unix socket, the memory the bytes the peer has not yet received take (at least
     * those bytes; 0 once it has received them all).
     *
     * @return the bytes
     * @throws IOException {@code EINVAL} on a listening socket, a closed socket, ...
     */
    public int unsent() throws IOException {
        return Control.ioctl(d, SIOCOUTQ, "SIOCOUTQ");
    }

    // ---- shutdown, addresses -------------------------------------------------------------------------------

    /**
     * Shuts down the receiving side: {@code shutdown(2)} with {@code SHUT_RD}; later receives return end of stream.
     *
     * @throws IOException {@code ENOTCONN}, a closed socket, ...
     */
    public void shutdownInput() throws IOException {
        Control.shutdown(d, SHUT_RD);
    }

    /**
     * Shuts down the sending side: {@code shutdown(2)} with {@code SHUT_WR}; the peer reads end of stream.
     *
     * @throws IOException {@code ENOTCONN}, a closed socket, ...
     */
    public void shutdownOutput() throws IOException {
        Control.shutdown(d, SHUT_WR);
    }

    /**
     * The address the socket is bound to: {@code getsockname(2)}.
     *
     * @return the local address (an unbound Internet socket has the wildcard address and port 0)
     * @throws IOException a closed socket, ...
     */
    public SockAddr localAddress() throws IOException {
        return Control.name(d, true);
    }

    /**
     * The port an Internet socket is bound to, read with {@code getsockname(2)}: the port {@code bind} to port 0
     * chose, or the one {@code connect} gave the socket, without a cast of {@link #localAddress()}.
     *
     * @return the port; 0 when the socket is not bound
     * @throws UnsupportedOperationException if the socket is not of an Internet family
     * @throws IOException                   a closed socket, ...
     */
    public int localPort() throws IOException {
        if (d.family() == Family.UNIX) {
            throw new UnsupportedOperationException("localPort: an AF_UNIX socket has no port; its name is "
                    + "localAddress()");
        }
        return ((InetSockAddr) localAddress()).port();
    }

    /**
     * The address of the connected peer: {@code getpeername(2)}.
     *
     * @return the peer's address
     * @throws IOException {@code ENOTCONN}, a closed socket, ...
     */
    public SockAddr remoteAddress() throws IOException {
        return Control.name(d, false);
    }

    // ---- options, modes ----------------------------------------------------------------------------------------

    /**
     * Sets a socket option: {@code setsockopt(2)}. Accepts the {@link java.net.StandardSocketOptions} that apply
     * to this socket and {@link LinuxSocketOptions}.
     *
     * @param option the option
     * @param value  its value
     * @param <T>    its type
     * @throws UnsupportedOperationException if the option does not apply to this socket or can only be read
     * @throws IllegalArgumentException      if the value is null or out of the option's range
     * @throws IOException                   {@code ENOPROTOOPT}, {@code EPERM}, a closed socket, ...
     */
    public <T> void setOption(SocketOption<T> option, T value) throws IOException {
        Options.set(d, java.util.Objects.requireNonNull(option, "option"), value);
    }

    /**
     * Reads a socket option: {@code getsockopt(2)}.
     *
     * @param option the option
     * @param <T>    its type
     * @return its value
     * @throws UnsupportedOperationException if the option does not apply to this socket
     * @throws IOException                   {@code ENOPROTOOPT}, a closed socket, ...
     */
    public <T> T getOption(SocketOption<T> option) throws IOException {
        return Options.get(d, java.util.Objects.requireNonNull(option, "option"));
    }

    /**
     * {@return the options {@link #setOption} accepts on this socket; {@link #getOption} also reads the read-only ones
     * ({@code SO_PEERCRED}, {@code SO_ERROR}, {@code SO_ACCEPTCONN})}
     */
    public Set<SocketOption<?>> supportedOptions() {
        return Options.supported(d.family(), d.type());
    }

    /**
     * Sets how long a call may wait; {@code null} for no limit (the default). It bounds the whole of a call
     * ({@code accept}, {@code connect}, sends and receives, {@code sendAll} included), and is reported as
     * {@link java.net.SocketTimeoutException}. Setting a timeout puts {@code O_NONBLOCK} on the descriptor
     * ({@code fcntl(2)}, once): the calls are tried, and wait for readiness only as long as is left.
     *
     * @param timeout a positive duration, or {@code null}
     * @throws IllegalArgumentException if the duration is zero or negative (for calls that never wait, use
     *                                  {@link #setBlocking setBlocking(false)})
     * @throws IOException              a closed socket, ...
     */
    public void setTimeout(Duration timeout) throws IOException {
        long nanos = timeout == null ? 0 : Blocking.positiveNanos("setTimeout", timeout);
        d.begin("fcntl");
        try {
            mode.setTimeout(d, nanos);
        } finally {
            d.end();
        }
    }

    /** {@return the timeout, or {@code null} for none} */
    public Duration timeout() {
        long t = mode.timeout();
        return t == 0 ? null : Duration.ofNanos(t);
    }

    /**
     * Puts the socket in blocking or non-blocking mode. Non-blocking mode puts {@code O_NONBLOCK} on the
     * descriptor ({@code fcntl(2)} with {@code F_SETFL}, once).
     *
     * @param blocking {@code true} for blocking mode (the default)
     * @throws IOException a closed socket, ...
     */
    public void setBlocking(boolean blocking) throws IOException {
        d.begin("fcntl");
        try {
            mode.setBlocking(d, blocking);
        } finally {
            d.end();
        }
    }

    /** {@return whether the socket is in blocking mode} */
    public boolean isBlocking() {
        return mode.blocking();
    }
}
