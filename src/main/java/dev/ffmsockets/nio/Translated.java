package dev.ffmsockets.nio;

import java.io.IOException;
import java.net.SocketException;
import java.net.SocketOption;
import java.nio.channels.NetworkChannel;
import java.nio.channels.AlreadyBoundException;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NotYetBoundException;
import java.nio.channels.NotYetConnectedException;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;

/**
 * The exceptions of a channel as its {@code java.net} view throws them, by the JDK's rules: an {@link IOException}
 * stays what it is where the view's method may throw one; where it may throw only {@link SocketException}, and for the
 * channels' unchecked state exceptions, a {@code SocketException} with {@code java.net}'s message, the original as its
 * cause.
 */
final class Translated {

    private Translated() {
    }

    /** For a method that throws {@link IOException}: that, or a {@link SocketException} for a state exception. */
    static IOException io(Exception e) {
        if (e instanceof IOException io) {
            return io;
        }
        return socket(e);
    }

    /**
     * For a method that throws {@link SocketException} only.
     *
     * @throws RuntimeException {@code e} itself when it is unchecked and not one of the channels' state exceptions
     */
    static SocketException socket(Exception e) {
        if (e instanceof SocketException se) {
            return se;
        }
        String m = switch (e) {
            case ClosedChannelException c -> "Socket is closed";
            case NotYetConnectedException n -> "Socket is not connected";
            case AlreadyBoundException a -> "Already bound";
            case AlreadyConnectedException a -> "Already connected";
            case NotYetBoundException n -> "Socket is not bound yet";
            case UnsupportedAddressTypeException u -> "Unsupported address type";
            case UnresolvedAddressException u -> "Unresolved address";
            case IOException io -> io.getMessage();
            case RuntimeException r -> throw r;
            default -> throw new IllegalStateException(e);
        };
        SocketException se = new SocketException(m);
        se.initCause(e);
        return se;
    }

    /** Sets an option of a view's channel, for a {@code java.net} setter that throws {@link SocketException} only. */
    static <T> void set(NetworkChannel channel, SocketOption<T> option, T value) throws SocketException {
        try {
            channel.setOption(option, value);
        } catch (IOException e) {
            throw socket(e);
        }
    }

    /** Reads an option of a view's channel, for a {@code java.net} getter that throws {@link SocketException} only. */
    static <T> T get(NetworkChannel channel, SocketOption<T> option) throws SocketException {
        try {
            return channel.getOption(option);
        } catch (IOException e) {
            throw socket(e);
        }
    }
}
