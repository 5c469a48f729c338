package dev.ffmsockets;

import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Addresses are checked when made and convert to and from java.net. */
class AddressTest {

    private static void refused(String words, org.junit.jupiter.api.function.Executable make) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, make);
        assertTrue(e.getMessage().contains(words), () -> "'" + e.getMessage() + "' lacks '" + words + "'");
    }

    @Test
    void inetAddressesAreCheckedWhenMade() {
        refused("port 65536 is outside 0 to 65535", () -> InetSockAddr.loopback(65536));
        refused("port -1 is outside 0 to 65535", () -> InetSockAddr.of("::1", -1));
        refused("flow information -1", () -> new InetSockAddr(InetAddress.ofLiteral("::1"), 80, -1, 0));
        refused("flow information 268435456", () -> new InetSockAddr(InetAddress.ofLiteral("::1"), 80, 0x10000000, 0));
        refused("scope id -2 is negative", () -> new InetSockAddr(InetAddress.ofLiteral("::1"), 80, 0, -2));
        refused("an IPv4 address has no flow information", () -> new InetSockAddr(InetAddress.ofLiteral("1.2.3.4"), 80, 1, 0));
        refused("not an IP address literal: \"localhost\" (no name is looked up)", () -> InetSockAddr.of("localhost", 80));
        refused("unresolved", () -> InetSockAddr.from(InetSocketAddress.createUnresolved("example.org", 80)));
        assertThrows(NullPointerException.class, () -> new InetSockAddr(null, 1, 0, 0));
    }

    @Test
    void everyPortOutOfRangeIsRefusedInOneFormatBeforeAnyCall() {
        // the same words wherever the library takes a port: an address made, a name resolved, a connection opened
        for (int port : new int[] {-1, 65536, Integer.MAX_VALUE}) {
            String words = "port " + port + " is outside 0 to 65535";
            for (org.junit.jupiter.api.function.Executable e : java.util.List.<org.junit.jupiter.api.function.Executable>of(
                    () -> InetSockAddr.loopback(port),
                    () -> InetSockAddr.any6(port),
                    () -> InetSockAddr.of("127.0.0.1", port),
                    () -> InetSockAddr.resolve("localhost", port),
                    () -> Socket.openConnected("localhost", port, java.time.Duration.ofSeconds(1)))) {
                IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
                assertEquals(words, x.getMessage());
            }
        }
    }

    @Test
    void inetAddressesPrintAndConvert() {
        assertEquals("127.0.0.1:80", InetSockAddr.loopback(80).toString());
        assertEquals("[::1]:443", InetSockAddr.loopback6(443).toString());
        assertEquals("0.0.0.0:0", InetSockAddr.any(0).toString());
        assertEquals("[::]:7", InetSockAddr.any6(7).toString());
        InetSockAddr scoped = InetSockAddr.of("fe80::1%1", 9);
        assertEquals(1, scoped.scopeId());
        assertEquals("[fe80::1%1]:9", scoped.toString());
        assertEquals(Family.INET, InetSockAddr.of("10.0.0.1", 1).family());
        InetSocketAddress j = new InetSocketAddress(InetAddress.ofLiteral("192.0.2.1"), 5000);
        assertEquals(j, InetSockAddr.from(j).toSocketAddress());
        assertEquals(InetSockAddr.of("192.0.2.1", 5000), SockAddr.from(j));
    }

    /** IPv6 text is what glibc's inet_ntop writes, for addresses with zero runs of every length and place. */
    @Test
    void ipv6TextMatchesInetNtop() throws Exception {
        java.util.Random random = new java.util.Random(5952);
        try (java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofConfined()) {
            java.lang.foreign.MemorySegment text = arena.allocate(dev.ffmsockets.posix.Posix.INET6_ADDRSTRLEN);
            for (int i = 0; i < 2000; i++) {
                byte[] a = new byte[16];
                for (int g = 0; g < 8; g++) {
                    int v = random.nextInt(3) == 0 ? random.nextInt(0x10000) : 0;
                    a[2 * g] = (byte) (v >> 8);
                    a[2 * g + 1] = (byte) v;
                }
                if (i == 0) {
                    a[10] = a[11] = (byte) 0xFF; // IPv4-mapped
                }
                java.lang.foreign.MemorySegment src = arena.allocateFrom(java.lang.foreign.ValueLayout.JAVA_BYTE, a);
                dev.ffmsockets.posix.Posix.inet_ntop(dev.ffmsockets.posix.Posix.AF_INET6, src, text, 46);
                InetSockAddr addr = new InetSockAddr(java.net.Inet6Address.getByAddress(null, a, 0), 1, 0, 0);
                assertEquals("[" + text.getString(0) + "]:1", addr.toString());
            }
        }
    }

    @Test
    void unixAddressesAreCheckedWhenMade() {
        String portable = "/" + "a".repeat(106);
        assertEquals(107, UnixSockAddr.of(portable).sunPath().length);
        assertEquals(108, UnixSockAddr.of(portable + "b").sunPath().length, "all of sun_path, as Linux allows");
        refused("Unix socket path of 109 bytes is too long: sun_path holds at most 108 bytes",
                () -> UnixSockAddr.of(portable + "bc"));
        refused("cannot contain a NUL byte", () -> UnixSockAddr.of("/tmp/a\0b"));
        refused("empty Unix socket path", () -> UnixSockAddr.of(""));
        refused("abstract name of 108 bytes is too long", () -> UnixSockAddr.abstractName(new byte[108]));
        assertEquals(108, UnixSockAddr.abstractName(new byte[107]).sunPath().length);
        // null is named, not met as a helpful-NPE text about the library's insides
        assertEquals("path", assertThrows(NullPointerException.class, () -> UnixSockAddr.of((String) null)).getMessage());
        assertEquals("path", assertThrows(NullPointerException.class, () -> UnixSockAddr.of((java.nio.file.Path) null)).getMessage());
        assertEquals("name", assertThrows(NullPointerException.class, () -> UnixSockAddr.abstractName((byte[]) null)).getMessage());
        assertEquals("name", assertThrows(NullPointerException.class, () -> UnixSockAddr.abstractName((String) null)).getMessage());
    }

    @Test
    void unixAddressesKeepAbstractBytesAndConvert() {
        byte[] name = {'a', 0, 'b', 0, (byte) 0xFF};
        UnixSockAddr abs = UnixSockAddr.abstractName(name);
        assertTrue(abs.isAbstract());
        assertArrayEquals(name, abs.abstractName());
        assertEquals("@a\\x00b\\x00\\xff", abs.toString());
        name[0] = 'z';
        assertArrayEquals(new byte[] {0, 'a', 0, 'b', 0, (byte) 0xFF}, abs.sunPath(), "copied in");
        abs.sunPath()[1] = 'q';
        assertEquals("@a\\x00b\\x00\\xff", abs.toString(), "copied out");
        assertEquals(UnixSockAddr.abstractName(new byte[] {'a', 0, 'b', 0, (byte) 0xFF}), abs);
        assertNotEquals(UnixSockAddr.abstractName("a"), UnixSockAddr.of("a"));
        assertEquals(abs.hashCode(), UnixSockAddr.abstractName(new byte[] {'a', 0, 'b', 0, (byte) 0xFF}).hashCode());

        UnixSockAddr path = UnixSockAddr.of(Path.of("/tmp/x.sock"));
        assertEquals(Path.of("/tmp/x.sock"), path.path());
        assertEquals(UnixDomainSocketAddress.of("/tmp/x.sock"), path.toSocketAddress());
        assertEquals(path, SockAddr.from(UnixDomainSocketAddress.of("/tmp/x.sock")));
        assertTrue(UnixSockAddr.unnamed().isUnnamed());
        assertEquals("(unnamed)", UnixSockAddr.unnamed().toString());
        assertThrows(UnsupportedOperationException.class, abs::toSocketAddress);
        assertThrows(IllegalStateException.class, abs::path);
        assertThrows(IllegalStateException.class, path::abstractName);
        refused("not an Internet or Unix-domain socket address", () -> SockAddr.from(new java.net.SocketAddress() { }));
    }
}
