package dev.ffmsockets.posix;

import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import dev.ffmsockets.raw.linger;
import dev.ffmsockets.raw.sockaddr_in;
import dev.ffmsockets.raw.sockaddr_in6;
import dev.ffmsockets.raw.sockaddr_storage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.ffmsockets.posix.Addrs.inet4;
import static dev.ffmsockets.posix.Addrs.inet6;
import static dev.ffmsockets.posix.Addrs.localPort;
import static dev.ffmsockets.posix.Addrs.text;
import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** TCP over IPv4 and IPv6 loopback through the C-style API: each call's success and its failures' errno. */
@ExtendWith(NoDescriptorLeaks.class)
class TcpTest {

    private Arena arena;

    @BeforeEach
    void open() {
        arena = Arena.ofConfined();
    }

    @AfterEach
    void closeArena() {
        arena.close();
    }

    /** A listening socket on loopback, port 0. */
    private int listener(int family) {
        int fd = socket(family, SOCK_STREAM, 0);
        assertTrue(fd >= 0);
        MemorySegment a = family == AF_INET ? inet4(arena, "127.0.0.1", 0) : inet6(arena, "::1", 0);
        assertEquals(0, bind(fd, a, (int) a.byteSize()), () -> "bind: " + strerror(errno()));
        assertEquals(0, listen(fd, 16));
        return fd;
    }

    private int connected(int family, int port) {
        int fd = socket(family, SOCK_STREAM, 0);
        MemorySegment a = family == AF_INET ? inet4(arena, "127.0.0.1", port) : inet6(arena, "::1", port);
        assertEquals(0, connect(fd, a, (int) a.byteSize()), () -> "connect: " + strerror(errno()));
        return fd;
    }

    private void exchange(int family) {
        int lfd = listener(family);
        int port = localPort(lfd);
        assertNotEquals(0, port);
        int cfd = connected(family, port);
        MemorySegment peer = sockaddr_storage.allocate(arena);
        MemorySegment len = arena.allocateFrom(socklen_t, (int) sockaddr_storage.sizeof());
        int sfd = accept(lfd, peer, len);
        assertTrue(sfd >= 0, () -> "accept: " + strerror(errno()));
        long expectedLen = family == AF_INET ? sockaddr_in.sizeof() : sockaddr_in6.sizeof();
        assertEquals(expectedLen, len.get(JAVA_INT, 0));
        assertEquals(family, sockaddr_storage.ss_family(peer));
        assertEquals(localPort(cfd), ntohs(sockaddr_in.sin_port(peer)));

        MemorySegment out = arena.allocateFrom("ping over " + (family == AF_INET ? "IPv4" : "IPv6"));
        long n = out.byteSize() - 1;
        assertEquals(n, send(cfd, out, n, MSG_NOSIGNAL));
        MemorySegment in = arena.allocate(256);
        assertEquals(n, recv(sfd, in, in.byteSize(), 0));
        assertEquals(text(out, n), text(in, n));
        assertEquals(4, write(sfd, arena.allocateFrom("pong"), 4));
        assertEquals(4, read(cfd, in, in.byteSize()));
        assertEquals("pong", text(in, 4));

        MemorySegment name = sockaddr_storage.allocate(arena);
        MemorySegment nameLen = arena.allocateFrom(socklen_t, (int) sockaddr_storage.sizeof());
        assertEquals(0, getpeername(cfd, name, nameLen));
        assertEquals(port, ntohs(sockaddr_in.sin_port(name)));

        assertEquals(0, shutdown(cfd, SHUT_WR));
        assertEquals(0, recv(sfd, in, in.byteSize(), 0), "end of stream after the peer's SHUT_WR");
        assertEquals(0, close(sfd));
        assertEquals(0, close(cfd));
        assertEquals(0, close(lfd));
    }

    @Test
    void exchangesBytesOverIpv4Loopback() {
        exchange(AF_INET);
    }

    @Test
    void exchangesBytesOverIpv6Loopback() {
        exchange(AF_INET6);
    }

