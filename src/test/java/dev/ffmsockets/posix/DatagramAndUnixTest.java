package dev.ffmsockets.posix;

import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import dev.ffmsockets.raw.sockaddr_in;
import dev.ffmsockets.raw.sockaddr_in6;
import dev.ffmsockets.raw.sockaddr_storage;
import dev.ffmsockets.raw.sockaddr_un;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static dev.ffmsockets.posix.Addrs.inet4;
import static dev.ffmsockets.posix.Addrs.inet6;
import static dev.ffmsockets.posix.Addrs.localPort;
import static dev.ffmsockets.posix.Addrs.text;
import static dev.ffmsockets.posix.Addrs.unix;
import static dev.ffmsockets.posix.Addrs.unixLength;
import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** UDP over IPv4 and IPv6, and AF_UNIX stream and datagram sockets with pathname and abstract addresses. */
@ExtendWith(NoDescriptorLeaks.class)
class DatagramAndUnixTest {

    @TempDir
    Path dir;
    private Arena arena;

    @BeforeEach
    void open() {
        arena = Arena.ofConfined();
    }

    @AfterEach
    void closeArena() {
        arena.close();
    }

    private void udpEcho(int family, String ip) {
        int server = socket(family, SOCK_DGRAM, 0);
        int client = socket(family, SOCK_DGRAM, 0);
        MemorySegment any = family == AF_INET ? inet4(arena, ip, 0) : inet6(arena, ip, 0);
        assertEquals(0, bind(server, any, (int) any.byteSize()));
        assertEquals(0, bind(client, any, (int) any.byteSize()));
        int serverPort = localPort(server);
        MemorySegment to = family == AF_INET ? inet4(arena, ip, serverPort) : inet6(arena, ip, serverPort);

        MemorySegment msg = arena.allocateFrom("datagram");
        assertEquals(8, sendto(client, msg, 8, 0, to, (int) to.byteSize()));

        MemorySegment buf = arena.allocate(64);
        MemorySegment from = sockaddr_storage.allocate(arena);
        MemorySegment fromLen = arena.allocateFrom(socklen_t, (int) sockaddr_storage.sizeof());
        long n = recvfrom(server, buf, buf.byteSize(), 0, from, fromLen);
        assertEquals(8, n);
        assertEquals("datagram", text(buf, n));
        assertEquals(family, sockaddr_storage.ss_family(from));
        assertEquals(family == AF_INET ? sockaddr_in.sizeof() : sockaddr_in6.sizeof(), fromLen.get(JAVA_INT, 0));
        assertEquals(localPort(client), ntohs(sockaddr_in.sin_port(from)));
        MemorySegment text = arena.allocate(INET6_ADDRSTRLEN);
        MemorySegment where = family == AF_INET ? sockaddr_in.sin_addr(from) : sockaddr_in6.sin6_addr(from);
        assertEquals(ip, inet_ntop(family, where, text, INET6_ADDRSTRLEN).getString(0));

        // the reply goes to the sender's address, as the C echo server does
        assertEquals(n, sendto(server, buf, n, 0, from, fromLen.get(JAVA_INT, 0)));
        MemorySegment reply = arena.allocate(64);
        assertEquals(8, recvfrom(client, reply, 64, 0, MemorySegment.NULL, MemorySegment.NULL));
        assertEquals("datagram", text(reply, 8));

        // a datagram larger than the buffer is truncated; MSG_TRUNC reports its real size and only 4 bytes are written
        assertEquals(8, sendto(client, msg, 8, 0, to, (int) to.byteSize()));
        MemorySegment small = arena.allocate(8);
        assertEquals(8, recv(server, small, 4, MSG_TRUNC));
        assertEquals("data", text(small, 4));
        assertEquals(0, small.get(JAVA_BYTE, 4));

        // sendto without an address on an unconnected socket
        assertEquals(-1, sendto(client, msg, 8, 0, MemorySegment.NULL, 0));
        assertEquals(EDESTADDRREQ, errno());
        assertEquals(-1, recvfrom(client, buf, 64, MSG_DONTWAIT, from, fromLen));
        assertEquals(EAGAIN, errno());
        close(client);
        close(server);
    }

    @Test
    void udpEchoOverIpv4ReturnsTheSendersAddress() {
        udpEcho(AF_INET, "127.0.0.1");
    }

    @Test
    void udpEchoOverIpv6ReturnsTheSendersAddress() {
        udpEcho(AF_INET6, "::1");
    }

    @Test
    void oversizedDatagramFailsWithEmsgsize() {
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        MemorySegment to = inet4(arena, "127.0.0.1", 9);
        MemorySegment big = arena.allocate(70_000);
        assertEquals(-1, sendto(fd, big, big.byteSize(), 0, to, (int) to.byteSize()));
        assertEquals(EMSGSIZE, errno());
        close(fd);
    }

