package dev.ffmsockets.posix;

import dev.ffmsockets.raw.addrinfo;
import dev.ffmsockets.raw.epoll_event;
import dev.ffmsockets.raw.msghdr;
import dev.ffmsockets.raw.pollfd;
import dev.ffmsockets.raw.sockaddr_in;
import dev.ffmsockets.raw.sockaddr_storage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.ffmsockets.posix.Addrs.inet4;
import static dev.ffmsockets.posix.Addrs.localPort;
import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every length the C-style API is given is checked against its segment before the call: a violation throws,
 * the memory is untouched and the kernel saw nothing (queued data and connections are still there).
 */
class BoundsTest {

    private static final byte PATTERN = 0x5A;
    private Arena arena;
    private int lfd, cfd, sfd;

    @BeforeEach
    void connectedPair() {
        arena = Arena.ofConfined();
        lfd = socket(AF_INET, SOCK_STREAM, 0);
        MemorySegment a = inet4(arena, "127.0.0.1", 0);
        assertEquals(0, bind(lfd, a, (int) a.byteSize()));
        assertEquals(0, listen(lfd, 4));
        cfd = socket(AF_INET, SOCK_STREAM, 0);
        MemorySegment to = inet4(arena, "127.0.0.1", localPort(lfd));
        assertEquals(0, connect(cfd, to, (int) to.byteSize()));
        sfd = accept(lfd, MemorySegment.NULL, MemorySegment.NULL);
        assertTrue(sfd >= 0);
    }

    @AfterEach
    void closeAll() {
        close(sfd);
        close(cfd);
        close(lfd);
        arena.close();
    }

    private MemorySegment filled(long size) {
        return arena.allocate(size).fill(PATTERN);
    }

    private static void assertUntouched(MemorySegment seg) {
        for (long i = 0; i < seg.byteSize(); i++) {
            assertEquals(PATTERN, seg.get(JAVA_BYTE, i), "byte " + i + " was written");
        }
    }

    private static void refused(Executable call, String... words) {
        IndexOutOfBoundsException e = assertThrows(IndexOutOfBoundsException.class, call);
        for (String w : words) {
            assertTrue(e.getMessage().contains(w), () -> "message '" + e.getMessage() + "' lacks '" + w + "'");
        }
    }

    /** Queues {@code n} bytes on sfd for cfd to read. */
    private void queue(int n) {
        assertEquals(n, send(sfd, arena.allocate(n).fill((byte) 1), n, 0));
    }

    /** The n queued bytes are all still there. */
    private void stillQueued(int n) {
        MemorySegment b = arena.allocate(n + 1);
        assertEquals(n, recv(cfd, b, n + 1, MSG_DONTWAIT));
    }

    @Test
    void recvAndReadLongerThanTheBufferAreRefused() {
        queue(100);
        MemorySegment buf = filled(1024);
        refused(() -> recv(cfd, buf, 4096, 0), "recv", "4096", "1024");
        refused(() -> recv(cfd, buf, -1, 0), "recv", "-1");
        refused(() -> read(cfd, buf, 1025), "read", "1025");
        refused(() -> recvfrom(cfd, buf, 2048, 0, MemorySegment.NULL, MemorySegment.NULL), "recvfrom", "2048");
        assertUntouched(buf);
        stillQueued(100);
    }

    @Test
    void recvfromWithAddrlenBeyondTheAddressIsRefused() {
        queue(10);
        MemorySegment buf = filled(64);
        MemorySegment addr = filled(8);
        MemorySegment len = arena.allocateFrom(socklen_t, 16);
        refused(() -> recvfrom(cfd, buf, 64, 0, addr, len), "*addrlen 16", "src_addr of 8 bytes");
        refused(() -> recvfrom(cfd, buf, 64, 0, addr, MemorySegment.NULL), "cannot hold a socklen_t", "NULL");
        refused(() -> recvfrom(cfd, buf, 64, 0, addr, arena.allocate(2)), "cannot hold a socklen_t");
        assertUntouched(buf);
        assertUntouched(addr);
        assertEquals(16, len.get(JAVA_INT, 0));
        stillQueued(10);
    }

