package dev.ffmsockets.bench;

import dev.ffmsockets.ControlMessage;
import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.Message;
import dev.ffmsockets.OpenFile;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.UnixSockAddr;
import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.raw.cmsghdr;
import dev.ffmsockets.raw.iovec;
import dev.ffmsockets.raw.msghdr;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;

/**
 * W8, as native/bench/bench.c's {@code relay*} and {@code file*}: an operation moves {@value #OP} bytes. Relay: a
 * source thread writes into connection A, the measured thread moves A to connection B, a sink thread discards.
 * File: a {@value #OP}-byte file sent whole over a connection to a discarding sink. The source and sink run the
 * same library as the measured thread.
 */
public class TransferBench {

    static final int OP = 1 << 20;
    static final int CHUNK = 64 * 1024;
    static final String[] RELAY_IMPLS = {"safe-transfer", "safe-array", "safe-direct-buffer", "nio-direct"};
    static final String[] FILE_IMPLS = {"safe-sendfile", "safe-sendfile-open", "safe-array", "nio-transferTo", "nio-direct"};

    /** A connected pair of stream sockets of one library, ends {@code a} (client) and {@code b} (accepted). */
    record SafePair(Socket a, Socket b) {
        static SafePair open(boolean unix) throws IOException {
            Family family = unix ? Family.UNIX : Family.INET;
            Path path = unix ? Conn.unixPath() : null;
            try (Socket listener = Socket.open(family, SocketType.STREAM)) {
                listener.bind(unix ? UnixSockAddr.of(path) : InetSockAddr.loopback(0));
                listener.listen(1);
                SockAddr where = listener.localAddress();
                Socket a = Socket.open(family, SocketType.STREAM);
                a.connect(where);
                Socket b = listener.accept();
                return new SafePair(a, b);
            } finally {
                if (path != null) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    record NioPair(SocketChannel a, SocketChannel b) {
        static NioPair open(boolean unix) throws IOException {
            Path path = unix ? Conn.unixPath() : null;
            try (ServerSocketChannel listener = unix ? ServerSocketChannel.open(StandardProtocolFamily.UNIX)
                    : ServerSocketChannel.open()) {
                listener.bind(unix ? UnixDomainSocketAddress.of(path) : new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                SocketChannel a = SocketChannel.open(listener.getLocalAddress());
                SocketChannel b = listener.accept();
                return new NioPair(a, b);
            } finally {
                if (path != null) {
                    Files.deleteIfExists(path);
                }
            }
        }
    }

    /** A thread that writes {@link #CHUNK}-byte writes until its socket fails, or reads and discards until the end. */
    static Thread pump(String name, IoLoop loop) {
        return Thread.ofPlatform().daemon().name(name).start(() -> {
            try {
                loop.run();
            } catch (IOException end) {
                // the measured side closed its end
            }
        });
    }

    interface IoLoop {
        void run() throws IOException;
    }

    @State(Scope.Benchmark)
    public static class Relay {
        @Param({"tcp"})
        public String transport;
        @Param({"safe-transfer"})
        public String impl;

        SafePair in, out;
        NioPair nin, nout;
        Thread source, sink;
        final byte[] array = new byte[CHUNK];
        final ByteBuffer direct = Conn.pageBuffer(CHUNK);

        @Setup(Level.Trial)
        public void open() throws IOException {
            boolean unix = transport.equals("unix");
            if (impl.startsWith("nio")) {
                nin = NioPair.open(unix);
                nout = NioPair.open(unix);
                ByteBuffer src = Conn.pageBuffer(CHUNK), dst = Conn.pageBuffer(CHUNK);
                source = pump("source", () -> {
                    for (;;) {
                        nin.b().write(src.clear());
                    }
                });
                sink = pump("sink", () -> {
                    while (nout.b().read(dst.clear()) >= 0) {
                        // discard
                    }
                });
            } else {
                in = SafePair.open(unix);
                out = SafePair.open(unix);
                MemorySegment src = Conn.pageSegment(CHUNK), dst = Conn.pageSegment(CHUNK);
                source = pump("source", () -> {
                    for (;;) {
                        in.b().send(src);
                    }
                });
                sink = pump("sink", () -> {
                    while (out.b().recv(dst) > 0) {
                        // discard
                    }
                });
            }
        }

        /** Moves {@link #OP} bytes from A to B. */
        void move() throws IOException {
            long moved = 0;
            switch (impl) {
                case "safe-transfer" -> {
                    while (moved < OP) {
                        moved += out.a().transferFrom(in.a(), OP - moved);
                    }
                }
                case "safe-array" -> {
                    while (moved < OP) {
                        int n = in.a().recv(array, 0, (int) Math.min(CHUNK, OP - moved));
                        out.a().sendAll(array, 0, n);
                        moved += n;
                    }
                }
                case "safe-direct-buffer" -> {
                    while (moved < OP) {
                        direct.clear().limit((int) Math.min(CHUNK, OP - moved));
                        in.a().recv(direct);
                        moved += direct.flip().remaining();
                        out.a().sendAll(direct);
                    }
                }
                default -> {
                    while (moved < OP) {
                        direct.clear().limit((int) Math.min(CHUNK, OP - moved));
                        nin.a().read(direct);
                        moved += direct.flip().remaining();
                        while (direct.hasRemaining()) {
                            nout.a().write(direct);
                        }
                    }
                }
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            if (nin != null) {
                nin.a().close();
                nout.a().close();
            } else {
                in.a().close();
                out.a().close();
            }
            source.join(10_000);
            sink.join(10_000);
            if (nin != null) {
                nin.b().close();
                nout.b().close();
            } else {
                in.b().close();
                out.b().close();
            }
        }
    }

    @State(Scope.Benchmark)
    public static class FileServed {
        @Param({"tcp"})
        public String transport;
        @Param({"safe-sendfile"})
        public String impl;

        Path file;
        FileChannel channel;
        OpenFile open;
        SafePair conn;
        NioPair nconn;
        Thread sink;
        final byte[] array = new byte[CHUNK];
        final ByteBuffer direct = Conn.pageBuffer(CHUNK);

        @Setup(Level.Trial)
        public void open() throws IOException {
            boolean unix = transport.equals("unix");
            file = Files.createTempFile("ffm-bench", ".file");
            Files.write(file, new byte[OP]);
            channel = FileChannel.open(file, StandardOpenOption.READ);
            open = OpenFile.open(file); // kept open across sends, as the C server keeps its file
            if (impl.startsWith("nio")) {
                nconn = NioPair.open(unix);
                ByteBuffer dst = Conn.pageBuffer(CHUNK);
                sink = pump("sink", () -> {
                    while (nconn.b().read(dst.clear()) >= 0) {
                        // discard
                    }
                });
            } else {
                conn = SafePair.open(unix);
                MemorySegment dst = Conn.pageSegment(CHUNK);
                sink = pump("sink", () -> {
                    while (conn.b().recv(dst) > 0) {
                        // discard
                    }
                });
            }
        }

        /** Sends the whole file. */
        void send() throws IOException {
            long sent = 0;
            switch (impl) {
                case "safe-sendfile" -> {
                    while (sent < OP) {
                        sent += conn.a().sendFile(file, sent, OP - sent);
                    }
                }
                case "safe-sendfile-open" -> {
                    while (sent < OP) {
                        sent += conn.a().sendFile(open, sent, OP - sent);
                    }
                }
                case "safe-array" -> {
                    while (sent < OP) {
                        int n = channel.read(ByteBuffer.wrap(array), sent);
                        conn.a().sendAll(array, 0, n);
                        sent += n;
                    }
                }
                case "nio-transferTo" -> {
                    while (sent < OP) {
                        sent += channel.transferTo(sent, OP - sent, nconn.a());
                    }
                }
                default -> {
                    while (sent < OP) {
                        int n = channel.read(direct.clear(), sent);
                        direct.flip();
                        while (direct.hasRemaining()) {
                            nconn.a().write(direct);
                        }
                        sent += n;
                    }
                }
            }
        }

        @TearDown(Level.Trial)
        public void close() throws Exception {
            if (nconn != null) {
                nconn.a().close();
            } else {
                conn.a().close();
            }
            sink.join(10_000);
            if (nconn != null) {
                nconn.b().close();
            } else {
                conn.b().close();
            }
            channel.close();
            open.close();
            Files.deleteIfExists(file);
        }
    }

    /** One descriptor passed over a socket pair and closed by its receiver, on one thread, as bench.c's fdpass. */
    @State(Scope.Benchmark)
    public static class Descriptors {
        @Param({"unix"})
        public String transport;
        @Param({"safe"})
        public String impl;

        Socket.Pair pair, passed;
        final ByteBuffer[] out = {ByteBuffer.allocateDirect(1)}, in = {ByteBuffer.allocateDirect(1)};
        java.util.List<ControlMessage> control;
        final int space = ControlMessage.spaceForDescriptors(1);
        // the C-style API: a socket pair, the descriptor to pass, and the messages built once
        final Arena arena = Arena.ofShared();
        int a, b, toPass;
        MemorySegment sendMsg, recvMsg, recvControl;

        @Setup(Level.Trial)
        public void open() throws IOException {
            if (impl.equals("safe")) {
                pair = Socket.pair();
                passed = Socket.pair();
                control = java.util.List.of(ControlMessage.rights(passed.first()));
                return;
            }
            MemorySegment sv = arena.allocate(JAVA_INT, 2);
            if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv) < 0) {
                throw new IOException("socketpair: " + strerror(errno()));
            }
            a = sv.getAtIndex(JAVA_INT, 0);
            b = sv.getAtIndex(JAVA_INT, 1);
            MemorySegment p = arena.allocate(JAVA_INT, 2);
            if (pipe(p) < 0) {
                throw new IOException("pipe: " + strerror(errno()));
            }
            toPass = p.getAtIndex(JAVA_INT, 0); // the read end, as bench.c passes
            Posix.close(p.getAtIndex(JAVA_INT, 1));
            sendMsg = message(CMSG_SPACE(Integer.BYTES));
            MemorySegment cmsg = CMSG_FIRSTHDR(sendMsg);
            cmsghdr.cmsg_level(cmsg, SOL_SOCKET);
            cmsghdr.cmsg_type(cmsg, SCM_RIGHTS);
            cmsghdr.cmsg_len(cmsg, CMSG_LEN(Integer.BYTES));
            CMSG_DATA(cmsg).set(JAVA_INT, 0, toPass);
            recvMsg = message(CMSG_SPACE(Integer.BYTES));
            recvControl = msghdr.msg_control(recvMsg);
        }

        private MemorySegment message(long controlSize) {
            MemorySegment iov = iovec.allocate(arena);
            iovec.iov_base(iov, arena.allocate(1));
            iovec.iov_len(iov, 1);
            MemorySegment msg = msghdr.allocate(arena);
            msghdr.msg_iov(msg, iov);
            msghdr.msg_iovlen(msg, 1);
            msghdr.msg_control(msg, arena.allocate(controlSize, 8));
            msghdr.msg_controllen(msg, controlSize);
            return msg;
        }

        void passOne() throws IOException {
            if (pair != null) {
                pair.first().sendMsg(out, null, control);
                out[0].clear();
                try (Message m = pair.second().recvMsg(in, space)) { // closes the descriptor received
                    if (m.descriptors().size() != 1) {
                        throw new IOException("no descriptor");
                    }
                }
                in[0].clear();
                return;
            }
            if (sendmsg(a, sendMsg, MSG_NOSIGNAL) != 1) {
                throw new IOException("sendmsg: " + strerror(errno()));
            }
            msghdr.msg_controllen(recvMsg, CMSG_SPACE(Integer.BYTES));
            if (recvmsg(b, recvMsg, MSG_CMSG_CLOEXEC) != 1) {
                throw new IOException("recvmsg: " + strerror(errno()));
            }
            MemorySegment c = CMSG_FIRSTHDR(recvMsg);
            if (c.equals(MemorySegment.NULL) || cmsghdr.cmsg_type(c) != SCM_RIGHTS) {
                throw new IOException("no descriptor");
            }
            Posix.close(CMSG_DATA(c).get(JAVA_INT, 0));
        }

        @TearDown(Level.Trial)
        public void closeAll() {
            if (pair != null) {
                pair.close();
                passed.close();
            } else {
                Posix.close(a);
                Posix.close(b);
                Posix.close(toPass);
            }
            arena.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void descriptors(Descriptors d, Pairing pairing) throws IOException {
        d.passOne();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void relay(Relay r, Pairing pairing) throws IOException {
        r.move();
    }

    @Benchmark
    @BenchmarkMode(Mode.Throughput)
    @OutputTimeUnit(TimeUnit.SECONDS)
    public void file(FileServed f, Pairing pairing) throws IOException {
        f.send();
    }
}
