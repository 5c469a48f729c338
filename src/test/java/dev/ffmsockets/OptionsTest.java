package dev.ffmsockets;

import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.net.SocketOption;
import java.net.StandardSocketOptions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Typed options: java.net's standard keys and the Linux ones, set, read back, checked. */
@ExtendWith(NoDescriptorLeaks.class)
class OptionsTest {

    private static <T> void roundTrip(Socket s, SocketOption<T> option, T value) throws Exception {
        s.setOption(option, value);
        assertEquals(value, s.getOption(option), option.name());
    }

    @Test
    void tcpOptionsRoundTrip() throws Exception {
        for (Family f : new Family[] {Family.INET, Family.INET6}) {
            try (Socket s = Socket.open(f, SocketType.STREAM)) {
                roundTrip(s, StandardSocketOptions.TCP_NODELAY, true);
                roundTrip(s, StandardSocketOptions.TCP_NODELAY, false);
                roundTrip(s, StandardSocketOptions.SO_REUSEADDR, true);
                roundTrip(s, StandardSocketOptions.SO_REUSEPORT, true);
                roundTrip(s, StandardSocketOptions.SO_KEEPALIVE, true);
                roundTrip(s, StandardSocketOptions.SO_LINGER, 5);
                roundTrip(s, StandardSocketOptions.SO_LINGER, -1);
                roundTrip(s, StandardSocketOptions.IP_TOS, 0x10);
                roundTrip(s, LinuxSocketOptions.TCP_KEEPIDLE, 30);
                roundTrip(s, LinuxSocketOptions.TCP_KEEPINTVL, 5);
                roundTrip(s, LinuxSocketOptions.TCP_KEEPCNT, 4);
                roundTrip(s, LinuxSocketOptions.TCP_USER_TIMEOUT, 10_000);
                roundTrip(s, LinuxSocketOptions.TCP_CORK, true);
                roundTrip(s, LinuxSocketOptions.TCP_NOTSENT_LOWAT, 16384);
                roundTrip(s, LinuxSocketOptions.SO_REUSEPORT, false);
                roundTrip(s, LinuxSocketOptions.SO_PRIORITY, 3);
                roundTrip(s, LinuxSocketOptions.SO_OOBINLINE, true);
                roundTrip(s, LinuxSocketOptions.SO_OOBINLINE, false);
                s.setOption(StandardSocketOptions.SO_RCVBUF, 65536);
                assertEquals(131072, s.getOption(StandardSocketOptions.SO_RCVBUF), "Linux doubles the value, as socket(7) says");
                s.setOption(StandardSocketOptions.SO_SNDBUF, 65536);
                assertTrue(s.getOption(StandardSocketOptions.SO_SNDBUF) >= 65536);
                assertEquals(0, s.getOption(LinuxSocketOptions.SO_ERROR));
                assertFalse(s.getOption(LinuxSocketOptions.SO_ACCEPTCONN));
                if (f == Family.INET6) {
                    roundTrip(s, LinuxSocketOptions.IPV6_V6ONLY, true);
                }
                assertTrue(s.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY));
                assertFalse(s.supportedOptions().contains(LinuxSocketOptions.SO_PEERCRED));
            }
        }
    }

    @Test
    void udpOptionsRoundTrip() throws Exception {
        dev.ffmsockets.testing.Emulation.nativeOnly(dev.ffmsockets.testing.Emulation.Difference.IP_MULTICAST_IF);
        try (Socket s = Socket.open(Family.INET, SocketType.DGRAM)) {
            roundTrip(s, StandardSocketOptions.SO_BROADCAST, true);
            roundTrip(s, StandardSocketOptions.IP_MULTICAST_TTL, 7);
            roundTrip(s, StandardSocketOptions.IP_MULTICAST_LOOP, false);
            var lo = java.net.NetworkInterface.getByName("lo");
            roundTrip(s, StandardSocketOptions.IP_MULTICAST_IF, lo);
        }
        try (Socket s = Socket.open(Family.INET6, SocketType.DGRAM)) {
            roundTrip(s, StandardSocketOptions.IP_MULTICAST_TTL, 9);
            roundTrip(s, StandardSocketOptions.IP_MULTICAST_IF, java.net.NetworkInterface.getByName("lo"));
            roundTrip(s, StandardSocketOptions.IP_TOS, 0x20);
            assertThrows(UnsupportedOperationException.class, () -> s.getOption(StandardSocketOptions.TCP_NODELAY));
        }
    }

    @Test
    void peerCredentialsNameThisProcess() throws Exception {
        try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM)) {
            PeerCredentials c = p.first().getOption(LinuxSocketOptions.SO_PEERCRED);
            assertEquals(new PeerCredentials((int) ProcessHandle.current().pid(), Posix.getuid(), Posix.getgid()), c);
            UnsupportedOperationException ro = assertThrows(UnsupportedOperationException.class,
                    () -> p.first().setOption(LinuxSocketOptions.SO_PEERCRED, c));
            assertEquals("SO_PEERCRED can only be read", ro.getMessage());
        }
    }

    @Test
    void badValuesAndOptionsThatDoNotApplyAreRefused() throws Exception {
        try (Socket unix = Socket.open(Family.UNIX, SocketType.STREAM); Socket tcp = Socket.open(Family.INET, SocketType.STREAM)) {
            UnsupportedOperationException e = assertThrows(UnsupportedOperationException.class,
                    () -> unix.setOption(StandardSocketOptions.TCP_NODELAY, true));
            assertEquals("socket option TCP_NODELAY does not apply to AF_UNIX SOCK_STREAM sockets", e.getMessage());
            assertThrows(UnsupportedOperationException.class,
                    () -> tcp.setOption(jdkOnlyOption(), 1));
            assertEquals("TCP_KEEPIDLE must be 1 to 32767, not 0",
                    assertThrows(IllegalArgumentException.class, () -> tcp.setOption(LinuxSocketOptions.TCP_KEEPIDLE, 0)).getMessage());
            assertEquals("SO_RCVBUF must be 1 to 2147483647, not -5",
                    assertThrows(IllegalArgumentException.class, () -> tcp.setOption(StandardSocketOptions.SO_RCVBUF, -5)).getMessage());
            assertEquals("IP_TOS must be 0 to 255, not 256",
                    assertThrows(IllegalArgumentException.class, () -> tcp.setOption(StandardSocketOptions.IP_TOS, 256)).getMessage());
            assertEquals("TCP_NODELAY takes a Boolean, not null",
                    assertThrows(IllegalArgumentException.class, () -> tcp.setOption(StandardSocketOptions.TCP_NODELAY, null)).getMessage());
            assertEquals("SO_RCVBUF takes an Integer, not null",
                    assertThrows(IllegalArgumentException.class, () -> tcp.setOption(StandardSocketOptions.SO_RCVBUF, null)).getMessage());
            assertEquals("option", assertThrows(NullPointerException.class, () -> tcp.setOption(null, 1)).getMessage());
            // the JDK's key and the library's set the same kernel option
            tcp.setOption(dev.ffmsockets.testing.JdkOptions.of("TCP_KEEPIDLE", Integer.class), 77);
            assertEquals(77, tcp.getOption(LinuxSocketOptions.TCP_KEEPIDLE));
            tcp.setOption(LinuxSocketOptions.TCP_KEEPCNT, 9);
            assertEquals(9, tcp.getOption(dev.ffmsockets.testing.JdkOptions.of("TCP_KEEPCOUNT", Integer.class)));
            assertTrue(tcp.supportedOptions().contains(dev.ffmsockets.testing.JdkOptions.of("TCP_KEEPINTERVAL", Integer.class)));
            assertEquals("option", assertThrows(NullPointerException.class, () -> tcp.getOption(null)).getMessage());
            assertEquals(false, tcp.getOption(StandardSocketOptions.TCP_NODELAY), "nothing was set by the refused calls");
        }
        try (Socket v6 = Socket.open(Family.INET6, SocketType.STREAM)) {
            v6.bind(InetSockAddr.loopback6(0));
            java.net.SocketException late = assertThrows(java.net.SocketException.class,
                    () -> v6.setOption(LinuxSocketOptions.IPV6_V6ONLY, true));
            assertTrue(late.getMessage().matches("setsockopt\\(fd \\d+, IPV6_V6ONLY\\): Invalid argument \\(EINVAL\\)"),
                    late.getMessage());
        }
    }

    private static SocketOption<Integer> jdkOnlyOption() {
        return new SocketOption<>() {
            @Override
            public String name() {
                return "SOMETHING_ELSE";
            }

            @Override
            public Class<Integer> type() {
                return Integer.class;
            }
        };
    }
}
