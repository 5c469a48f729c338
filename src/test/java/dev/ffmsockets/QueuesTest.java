package dev.ffmsockets;

import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.SocketException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link Socket#available()} ({@code FIONREAD}) and {@link Socket#unsent()} ({@code SIOCOUTQ}). */
@ExtendWith(NoDescriptorLeaks.class)
class QueuesTest {

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0}: {1} bytes")
    @CsvSource({"tcp4, 1", "tcp6, 70000", "unix-path, 3", "unix-abstract, 9000", "socketpair, 100000", "socketpair, 0"})
    void availableIsEveryQueuedByte(String kind, int bytes) throws Exception {
        try (Connected c = Connected.make(kind, dir)) {
            c.peer().setOption(java.net.StandardSocketOptions.SO_RCVBUF, 1 << 20);
            assertEquals(0, c.peer().available());
            c.client().sendAll(new byte[bytes]);
            // over TCP the bytes arrive after the send returns: wait until the receiver has them all
            byte[] first = new byte[Math.min(bytes, 1)];
            int got = bytes > 0 ? c.peer().recv(first) : 0;
            long until = System.nanoTime() + 10_000_000_000L;
            while (c.peer().available() < bytes - got && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            assertEquals(bytes - got, c.peer().available());
            if (kind.startsWith("unix") || kind.equals("socketpair")) {
                assertTrue(bytes - got == 0 ? c.client().unsent() == 0 : c.client().unsent() >= bytes - got,
                        "unsent " + c.client().unsent());
            }
            byte[] rest = new byte[bytes];
            int left = bytes - got;
            while (left > 0) {
                left -= c.peer().recv(rest, 0, left);
            }
            assertEquals(0, c.peer().available());
            if (kind.startsWith("unix") || kind.equals("socketpair")) {
                assertEquals(0, c.client().unsent(), "all received");
            }
        }
    }

    @Test
    void availableOfADatagramSocketIsTheNextDatagramsSize() throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.DGRAM)) {
            for (int size : new int[] {12, 0, 4000}) {
                p.first().send(new byte[size]);
            }
            for (int size : new int[] {12, 0, 4000}) {
                assertEquals(size, p.second().available());
                p.second().recv(new byte[size + 1]);
            }
        }
    }

    @Test
    void aListenerAndAClosedSocketFail() throws Exception {
        try (Socket l = Socket.open(Family.INET, SocketType.STREAM)) {
            l.bind(InetSockAddr.loopback(0));
            l.listen(1);
            ErrnoException e = assertInstanceOf(ErrnoException.class, assertThrows(SocketException.class, l::available));
            assertEquals("EINVAL", e.errnoName());
        }
        Socket s = Socket.open(Family.INET, SocketType.STREAM);
        s.close();
        assertThrows(SocketException.class, s::available);
        assertThrows(SocketException.class, s::unsent);
    }
}
