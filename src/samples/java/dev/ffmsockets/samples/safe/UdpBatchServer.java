package dev.ffmsockets.samples.safe;

import dev.ffmsockets.DatagramBatch;
import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;

import java.io.IOException;

/**
 * native/udp_batch_server.c in the safe wrapper: each recvMany takes what has arrived (at least one datagram), and
 * one sendMany echoes those, until the batch of 4 is complete. usage: UdpBatchServer PORT [BATCHES]
 */
public final class UdpBatchServer {
    static final int VLEN = 4;

    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: UdpBatchServer PORT [BATCHES]");
            System.exit(2);
        }
        int batches = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        try (Socket s = Socket.open(Family.INET, SocketType.DGRAM);
             DatagramBatch in = DatagramBatch.allocate(VLEN, 1024);
             DatagramBatch out = DatagramBatch.allocate(VLEN, 1024)) {
            s.bind(InetSockAddr.any(Integer.parseInt(args[0])));
            System.out.printf("listening on port %d%n", ((InetSockAddr) s.localAddress()).port());
            System.out.flush();
            for (int echoed = 0; batches == 0 || echoed < batches; echoed++) {
                for (int got = 0; got < VLEN; ) {
                    int n = s.recvMany(in);
                    out.clear();
                    for (int i = 0; i < n; i++) {
                        out.add(in.slot(i).asSlice(0, in.length(i)), in.sender(i, Family.INET));
                    }
                    for (int sent = 0; sent < n; ) {
                        sent += s.sendMany(out, sent);
                    }
                    got += n;
                }
            }
        }
    }
}
