package dev.ffmsockets.samples.safe;

import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;

import java.io.IOException;

import static java.nio.charset.StandardCharsets.US_ASCII;

/** native/udp_echo_client.c in the safe wrapper. usage: UdpEchoClient HOST PORT MESSAGE */
public final class UdpEchoClient {
    public static void main(String[] args) throws IOException {
        if (args.length < 3) {
            System.err.println("usage: UdpEchoClient HOST PORT MESSAGE");
            System.exit(2);
        }
        InetSockAddr server = InetSockAddr.of(args[0], Integer.parseInt(args[1]));
        try (Socket s = Socket.open(server.family(), SocketType.DGRAM)) {
            s.sendTo(args[2].getBytes(US_ASCII), server);
            byte[] buf = new byte[1024];
            Socket.Received r = s.recvFrom(buf, 0, buf.length);
            System.out.write(buf, 0, r.length());
            System.out.flush();
        }
    }
}
