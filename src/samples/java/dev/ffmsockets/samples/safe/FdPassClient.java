package dev.ffmsockets.samples.safe;

import dev.ffmsockets.ControlMessage;
import dev.ffmsockets.Family;
import dev.ffmsockets.Message;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.UnixSockAddr;

import java.io.IOException;
import java.nio.ByteBuffer;

import static java.nio.charset.StandardCharsets.UTF_8;

/** native/fd_pass_client.c in the safe wrapper. usage: FdPassClient PATH MESSAGE */
public final class FdPassClient {
    public static void main(String[] args) throws IOException {
        if (args.length < 2) {
            System.err.println("usage: FdPassClient PATH MESSAGE");
            System.exit(2);
        }
        try (Socket s = Socket.open(Family.UNIX, SocketType.STREAM)) {
            s.connect(UnixSockAddr.of(args[0]));
            s.sendAll(args[1].getBytes(UTF_8));
            // a descriptor received and not taken is closed with the message
            try (Message m = s.recvMsg(new ByteBuffer[] {ByteBuffer.allocate(1)}, ControlMessage.spaceForDescriptors(1))) {
                if (m.length() != 1 || m.descriptors().size() != 1 || m.controlTruncated()) {
                    System.err.println("no descriptor received");
                    System.exit(1);
                }
                try (Socket passed = m.descriptors().getFirst().toSocket()) {
                    System.out.write(passed.inputStream().readAllBytes());
                    System.out.flush();
                }
            }
        }
    }
}
