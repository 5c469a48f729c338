package dev.ffmsockets.samples.safe;

import dev.ffmsockets.ControlMessage;
import dev.ffmsockets.Family;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.UnixSockAddr;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** native/fd_pass_server.c in the safe wrapper. usage: FdPassServer PATH [CLIENTS] */
public final class FdPassServer {
    public static void main(String[] args) throws IOException {
        if (args.length < 1) {
            System.err.println("usage: FdPassServer PATH [CLIENTS]");
            System.exit(2);
        }
        Path path = Path.of(args[0]);
        int clients = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        try (Socket server = Socket.open(Family.UNIX, SocketType.STREAM)) {
            Files.deleteIfExists(path);
            server.bind(UnixSockAddr.of(path));
            server.listen(5);
            System.out.printf("listening on %s%n", path);
            System.out.flush();
            byte[] buf = new byte[1024];
            for (int served = 0; clients == 0 || served < clients; served++) {
                try (Socket peer = server.accept(); Socket.Pair pair = Socket.pair()) {
                    int n = peer.recv(buf);
                    if (n > 0) {
                        pair.first().sendAll(buf, 0, n);
                    }
                    pair.first().close();
                    // one byte of data carries the descriptor; the kernel holds its own reference until it is received
                    peer.sendMsg(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {'F'})}, null,
                            List.of(ControlMessage.rights(pair.second())));
                }
            }
        } finally {
            Files.deleteIfExists(path);
        }
    }
}
