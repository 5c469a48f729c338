package dev.ffmsockets.posix;

import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code ioctl(2)} in the C-style API, for the requests whose argument is one {@code int}: the queues of a socket
 * ({@code FIONREAD}/{@code SIOCINQ}, {@code TIOCOUTQ}/{@code SIOCOUTQ}) and {@code FIONBIO}, with the same checks as
 * every call of the API: a segment too small or read-only, and any other request, are refused before the call.
 */
@ExtendWith(NoDescriptorLeaks.class)
class IoctlTest {

    private static int[] pair(Arena arena, int type) {
        MemorySegment sv = arena.allocate(C_INT, 2);
        assertEquals(0, socketpair(AF_UNIX, type | SOCK_CLOEXEC, 0, sv));
        return new int[] {sv.getAtIndex(JAVA_INT, 0), sv.getAtIndex(JAVA_INT, 1)};
    }

    @ParameterizedTest
    @ValueSource(ints = {0, 1, 1000, 100_000})
    void theReceiveQueueOfAStreamAndTheSendQueueOfItsPeer(int bytes) {
        try (Arena arena = Arena.ofConfined()) {
            int[] p = pair(arena, SOCK_STREAM);
            try {
                MemorySegment n = arena.allocate(C_INT), buf = arena.allocate(Math.max(bytes, 1));
                setsockopt(p[0], SOL_SOCKET, SO_SNDBUF, arena.allocateFrom(C_INT, 1 << 20), 4);
                long sent = 0;
                while (sent < bytes) {
                    long r = send(p[0], buf.asSlice(sent), bytes - sent, MSG_DONTWAIT);
                    assertTrue(r > 0, "sent " + sent + " of " + bytes + ", errno " + errno());
                    sent += r;
                }
                assertEquals(0, ioctl(p[1], FIONREAD, n));
                assertEquals(bytes, n.get(JAVA_INT, 0), "FIONREAD: the bytes a receive would return");
                assertEquals(0, ioctl(p[1], SIOCINQ, n));
                assertEquals(bytes, n.get(JAVA_INT, 0), "SIOCINQ is FIONREAD");
                // SIOCOUTQ of a Unix socket: the memory its unreceived bytes take, at least the bytes
                assertEquals(0, ioctl(p[0], SIOCOUTQ, n));
                assertTrue(bytes == 0 ? n.get(JAVA_INT, 0) == 0 : n.get(JAVA_INT, 0) >= bytes,
                        "SIOCOUTQ: " + n.get(JAVA_INT, 0) + " for " + bytes + " bytes not yet received by the peer");
                if (bytes > 0) {
                    assertEquals(Math.min(bytes, 10), recv(p[1], buf, Math.min(bytes, 10), 0));
                    assertEquals(0, ioctl(p[1], FIONREAD, n));
                    assertEquals(bytes - Math.min(bytes, 10), n.get(JAVA_INT, 0));
                    long left = bytes - Math.min(bytes, 10);
                    while (left > 0) {
                        long r = recv(p[1], buf, left, 0);
                        assertTrue(r > 0);
                        left -= r;
                    }
                    assertEquals(0, ioctl(p[0], TIOCOUTQ, n));
                    assertEquals(0, n.get(JAVA_INT, 0), "all received: nothing queued");
                }
            } finally {
                close(p[0]);
                close(p[1]);
            }
        }
    }

    @Test
    void theReceiveQueueOfADatagramSocketIsTheNextDatagramsSize() {
        try (Arena arena = Arena.ofConfined()) {
            int[] p = pair(arena, SOCK_DGRAM);
            try {
                MemorySegment n = arena.allocate(C_INT);
                for (int size : new int[] {37, 500, 3}) {
                    assertEquals(size, send(p[0], arena.allocate(size), size, 0));
                }
                for (int size : new int[] {37, 500, 3}) {
                    assertEquals(0, ioctl(p[1], FIONREAD, n));
                    assertEquals(size, n.get(JAVA_INT, 0));
                    assertEquals(size, recv(p[1], arena.allocate(size), size, 0));
                }
            } finally {
                close(p[0]);
                close(p[1]);
            }
        }
    }

    @Test
    void fionbioSetsAndClearsNonBlockingAndAHeapSegmentWorks() {
        try (Arena arena = Arena.ofConfined()) {
            int[] p = pair(arena, SOCK_STREAM);
            try {
                assertEquals(0, ioctl(p[0], FIONBIO, MemorySegment.ofArray(new int[] {1})));
                assertTrue((fcntl(p[0], F_GETFL) & O_NONBLOCK) != 0);
                assertEquals(-1, recv(p[0], arena.allocate(1), 1, 0));
                assertEquals(EAGAIN, errno());
                assertEquals(0, ioctl(p[0], FIONBIO, arena.allocateFrom(C_INT, 0)));
                assertEquals(0, fcntl(p[0], F_GETFL) & O_NONBLOCK);
                // FIONREAD written back into a heap segment
                int[] out = {-1};
                assertEquals(1, send(p[1], arena.allocate(1), 1, 0));
                assertEquals(0, ioctl(p[0], FIONREAD, MemorySegment.ofArray(out)));
                assertEquals(1, out[0]);
            } finally {
                close(p[0]);
                close(p[1]);
            }
        }
    }

    @Test
    void failuresSetErrno() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment n = arena.allocate(C_INT);
            assertEquals(-1, ioctl(-1, FIONREAD, n));
            assertEquals(EBADF, errno());
            int listener = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
            try {
                MemorySegment addr = arena.allocate(2);
                addr.set(java.lang.foreign.ValueLayout.JAVA_SHORT, 0, (short) AF_UNIX);
                assertEquals(0, bind(listener, addr, 2)); // autobind: an abstract name of the kernel's
                assertEquals(0, listen(listener, 1));
                assertEquals(-1, ioctl(listener, SIOCINQ, n));
                assertEquals(EINVAL, errno(), "a listening socket has no receive queue to measure");
            } finally {
                close(listener);
            }
        }
    }

    @Test
    void badArgumentsAreRefusedBeforeTheCall() {
        try (Arena arena = Arena.ofConfined()) {
            int[] p = pair(arena, SOCK_STREAM);
            try {
                MemorySegment small = arena.allocate(2);
                assertThrows(IndexOutOfBoundsException.class, () -> ioctl(p[0], FIONREAD, small));
                assertThrows(IndexOutOfBoundsException.class, () -> ioctl(p[0], FIONBIO, small));
                assertThrows(IllegalArgumentException.class,
                        () -> ioctl(p[0], FIONREAD, arena.allocate(4).asReadOnly()));
                // FIONBIO only reads its argument: a read-only one is fine
                assertEquals(0, ioctl(p[0], FIONBIO, arena.allocateFrom(C_INT, 0).asReadOnly()));
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> ioctl(p[0], 0x8905 /* SIOCATMARK */, arena.allocate(4)));
                assertTrue(e.getMessage().contains("Socket.call"), e.getMessage());
            } finally {
                close(p[0]);
                close(p[1]);
            }
        }
    }
}
