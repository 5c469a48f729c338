package dev.ffmsockets.samples.safe;

import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;

import java.io.IOException;
import java.net.StandardSocketOptions;

import static java.nio.charset.StandardCharsets.US_ASCII;

/** native/tcp_hello_server.c in the safe wrapper. usage: TcpHelloServer PORT [CLIENTS] */
public final class TcpHelloServer {
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: TcpHelloServer PORT [CLIENTS]");
            System.exit(2);
        }
        serve(Family.INET, InetSockAddr.any(Integer.parseInt(args[0])), args.length > 1 ? Integer.parseInt(args[1]) : 0);
    }

    /** Serves "Hello there." to {@code clients} clients (0: forever) on {@code where}. */
    static void serve(Family family, InetSockAddr where, int clients) throws IOException {
        byte[] hello = "Hello there.".getBytes(US_ASCII);
        try (Socket server = Socket.open(family, SocketType.STREAM)) {
            server.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            server.bind(where);
            server.listen(10);
            System.out.printf("listening on port %d%n", ((InetSockAddr) server.localAddress()).port());
            System.out.flush();
            for (int served = 0; clients == 0 || served < clients; served++) {
                try (Socket peer = server.accept()) {
                    peer.sendAll(hello);
                }
            }
        }
    }
}
