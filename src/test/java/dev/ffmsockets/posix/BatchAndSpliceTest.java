package dev.ffmsockets.posix;

import dev.ffmsockets.raw.iovec;
import dev.ffmsockets.raw.mmsghdr;
import dev.ffmsockets.raw.msghdr;
import dev.ffmsockets.raw.timespec;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import static dev.ffmsockets.posix.Addrs.inet4;
import static dev.ffmsockets.posix.Addrs.localPort;
import static dev.ffmsockets.posix.Addrs.text;
import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** sendmmsg and recvmmsg, pipe2 and splice, open and sendfile, called as C calls them. */
@ExtendWith(NoDescriptorLeaks.class)
class BatchAndSpliceTest {

    @TempDir
    Path dir;
    private Arena arena;

    @BeforeEach
    void newArena() {
        arena = Arena.ofConfined();
    }

    @AfterEach
    void closeArena() {
        arena.close();
    }

    /** {@code n} mmsghdrs, each with one iovec over its own {@code size}-byte buffer. */
    private MemorySegment messages(int n, int size, MemorySegment name, int nameLen) {
        MemorySegment vec = mmsghdr.allocateArray(n, arena);
        for (int i = 0; i < n; i++) {
            MemorySegment iov = iovec.allocate(arena);
            iovec.iov_base(iov, arena.allocate(size));
            iovec.iov_len(iov, size);
            MemorySegment hdr = mmsghdr.msg_hdr(mmsghdr.asSlice(vec, i));
            msghdr.msg_iov(hdr, iov);
            msghdr.msg_iovlen(hdr, 1);
            if (name != null) {
                msghdr.msg_name(hdr, name);
                msghdr.msg_namelen(hdr, nameLen);
            }
        }
        return vec;
    }

    /** Message {@code i}'s iovec: a pointer read from a struct is a zero-length segment until given its size. */
    private static MemorySegment iov(MemorySegment vec, int i) {
        return msghdr.msg_iov(mmsghdr.msg_hdr(mmsghdr.asSlice(vec, i))).reinterpret(iovec.sizeof());
    }

    @Test
    void sendmmsgAndRecvmmsgMoveSeveralDatagramsInOneCall() {
        int rx = socket(AF_INET, SOCK_DGRAM, 0), tx = socket(AF_INET, SOCK_DGRAM, 0);
        try {
            MemorySegment any = inet4(arena, "127.0.0.1", 0);
            assertEquals(0, bind(rx, any, (int) any.byteSize()));
            MemorySegment to = inet4(arena, "127.0.0.1", localPort(rx));
            MemorySegment out = messages(3, 8, to, (int) to.byteSize());
            for (int i = 0; i < 3; i++) {
                MemorySegment iov = iov(out, i);
                iovec.iov_base(iov).reinterpret(8).setString(0, "dgram-" + i, US_ASCII);
                iovec.iov_len(iov, 7);
            }
            assertEquals(3, sendmmsg(tx, out, 3, 0));
            for (int i = 0; i < 3; i++) {
                assertEquals(7, mmsghdr.msg_len(mmsghdr.asSlice(out, i)));
            }

            MemorySegment in = messages(4, 16, null, 0);
            MemorySegment timeout = timespec.allocate(arena);
            timespec.tv_sec(timeout, 5);
            assertEquals(3, recvmmsg(rx, in, 4, MSG_WAITFORONE, timeout));
            for (int i = 0; i < 3; i++) {
                assertEquals(7, mmsghdr.msg_len(mmsghdr.asSlice(in, i)));
                assertEquals("dgram-" + i, text(iovec.iov_base(iov(in, i)).reinterpret(16), 7));
            }
            assertEquals(-1, recvmmsg(rx, in, 4, MSG_DONTWAIT, MemorySegment.NULL));
            assertEquals(EAGAIN, errno());
        } finally {
            close(rx);
            close(tx);
        }
    }

    @Test
    void theMessageArrayMustHoldVlenHeaders() {
        MemorySegment two = mmsghdr.allocateArray(2, arena);
        assertThrows(IndexOutOfBoundsException.class, () -> sendmmsg(-1, two, 3, 0));
        assertThrows(IndexOutOfBoundsException.class, () -> recvmmsg(-1, two, 3, 0, MemorySegment.NULL));
        assertThrows(IndexOutOfBoundsException.class, () -> recvmmsg(-1, two, 2, 0, arena.allocate(8)));
    }

    @Test
    void spliceMovesSocketBytesThroughAPipe() {
        MemorySegment sv = arena.allocate(JAVA_INT, 2), pv = arena.allocate(JAVA_INT, 2);
        assertEquals(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
        assertEquals(0, pipe2(pv, O_CLOEXEC));
        int a = sv.getAtIndex(JAVA_INT, 0), b = sv.getAtIndex(JAVA_INT, 1);
        int r = pv.getAtIndex(JAVA_INT, 0), w = pv.getAtIndex(JAVA_INT, 1);
        try {
            MemorySegment msg = arena.allocateFrom("spliced", US_ASCII);
            assertEquals(7, write(a, msg, 7));
            assertEquals(7, splice(b, MemorySegment.NULL, w, MemorySegment.NULL, 64, SPLICE_F_MOVE));
            assertEquals(7, splice(r, MemorySegment.NULL, b, MemorySegment.NULL, 64, 0));
            MemorySegment buf = arena.allocate(16);
            assertEquals(7, read(a, buf, 16));
            assertEquals("spliced", text(buf, 7));
            assertEquals(-1, splice(r, MemorySegment.NULL, b, MemorySegment.NULL, 64, SPLICE_F_NONBLOCK));
            assertEquals(EAGAIN, errno());
            assertThrows(IndexOutOfBoundsException.class, () -> pipe2(arena.allocate(4), 0));
            assertThrows(IndexOutOfBoundsException.class,
                    () -> splice(r, arena.allocate(4), b, MemorySegment.NULL, 1, 0));
        } finally {
            close(a);
            close(b);
            close(r);
            close(w);
        }
    }

    @Test
    void sendfileSendsAFileFromAnOffset() throws Exception {
        Path file = dir.resolve("f");
        Files.writeString(file, "0123456789", US_ASCII);
        assertEquals(-1, open(arena.allocateFrom(dir.resolve("missing").toString()), O_RDONLY | O_CLOEXEC));
        assertEquals(ENOENT, errno());
        int fd = open(arena.allocateFrom(file.toString()), O_RDONLY | O_CLOEXEC);
        MemorySegment sv = arena.allocate(JAVA_INT, 2);
        assertEquals(0, socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
        int a = sv.getAtIndex(JAVA_INT, 0), b = sv.getAtIndex(JAVA_INT, 1);
        try {
            MemorySegment offset = arena.allocateFrom(JAVA_LONG, 3);
            assertEquals(5, sendfile(a, fd, offset, 5));
            assertEquals(8, offset.get(JAVA_LONG, 0), "C moves the offset past what it sent");
            MemorySegment buf = arena.allocate(16);
            assertEquals(5, read(b, buf, 16));
            assertEquals("34567", text(buf, 5));
            assertThrows(IndexOutOfBoundsException.class, () -> sendfile(a, fd, arena.allocate(4), 1));
        } finally {
            close(fd);
            close(a);
            close(b);
        }
    }
}
