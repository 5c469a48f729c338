package dev.ffmsockets.netty;

import dev.ffmsockets.Socket;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelMetadata;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.channel.EventLoop;
import io.netty.channel.FileRegion;
import io.netty.channel.RecvByteBufAllocator;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelInputShutdownReadComplete;
import io.netty.channel.socket.DuplexChannel;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AlreadyConnectedException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.WritableByteChannel;

import static dev.ffmsockets.posix.Posix.EPOLLOUT;
import static dev.ffmsockets.posix.Posix.EPOLLRDHUP;

/**
 * A stream channel (TCP, AF_UNIX stream): reads into buffers from Netty's allocator, writes a whole flushed outbound
 * buffer with one {@code sendmsg(2)} (up to {@value Scratch#IOV_MAX} buffers), file regions through the socket, and
 * both half-closures. Its behaviour in each state is that of Netty's own stream channels: the same events, in the
 * same order, for the same causes.
 */
abstract class AbstractFfmStreamChannel extends AbstractFfmChannel implements DuplexChannel {

    private static final ChannelMetadata METADATA = new ChannelMetadata(false, 16);

    private boolean inputShutdown, outputShutdown;
    /** Set once a read after the input was shut down has seen its end (or an error). */
    private boolean inputClosedSeenErrorOnRead;
    /** Set once epoll said the peer shut its output down: reading then goes on to the end, whatever else says. */
    private boolean peerShutOutput;
    private final Runnable flushTask = () -> ((FfmUnsafe) unsafe()).forceFlush();
    private WritableByteChannel byteChannel;
    /** The address a connection in progress was asked for. */
    private SocketAddress connecting;

    AbstractFfmStreamChannel(Channel parent, Socket socket, boolean active) {
        super(parent, socket, active);
        if (active) {
            addInterest(EPOLLRDHUP);
        }
    }

    /**
     * A connected stream waits for the peer's end of output ({@code EPOLLRDHUP}) whether or not it reads: the end is
     * then read to and told (both half-closure events) even with auto-read off and no read pending, as Netty's epoll
     * channels do.
     */
    @Override
    void connected() {
        super.connected();
        addInterest(EPOLLRDHUP);
    }

    @Override
    public ChannelMetadata metadata() {
        return METADATA;
    }

    abstract boolean isAllowHalfClosure();

    @Override
    public boolean isInputShutdown() {
        return inputShutdown || !isActive();
    }

    @Override
    public boolean isOutputShutdown() {
        return outputShutdown || !isActive();
    }

    @Override
    public boolean isShutdown() {
        return (inputShutdown && outputShutdown) || !isActive();
    }

    @Override
    public ChannelFuture shutdownOutput() {
        return shutdownOutput(newPromise());
    }

    @Override
    public ChannelFuture shutdownOutput(ChannelPromise promise) {
        onLoop(() -> ((AbstractUnsafe) unsafe()).shutdownOutput(promise));
        return promise;
    }

    private void onLoop(Runnable task) {
        EventLoop loop = eventLoop();
        if (loop.inEventLoop()) {
            task.run();
        } else {
            loop.execute(task);
        }
    }

    @Override
    public ChannelFuture shutdownInput() {
        return shutdownInput(newPromise());
    }

    @Override
    public ChannelFuture shutdownInput(ChannelPromise promise) {
        onLoop(() -> shutdownInput0(promise));
        return promise;
    }

    private void shutdownInput0(ChannelPromise promise) {
        try {
            shutdownInputNow();
            promise.setSuccess();
        } catch (Throwable t) {
            promise.setFailure(t);
        }
    }

    private void shutdownInputNow() throws IOException {
        if (!inputShutdown) {
            if (!isOpen()) {
                throw new ClosedChannelException();
            }
            socket.shutdownInput();
            inputShutdown = true;
        }
    }

    @Override
    public ChannelFuture shutdown() {
        return shutdown(newPromise());
    }

    @Override
    public ChannelFuture shutdown(ChannelPromise promise) {
        ChannelFuture output = shutdownOutput();
        if (output.isDone()) {
            shutdownOutputDone(output, promise);
        } else {
            output.addListener(f -> shutdownOutputDone(output, promise));
        }
        return promise;
    }

