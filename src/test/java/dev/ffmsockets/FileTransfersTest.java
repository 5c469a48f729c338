package dev.ffmsockets;

import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.testing.Background;
import dev.ffmsockets.testing.Fds;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.nio.file.StandardOpenOption.APPEND;
import static java.nio.file.StandardOpenOption.CREATE;
import static java.nio.file.StandardOpenOption.CREATE_NEW;
import static java.nio.file.StandardOpenOption.READ;
import static java.nio.file.StandardOpenOption.WRITE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Socket#spliceTo} (socket to file or pipe, in the kernel), {@link Socket#sendFile(OpenFile, long, long)}
 * (an open file to a socket) and {@link OpenFile}: bytes that never pass through Java, none lost on a timeout, a
 * file opened once for many calls, descriptors always released.
 */
@ExtendWith(NoDescriptorLeaks.class)
class FileTransfersTest {

    @TempDir
    Path dir;

    private static byte[] random(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void ok(CompletableFuture<Throwable> outcome) throws Exception {
        Throwable t = outcome.get(60, TimeUnit.SECONDS);
        if (t != null) {
            throw new AssertionError(t);
        }
    }

    @ParameterizedTest(name = "{0}: {1} bytes, virtual {2}")
    @CsvSource({"tcp4, 0, false", "tcp4, 1, true", "tcp6, 100000, false", "unix-path, 3000000, true",
            "socketpair, 65536, false", "socketpair, 65537, true"})
    void aStreamIsSplicedIntoAFileToItsEnd(String kind, int size, boolean virtual) throws Exception {
        byte[] data = random(size, size);
        Path file = dir.resolve("download-" + kind + "-" + size);
        try (Connected c = Connected.make(kind, dir); OpenFile out = OpenFile.open(file, WRITE, CREATE_NEW)) {
            CompletableFuture<Throwable> sender = Background.start(false, () -> {
                c.client().sendAll(data);
                c.client().shutdownOutput();
            }).outcome();
            ok(Background.start(virtual, () -> assertEquals(size, c.peer().spliceTo(out, 0, Long.MAX_VALUE)))
                    .outcome());
            ok(sender);
            assertEquals(-1, c.peer().recv(new byte[1]), "the stream was read to its end");
        }
        assertArrayEquals(data, Files.readAllBytes(file));
    }

    @Test
    void aCountStopsTheTransferAndLeavesTheRestQueued() throws Exception {
        byte[] data = random(5000, 1);
        Path file = dir.resolve("part");
        try (Socket.Pair p = Socket.pair(); OpenFile out = OpenFile.open(file, WRITE, CREATE)) {
            p.first().sendAll(data);
            assertEquals(1000, p.second().spliceTo(out, 0, 1000));
            // -1: at the file's offset, which splice advances; from 0 as opened
            assertEquals(1500, p.second().spliceTo(out, -1, 1500));
            assertEquals(500, p.second().spliceTo(out, -1, 500));
            byte[] rest = new byte[2000];
            assertEquals(2000, p.second().recv(rest, 0, 2000, MsgFlag.WAITALL));
            assertArrayEquals(Arrays.copyOfRange(data, 3000, 5000), rest);
        }
        // the positioned write left the file's offset at 0, so the writes at the offset went over it from 0
        assertArrayEquals(Arrays.copyOfRange(data, 1000, 3000), Files.readAllBytes(file));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void aTimeoutLosesNothingAndSaysHowMuchWasMoved(boolean virtual) throws Exception {
        byte[] first = random(10_000, 2), second = random(7_000, 3);
        Path file = dir.resolve("timed-" + virtual);
        try (Connected c = Connected.make("tcp4", dir); OpenFile out = OpenFile.open(file, WRITE, CREATE)) {
            c.peer().setTimeout(Duration.ofMillis(200));
            c.client().sendAll(first);
            ok(Background.start(virtual, () -> {
                SocketTimeoutException e = assertThrows(SocketTimeoutException.class,
                        () -> c.peer().spliceTo(out, 0, Long.MAX_VALUE));
                assertEquals(first.length, e.bytesTransferred, e.getMessage());
            }).outcome());
            c.client().sendAll(second);
            c.client().shutdownOutput();
            assertEquals(second.length, c.peer().spliceTo(out, first.length, Long.MAX_VALUE));
        }
        byte[] all = new byte[first.length + second.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        assertArrayEquals(all, Files.readAllBytes(file));
    }

    @ParameterizedTest(name = "non-blocking pipe {0}")
    @ValueSource(booleans = {false, true})
    void aStreamIsSplicedIntoAPipeThatAReaderDrains(boolean nonBlockingPipe) throws Exception {
        byte[] data = random(1_000_000, 4);
        try (Socket.Pair p = Socket.pair(); Arena arena = Arena.ofShared()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            assertEquals(0, Posix.pipe2(fds, Posix.O_CLOEXEC | (nonBlockingPipe ? Posix.O_NONBLOCK : 0)));
            int readEnd = fds.getAtIndex(JAVA_INT, 0);
            try (OpenFile pipe = OpenFile.adopt(fds.getAtIndex(JAVA_INT, 1))) {
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                CompletableFuture<Throwable> reader = Background.start(false, () -> {
                    MemorySegment buf = arena.allocate(8192);
                    MemorySegment pfd = arena.allocate(dev.ffmsockets.raw.pollfd.layout());
                    while (got.size() < data.length) {
                        long n = Posix.read(readEnd, buf, buf.byteSize());
                        if (n < 0 && Posix.errno() == Posix.EAGAIN) {
                            dev.ffmsockets.raw.pollfd.fd(pfd, readEnd);
                            dev.ffmsockets.raw.pollfd.events(pfd, (short) Posix.POLLIN);
                            Posix.poll(pfd, 1, -1);
                            continue;
                        }
                        assertTrue(n > 0, "read " + n + ", errno " + Posix.errno());
                        got.write(buf.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
                    }
                }).outcome();
                CompletableFuture<Throwable> sender = Background.start(false, () -> {
                    p.first().sendAll(data);
                    p.first().shutdownOutput();
                }).outcome();
                assertEquals(data.length, p.second().spliceTo(pipe, -1, Long.MAX_VALUE));
                ok(sender);
                ok(reader);
                assertArrayEquals(data, got.toByteArray());
            } finally {
                Posix.close(readEnd);
            }
        }
    }

    @Test
    void aPositionForAPipeIsRefusedBeforeAByteIsTaken() throws Exception {
        try (Socket.Pair p = Socket.pair(); Arena arena = Arena.ofConfined()) {
            MemorySegment fds = arena.allocate(JAVA_INT, 2);
            assertEquals(0, Posix.pipe2(fds, Posix.O_CLOEXEC));
            int readEnd = fds.getAtIndex(JAVA_INT, 0);
            try (OpenFile pipe = OpenFile.adopt(fds.getAtIndex(JAVA_INT, 1))) {
                p.first().sendAll(new byte[] {1, 2, 3, 4, 5});
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> p.second().spliceTo(pipe, 0, 5));
                assertTrue(e.getMessage().contains("pipe"), e.getMessage());
                assertEquals(5, p.second().spliceTo(pipe, -1, 5));
                MemorySegment got = arena.allocate(5);
                assertEquals(5, Posix.read(readEnd, got, 5));
                assertArrayEquals(new byte[] {1, 2, 3, 4, 5}, got.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                        "nothing was taken by the refused call");
            } finally {
                Posix.close(readEnd);
            }
        }
    }

    @Test
    void badTargetsAndModesAreRefused() throws Exception {
        Path file = dir.resolve("existing");
        Files.write(file, new byte[] {1, 2, 3});
        try (Socket.Pair p = Socket.pair(); Socket.Pair dgram = Socket.pair(Family.UNIX, SocketType.DGRAM);
             OpenFile readOnly = OpenFile.open(file)) {
            OpenFile closed = OpenFile.open(file);
            closed.close();
            assertThrows(ClosedChannelException.class, () -> p.second().spliceTo(closed, 0, 10));
            assertThrows(ClosedChannelException.class, () -> p.first().sendFile(closed, 0, 10));
            assertThrows(IllegalArgumentException.class, () -> p.second().spliceTo(readOnly, -2, 10));
            assertThrows(IllegalArgumentException.class, () -> p.second().spliceTo(readOnly, 0, -1));
            assertThrows(IllegalArgumentException.class, () -> dgram.second().spliceTo(readOnly, 0, 10));
            p.second().setBlocking(false);
            assertThrows(IllegalBlockingModeException.class, () -> p.second().spliceTo(readOnly, 0, 10));
            p.second().setBlocking(true);
            // targets splice(2) would refuse are refused before a byte is taken from the socket
            p.first().sendAll(new byte[] {9, 8});
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> p.second().spliceTo(readOnly, 0, 2));
            assertTrue(e.getMessage().contains("not open for writing"), e.getMessage());
            try (OpenFile append = OpenFile.open(file, APPEND)) {
                e = assertThrows(IllegalArgumentException.class, () -> p.second().spliceTo(append, -1, 2));
                assertTrue(e.getMessage().contains("append"), e.getMessage());
            }
            assertArrayEquals(new byte[] {1, 2, 3}, Files.readAllBytes(file));
            byte[] two = new byte[2];
            assertEquals(2, p.second().recv(two, 0, 2, MsgFlag.WAITALL));
            assertArrayEquals(new byte[] {9, 8}, two, "nothing was taken");
        }
    }

    @Test
    void anOpenFileIsSentFromManyTimesWithoutMovingItsOffset() throws Exception {
        byte[] data = random(1 << 20, 5);
        Path file = dir.resolve("served");
        Files.write(file, data);
        try (Socket.Pair p = Socket.pair(); OpenFile in = OpenFile.open(file, READ)) {
            long before = Fds.open();
            long[][] ranges = {{0, 100}, {500_000, 70_000}, {1_048_000, 10_000}, {0, 0}};
            for (long[] r : ranges) {
                CompletableFuture<Throwable> reader = Background.start(false, () -> {
                    long want = Math.min(r[1], data.length - r[0]);
                    byte[] got = new byte[(int) want];
                    if (want > 0) {
                        assertEquals(want, p.second().recv(got, 0, got.length, MsgFlag.WAITALL));
                    }
                    assertArrayEquals(Arrays.copyOfRange(data, (int) r[0], (int) (r[0] + want)), got);
                }).outcome();
                assertEquals(Math.min(r[1], data.length - r[0]), p.first().sendFile(in, r[0], r[1]));
                ok(reader);
                assertEquals(before, Fds.open(), "no descriptor opened per call");
            }
            // the offset was not moved: a splice at the file's offset would still write from 0 (here, a read check)
            try (Arena a = Arena.ofConfined()) {
                MemorySegment buf = a.allocate(4);
                assertEquals(4, Posix.read(in.fd(), buf, 4));
                assertArrayEquals(Arrays.copyOf(data, 4), buf.toArray(java.lang.foreign.ValueLayout.JAVA_BYTE));
            }
        }
    }

    @Test
    void openFollowsFileChannelOpenAndAnUnclosedHandleIsClosedWhenDropped() throws Exception {
        Path file = dir.resolve("opts");
        assertThrows(NoSuchFileException.class, () -> OpenFile.open(file));
        try (OpenFile f = OpenFile.open(file, WRITE, CREATE_NEW)) {
            assertTrue(f.isOpen());
            assertEquals(file, f.path());
            assertTrue(f.toString().contains(String.valueOf(f.fd())), f.toString());
        }
        assertThrows(FileAlreadyExistsException.class, () -> OpenFile.open(file, WRITE, CREATE_NEW));
        assertThrows(IllegalArgumentException.class, () -> OpenFile.open(file, READ, APPEND));
        assertThrows(UnsupportedOperationException.class,
                () -> OpenFile.open(file, WRITE, StandardOpenOption.DELETE_ON_CLOSE));
        // to append, a download writes at the file's size
        Files.write(file, new byte[] {1, 2});
        try (Socket.Pair p = Socket.pair(); OpenFile f = OpenFile.open(file, WRITE)) {
            p.first().sendAll(new byte[] {3, 4});
            assertEquals(2, p.second().spliceTo(f, Files.size(file), 2));
        }
        assertArrayEquals(new byte[] {1, 2, 3, 4}, Files.readAllBytes(file));
        // detach hands the number over; a dropped handle is closed by the cleaner
        OpenFile d = OpenFile.open(file);
        int fd = d.detach();
        assertFalse(d.isOpen());
        assertTrue(Posix.fcntl(fd, Posix.F_GETFD) >= 0);
        Posix.close(fd);
        long before = Fds.open();
        dropOne(file);
        long until = System.nanoTime() + 30_000_000_000L;
        while (Fds.open() != before) {
            assertTrue(System.nanoTime() < until, "the dropped handle was never closed");
            System.gc();
            Thread.yield();
        }
    }

    private static void dropOne(Path file) throws IOException {
        OpenFile.open(file);
    }

    @Test
    void aFilePassedToAnotherSocketIsSentFromThere() throws Exception {
        byte[] data = random(200_000, 6);
        Path file = dir.resolve("passed");
        Files.write(file, data);
        try (Socket.Pair carrier = Socket.pair(); Socket.Pair conn = Socket.pair();
             OpenFile mine = OpenFile.open(file)) {
            carrier.first().sendMsg(new ByteBuffer[] {ByteBuffer.wrap(new byte[] {1})}, null,
                    List.of(ControlMessage.rights(mine.fd())));
            try (Message m = carrier.second().recvMsg(new ByteBuffer[] {ByteBuffer.allocate(1)},
                    ControlMessage.spaceForDescriptors(1));
                 OpenFile theirs = m.descriptors().getFirst().toOpenFile()) {
                assertFalse(m.descriptors().getFirst().isOpen(), "taken by the OpenFile");
                CompletableFuture<Throwable> reader = Background.start(false, () -> {
                    byte[] got = new byte[data.length];
                    assertEquals(data.length, conn.second().recv(got, 0, got.length, MsgFlag.WAITALL));
                    assertArrayEquals(data, got);
                }).outcome();
                assertEquals(data.length, conn.first().sendFile(theirs, 0, Long.MAX_VALUE));
                ok(reader);
            }
        }
    }
}
