package dev.ffmsockets.nio;

import dev.ffmsockets.ErrnoException;
import dev.ffmsockets.Family;
import dev.ffmsockets.LinuxSocketOptions;
import dev.ffmsockets.Message;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.impl.Addresses;
import dev.ffmsockets.impl.Messages;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import static dev.ffmsockets.posix.Posix.EAFNOSUPPORT;
import static dev.ffmsockets.posix.Posix.EPOLLERR;
import static dev.ffmsockets.posix.Posix.EPOLLHUP;
import static dev.ffmsockets.posix.Posix.EPOLLIN;
import static dev.ffmsockets.posix.Posix.EPOLLOUT;

/** What {@link FfmSelector} needs of a channel of this package: its socket, and its operations as epoll events. */
interface FfmChannel {

    /** {@return the library's socket under the channel} */
    Socket librarySocket();

    /**
     * A socket for a new channel: of {@code family}, and for INET6 a dual-stack one that takes IPv4 peers too, as the
     * JDK's channels open by default (or an IPv4 one where the kernel has no IPv6).
     */
    static Socket open(Family family, SocketType type) throws IOException {
        try {
            Socket s = Socket.open(family, type);
            if (family == Family.INET6) {
                try {
                    s.setOption(LinuxSocketOptions.IPV6_V6ONLY, false);
                } catch (IOException | RuntimeException e) {
                    s.close();
                    throw e;
                }
            }
            return s;
        } catch (IOException e) {
            if (family == Family.INET6 && e instanceof ErrnoException x && x.errno() == EAFNOSUPPORT) {
                return Socket.open(Family.INET, type);
            }
            throw e;
        }
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

    /**
     * Whether the kernel has given the socket a local address (an Internet port, an AF_UNIX name): what a channel
     * made over a socket of the library reports as bound.
     */
    static boolean isBound(Socket s) {
        try {
            return Addresses.named(s.localAddress());
        } catch (IOException closed) {
            return false;
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
     * The operations of {@code interest} that epoll's {@code events} say may proceed. An error or hang-up makes every
     * operation of interest ready, so that the operation itself reports it, as the JDK's selectors do.
     */
    static int ready(int events, int interest) {
        int ready = 0;
        boolean failed = (events & (EPOLLERR | EPOLLHUP)) != 0;
        if (failed || (events & EPOLLIN) != 0) {
            ready |= interest & (SelectionKey.OP_READ | SelectionKey.OP_ACCEPT);
        }
        if (failed || (events & EPOLLOUT) != 0) {
            ready |= interest & (SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT);
        }
        return ready;
    }
}
