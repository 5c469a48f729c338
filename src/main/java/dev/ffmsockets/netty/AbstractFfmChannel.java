package dev.ffmsockets.netty;

import dev.ffmsockets.Family;
import dev.ffmsockets.Socket;
import io.netty.channel.AbstractChannel;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.channel.IoEvent;
import io.netty.channel.IoEventLoop;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.Future;

import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ConnectionPendingException;
import java.util.concurrent.TimeUnit;

import static dev.ffmsockets.posix.Posix.EPOLLERR;
import static dev.ffmsockets.posix.Posix.EPOLLHUP;
import static dev.ffmsockets.posix.Posix.EPOLLIN;
import static dev.ffmsockets.posix.Posix.EPOLLOUT;
import static dev.ffmsockets.posix.Posix.EPOLLRDHUP;

/**
 * What this transport's channels share: a non-blocking {@link Socket} of the library, its registration with the
 * event loop's {@link FfmIoHandler} and the events it waits for, reading on demand and the connection in progress.
 * Everything here runs on the channel's event loop, as Netty's channels do.
 */
abstract class AbstractFfmChannel extends AbstractChannel {

    final Socket socket;
    final Family family;
    /** The descriptor, fixed at creation: used by the loop's calls, which never outlive the socket's close. */
    final int fd;
    private IoRegistration registration;
    /** The events waited for; kept while not registered and submitted at registration. */
    private int interest;
    boolean readPending;
    private ChannelPromise connectPromise;
    private Future<?> connectTimeout;
    private SocketAddress requestedRemote;
    volatile SocketAddress local, remote;
    volatile boolean active;

    AbstractFfmChannel(Channel parent, Socket socket, boolean active) {
        super(parent);
        this.socket = socket;
        this.fd = socket.fd();
        this.family = socket.family();
        this.active = active;
    }

    /** The native memory of the loop the channel is registered with, for its calls. */
    private Scratch scratch;

    /** {@return the loop's native memory for the calls} */
    final Scratch scratch() {
        return scratch;
    }

    final boolean isInterested(int event) {
        return (interest & event) != 0;
    }

    final void addInterest(int event) {
        setInterest(interest | event);
    }

    final void removeInterest(int event) {
        setInterest(interest & ~event);
    }

    private void setInterest(int events) {
        if (events == interest) {
            return;
        }
        interest = events;
        if (registration != null && registration.isValid()) {
            registration.submit(FfmIoOps.of(events));
        }
    }

    @Override
    public boolean isOpen() {
        return socket.isOpen();
    }

    @Override
    public boolean isActive() {
        return active && socket.isOpen();
    }

    @Override
    protected boolean isCompatible(EventLoop loop) {
        return loop instanceof IoEventLoop l && l.isCompatible(FfmUnsafe.class);
    }

    @Override
    protected void doRegister(ChannelPromise promise) {
        ((IoEventLoop) eventLoop()).register((FfmUnsafe) unsafe()).addListener(f -> {
            if (f.isSuccess()) {
                registration = (IoRegistration) f.getNow();
                scratch = ((FfmIoHandler) registration.attachment()).scratch;
                if (interest != 0) {
                    registration.submit(FfmIoOps.of(interest));
                }
                promise.setSuccess();
            } else {
                promise.setFailure(f.cause());
            }
        });
    }

    @Override
    protected void doDeregister() {
        IoRegistration r = registration;
        if (r != null) {
            r.cancel();
        }
    }

    /**
     * Asks for input; only once active: epoll reports a socket that is neither connected nor listening as hung up, and
     * level-triggered it would say so on every wait until the connection is made. A read asked for before then waits
     * for {@code connected()}.
     */
    @Override
    protected void doBeginRead() {
        readPending = true;
        if (isActive()) {
            addInterest(readInterest());
        }
    }

    /** {@return the event that means "something to read" for this channel (a connection, for a server)} */
    int readInterest() {
        return EPOLLIN;
    }

    /** Stops waiting for input (auto-read off and no read pending), as Netty's NIO channels do. */
    final void clearReadPending() {
        if (isRegistered()) {
            EventLoop loop = eventLoop();
            if (loop.inEventLoop()) {
                readPending = false;
                removeInterest(readInterest());
            } else {
                loop.execute(() -> {
                    if (!readPending && !config().isAutoRead()) {
                        removeInterest(readInterest());
                    }
                });
            }
        } else {
            readPending = false;
            interest &= ~readInterest();
        }
    }

    @Override
    protected void doClose() throws Exception {
        active = false;
        ChannelPromise p = connectPromise;
        if (p != null) {
            p.tryFailure(new ClosedChannelException());
            connectPromise = null;
        }
        Future<?> t = connectTimeout;
        if (t != null) {
            t.cancel(false);
            connectTimeout = null;
        }
        try {
            if (isRegistered() && eventLoop().inEventLoop()) {
                doDeregister(); // out of epoll while the descriptor is open: a copy of it cannot keep it there
            }
        } finally {
            socket.close();
        }
    }

