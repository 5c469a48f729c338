package dev.ffmsockets.samples.safe;

import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;

import java.io.IOException;

import static java.nio.charset.StandardCharsets.US_ASCII;

/** native/tcp_hello_client.c in the safe wrapper. usage: TcpHelloClient HOST PORT [REQUEST] */
public final class TcpHelloClient {
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: TcpHelloClient HOST PORT [REQUEST]");
            System.exit(2);
        }
        fetch(InetSockAddr.of(args[0], Integer.parseInt(args[1])), args.length > 2 ? args[2] : null);
    }

    /** Connects, sends the request if there is one, prints what arrives until end of stream. */
    static void fetch(InetSockAddr server, String request) throws IOException {
        try (Socket s = Socket.open(server.family(), SocketType.STREAM)) {
            s.connect(server);
            if (request != null) {
                s.sendAll(request.getBytes(US_ASCII));
            }
            System.out.write(s.inputStream().readAllBytes());
            System.out.flush();
        }
    }
}
