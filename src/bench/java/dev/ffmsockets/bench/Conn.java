package dev.ffmsockets.bench;

import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.UnixSockAddr;
import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.raw.sockaddr_in;
import dev.ffmsockets.raw.sockaddr_un;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.ffmsockets.posix.Posix.*;

/**
 * One end of a connected stream, in one of the implementations the benchmarks compare. Each end owns its
 * buffer, of the kind its implementation is measured with, and is used by one thread.
 */
abstract class Conn implements AutoCloseable {

    /** The implementations, as the benchmarks' {@code impl} parameter names them. */
    static final String[] STREAM_IMPLS = {"c-style-native", "c-style-heap", "safe-array", "safe-heap-buffer",
            "safe-direct-buffer", "safe-segment", "safe-heap-segment", "java.net", "nio-direct", "nio-heap"};

    protected final int capacity;

    Conn(int capacity) {
        this.capacity = capacity;
    }

    /** Sends the first {@code n} bytes of the buffer, all of them. */
    abstract void send(int n) throws IOException;

    /** Receives up to {@code n} bytes into the buffer; -1 at end of stream. */
    abstract int recv(int n) throws IOException;

    /** Receives exactly {@code n} bytes. */
    final void recvFully(int n) throws IOException {
        int got = 0;
        while (got < n) {
            int r = recvAt(got, n - got);
            if (r < 0) {
                throw new IOException("end of stream after " + got + " of " + n + " bytes");
            }
            got += r;
        }
    }

    /** Receives up to {@code n} bytes at offset {@code off} of the buffer. */
    abstract int recvAt(int off, int n) throws IOException;

    @Override
    public abstract void close() throws IOException;

    /** A listener of an implementation, and the address to connect to. */
    interface Listener extends AutoCloseable {
        Conn accept(int capacity) throws IOException;

        Conn connect(int capacity) throws IOException;

        @Override
        void close() throws IOException;
    }

    /**
     * Native memory for data, starting on a page as the C harness's buffers do: where a buffer starts within its page
     * changes the kernel's copies on this kind of CPU markedly, so no side leaves it to its allocator.
     */
    static MemorySegment pageSegment(long n) {
        return Arena.ofAuto().allocate(n, 4096);
    }

    /** A direct buffer of {@code n} bytes starting on a page (see {@link #pageSegment}). */
    static ByteBuffer pageBuffer(int n) {
        return ByteBuffer.allocateDirect(n + 8192).alignedSlice(4096).slice(0, n);
    }

    static Path unixPath() throws IOException {
        Path p = Files.createTempFile("ffm-bench", ".sock");
        Files.delete(p);
        return p;
    }

    /** A listening socket of {@code impl} on loopback TCP or a Unix socket path. */
    static Listener listen(String impl, String transport) throws IOException {
        boolean unix = transport.equals("unix");
        return switch (impl) {
            case "c-style-native", "c-style-heap" -> new PosixListener(unix, impl.endsWith("heap"));
            case "safe-array", "safe-heap-buffer", "safe-direct-buffer", "safe-segment", "safe-heap-segment" ->
                    new SafeListener(unix, impl);
            case "java.net" -> {
                if (unix) {
                    throw new IllegalArgumentException("java.net.Socket has no Unix-domain sockets");
                }
                yield new NetListener();
            }
            case "nio-direct", "nio-heap" -> new NioListener(unix, impl.endsWith("direct"));
            default -> throw new IllegalArgumentException("unknown implementation " + impl);
        };
    }

    // ---- the C-style API ----------------------------------------------------------------------------------

    static final class PosixConn extends Conn {
        private final int fd;
        private final MemorySegment buf;

        PosixConn(int fd, int capacity, boolean heap, boolean tcp) {
            super(capacity);
            this.fd = fd;
            this.buf = heap ? MemorySegment.ofArray(new byte[capacity]) : pageSegment(capacity);
            if (tcp) {
                setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, Arena.ofAuto().allocateFrom(C_INT, 1), 4);
            }
        }

        @Override
        void send(int n) throws IOException {
            for (long sent = 0; sent < n; ) {
                long r = Posix.send(fd, sent == 0 ? buf : buf.asSlice(sent), n - sent, MSG_NOSIGNAL);
                if (r < 0) {
                    throw new IOException("send: " + strerror(errno()));
                }
                sent += r;
            }
        }

        @Override
        int recv(int n) throws IOException {
            return recvAt(0, n);
        }

        @Override
        int recvAt(int off, int n) throws IOException {
            long r = Posix.recv(fd, off == 0 ? buf : buf.asSlice(off), n, 0);
            if (r < 0) {
                throw new IOException("recv: " + strerror(errno()));
            }
            return r == 0 ? -1 : (int) r;
        }

