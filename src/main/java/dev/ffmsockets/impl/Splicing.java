package dev.ffmsockets.impl;

import dev.ffmsockets.ErrnoSocketTimeoutException;
import dev.ffmsockets.kernel.Kernel;
import dev.ffmsockets.kernel.KernelFiles;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.channels.IllegalBlockingModeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

/**
 * Transfers that keep the bytes in the kernel: socket to socket by {@code splice(2)} through a pipe, file to
 * socket by {@code sendfile(2)}. Each step is a call of the {@link Io#run} loop on the socket it waits for, so
 * timeouts, non-blocking descriptors, virtual threads and a close from another thread behave as in any call; the
 * thread is also a waiter of the other socket, so that closing either ends the transfer.
 */
public final class Splicing {

    private Splicing() {
    }

    /** The most one splice moves: a pipe's default capacity. */
    private static final long STEP = 64 * 1024;
    /** The most one sendfile sends: Linux's own cap is 0x7ffff000. */
    private static final long FILE_STEP = 1L << 30;

    /**
     * Moves up to {@code count} bytes from {@code src} to {@code dst}, until then or the end of {@code src}'s
     * stream. Both in blocking mode. The timeout of each socket bounds the waits on it over the whole call; on
     * expiry the exception says how many bytes were moved.
     *
     * @return the bytes moved
     */
    public static long relay(Descriptor src, Blocking sb, Descriptor dst, Blocking db, long count) throws IOException {
        requireBlocking(sb);
        requireBlocking(db);
        src.begin("splice");
        try {
            dst.begin("splice");
            try {
                sb.checkNonBlockingFd(src); // splice and sendfile have no flag of their own for one call
                db.checkNonBlockingFd(dst);
                int[] pipe = pipe(src);
                Object waiter = waiter();
                int slot = dst.addWaiter(waiter); // a close of dst wakes a wait on src
                try {
                    return relay(src, sb, dst, db, count, pipe[0], pipe[1]);
                } finally {
                    dst.removeWaiter(waiter, slot);
                    close(pipe[0]);
                    close(pipe[1]);
                }
            } finally {
                dst.end();
            }
        } finally {
            src.end();
        }
    }

    private static long relay(Descriptor src, Blocking sb, Descriptor dst, Blocking db, long count, int pipeRead,
                              int pipeWrite) throws IOException {
        long sDeadline = sb.deadline(), dDeadline = db.deadline();
        long moved = 0;
        src.reportDeferred("splice");
        try {
            while (moved < count) {
                long want = Math.min(count - moved, STEP);
                long in = Io.run(src, sb, "splice", null, POLLIN, sDeadline, true, false, (f, fd) -> {
                    if (dst.isClosed()) {
                        throw Errors.closed("splice", dst.detail(null));
                    }
                    return KernelFiles.splice(f.capture, fd, MemorySegment.NULL, pipeWrite, MemorySegment.NULL, want,
                            SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
                });
                if (in <= 0) {
                    break; // end of stream
                }
                for (long left = in; left > 0; ) {
                    long n = left;
                    long out = Io.run(dst, db, "splice", null, POLLOUT, dDeadline, true, false, (f, fd) ->
                            KernelFiles.splice(f.capture, pipeRead, MemorySegment.NULL, fd, MemorySegment.NULL, n,
                                    SPLICE_F_MOVE | SPLICE_F_NONBLOCK));
                    left -= Math.max(0, out);
                }
                moved += in;
            }
            return moved;
        } catch (ErrnoSocketTimeoutException e) {
            throw Errors.timedOut(e, moved, count);
        }
    }

    /**
     * Sends up to {@code count} bytes of a file from {@code position}, until then or its end; blocking mode.
     *
     * @return the bytes sent
     */
    public static long sendFile(Descriptor d, Blocking b, Path file, long position, long count) throws IOException {
        requireBlocking(b);
        if (file.getFileSystem() != FileSystems.getDefault()) {
            throw new IllegalArgumentException("sendfile: " + file + " is not on the default file system");
        }
        String name = file.toAbsolutePath().toString();
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("sendfile: a path holds no NUL: " + file);
        }
        d.begin("sendfile");
        try {
            b.checkNonBlockingFd(d);
            int in = open(file, name);
            try (Arena a = Arena.ofConfined()) {
                MemorySegment offset = a.allocate(JAVA_LONG);
                offset.set(JAVA_LONG, 0, position);
                long deadline = b.deadline(), sent = 0;
                try {
                    while (sent < count) {
                        long want = Math.min(count - sent, FILE_STEP);
                        long n = Io.run(d, b, "sendfile", null, POLLOUT, deadline, true, false, (f, fd) ->
                                KernelFiles.sendfile(f.capture, fd, in, offset, want));
                        if (n <= 0) {
                            break; // end of file
                        }
                        sent += n;
                    }
                    return sent;
                } catch (ErrnoSocketTimeoutException e) {
                    throw Errors.timedOut(e, sent, count);
                }
            } finally {
                close(in);
            }
        } finally {
            d.end();
        }
    }

    private static int open(Path file, String name) throws IOException {
        Frame f = Frame.acquire();
        try (Arena a = Arena.ofConfined()) {
            int fd = KernelFiles.open(f.capture, a.allocateFrom(name, StandardCharsets.UTF_8), O_RDONLY | O_CLOEXEC);
            if (fd >= 0) {
                return fd;
            }
            int errno = f.errno();
            String reason = Errors.name(errno);
            throw switch (errno) {
                case ENOENT, ENOTDIR -> new NoSuchFileException(file.toString(), null, "open: " + reason);
                case EACCES, EPERM -> new AccessDeniedException(file.toString(), null, "open: " + reason);
                default -> new FileSystemException(file.toString(), null, "open: " + reason);
            };
        } finally {
            f.release();
        }
    }

    private static int[] pipe(Descriptor d) throws IOException {
        Frame f = Frame.acquire();
        try {
            if (KernelFiles.pipe2(f.capture, f.option, O_CLOEXEC | O_NONBLOCK) < 0) {
                throw Errors.of("pipe2", d.detail(null), f.errno(), false);
            }
            return new int[] {f.option.getAtIndex(JAVA_INT, 0), f.option.getAtIndex(JAVA_INT, 1)};
        } finally {
            f.release();
        }
    }

    private static void close(int fd) {
        Frame f = Frame.acquire();
        try {
            Kernel.close(f.capture, fd);
        } finally {
            f.release();
        }
    }

    private static Object waiter() {
        Thread me = Thread.currentThread();
        return me.isVirtual() ? me : Frame.acquire().asWaiter(); // a platform thread's frame is its own
    }

    private static void requireBlocking(Blocking b) {
        if (!b.blocking()) {
            throw new IllegalBlockingModeException();
        }
    }
}