    @Test
    void sendLongerThanTheBufferIsRefusedAndNothingIsSent() {
        MemorySegment buf = arena.allocate(16);
        refused(() -> send(cfd, buf, 17, 0), "send", "17", "16");
        refused(() -> write(cfd, buf, Long.MAX_VALUE), "write");
        refused(() -> sendto(cfd, buf, 32, 0, MemorySegment.NULL, 0), "sendto");
        MemorySegment in = arena.allocate(64);
        assertEquals(-1, recv(sfd, in, 64, MSG_DONTWAIT), "the peer received nothing");
        assertEquals(EAGAIN, errno());
    }

    @Test
    void sendtoWithAddrlenBeyondTheAddressIsRefused() {
        int udp = socket(AF_INET, SOCK_DGRAM, 0);
        try {
            MemorySegment to = inet4(arena, "127.0.0.1", 9);
            refused(() -> sendto(udp, arena.allocate(4), 4, 0, to, 17), "addrlen 17", "dest_addr of 16 bytes");
            refused(() -> sendto(udp, arena.allocate(4), 4, 0, to, -1), "4294967295");
        } finally {
            close(udp);
        }
    }

    @Test
    void acceptWithAddrlenBeyondTheAddressIsRefusedAndTheConnectionStaysQueued() {
        int other = socket(AF_INET, SOCK_STREAM, 0);
        MemorySegment to = inet4(arena, "127.0.0.1", localPort(lfd));
        assertEquals(0, connect(other, to, (int) to.byteSize()));
        MemorySegment small = filled(8);
        MemorySegment len = arena.allocateFrom(socklen_t, (int) sockaddr_in.sizeof());
        refused(() -> accept(lfd, small, len), "accept", "*addrlen 16", "addr of 8 bytes");
        refused(() -> accept4(lfd, small, len, 0), "accept4");
        refused(() -> accept(lfd, small, MemorySegment.NULL), "cannot hold a socklen_t");
        assertUntouched(small);
        int fd = accept4(lfd, MemorySegment.NULL, MemorySegment.NULL, SOCK_NONBLOCK);
        assertTrue(fd >= 0, "the connection was still queued");
        close(fd);
        close(other);
    }

    @Test
    void getsocknameAndGetpeernameBeyondTheAddressAreRefused() {
        MemorySegment small = filled(4);
        MemorySegment len = arena.allocateFrom(socklen_t, 128);
        refused(() -> getsockname(cfd, small, len), "getsockname", "*addrlen 128", "addr of 4 bytes");
        refused(() -> getpeername(cfd, small, len), "getpeername");
        assertUntouched(small);
        assertEquals(128, len.get(JAVA_INT, 0));
        // a shorter addrlen is fine: C truncates and reports the full length
        MemorySegment part = filled(8);
        MemorySegment partLen = arena.allocateFrom(socklen_t, 8);
        assertEquals(0, getsockname(cfd, part, partLen));
        assertEquals(16, partLen.get(JAVA_INT, 0));
        assertEquals(AF_INET, part.get(java.lang.foreign.ValueLayout.JAVA_SHORT, 0));
    }

