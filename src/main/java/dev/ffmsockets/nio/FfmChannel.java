package dev.ffmsockets.nio;

import dev.ffmsockets.Family;
import dev.ffmsockets.Message;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.impl.DualStack;
import dev.ffmsockets.impl.Messages;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.net.SocketOption;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.spi.AbstractSelectableChannel;
import java.util.concurrent.locks.Lock;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import static dev.ffmsockets.posix.Posix.EPOLLERR;
import static dev.ffmsockets.posix.Posix.EPOLLHUP;
import static dev.ffmsockets.posix.Posix.EPOLLIN;
import static dev.ffmsockets.posix.Posix.EPOLLOUT;

/** What {@link FfmSelector} needs of a channel of this package, and what the channels share. */
sealed interface FfmChannel
        permits FfmSocketChannel, FfmServerSocketChannel, FfmDatagramChannel, FfmPipe.Source, FfmPipe.Sink {

    /** {@return the library's socket under the channel} */
    Socket librarySocket();

    /** {@return the channel's selection keys, which its close takes out of epoll first} */
    static ChannelKeys keys(FfmChannel c) {
        return switch (c) {
            case FfmSocketChannel s -> s.keys;
            case FfmServerSocketChannel s -> s.keys;
            case FfmDatagramChannel d -> d.keys;
            case FfmPipe.Source s -> s.keys;
            case FfmPipe.Sink s -> s.keys;
        };
    }

    /**
     * The operations of {@code interest} that epoll's {@code events} say may proceed, as the channel's kind and state
     * allow (the JDK's channels' rules: a socket channel is readable and writable only when connected, connectable
     * only while a connection is pending). An error or hang-up makes every operation of interest ready, so that the
     * operation itself reports it.
     */
    static int readyOps(FfmChannel c, int events, int interest) {
        return switch (c) {
            case FfmSocketChannel s -> s.readyOps(events, interest);
            case FfmServerSocketChannel s -> s.readyOps(events, interest);
            case FfmDatagramChannel d -> d.readyOps(events, interest);
            case FfmPipe.Source s -> s.readyOps(events, interest);
            case FfmPipe.Sink s -> s.readyOps(events, interest);
        };
    }

    /**
     * A socket for a new channel: of {@code family}, and for INET6 a dual-stack one that takes IPv4 peers too, as the
     * JDK's channels open by default.
     *
     * @throws UnsupportedOperationException for INET6 when IPv6 is not available ({@code java.net.preferIPv4Stack},
     *                                       a kernel without it), as the JDK's
     */
    static Socket open(Family family, SocketType type) throws IOException {
        return DualStack.open(family, type);
    }

    /**
     * What one gathering or scattering call hands the kernel: the buffers of {@code offset} to {@code offset +
     * length} from the first with bytes remaining on, at most {@code IOV_MAX} (1024) of them, as {@code writev(2)}
     * and {@code readv(2)} take.
     *
     * @param receiving whether bytes go into them: then none may be read-only
     * @return the buffers, the first of them with bytes remaining; empty when none has any
     * @throws IllegalArgumentException if {@code receiving} and one of them is read-only, as the JDK's channels say
     */
    static ByteBuffer[] batch(ByteBuffer[] bufs, int offset, int length, boolean receiving) {
        Objects.checkFromIndexSize(offset, length, bufs.length);
        int end = offset + length;
        int i = offset;
        while (i < end && !bufs[i].hasRemaining()) {
            i++;
        }
        ByteBuffer[] batch = Arrays.copyOfRange(bufs, i, Math.min(end, i + Messages.IOV_MAX));
        if (receiving) {
            for (ByteBuffer b : batch) {
                writable(b);
            }
        }
        return batch;
    }

    /**
     * Refuses a read-only buffer to read into, as the JDK's channels do.
     *
     * @throws IllegalArgumentException if it is read-only
     */
    static ByteBuffer writable(ByteBuffer b) {
        if (b.isReadOnly()) {
            throw new IllegalArgumentException("Read-only buffer");
        }
        return b;
    }

    /** One {@code send} from one buffer, one {@code sendmsg} gathering several: the bytes sent (0: it would wait). */
    static long gather(Socket s, ByteBuffer[] bufs) throws IOException {
        return bufs.length == 1 ? s.send(bufs[0]) : s.sendMsg(bufs, null, List.of());
    }

    /**
     * One {@code recv} into one buffer, one {@code recvmsg} scattering over several: the bytes received, 0 when
     * nothing came without waiting, -1 at the end of a stream.
     */
    static long scatter(Socket s, ByteBuffer[] bufs) throws IOException {
        if (bufs.length == 1) {
            return s.recv(bufs[0]);
        }
        try (Message m = s.recvMsg(bufs, 0)) {
            return m == null ? 0 : m.length();
        }
    }

    /** The epoll events that tell when the operations {@code ops} may proceed. */
    static int events(int ops) {
        int e = 0;
        if ((ops & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT)) != 0) {
            e |= EPOLLIN;
        }
        if ((ops & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT)) != 0) {
            e |= EPOLLOUT;
        }
        return e;
    }

    /**
     * Puts the channel's socket in blocking or non-blocking mode under the channel's I/O locks (the same lock twice
     * where there is one), so that the mode never changes under an operation in progress, as the JDK's channels.
     *
     * @throws ClosedChannelException if the channel is closed
     */
    static void configureBlocking(AbstractSelectableChannel c, Socket s, boolean block, Lock first, Lock second)
            throws IOException {
        first.lock();
        try {
            second.lock();
            try {
                if (!c.isOpen()) {
                    throw new ClosedChannelException();
                }
                s.setBlocking(block);
            } finally {
                second.unlock();
            }
        } finally {
            first.unlock();
        }
    }

    /**
     * Sets an option of the channel's socket, under its state lock.
     *
     * @throws ClosedChannelException if the channel is closed
     */
    static <T> void setOption(AbstractSelectableChannel c, Object stateLock, Socket s, SocketOption<T> name, T value)
            throws IOException {
        Objects.requireNonNull(name, "name");
        synchronized (stateLock) {
            if (!c.isOpen()) {
                throw new ClosedChannelException();
            }
            s.setOption(name, value);
        }
    }

    /**
     * Reads an option of the channel's socket, under its state lock.
     *
     * @throws ClosedChannelException if the channel is closed
     */
    static <T> T getOption(AbstractSelectableChannel c, Object stateLock, Socket s, SocketOption<T> name)
            throws IOException {
        Objects.requireNonNull(name, "name");
        synchronized (stateLock) {
            if (!c.isOpen()) {
                throw new ClosedChannelException();
            }
            return s.getOption(name);
        }
    }

    /** Whether epoll's {@code events} report an error or a hang-up: then every operation of interest is ready. */
    static boolean failed(int events) {
        return (events & (EPOLLERR | EPOLLHUP)) != 0;
    }
}
