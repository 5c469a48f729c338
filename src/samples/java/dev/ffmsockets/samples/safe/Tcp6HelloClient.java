package dev.ffmsockets.samples.safe;

import dev.ffmsockets.InetSockAddr;

import java.io.IOException;

/** native/tcp6_hello_client.c in the safe wrapper. usage: Tcp6HelloClient HOST PORT */
public final class Tcp6HelloClient {
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: Tcp6HelloClient HOST PORT");
            System.exit(2);
        }
        TcpHelloClient.fetch(InetSockAddr.of(args[0], Integer.parseInt(args[1])), null);
    }
}