    private void shutdownOutputDone(ChannelFuture output, ChannelPromise promise) {
        ChannelFuture input = shutdownInput();
        if (input.isDone()) {
            shutdownDone(output, input, promise);
        } else {
            input.addListener(f -> shutdownDone(output, input, promise));
        }
    }

    private static void shutdownDone(ChannelFuture output, ChannelFuture input, ChannelPromise promise) {
        Throwable out = output.cause(), in = input.cause();
        if (out != null) {
            if (in != null) {
                out.addSuppressed(in);
            }
            promise.setFailure(out);
        } else if (in != null) {
            promise.setFailure(in);
        } else {
            promise.setSuccess();
        }
    }

    @Override
    protected void doBind(SocketAddress localAddress) throws Exception {
        socket.bind(Addresses.of(localAddress, family));
        local = Addresses.toJava(socket.localAddress());
    }

    /** Connects; the peer is then reported as the address given, as the JDK's channels report it. */
    @Override
    boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception {
        if (remote != null) {
            throw new AlreadyConnectedException();
        }
        var target = Addresses.of(remoteAddress, family);
        if (localAddress != null) {
            doBind(localAddress);
        }
        // TCP: EINPROGRESS, finished on writability; AF_UNIX connects at once or fails (EAGAIN: the queue is full)
        boolean connected = socket.connect(target);
        if (connected) {
            connectedTo(remoteAddress);
        } else {
            connecting = remoteAddress;
        }
        return connected;
    }

    @Override
    boolean doFinishConnect() throws Exception {
        if (!socket.finishConnect()) {
            return false;
        }
        connectedTo(connecting);
        connecting = null;
        return true;
    }

    private void connectedTo(SocketAddress requested) throws IOException {
        local = Addresses.toJava(socket.localAddress());
        remote = requested != null ? requested : Addresses.toJava(socket.remoteAddress());
    }

    @Override
    protected void doShutdownOutput() throws Exception {
        socket.shutdownOutput();
        outputShutdown = true;
    }

    /** Buffers and file regions, as they are: a heap buffer is sent from its array, with no copy. */
    @Override
    protected Object filterOutboundMessage(Object msg) {
        if (msg instanceof ByteBuf || msg instanceof FileRegion) {
            return msg;
        }
        throw new UnsupportedOperationException("unsupported message type: " + msg.getClass().getName()
                + " (expected ByteBuf or FileRegion)");
    }

    @Override
    protected void doWrite(ChannelOutboundBuffer in) throws Exception {
        int spins = config().getWriteSpinCount();
        do {
            if (in.isEmpty()) {
                removeInterest(EPOLLOUT);
                return;
            }
            // Always through the outbound buffer's ByteBuffers, whose positions Io moves: it keeps them between
            // flushes, so a write that went around them (by a buffer's own index) would leave one stale, and a later
            // flush would send its bytes again.
            ByteBuffer[] buffers = in.nioBuffers(Scratch.IOV_MAX, Integer.MAX_VALUE);
            int count = in.nioBufferCount();
            if (count == 0) {
                spins -= writeOther(in); // a file region, or empty buffers
                continue;
            }
            long n = Io.gather(scratch(), fd, buffers, count);
            if (n <= 0) {
                incompleteWrite(true);
                return;
            }
            in.removeBytes(n);
            spins--;
        } while (spins > 0);
        incompleteWrite(spins < 0);
    }

    private void incompleteWrite(boolean waitForWritability) {
        if (waitForWritability) {
            addInterest(EPOLLOUT);
        } else {
            // the spin count is spent with more to write: let other channels of the loop run, then go on
            removeInterest(EPOLLOUT);
            eventLoop().execute(flushTask);
        }
    }

    /** Writes the current message when it is not a buffer with bytes: 1 if it moved, 0 if done, MAX_VALUE if full. */
    private int writeOther(ChannelOutboundBuffer in) throws Exception {
        Object msg = in.current();
        if (msg == null) {
            removeInterest(EPOLLOUT);
            return 0;
        }
        if (msg instanceof ByteBuf buf) {
            if (!buf.isReadable()) {
                in.remove();
                return 0;
            }
            long n = Io.send(scratch(), fd, buf, buf.readerIndex(), buf.readableBytes());
            if (n > 0) {
                in.progress(n);
                buf.skipBytes((int) n);
                if (!buf.isReadable()) {
                    in.remove();
                }
                return 1;
            }
        } else if (msg instanceof FileRegion region) {
            if (region.transferred() >= region.count()) {
                in.remove();
                return 0;
            }
            long n = region.transferTo(byteChannel(), region.transferred());
            if (n > 0) {
                in.progress(n);
                if (region.transferred() >= region.count()) {
                    in.remove();
                }
                return 1;
            }
        } else {
            throw new Error("unexpected message type: " + msg.getClass().getName());
        }
        return Integer.MAX_VALUE; // the socket's buffer is full
    }

