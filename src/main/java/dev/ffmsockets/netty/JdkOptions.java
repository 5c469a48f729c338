package dev.ffmsockets.netty;

import dev.ffmsockets.Socket;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;

import java.io.IOException;
import java.net.SocketOption;

/**
 * Netty's {@link NioChannelOption}s (a {@code java.net.SocketOption} as a channel option, such as
 * {@code jdk.net.ExtendedSocketOptions.TCP_KEEPIDLE}, which software written for Netty's NIO transport sets) on the
 * library's socket: the socket option the socket supports under the same name.
 */
final class JdkOptions {

    private JdkOptions() {
    }

    /** {@return the socket's option named as {@code option}, or {@code null} if it is not an NIO option or unknown} */
    private static SocketOption<?> of(Socket socket, ChannelOption<?> option) {
        if (!(option instanceof NioChannelOption)) {
            return null;
        }
        for (SocketOption<?> o : socket.supportedOptions()) {
            if (o.name().equals(option.name())) {
                return o;
            }
        }
        return null;
    }

    /** Sets an NIO option; {@code false} if {@code option} is not one the socket has. */
    @SuppressWarnings("unchecked")
    static <T> boolean set(Socket socket, ChannelOption<T> option, T value) {
        SocketOption<T> o = (SocketOption<T>) of(socket, option);
        if (o == null) {
            return false;
        }
        try {
            socket.setOption(o, value);
            return true;
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }

    /** {@return an NIO option's value, or {@code null} if {@code option} is not one the socket has} */
    @SuppressWarnings("unchecked")
    static <T> T get(Socket socket, ChannelOption<T> option) {
        SocketOption<T> o = (SocketOption<T>) of(socket, option);
        if (o == null) {
            return null;
        }
        try {
            return socket.getOption(o);
        } catch (IOException e) {
            throw new ChannelException(e);
        }
    }
}
