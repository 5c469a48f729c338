package dev.ffmsockets;

import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Linux lets a socket's pathname fill all 108 bytes of sun_path with no NUL. A peer bound to one is decoded,
 * wherever the kernel reports it (recvfrom, accept's peer, getsockname of an adopted socket): no datagram is lost,
 * and the address can be answered.
 */
@ExtendWith(NoDescriptorLeaks.class)
class FullLengthPathTest {

    /** Made before the descriptor count is taken (the first temporary directory opens the JVM's random sources). */
    @TempDir
    static Path dir;

    private static UnixSockAddr pathOf108Bytes(Path dir, String tag) {
        String prefix = dir + "/" + tag;
        String path = prefix + "x".repeat(108 - prefix.getBytes(StandardCharsets.UTF_8).length);
        UnixSockAddr a = UnixSockAddr.of(path);
        assertEquals(108, a.sunPath().length);
        return a;
    }

    @Test
    void aDatagramFromAPeerWithAFullLengthPathIsReceivedAndAnswered() throws Exception {
        UnixSockAddr longName = pathOf108Bytes(dir, "d");
        try (Socket receiver = Socket.open(Family.UNIX, SocketType.DGRAM);
             Socket sender = Socket.open(Family.UNIX, SocketType.DGRAM)) {
            receiver.bind(UnixSockAddr.of(dir.resolve("r")));
            sender.bind(longName);
            assertEquals(longName, sender.localAddress());
            sender.sendTo("ping".getBytes(), receiver.localAddress());
            byte[] in = new byte[16];
            Socket.Received r = receiver.recvFrom(in, 0, in.length);
            assertEquals(4, r.length(), "the datagram was taken and kept");
            assertEquals(longName, r.sender());
            receiver.sendTo("pong".getBytes(), r.sender());
            ByteBuffer reply = ByteBuffer.allocate(16);
            assertEquals(receiver.localAddress(), sender.recvFrom(reply).sender());
            assertEquals("pong", new String(reply.array(), 0, reply.position()));
        }
    }

    @Test
    void aListenerWithAFullLengthPathIsNamedOnEveryEnd() throws Exception {
        UnixSockAddr longName = pathOf108Bytes(dir, "s");
        try (Socket server = Socket.open(Family.UNIX, SocketType.STREAM);
             Socket client = Socket.open(Family.UNIX, SocketType.STREAM)) {
            server.bind(longName);
            server.listen(1);
            client.connect(longName);
            try (Socket peer = server.accept(); Socket adopted = Socket.adopt(Posix.dup(server.fd()))) {
                assertEquals(longName, client.remoteAddress());
                assertEquals(longName, peer.localAddress());
                assertEquals(longName, adopted.localAddress());
                assertEquals(UnixSockAddr.unnamed(), peer.remoteAddress());
            }
        }
    }
}