    /** The socket as a byte channel for a file region's {@code transferTo}: non-blocking, 0 when full. */
    private WritableByteChannel byteChannel() {
        if (byteChannel == null) {
            byteChannel = new WritableByteChannel() {
                @Override
                public int write(ByteBuffer src) throws IOException {
                    return socket.send(src);
                }

                @Override
                public boolean isOpen() {
                    return socket.isOpen();
                }

                @Override
                public void close() {
                    // the channel closes the socket, not a file region
                }
            };
        }
        return byteChannel;
    }

    /** Reads as Netty's stream channels read: until the allocator handle says stop, or nothing more has come. */
    class StreamUnsafe extends FfmUnsafe {

        @Override
        void read() {
            ChannelConfig config = config();
            if (inputShutdown && (inputClosedSeenErrorOnRead || !isAllowHalfClosure())) {
                clearReadPending();
                return;
            }
            ChannelPipeline pipeline = pipeline();
            ByteBufAllocator allocator = config.getAllocator();
            var handle = recvBufAllocHandle();
            handle.reset(config);
            ByteBuf buf = null;
            boolean close = false;
            try {
                do {
                    buf = handle.allocate(allocator);
                    handle.attemptedBytesRead(buf.writableBytes());
                    handle.lastBytesRead(Io.recv(scratch(), fd, buf));
                    if (handle.lastBytesRead() <= 0) {
                        buf.release();
                        buf = null;
                        close = handle.lastBytesRead() < 0;
                        if (close) {
                            readPending = false;
                        }
                        break;
                    }
                    handle.incMessagesRead(1);
                    readPending = false;
                    pipeline.fireChannelRead(buf);
                    buf = null;
                } while (peerShutOutput || handle.continueReading());
                handle.readComplete();
                pipeline.fireChannelReadComplete();
                if (close) {
                    closeOnRead(pipeline);
                }
            } catch (Throwable t) {
                readFailed(pipeline, buf, t, close, handle);
            } finally {
                if (!readPending && !config.isAutoRead()) {
                    clearReadPending();
                }
            }
        }

        @Override
        void peerShutOutput() {
            peerShutOutput = true;
            removeInterest(EPOLLRDHUP); // told once: level-triggered, it would be reported until the socket closes
            if (isActive()) {
                read();
            } else if (!inputShutdown) {
                inputShutdown = true;
            }
        }

        private void closeOnRead(ChannelPipeline pipeline) {
            boolean wasShut = inputShutdown;
            if (!wasShut) {
                if (isAllowHalfClosure()) {
                    try {
                        shutdownInputNow();
                    } catch (IOException e) {
                        // the input is over either way
                        inputShutdown = true;
                    }
                    pipeline.fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
                } else {
                    close(voidPromise());
                    return;
                }
            }
            if ((wasShut || peerShutOutput) && !inputClosedSeenErrorOnRead) {
                inputClosedSeenErrorOnRead = true;
                pipeline.fireUserEventTriggered(ChannelInputShutdownReadComplete.INSTANCE);
            }
        }

        @SuppressWarnings("deprecation") // Netty's allocator handle: its channels take it as this type
        private void readFailed(ChannelPipeline pipeline, ByteBuf buf, Throwable cause, boolean close,
                                RecvByteBufAllocator.Handle handle) {
            if (buf != null) {
                if (buf.isReadable()) {
                    readPending = false;
                    pipeline.fireChannelRead(buf);
                } else {
                    buf.release();
                }
            }
            handle.readComplete();
            pipeline.fireChannelReadComplete();
            pipeline.fireExceptionCaught(cause);
            if (close || cause instanceof OutOfMemoryError || cause instanceof IOException) {
                closeOnRead(pipeline);
            }
        }
    }
}