    @Test
    void optionLengthsBeyondTheValueAreRefused() {
        MemorySegment v = filled(4);
        MemorySegment len = arena.allocateFrom(socklen_t, 8);
        refused(() -> getsockopt(cfd, SOL_SOCKET, SO_RCVBUF, v, len), "getsockopt", "*optlen 8", "optval of 4 bytes");
        assertUntouched(v);
        MemorySegment one = arena.allocateFrom(C_INT, 1);
        refused(() -> setsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, one, 8), "setsockopt", "optlen 8");
        MemorySegment out = arena.allocate(C_INT);
        MemorySegment outLen = arena.allocateFrom(socklen_t, 4);
        assertEquals(0, getsockopt(cfd, IPPROTO_TCP, TCP_NODELAY, out, outLen));
        assertEquals(0, out.get(JAVA_INT, 0), "the refused setsockopt changed nothing");
    }

    @Test
    void bindAndConnectWithAddrlenBeyondTheAddressAreRefused() {
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        try {
            MemorySegment a = inet4(arena, "127.0.0.1", 0);
            refused(() -> bind(fd, a, 17), "bind", "addrlen 17", "addr of 16 bytes");
            refused(() -> connect(fd, a, 128), "connect", "addrlen 128");
            refused(() -> bind(fd, MemorySegment.NULL, 16), "addr of 0 bytes");
            assertEquals(0, Addrs.localPort(fd), "still unbound");
        } finally {
            close(fd);
        }
    }

    @Test
    void pollBeyondThePollfdArrayIsRefused() {
        MemorySegment fds = pollfd.allocateArray(2, arena);
        refused(() -> poll(fds, 3, 0), "poll", "nfds 3", "fds of 16 bytes");
        refused(() -> poll(fds, -1, 0), "poll");
        MemorySegment events = epoll_event.allocateArray(2, arena);
        refused(() -> epoll_wait(-1, events, 3, 0), "epoll_wait", "maxevents 3");
        refused(() -> epoll_ctl(-1, EPOLL_CTL_ADD, 0, arena.allocate(4)), "epoll_ctl", "event of 4 bytes");
    }

    @Test
    void stringsWithoutTheirNulAndSmallAddressBuffersAreRefused() {
        MemorySegment noNul = arena.allocate(9);
        noNul.copyFrom(MemorySegment.ofArray("127.0.0.1".getBytes()));
        MemorySegment dst = filled(4);
        refused(() -> inet_pton(AF_INET, noNul, dst), "inet_pton", "src has no terminating NUL within its 9 bytes");
        refused(() -> inet_pton(AF_INET6, "::1", dst), "dst of 4 bytes", "16 bytes");
        assertUntouched(dst);
        MemorySegment text = filled(8);
        refused(() -> inet_ntop(AF_INET, arena.allocate(4), text, 16), "inet_ntop", "size 16", "dst of 8 bytes");
        refused(() -> inet_ntop(AF_INET6, arena.allocate(4), text, 8), "src of 4 bytes");
        assertUntouched(text);
        refused(() -> unlink(noNul), "unlink", "pathname");
        MemorySegment res = arena.allocate(ADDRESS);
        refused(() -> getaddrinfo(noNul, MemorySegment.NULL, MemorySegment.NULL, res), "getaddrinfo", "node");
        refused(() -> getaddrinfo(arena.allocateFrom("localhost"), noNul, MemorySegment.NULL, res), "service");
        refused(() -> getaddrinfo(arena.allocateFrom("localhost"), MemorySegment.NULL, arena.allocate(8), res), "hints");
        refused(() -> getaddrinfo(arena.allocateFrom("localhost"), MemorySegment.NULL, addrinfo.allocate(arena),
                arena.allocate(4)), "res");
    }

    @Test
    void descriptorArraysTooSmallAreRefused() {
        MemorySegment one = filled(4);
        refused(() -> socketpair(AF_UNIX, SOCK_STREAM, 0, one), "socketpair", "sv of 4 bytes", "8 bytes");
        refused(() -> pipe(one), "pipe");
        assertUntouched(one);
        refused(() -> sendmsg(cfd, arena.allocate(16), 0), "sendmsg", "msg of 16 bytes", msghdr.sizeof() + " bytes");
        refused(() -> recvmsg(cfd, arena.allocate(16), 0), "recvmsg");
        refused(() -> getrlimit(RLIMIT_NOFILE, arena.allocate(8)), "getrlimit");
    }

    @Test
    void readOnlySegmentsAreNeverWrittenTo() {
        queue(5);
        MemorySegment ro = filled(16).asReadOnly();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> recv(cfd, ro, 16, 0));
        assertTrue(e.getMessage().contains("read-only"));
        assertThrows(IllegalArgumentException.class, () -> read(cfd, ro, 16));
        MemorySegment heapRo = MemorySegment.ofArray(new byte[16]).asReadOnly();
        assertThrows(IllegalArgumentException.class, () -> recv(cfd, heapRo, 16, 0));
        MemorySegment addr = sockaddr_storage.allocate(arena).asReadOnly();
        assertThrows(IllegalArgumentException.class,
                () -> getsockname(cfd, addr, arena.allocateFrom(socklen_t, (int) sockaddr_storage.sizeof())));
        stillQueued(5);
        // reading from a read-only segment is fine
        assertEquals(4, send(cfd, filled(4).asReadOnly(), 4, 0));
    }
}