    @Test
    void connectToAPortNobodyListensOnIsRefused() {
        int lfd = listener(AF_INET);
        int port = localPort(lfd);
        assertEquals(0, close(lfd));
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        MemorySegment a = inet4(arena, "127.0.0.1", port);
        assertEquals(-1, connect(fd, a, (int) a.byteSize()));
        assertEquals(ECONNREFUSED, errno());
        assertEquals("ECONNREFUSED", errnoName(errno()));
        assertEquals("Connection refused", strerror(errno()));
        close(fd);
    }

    @Test
    void bindingATakenPortFailsWithEaddrinuse() {
        int lfd = listener(AF_INET);
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        MemorySegment a = inet4(arena, "127.0.0.1", localPort(lfd));
        assertEquals(-1, bind(fd, a, (int) a.byteSize()));
        assertEquals(EADDRINUSE, errno());
        close(fd);
        close(lfd);
    }

    @Test
    void callsOnAClosedDescriptorFailWithEbadf() {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        assertEquals(0, close(fd));
        assertEquals(-1, close(fd));
        assertEquals(EBADF, errno());
        assertEquals(-1, listen(fd, 1));
        assertEquals(EBADF, errno());
        assertEquals(-1, shutdown(fd, SHUT_RDWR));
        assertEquals(EBADF, errno());
    }

    @Test
    void badFamilyAndTypeFail() {
        dev.ffmsockets.testing.Emulation.nativeOnly(dev.ffmsockets.testing.Emulation.Difference.SOCKET_TYPE);
        assertEquals(-1, socket(12345, SOCK_STREAM, 0));
        assertEquals(EAFNOSUPPORT, errno());
        assertEquals(-1, socket(AF_INET, 12345, 0));
        assertEquals(EINVAL, errno());
        assertEquals(-1, socket(AF_INET, SOCK_STREAM, IPPROTO_UDP));
        assertEquals(EPROTONOSUPPORT, errno());
    }

    @Test
    void listenOnAUdpSocketIsNotSupported() {
        int fd = socket(AF_INET, SOCK_DGRAM, 0);
        assertEquals(-1, listen(fd, 1));
        assertEquals(EOPNOTSUPP, errno());
        close(fd);
    }

    @Test
    void recvWithDontwaitAndNoDataFailsWithEagain() {
        int lfd = listener(AF_INET);
        int cfd = connected(AF_INET, localPort(lfd));
        int sfd = accept4(lfd, MemorySegment.NULL, MemorySegment.NULL, SOCK_CLOEXEC);
        assertTrue(sfd >= 0);
        MemorySegment in = arena.allocate(16);
        assertEquals(-1, recv(sfd, in, 16, MSG_DONTWAIT));
        assertEquals(EAGAIN, errno());
        assertEquals(FD_CLOEXEC, fcntl(sfd, F_GETFD) & FD_CLOEXEC, "accept4 applied SOCK_CLOEXEC");
        close(sfd);
        close(cfd);
        close(lfd);
    }

    @Test
    void acceptOnANonListeningSocketFailsWithEinval() {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        MemorySegment peer = sockaddr_storage.allocate(arena);
        MemorySegment len = arena.allocateFrom(socklen_t, (int) sockaddr_storage.sizeof());
        assertEquals(-1, accept(fd, peer, len));
        assertEquals(EINVAL, errno());
        assertEquals(sockaddr_storage.sizeof(), len.get(JAVA_INT, 0), "addrlen untouched on failure");
        assertEquals(-1, accept4(fd, MemorySegment.NULL, MemorySegment.NULL, 0));
        assertEquals(EINVAL, errno());
        close(fd);
    }

    @Test
    void getpeernameOnAnUnconnectedSocketFailsWithEnotconn() {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        MemorySegment a = sockaddr_storage.allocate(arena);
        MemorySegment len = arena.allocateFrom(socklen_t, (int) sockaddr_storage.sizeof());
        assertEquals(-1, getpeername(fd, a, len));
        assertEquals(ENOTCONN, errno());
        assertEquals(-1, shutdown(fd, SHUT_RD));
        assertEquals(ENOTCONN, errno());
        assertEquals(-1, getsockname(-1, a, len));
        assertEquals(EBADF, errno());
        close(fd);
    }

