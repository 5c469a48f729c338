package dev.ffmsockets.samples.safe;

import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;

import java.io.IOException;

/** native/tcp6_hello_server.c in the safe wrapper. usage: Tcp6HelloServer PORT [CLIENTS] */
public final class Tcp6HelloServer {
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: Tcp6HelloServer PORT [CLIENTS]");
            System.exit(2);
        }
        TcpHelloServer.serve(Family.INET6, InetSockAddr.any6(Integer.parseInt(args[0])),
                args.length > 1 ? Integer.parseInt(args[1]) : 0);
    }
}
