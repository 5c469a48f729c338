package dev.ffmsockets.samples.safe;

import dev.ffmsockets.Family;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.UnixSockAddr;

import java.io.IOException;

import static java.nio.charset.StandardCharsets.UTF_8;

/** native/unix_stream_client.c in the safe wrapper. usage: UnixStreamClient PATH MESSAGE */
public final class UnixStreamClient {
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: UnixStreamClient PATH MESSAGE");
            System.exit(2);
        }
        try (Socket s = Socket.open(Family.UNIX, SocketType.STREAM)) {
            s.connect(UnixSockAddr.of(args[0]));
            s.sendAll(args[1].getBytes(UTF_8));
            System.out.write(s.inputStream().readAllBytes());
            System.out.flush();
        }
    }
}