    @Test
    void sendOnAResetConnectionWithNosignalFailsWithEpipeNotASignal() {
        int lfd = listener(AF_INET);
        int cfd = connected(AF_INET, localPort(lfd));
        int sfd = accept(lfd, MemorySegment.NULL, MemorySegment.NULL);
        close(sfd);
        assertEquals(0, shutdown(cfd, SHUT_WR));
        MemorySegment b = arena.allocate(8);
        assertEquals(-1, send(cfd, b, 8, MSG_NOSIGNAL));
        assertEquals(EPIPE, errno());
        close(cfd);
        close(lfd);
    }

    @Test
    void socketOptionsRoundTripAndUnknownOnesFail() {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        MemorySegment one = arena.allocateFrom(C_INT, 1);
        assertEquals(0, setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, one, 4));
        MemorySegment v = arena.allocate(C_INT);
        MemorySegment len = arena.allocateFrom(socklen_t, 4);
        assertEquals(0, getsockopt(fd, IPPROTO_TCP, TCP_NODELAY, v, len));
        assertEquals(1, v.get(JAVA_INT, 0));
        assertEquals(4, len.get(JAVA_INT, 0));

        MemorySegment l = linger.allocate(arena);
        linger.l_onoff(l, 1);
        linger.l_linger(l, 7);
        assertEquals(0, setsockopt(fd, SOL_SOCKET, SO_LINGER, l, (int) linger.sizeof()));
        MemorySegment back = linger.allocate(arena);
        MemorySegment blen = arena.allocateFrom(socklen_t, (int) linger.sizeof());
        assertEquals(0, getsockopt(fd, SOL_SOCKET, SO_LINGER, back, blen));
        assertEquals(7, linger.l_linger(back));

        assertEquals(-1, setsockopt(fd, SOL_SOCKET, 99999, one, 4));
        assertEquals(ENOPROTOOPT, errno());
        assertEquals(-1, getsockopt(fd, 99999, 1, v, len));
        assertEquals(EOPNOTSUPP, errno());
        close(fd);
    }

    @Test
    void socketpairGivesTwoConnectedEnds() {
        MemorySegment sv = arena.allocate(C_INT, 2);
        assertEquals(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
        int a = sv.getAtIndex(JAVA_INT, 0), b = sv.getAtIndex(JAVA_INT, 1);
        assertEquals(3, send(a, arena.allocateFrom("abc"), 3, 0));
        MemorySegment in = arena.allocate(8);
        assertEquals(3, recv(b, in, 8, 0));
        assertEquals("abc", text(in, 3));
        close(a);
        close(b);
        assertEquals(-1, socketpair(AF_INET, SOCK_STREAM, 0, sv));
        assertEquals(EOPNOTSUPP, errno());
    }

    @Test
    void socketCallsOnAPipeFailWithEnotsock() {
        MemorySegment p = arena.allocate(C_INT, 2);
        assertEquals(0, pipe(p));
        int r = p.getAtIndex(JAVA_INT, 0), w = p.getAtIndex(JAVA_INT, 1);
        MemorySegment b = arena.allocate(4);
        assertEquals(-1, send(w, b, 4, 0));
        assertEquals(ENOTSOCK, errno());
        assertEquals(-1, recv(r, b, 4, MSG_DONTWAIT));
        assertEquals(ENOTSOCK, errno());
        assertEquals(-1, listen(r, 1));
        assertEquals(ENOTSOCK, errno());
        MemorySegment a = inet4(arena, "127.0.0.1", 0);
        assertEquals(-1, bind(r, a, (int) a.byteSize()));
        assertEquals(ENOTSOCK, errno());
        assertEquals(-1, connect(r, a, (int) a.byteSize()));
        assertEquals(ENOTSOCK, errno());
        assertEquals(-1, setsockopt(r, SOL_SOCKET, SO_REUSEADDR, arena.allocateFrom(C_INT, 1), 4));
        assertEquals(ENOTSOCK, errno());
        assertEquals(4, write(w, b, 4));
        assertEquals(4, read(r, b, 4));
        assertEquals(-1, read(w, b, 4));
        assertEquals(EBADF, errno());
        assertEquals(-1, write(r, b, 4));
        assertEquals(EBADF, errno());
        close(r);
        close(w);
    }
}
