package dev.ffmsockets;

import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Host names through getaddrinfo: Socket.openConnected(host, port, timeout), InetSockAddr.resolve, localPort. */
@ExtendWith(NoDescriptorLeaks.class)
class HostNameTest {

    @Test
    void resolveGivesTheCLibrarysAddressesInItsOrder() throws Exception {
        List<InetSockAddr> all = InetSockAddr.resolve("localhost", 8080);
        assertFalse(all.isEmpty());
        assertTrue(all.stream().allMatch(a -> a.port() == 8080 && a.address().isLoopbackAddress()), all::toString);
        assertEquals(all.size(), all.stream().distinct().count(), "no duplicates");
        assertEquals(List.of(InetSockAddr.of("::1", 1)), InetSockAddr.resolve("::1", 1));
        assertEquals(List.of(InetSockAddr.of("192.0.2.7", 65535)), InetSockAddr.resolve("192.0.2.7", 65535));
    }

    @Test
    void badNamesAndArgumentsAreRefusedClearly() {
        UnknownHostException e = assertThrows(UnknownHostException.class, () -> InetSockAddr.resolve("nope.invalid", 1));
        assertTrue(e.getMessage().startsWith("getaddrinfo(nope.invalid): ") && e.getMessage().contains("(EAI_"),
                e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> InetSockAddr.resolve("", 1));
        assertThrows(IllegalArgumentException.class, () -> InetSockAddr.resolve("local\0host", 1));
        assertThrows(IllegalArgumentException.class, () -> InetSockAddr.resolve("localhost", -1));
        assertThrows(IllegalArgumentException.class, () -> InetSockAddr.resolve("localhost", 65536));
        assertThrows(NullPointerException.class, () -> InetSockAddr.resolve(null, 1));
        assertThrows(IllegalArgumentException.class, () -> Socket.openConnected("localhost", 1, Duration.ZERO));
        assertThrows(UnknownHostException.class, () -> Socket.openConnected("nope.invalid", 1, null));
    }

    @Test
    void connectTriesEachAddressAndReportsTheLastFailureWithTheOthers() throws Exception {
        List<InetSockAddr> all = InetSockAddr.resolve("localhost", 0);
        for (InetSockAddr listenOn : all) {
            try (Socket server = Socket.open(listenOn.family(), SocketType.STREAM)) {
                server.bind(listenOn);
                server.listen(8);
                int port = server.localPort();
                assertTrue(port > 0);
                try (Socket c = Socket.openConnected("localhost", port, Duration.ofSeconds(5)); Socket peer = server.accept()) {
                    assertEquals(listenOn.address(), ((InetSockAddr) c.remoteAddress()).address(),
                            "reached the one address that listens, whatever its place in " + all);
                    assertEquals(c.localPort(), ((InetSockAddr) peer.remoteAddress()).port());
                    assertNull(c.timeout(), "the connect timeout is not left on the socket");
                }
            }
        }
        // nothing listens: the last address's failure, with the earlier ones suppressed in it
        int port;
        try (Socket probe = Socket.open(Family.INET, SocketType.STREAM)) {
            probe.bind(InetSockAddr.loopback(0));
            port = probe.localPort(); // bound, never listening: refused
            ConnectException e = assertThrows(ConnectException.class, () -> Socket.openConnected("localhost", port, null));
            assertEquals(all.size() - 1, e.getSuppressed().length, () -> all + " " + List.of(e.getSuppressed()));
        }
    }

    @Test
    void localPortOfAnUnboundAndOfAUnixSocket() throws Exception {
        try (Socket s = Socket.open(Family.INET6, SocketType.DGRAM)) {
            assertEquals(0, s.localPort());
            s.bind(InetSockAddr.loopback6(0));
            assertTrue(s.localPort() > 0);
        }
        try (Socket.Pair p = Socket.pair()) {
            assertThrows(UnsupportedOperationException.class, () -> p.first().localPort());
        }
        Socket closed = Socket.open(Family.INET, SocketType.STREAM);
        closed.close();
        assertThrows(java.net.SocketException.class, closed::localPort);
        assertNotNull(InetAddress.getLoopbackAddress());
    }
}
