package dev.ffmsockets;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Two connected stream sockets of one kind, made the way a program makes them: a listener, a client that
 * connects, the accepted peer. Closing closes all three and removes the socket file.
 */
record Connected(String kind, Socket client, Socket peer, Socket listener, Path file) implements AutoCloseable {

    /** The kinds every stream test runs over. */
    static final String[] KINDS = {"tcp4", "tcp6", "unix-path", "unix-abstract", "socketpair"};

    static Connected make(String kind, Path dir) throws IOException {
        if (kind.equals("socketpair")) {
            Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM);
            return new Connected(kind, p.first(), p.second(), null, null);
        }
        SockAddr where = switch (kind) {
            case "tcp4" -> InetSockAddr.loopback(0);
            case "tcp6" -> InetSockAddr.loopback6(0);
            case "unix-path" -> UnixSockAddr.of(dir.resolve("s-" + System.nanoTime() + ".sock"));
            case "unix-abstract" -> UnixSockAddr.abstractName(("ffm-sockets-test\0" + ProcessHandle.current().pid()
                    + "-" + System.nanoTime()).getBytes(StandardCharsets.US_ASCII));
            default -> throw new IllegalArgumentException(kind);
        };
        Socket listener = Socket.open(where.family(), SocketType.STREAM);
        Socket client = null;
        try {
            listener.bind(where);
            listener.listen(8);
            client = Socket.open(where.family(), SocketType.STREAM);
            client.connect(listener.localAddress());
            Socket peer = listener.accept();
            return new Connected(kind, client, peer, listener,
                    where instanceof UnixSockAddr u && u.isPathname() ? u.path() : null);
        } catch (IOException | RuntimeException e) {
            listener.close();
            if (client != null) {
                client.close();
            }
            throw e;
        }
    }

    @Override
    public void close() throws IOException {
        client.close();
        peer.close();
        if (listener != null) {
            listener.close();
        }
        if (file != null) {
            Files.deleteIfExists(file);
        }
    }

    @Override
    public String toString() {
        return kind;
    }
}
