package dev.ffmsockets.bench;

import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.raw.sockaddr_in;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;

import static dev.ffmsockets.posix.Posix.*;

/** A UDP socket on loopback in one of the implementations the benchmarks compare, with its own buffer. */
abstract class Dgram implements AutoCloseable {

    static final String[] IMPLS = {"c-style-native", "c-style-heap", "safe-array", "safe-direct-buffer", "safe-segment",
            "java.net", "nio-direct", "nio-heap"};

    /** Sends {@code n} bytes of the buffer to the peer. */
    abstract void sendTo(int n) throws IOException;

    /** Receives one datagram into the buffer, its sender becoming the peer; its size. */
    abstract int recvFrom() throws IOException;

    /** Whom {@link #sendTo} sends to: for a client, the server; a server echoes to its last sender. */
    abstract void peer(Dgram other) throws IOException;

    @Override
    public abstract void close() throws IOException;

    static Dgram open(String impl, int capacity) throws IOException {
        return switch (impl) {
            case "c-style-native", "c-style-heap" -> new PosixDgram(capacity, impl.endsWith("heap"));
            case "safe-array", "safe-direct-buffer", "safe-segment" -> new SafeDgram(capacity, impl);
            case "java.net" -> new NetDgram(capacity);
            case "nio-direct", "nio-heap" -> new NioDgram(capacity, impl.endsWith("direct"));
            default -> throw new IllegalArgumentException("unknown implementation " + impl);
        };
    }

    static final class PosixDgram extends Dgram {
        final int fd;
        final MemorySegment buf, addr = Arena.ofAuto().allocate(sockaddr_in.layout()), len = Arena.ofAuto().allocate(C_INT);
        final MemorySegment peer = Arena.ofAuto().allocate(sockaddr_in.layout());

        PosixDgram(int capacity, boolean heap) throws IOException {
            buf = heap ? MemorySegment.ofArray(new byte[capacity]) : Arena.ofAuto().allocate(capacity);
            fd = socket(AF_INET, SOCK_DGRAM, 0);
            sockaddr_in.sin_family(addr, (short) AF_INET);
            dev.ffmsockets.raw.in_addr.s_addr(sockaddr_in.sin_addr(addr), htonl(INADDR_LOOPBACK));
            len.set(C_INT, 0, (int) sockaddr_in.sizeof());
            if (bind(fd, addr, (int) sockaddr_in.sizeof()) < 0 || getsockname(fd, addr, len) < 0) {
                throw new IOException("bind: " + strerror(errno()));
            }
        }

        @Override
        void sendTo(int n) throws IOException {
            if (Posix.sendto(fd, buf, n, 0, peer, (int) sockaddr_in.sizeof()) < 0) {
                throw new IOException("sendto: " + strerror(errno()));
            }
        }

        @Override
        int recvFrom() throws IOException {
            len.set(C_INT, 0, (int) sockaddr_in.sizeof());
            long r = Posix.recvfrom(fd, buf, buf.byteSize(), 0, peer, len);
            if (r < 0) {
                throw new IOException("recvfrom: " + strerror(errno()));
            }
            return (int) r;
        }

        @Override
        void peer(Dgram other) {
            MemorySegment.copy(((PosixDgram) other).addr, 0, peer, 0, sockaddr_in.sizeof());
        }

        @Override
        public void close() {
            Posix.close(fd);
        }
    }

    static final class SafeDgram extends Dgram {
        final Socket s;
        final String kind;
        final byte[] array;
        final ByteBuffer buffer;
        final MemorySegment segment;
        SockAddr peer;

        SafeDgram(int capacity, String kind) throws IOException {
            this.kind = kind;
            array = new byte[capacity];
            buffer = ByteBuffer.allocateDirect(capacity);
            segment = Arena.ofAuto().allocate(capacity);
            s = Socket.open(Family.INET, SocketType.DGRAM);
            s.bind(InetSockAddr.loopback(0));
        }

        @Override
        void sendTo(int n) throws IOException {
            switch (kind) {
                case "safe-array" -> s.sendTo(n == array.length ? array : java.util.Arrays.copyOf(array, n), peer);
                case "safe-segment" -> s.sendTo(segment.asSlice(0, n), peer);
                default -> s.sendTo(buffer.clear().limit(n), peer);
            }
        }

        @Override
        int recvFrom() throws IOException {
            switch (kind) {
                case "safe-array" -> {
                    Socket.Received r = s.recvFrom(array, 0, array.length);
                    peer = r.sender();
                    return r.length();
                }
                case "safe-segment" -> {
                    Socket.Received r = s.recvFrom(segment);
                    peer = r.sender();
                    return r.length();
                }
                default -> {
                    peer = s.recvFrom(buffer.clear()).sender();
                    return buffer.position();
                }
            }
        }

        @Override
        void peer(Dgram other) throws IOException {
            peer = ((SafeDgram) other).s.localAddress();
        }

        @Override
        public void close() {
            s.close();
        }
    }

    static final class NetDgram extends Dgram {
        final DatagramSocket s;
        final DatagramPacket in, out;

        NetDgram(int capacity) throws IOException {
            s = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            in = new DatagramPacket(new byte[capacity], capacity);
            out = new DatagramPacket(new byte[capacity], capacity);
        }

        @Override
        void sendTo(int n) throws IOException {
            out.setLength(n);
            s.send(out);
        }

        @Override
        int recvFrom() throws IOException {
            in.setLength(in.getData().length);
            s.receive(in);
            out.setSocketAddress(in.getSocketAddress());
            return in.getLength();
        }

        @Override
        void peer(Dgram other) {
            out.setSocketAddress(((NetDgram) other).s.getLocalSocketAddress());
        }

        @Override
        public void close() {
            s.close();
        }
    }

    static final class NioDgram extends Dgram {
        final DatagramChannel ch;
        final ByteBuffer buffer;
        java.net.SocketAddress peer;

        NioDgram(int capacity, boolean direct) throws IOException {
            ch = DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            buffer = direct ? ByteBuffer.allocateDirect(capacity) : ByteBuffer.allocate(capacity);
        }

        @Override
        void sendTo(int n) throws IOException {
            ch.send(buffer.clear().limit(n), peer);
        }

        @Override
        int recvFrom() throws IOException {
            peer = ch.receive(buffer.clear());
            return buffer.position();
        }

        @Override
        void peer(Dgram other) throws IOException {
            peer = ((NioDgram) other).ch.getLocalAddress();
        }

        @Override
        public void close() throws IOException {
            ch.close();
        }
    }
}