    private void unixStream(byte[] name) {
        int server = socket(AF_UNIX, SOCK_STREAM, 0);
        MemorySegment addr = unix(arena, name);
        assertEquals(0, bind(server, addr, unixLength(name)), () -> "bind: " + strerror(errno()));
        assertEquals(0, listen(server, 4));
        int client = socket(AF_UNIX, SOCK_STREAM, 0);
        assertEquals(0, connect(client, addr, unixLength(name)), () -> "connect: " + strerror(errno()));
        MemorySegment peer = sockaddr_un.allocate(arena);
        MemorySegment len = arena.allocateFrom(socklen_t, (int) sockaddr_un.sizeof());
        int conn = accept(server, peer, len);
        assertTrue(conn >= 0);
        assertEquals(2, len.get(JAVA_INT, 0), "the client is unnamed: only the family");

        MemorySegment bound = sockaddr_un.allocate(arena);
        MemorySegment boundLen = arena.allocateFrom(socklen_t, (int) sockaddr_un.sizeof());
        assertEquals(0, getsockname(server, bound, boundLen));
        assertEquals(unixLength(name), boundLen.get(JAVA_INT, 0));
        assertArrayEquals(name, sockaddr_un.sun_path(bound).asSlice(0, name.length).toArray(JAVA_BYTE));

        assertEquals(5, write(client, arena.allocateFrom("hello"), 5));
        MemorySegment in = arena.allocate(16);
        assertEquals(5, read(conn, in, 16));
        assertEquals("hello", text(in, 5));
        close(conn);
        close(client);
        close(server);
    }

    @Test
    void unixStreamOverAPathname() {
        Path p = dir.resolve("stream.sock");
        unixStream(Addrs.path(p));
        assertTrue(Files.exists(p), "bind created the socket file");
        MemorySegment path = arena.allocateFrom(p.toString());
        assertEquals(0, unlink(path));
        assertFalse(Files.exists(p));
        assertEquals(-1, unlink(path));
        assertEquals(ENOENT, errno());
    }

    @Test
    void unixStreamOverAnAbstractNameWithEmbeddedNuls() {
        byte[] name = ("\0ffm-sockets-test\0" + ProcessHandle.current().pid() + "-" + System.nanoTime())
                .getBytes(StandardCharsets.US_ASCII);
        unixStream(name);
    }

    @Test
    void unixDatagramsOverPathnames() {
        byte[] serverName = Addrs.path(dir.resolve("server.sock"));
        byte[] clientName = Addrs.path(dir.resolve("client.sock"));
        int server = socket(AF_UNIX, SOCK_DGRAM, 0);
        int client = socket(AF_UNIX, SOCK_DGRAM, 0);
        assertEquals(0, bind(server, unix(arena, serverName), unixLength(serverName)));
        assertEquals(0, bind(client, unix(arena, clientName), unixLength(clientName)));
        MemorySegment msg = arena.allocateFrom("unix datagram");
        long n = msg.byteSize() - 1;
        assertEquals(n, sendto(client, msg, n, 0, unix(arena, serverName), unixLength(serverName)));
        MemorySegment buf = arena.allocate(64);
        MemorySegment from = sockaddr_un.allocate(arena);
        MemorySegment fromLen = arena.allocateFrom(socklen_t, (int) sockaddr_un.sizeof());
        assertEquals(n, recvfrom(server, buf, 64, 0, from, fromLen));
        assertEquals("unix datagram", text(buf, n));
        assertEquals(unixLength(clientName), fromLen.get(JAVA_INT, 0));
        assertArrayEquals(clientName, Arrays.copyOf(sockaddr_un.sun_path(from).toArray(JAVA_BYTE), clientName.length));

        // the same name again is taken
        int third = socket(AF_UNIX, SOCK_DGRAM, 0);
        assertEquals(-1, bind(third, unix(arena, serverName), unixLength(serverName)));
        assertEquals(EADDRINUSE, errno());
        // nobody at this path
        byte[] nobody = Addrs.path(dir.resolve("nobody.sock"));
        assertEquals(-1, sendto(third, msg, n, 0, unix(arena, nobody), unixLength(nobody)));
        assertEquals(ENOENT, errno());
        close(third);
        close(client);
        close(server);
    }

    @Test
    void unixDatagramsOverAbstractNames() {
        byte[] name = ("\0ffm-sockets-dgram-" + ProcessHandle.current().pid() + "-" + System.nanoTime())
                .getBytes(StandardCharsets.US_ASCII);
        int server = socket(AF_UNIX, SOCK_DGRAM, 0);
        int client = socket(AF_UNIX, SOCK_DGRAM, 0);
        assertEquals(0, bind(server, unix(arena, name), unixLength(name)));
        assertEquals(3, sendto(client, arena.allocateFrom("abc"), 3, 0, unix(arena, name), unixLength(name)));
        MemorySegment buf = arena.allocate(8);
        assertEquals(3, recv(server, buf, 8, 0));
        assertEquals("abc", text(buf, 3));
        close(client);
        close(server);
    }
}
