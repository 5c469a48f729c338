package dev.ffmsockets.samples.safe;

import dev.ffmsockets.DatagramBatch;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;

import java.io.IOException;

import static java.nio.charset.StandardCharsets.UTF_8;

/** native/udp_batch_client.c in the safe wrapper. usage: UdpBatchClient HOST PORT MESSAGE MESSAGE MESSAGE MESSAGE */
public final class UdpBatchClient {
    static final int VLEN = 4;

    public static void main(String[] args) throws IOException {
        if (args.length != 2 + VLEN) {
            System.err.println("usage: UdpBatchClient HOST PORT MESSAGE MESSAGE MESSAGE MESSAGE");
            System.exit(2);
        }
        InetSockAddr server = InetSockAddr.of(args[0], Integer.parseInt(args[1]));
        try (Socket s = Socket.open(server.family(), SocketType.DGRAM);
             DatagramBatch out = DatagramBatch.allocate(VLEN, 1024);
             DatagramBatch in = DatagramBatch.allocate(VLEN, 1024)) {
            for (int i = 0; i < VLEN; i++) {
                byte[] text = args[2 + i].getBytes(UTF_8);
                out.add(text, 0, text.length, server);
            }
            for (int sent = 0; sent < VLEN; ) {
                sent += s.sendMany(out, sent);
            }
            for (int got = 0; got < VLEN; ) {
                int n = s.recvMany(in);
                for (int i = 0; i < n; i++) {
                    System.out.write(in.bytes(i));
                    System.out.write('\n');
                }
                got += n;
            }
            System.out.flush();
        }
    }
}