        @Override
        public void close() {
            Posix.close(fd);
        }
    }

    static final class PosixListener implements Listener {
        private final int fd;
        private final boolean unix, heap;
        private final MemorySegment addr;
        private final int addrLen;
        private final Path path;

        PosixListener(boolean unix, boolean heap) throws IOException {
            this.unix = unix;
            this.heap = heap;
            Arena arena = Arena.ofAuto();
            fd = socket(unix ? AF_UNIX : AF_INET, SOCK_STREAM, 0);
            if (unix) {
                path = unixPath();
                addr = sockaddr_un.allocate(arena);
                sockaddr_un.sun_family(addr, (short) AF_UNIX);
                MemorySegment p = arena.allocateFrom(path.toString());
                MemorySegment.copy(p, 0, sockaddr_un.sun_path(addr), 0, p.byteSize());
                addrLen = (int) sockaddr_un.sizeof();
            } else {
                path = null;
                addr = sockaddr_in.allocate(arena);
                sockaddr_in.sin_family(addr, (short) AF_INET);
                dev.ffmsockets.raw.in_addr.s_addr(sockaddr_in.sin_addr(addr), htonl(INADDR_LOOPBACK));
                addrLen = (int) sockaddr_in.sizeof();
            }
            MemorySegment len = arena.allocateFrom(socklen_t, addrLen);
            if (bind(fd, addr, addrLen) < 0 || Posix.listen(fd, 128) < 0 || getsockname(fd, addr, len) < 0) {
                throw new IOException("listen: " + strerror(errno()));
            }
        }

        @Override
        public Conn accept(int capacity) throws IOException {
            int c = Posix.accept(fd, MemorySegment.NULL, MemorySegment.NULL);
            if (c < 0) {
                throw new IOException("accept: " + strerror(errno()));
            }
            return new PosixConn(c, capacity, heap, !unix);
        }

        @Override
        public Conn connect(int capacity) throws IOException {
            int c = socket(unix ? AF_UNIX : AF_INET, SOCK_STREAM, 0);
            if (Posix.connect(c, addr, addrLen) < 0) {
                throw new IOException("connect: " + strerror(errno()));
            }
            return new PosixConn(c, capacity, heap, !unix);
        }

        /** One connection set up and torn down, as the connection benchmark measures it. */
        void cycle() throws IOException {
            int c = socket(unix ? AF_UNIX : AF_INET, SOCK_STREAM, 0);
            if (Posix.connect(c, addr, addrLen) < 0) {
                throw new IOException("connect: " + strerror(errno()));
            }
            int a = Posix.accept(fd, MemorySegment.NULL, MemorySegment.NULL);
            if (a < 0) {
                throw new IOException("accept: " + strerror(errno()));
            }
            Posix.close(a);
            Posix.close(c);
        }

        @Override
        public void close() throws IOException {
            Posix.close(fd);
            if (path != null) {
                Files.deleteIfExists(path);
            }
        }
    }

    // ---- the safe wrapper -----------------------------------------------------------------------------------

    static final class SafeConn extends Conn {
        private final Socket s;
        private final String kind;
        private final byte[] array;
        private final ByteBuffer buffer;
        private final MemorySegment segment;

        SafeConn(Socket s, int capacity, String kind) throws IOException {
            super(capacity);
            this.s = s;
            this.kind = kind;
            array = new byte[capacity];
            buffer = kind.equals("safe-direct-buffer") ? pageBuffer(capacity) : ByteBuffer.allocate(capacity);
            segment = kind.equals("safe-heap-segment") ? MemorySegment.ofArray(new byte[capacity]) : pageSegment(capacity);
            if (s.family() != Family.UNIX) {
                s.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
        }

        @Override
        void send(int n) throws IOException {
            switch (kind) {
                case "safe-array" -> s.sendAll(array, 0, n);
                case "safe-segment", "safe-heap-segment" -> s.sendAll(n == capacity ? segment : segment.asSlice(0, n));
                default -> s.sendAll(buffer.clear().limit(n));
            }
        }

        @Override
        int recv(int n) throws IOException {
            return recvAt(0, n);
        }

        @Override
        int recvAt(int off, int n) throws IOException {
            return switch (kind) {
                case "safe-array" -> s.recv(array, off, n);
                case "safe-segment", "safe-heap-segment" -> (int) s.recv(off == 0 && n == capacity ? segment : segment.asSlice(off, n));
                default -> s.recv(buffer.limit(off + n).position(off));
            };
        }

        @Override
        public void close() {
            s.close();
        }
    }

    static final class SafeListener implements Listener {
        final Socket server;
        final SockAddr where;
        private final String kind;
        private final Path path;

        SafeListener(boolean unix, String kind) throws IOException {
            this.kind = kind;
            path = unix ? unixPath() : null;
            server = Socket.open(unix ? Family.UNIX : Family.INET, SocketType.STREAM);
            server.bind(unix ? UnixSockAddr.of(path) : InetSockAddr.loopback(0));
            server.listen(128);
            where = server.localAddress();
        }

        @Override
        public Conn accept(int capacity) throws IOException {
            return new SafeConn(server.accept(), capacity, kind);
        }

        @Override
        public Conn connect(int capacity) throws IOException {
            Socket c = Socket.open(where.family(), SocketType.STREAM);
            c.connect(where);
            return new SafeConn(c, capacity, kind);
        }

        void cycle() throws IOException {
            Socket c = Socket.open(where.family(), SocketType.STREAM);
            c.connect(where);
            Socket a = server.accept();
            a.close();
            c.close();
        }

        @Override
        public void close() throws IOException {
            server.close();
            if (path != null) {
                Files.deleteIfExists(path);
            }
        }
    }

    // ---- java.net -------------------------------------------------------------------------------------------

    static final class NetConn extends Conn {
        private final java.net.Socket s;
        private final InputStream in;
        private final OutputStream out;
        private final byte[] array;

        NetConn(java.net.Socket s, int capacity) throws IOException {
            super(capacity);
            this.s = s;
            s.setTcpNoDelay(true);
            in = s.getInputStream();
            out = s.getOutputStream();
            array = new byte[capacity];
        }

        @Override
        void send(int n) throws IOException {
            out.write(array, 0, n);
        }

        @Override
        int recv(int n) throws IOException {
            return in.read(array, 0, n);
        }

        @Override
        int recvAt(int off, int n) throws IOException {
            return in.read(array, off, n);
        }

        @Override
        public void close() throws IOException {
            s.close();
        }
    }

    static final class NetListener implements Listener {
        final ServerSocket server;

        NetListener() throws IOException {
            server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
        }

        @Override
        public Conn accept(int capacity) throws IOException {
            return new NetConn(server.accept(), capacity);
        }

        @Override
        public Conn connect(int capacity) throws IOException {
            return new NetConn(new java.net.Socket(InetAddress.getLoopbackAddress(), server.getLocalPort()), capacity);
        }

        void cycle() throws IOException {
            java.net.Socket c = new java.net.Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
            java.net.Socket a = server.accept();
            a.close();
            c.close();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    // ---- java.nio -------------------------------------------------------------------------------------------

    static final class NioConn extends Conn {
        private final SocketChannel ch;
        private final ByteBuffer buffer;

        NioConn(SocketChannel ch, int capacity, boolean direct) throws IOException {
            super(capacity);
            this.ch = ch;
            if (ch.getRemoteAddress() instanceof InetSocketAddress) {
                ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            }
            buffer = direct ? pageBuffer(capacity) : ByteBuffer.allocate(capacity);
        }

        @Override
        void send(int n) throws IOException {
            buffer.clear().limit(n);
            while (buffer.hasRemaining()) {
                ch.write(buffer);
            }
        }

        @Override
        int recv(int n) throws IOException {
            return recvAt(0, n);
        }

        @Override
        int recvAt(int off, int n) throws IOException {
            return ch.read(buffer.limit(off + n).position(off));
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }

    static final class NioListener implements Listener {
        final ServerSocketChannel server;
        final java.net.SocketAddress where;
        private final boolean direct;
        private final Path path;

        NioListener(boolean unix, boolean direct) throws IOException {
            this.direct = direct;
            path = unix ? unixPath() : null;
            server = unix ? ServerSocketChannel.open(StandardProtocolFamily.UNIX) : ServerSocketChannel.open();
            server.bind(unix ? UnixDomainSocketAddress.of(path) : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 128);
            where = server.getLocalAddress();
        }

        @Override
        public Conn accept(int capacity) throws IOException {
            return new NioConn(server.accept(), capacity, direct);
        }

        @Override
        public Conn connect(int capacity) throws IOException {
            return new NioConn(SocketChannel.open(where), capacity, direct);
        }

        void cycle() throws IOException {
            SocketChannel c = SocketChannel.open(where);
            SocketChannel a = server.accept();
            a.close();
            c.close();
        }

        @Override
        public void close() throws IOException {
            server.close();
            if (path != null) {
                Files.deleteIfExists(path);
            }
        }
    }
}