    @Override
    protected void doDisconnect() throws Exception {
        doClose();
    }

    @Override
    protected SocketAddress localAddress0() {
        return local;
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return remote;
    }

    /** Called once a connection this channel started is made: a read asked for meanwhile starts waiting. */
    void connected() {
        if (readPending) {
            addInterest(readInterest());
        }
    }

    /** Starts a connection; {@code true} if made at once. */
    abstract boolean doConnect(SocketAddress remoteAddress, SocketAddress localAddress) throws Exception;

    /** Completes a connection in progress; {@code true} once made. */
    abstract boolean doFinishConnect() throws Exception;

    /** The channels' {@link io.netty.channel.Channel.Unsafe}, which the event loop's handler calls with events. */
    abstract class FfmUnsafe extends AbstractUnsafe implements FfmIoHandle {

        @Override
        public int fd() {
            return socket.isOpen() ? fd : -1;
        }

        @Override
        public void close() {
            close(voidPromise());
        }

        @Override
        public void handle(IoRegistration r, IoEvent event) {
            int ready = ((FfmIoEvent) event).ready;
            boolean failed = (ready & (EPOLLERR | EPOLLHUP)) != 0;
            if (connectPromise != null) {
                if ((ready & EPOLLOUT) != 0 || failed) {
                    finishConnect();
                }
                return;
            }
            if (((ready & EPOLLOUT) != 0 || failed) && isInterested(EPOLLOUT)) {
                forceFlush();
            }
            if (((ready & EPOLLIN) != 0 || failed) && isInterested(readInterest()) && isOpen()) {
                read();
            }
            if ((ready & EPOLLRDHUP) != 0 && isInterested(EPOLLRDHUP) && isOpen()) {
                peerShutOutput();
            }
        }

        /** The peer shut its output down ({@code EPOLLRDHUP}, only for a channel that asked for it). */
        void peerShutOutput() {
        }

        /** Reads what has come, as far as Netty's allocator handle says. */
        abstract void read();

        /** Writes now, whether or not the loop waits for writability. */
        final void forceFlush() {
            super.flush0();
        }

        @Override
        protected final void flush0() {
            if (!isInterested(EPOLLOUT)) { // a flush is pending on writability otherwise: the event will write
                super.flush0();
            }
        }

        @Override
        public final void connect(SocketAddress remoteAddress, SocketAddress localAddress, ChannelPromise promise) {
            if (promise.isDone() || !ensureOpen(promise)) {
                return;
            }
            try {
                if (connectPromise != null) {
                    throw new ConnectionPendingException();
                }
                boolean wasActive = isActive();
                if (doConnect(remoteAddress, localAddress)) {
                    fulfilConnect(promise, wasActive);
                    return;
                }
                connectPromise = promise;
                requestedRemote = remoteAddress;
                addInterest(EPOLLOUT);
                int millis = config().getConnectTimeoutMillis();
                if (millis > 0) {
                    connectTimeout = eventLoop().schedule(() -> {
                        ChannelPromise p = connectPromise;
                        if (p != null && !p.isDone() && p.tryFailure(new ConnectTimeoutException(
                                "connection timed out after " + millis + " ms: " + remoteAddress))) {
                            close(voidPromise());
                        }
                    }, millis, TimeUnit.MILLISECONDS);
                }
                promise.addListener((ChannelFutureListener) f -> {
                    if (f.isCancelled()) {
                        if (connectTimeout != null) {
                            connectTimeout.cancel(false);
                        }
                        connectPromise = null;
                        close(voidPromise());
                    }
                });
            } catch (ConnectionPendingException | java.nio.channels.AlreadyConnectedException t) {
                promise.tryFailure(t);
            } catch (Throwable t) {
                // a connection that failed leaves the socket in no state to use: closed, as the JDK's channels do
                promise.tryFailure(annotateConnectException(t, remoteAddress));
                close(voidPromise());
            }
        }

        private void fulfilConnect(ChannelPromise promise, boolean wasActive) {
            if (promise == null) {
                return; // cancelled, and the promise told already
            }
            active = true;
            connected();
            boolean nowActive = isActive();
            boolean set = promise.trySuccess();
            if (!wasActive && nowActive) {
                pipeline().fireChannelActive();
            }
            if (!set) {
                close(voidPromise());
            }
        }

        private void finishConnect() {
            boolean inProgress = false;
            try {
                boolean wasActive = isActive();
                if (!doFinishConnect()) {
                    inProgress = true;
                    return;
                }
                removeInterest(EPOLLOUT);
                fulfilConnect(connectPromise, wasActive);
            } catch (Throwable t) {
                ChannelPromise p = connectPromise;
                if (p != null) {
                    p.tryFailure(annotateConnectException(t, requestedRemote));
                }
                close(voidPromise());
            } finally {
                if (!inProgress) {
                    if (connectTimeout != null) {
                        connectTimeout.cancel(false);
                    }
                    connectPromise = null;
                }
            }
        }
    }
}
