package dev.ffmsockets.samples;

import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.raw.sockaddr_in;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.StandardSocketOptions;

import static dev.ffmsockets.posix.Posix.*;

/**
 * native/pingpong.c in Java, three ways: the C-style API on native memory, the safe wrapper on byte arrays, and
 * java.net.Socket. Same structure (an echo thread and a client thread over TCP loopback, TCP_NODELAY, SIZE-byte
 * messages), same output: "round_trips=N seconds=S".
 *
 * <p>usage: PingPong cstyle|safe|javanet SECONDS [SIZE] [WARMUP]
 */
public final class PingPong {

    private PingPong() {
    }

    /** One side's way of sending a message and waiting for the whole echo. */
    interface Link {
        void ping() throws IOException;
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: PingPong cstyle|safe|javanet SECONDS [SIZE] [WARMUP]");
            System.exit(2);
        }
        double seconds = Double.parseDouble(args[1]);
        int size = args.length > 2 ? Integer.parseInt(args[2]) : 1;
        double warmup = args.length > 3 ? Double.parseDouble(args[3]) : 1.0;
        Link link = switch (args[0]) {
            case "cstyle" -> cstyle(size);
            case "safe" -> safe(size);
            case "javanet" -> javanet(size);
            default -> throw new IllegalArgumentException("mode " + args[0] + " is not cstyle, safe or javanet");
        };
        long trips = 0;
        long start = System.nanoTime(), measured = 0;
        boolean measuring = false;
        for (;;) {
            link.ping();
            trips++;
            if ((trips & 63) == 0) {
                long t = System.nanoTime();
                if (!measuring && t - start >= warmup * 1e9) {
                    measuring = true;
                    trips = 0;
                    start = t;
                } else if (measuring && t - start >= seconds * 1e9) {
                    measured = t - start;
                    break;
                }
            }
        }
        System.out.printf("round_trips=%d seconds=%.3f%n", trips, measured / 1e9);
        System.exit(0);
    }

    private static Link cstyle(int size) {
        Arena arena = Arena.global();
        MemorySegment addr = sockaddr_in.allocate(arena);
        sockaddr_in.sin_family(addr, (short) AF_INET);
        dev.ffmsockets.raw.in_addr.s_addr(sockaddr_in.sin_addr(addr), htonl(INADDR_LOOPBACK));
        int listenfd = socket(AF_INET, SOCK_STREAM, 0);
        MemorySegment len = arena.allocateFrom(socklen_t, (int) sockaddr_in.sizeof());
        if (bind(listenfd, addr, (int) sockaddr_in.sizeof()) < 0 || listen(listenfd, 1) < 0 || getsockname(listenfd, addr, len) < 0) {
            throw new IllegalStateException("listen: " + strerror(errno()));
        }
        MemorySegment one = arena.allocateFrom(C_INT, 1);
        Thread.ofPlatform().daemon().start(() -> {
            MemorySegment buf = Arena.ofAuto().allocate(size);
            int fd = accept(listenfd, MemorySegment.NULL, MemorySegment.NULL);
            setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, one, 4);
            while (readFully(fd, buf, size)) {
                if (send(fd, buf, size, MSG_NOSIGNAL) != size) {
                    break;
                }
            }
            close(fd);
        });
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(fd, addr, (int) sockaddr_in.sizeof()) < 0) {
            throw new IllegalStateException("connect: " + strerror(errno()));
        }
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, one, 4);
        MemorySegment buf = arena.allocate(size).fill((byte) 'p');
        return () -> {
            if (send(fd, buf, size, MSG_NOSIGNAL) != size || !readFully(fd, buf, size)) {
                throw new IOException("ping: " + strerror(errno()));
            }
        };
    }

    private static boolean readFully(int fd, MemorySegment buf, int n) {
        for (long got = 0; got < n; ) {
            long r = recv(fd, got == 0 ? buf : buf.asSlice(got), n - got, 0);
            if (r <= 0) {
                return false;
            }
            got += r;
        }
        return true;
    }

    private static Link safe(int size) throws IOException {
        Socket server = Socket.open(Family.INET, SocketType.STREAM);
        server.bind(InetSockAddr.loopback(0));
        server.listen(1);
        Thread.ofPlatform().daemon().start(() -> {
            byte[] buf = new byte[size];
            try (Socket peer = server.accept()) {
                peer.setOption(StandardSocketOptions.TCP_NODELAY, true);
                while (readFully(peer, buf)) {
                    peer.sendAll(buf);
                }
            } catch (IOException e) {
                // the client is gone
            }
        });
        Socket client = Socket.open(Family.INET, SocketType.STREAM);
        client.connect(server.localAddress());
        client.setOption(StandardSocketOptions.TCP_NODELAY, true);
        byte[] buf = new byte[size];
        return () -> {
            client.sendAll(buf);
            if (!readFully(client, buf)) {
                throw new IOException("end of stream");
            }
        };
    }

    private static boolean readFully(Socket s, byte[] buf) throws IOException {
        for (int got = 0; got < buf.length; ) {
            int r = s.recv(buf, got, buf.length - got);
            if (r < 0) {
                return false;
            }
            got += r;
        }
        return true;
    }

    private static Link javanet(int size) throws IOException {
        ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        Thread.ofPlatform().daemon().start(() -> {
            byte[] buf = new byte[size];
            try (java.net.Socket peer = server.accept()) {
                peer.setTcpNoDelay(true);
                DataInputStream in = new DataInputStream(peer.getInputStream());
                OutputStream out = peer.getOutputStream();
                for (;;) {
                    in.readFully(buf);
                    out.write(buf);
                }
            } catch (IOException e) {
                // the client is gone
            }
        });
        java.net.Socket client = new java.net.Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
        client.setTcpNoDelay(true);
        InputStream in = client.getInputStream();
        OutputStream out = client.getOutputStream();
        byte[] buf = new byte[size];
        return () -> {
            out.write(buf);
            if (in.readNBytes(buf, 0, size) != size) {
                throw new IOException("end of stream");
            }
        };
    }
}
