package dev.ffmsockets.samples.safe;

import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;

import java.io.IOException;
import java.nio.ByteBuffer;

/** native/udp_echo_server.c in the safe wrapper. usage: UdpEchoServer PORT [DATAGRAMS] */
public final class UdpEchoServer {
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: UdpEchoServer PORT [DATAGRAMS]");
            System.exit(2);
        }
        int datagrams = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        try (Socket s = Socket.open(Family.INET, SocketType.DGRAM)) {
            s.bind(InetSockAddr.any(Integer.parseInt(args[0])));
            System.out.printf("listening on port %d%n", ((InetSockAddr) s.localAddress()).port());
            System.out.flush();
            ByteBuffer buf = ByteBuffer.allocateDirect(1024);
            for (int echoed = 0; datagrams == 0 || echoed < datagrams; echoed++) {
                buf.clear();
                SockAddr sender = s.recvFrom(buf).sender();
                s.sendTo(buf.flip(), sender);
            }
        }
    }
}
