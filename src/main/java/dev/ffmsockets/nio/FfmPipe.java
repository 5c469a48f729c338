package dev.ffmsockets.nio;

import dev.ffmsockets.Family;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.nio.channels.spi.SelectorProvider;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;

import static dev.ffmsockets.posix.Posix.EPOLLIN;
import static dev.ffmsockets.posix.Posix.EPOLLOUT;

/**
 * A {@link Pipe} whose ends are the two ends of an AF_UNIX stream {@code socketpair(2)}, each shut down in the
 * direction it does not use: what is written to the sink is read from the source, in order; closing the sink ends
 * the source's stream, and writing after the source is closed fails ({@code EPIPE}), as with {@code pipe(2)}. Both
 * ends are selectable by {@link FfmSelector}. Where it differs from a pipe: it is a socket ({@code fstat} says so), and
 * a write is not atomic up to {@code PIPE_BUF} bytes when several threads share the sink (the sink's write lock keeps
 * this process's writers apart).
 */
final class FfmPipe extends Pipe {

    private final Source source;
    private final Sink sink;

    FfmPipe(SelectorProvider provider) throws IOException {
        Socket.Pair pair = Socket.pair(Family.UNIX, SocketType.STREAM);
        try {
            pair.first().shutdownOutput();
            pair.second().shutdownInput();
        } catch (IOException | RuntimeException e) {
            pair.close();
            throw e;
        }
        this.source = new Source(provider, pair.first());
        this.sink = new Sink(provider, pair.second());
    }

    @Override
    public SourceChannel source() {
        return source;
    }

    @Override
    public SinkChannel sink() {
        return sink;
    }

    /** The end that reads: {@code recv(2)}, -1 once the sink is closed and all it wrote is read. */
    static final class Source extends SourceChannel implements FfmChannel {
        private final Socket s;
        final ChannelKeys keys = new ChannelKeys();
        private final ReentrantLock readLock = new ReentrantLock();

        Source(SelectorProvider provider, Socket s) {
            super(provider);
            this.s = s;
        }

        @Override
        public Socket librarySocket() {
            return s;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            FfmChannel.writable(Objects.requireNonNull(dst, "dst"));
            return (int) read(new ByteBuffer[] {dst}, 0, 1);
        }

        @Override
        public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
            ByteBuffer[] bufs = FfmChannel.batch(dsts, offset, length, true);
            readLock.lock();
            try {
                if (!isOpen()) {
                    throw new ClosedChannelException();
                }
                if (bufs.length == 0) {
                    return 0;
                }
                boolean blocking = isBlocking();
                long n = 0;
                try {
                    if (blocking) {
                        begin();
                    }
                    n = FfmChannel.scatter(s, bufs);
                    return n;
                } catch (IOException e) {
                    throw !blocking && !isOpen() ? new AsynchronousCloseException() : e;
                } finally {
                    if (blocking) {
                        end(n > 0);
                    }
                }
            } finally {
                readLock.unlock();
            }
        }

        @Override
        public long read(ByteBuffer[] dsts) throws IOException {
            return read(dsts, 0, dsts.length);
        }

        int readyOps(int events, int interest) {
            return FfmChannel.failed(events) || (events & EPOLLIN) != 0 ? interest & SelectionKey.OP_READ : 0;
        }

        @Override
        protected void implCloseSelectableChannel() {
            keys.closing();
            s.close();
        }

        @Override
        protected void implConfigureBlocking(boolean block) throws IOException {
            FfmChannel.configureBlocking(this, s, block, readLock, readLock);
        }
    }

    /** The end that writes: {@code send(2)}; in blocking mode until all is written. */
    static final class Sink extends SinkChannel implements FfmChannel {
        private final Socket s;
        final ChannelKeys keys = new ChannelKeys();
        private final ReentrantLock writeLock = new ReentrantLock();

        Sink(SelectorProvider provider, Socket s) {
            super(provider);
            this.s = s;
        }

        @Override
        public Socket librarySocket() {
            return s;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            return (int) write(new ByteBuffer[] {Objects.requireNonNull(src, "src")}, 0, 1);
        }

        @Override
        public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
            Objects.checkFromIndexSize(offset, length, srcs.length);
            writeLock.lock();
            try {
                if (!isOpen()) {
                    throw new ClosedChannelException();
                }
                boolean blocking = isBlocking();
                long total = 0;
                try {
                    if (blocking) {
                        begin();
                    }
                    for (ByteBuffer[] bufs = FfmChannel.batch(srcs, offset, length, false); bufs.length > 0;
                         bufs = FfmChannel.batch(srcs, offset, length, false)) {
                        total += FfmChannel.gather(s, bufs);
                        if (!blocking) {
                            break;
                        }
                    }
                    return total;
                } catch (IOException e) {
                    throw !blocking && !isOpen() ? new AsynchronousCloseException() : notASocket(e);
                } finally {
                    if (blocking) {
                        end(total > 0);
                    }
                }
            } finally {
                writeLock.unlock();
            }
        }

        /**
         * A pipe is not a socket: its failures are {@code IOException}s as a pipe's are ({@code Broken pipe}), with the
         * socket's exception (and its errno) as the cause.
         */
        private static IOException notASocket(IOException e) {
            if (e instanceof dev.ffmsockets.ErrnoException x && e instanceof java.net.SocketException) {
                return new IOException(dev.ffmsockets.posix.Posix.strerror(x.errno()), e);
            }
            return e;
        }

        @Override
        public long write(ByteBuffer[] srcs) throws IOException {
            return write(srcs, 0, srcs.length);
        }

        int readyOps(int events, int interest) {
            return FfmChannel.failed(events) || (events & EPOLLOUT) != 0 ? interest & SelectionKey.OP_WRITE : 0;
        }

        @Override
        protected void implCloseSelectableChannel() {
            keys.closing();
            s.close();
        }

        @Override
        protected void implConfigureBlocking(boolean block) throws IOException {
            FfmChannel.configureBlocking(this, s, block, writeLock, writeLock);
        }
    }
}
