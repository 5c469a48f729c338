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
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.FileSystems;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;

/**
 * Transfers that keep the bytes in the kernel: socket to socket and socket to file or pipe by {@code splice(2)}
 * through a pipe, file to socket by {@code sendfile(2)}. Each step is a call of the {@link Io#run} loop on the socket it waits for, so
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
        int in = open(file, O_RDONLY, "sendfile");
        try {
            return sendFile(d, b, in, position, count);
        } finally {
            close(in);
        }
    }

    /**
     * Sends up to {@code count} bytes of the open file {@code in} from {@code position}, until then or its end;
     * blocking mode. The file's own offset is left as it was.
     *
     * @return the bytes sent
     */
    public static long sendFile(Descriptor d, Blocking b, int in, long position, long count) throws IOException {
        requireBlocking(b);
        d.begin("sendfile");
        try (Arena a = Arena.ofConfined()) {
            b.checkNonBlockingFd(d);
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
            d.end();
        }
    }

    /**
     * Moves up to {@code count} bytes from the stream socket {@code src} into the file or pipe {@code out}, until
     * then or the end of the stream, through a pipe of its own: {@code splice(2)} from the socket into it, and from
     * it into {@code out}, the bytes never in Java memory. Blocking mode; the socket's timeout bounds the waits for
     * it over the whole call. Each step empties the pipe into {@code out} before the socket is read again, so a
     * timeout or an error of the socket loses nothing; a failure of {@code out} (a full disk) does lose what was
     * taken from the socket for it, which the exception counts.
     *
     * @param position where in the file to write ({@code pwrite}-like, the file's offset unchanged), or -1 to
     *                 write at the file's offset (and for a pipe)
     * @return the bytes moved
     */
    public static long toFile(Descriptor src, Blocking sb, int out, long position, long count) throws IOException {
        requireBlocking(sb);
        src.begin("splice");
        try (Arena a = Arena.ofConfined()) {
            requireWritable(out, position);
            sb.checkNonBlockingFd(src);
            src.reportDeferred("splice");
            MemorySegment offset = position >= 0 ? a.allocate(JAVA_LONG) : MemorySegment.NULL;
            if (position >= 0) {
                offset.set(JAVA_LONG, 0, position);
            }
            int[] pipe = pipe(src);
            long deadline = sb.deadline(), moved = 0;
            try {
                while (moved < count) {
                    long want = Math.min(count - moved, STEP);
                    long in = Io.run(src, sb, "splice", null, POLLIN, deadline, true, false, (f, fd) ->
                            KernelFiles.splice(f.capture, fd, MemorySegment.NULL, pipe[1], MemorySegment.NULL, want,
                                    SPLICE_F_MOVE | SPLICE_F_NONBLOCK));
                    if (in <= 0) {
                        break; // end of stream
                    }
                    drain(pipe[0], out, offset, in, moved);
                    moved += in;
                }
                return moved;
            } catch (ErrnoSocketTimeoutException e) {
                throw Errors.timedOut(e, moved, count);
            } finally {
                close(pipe[0]);
                close(pipe[1]);
            }
        } finally {
            src.end();
        }
    }

    /**
     * Refuses, before a byte is taken from the socket, a target {@code splice(2)} would refuse after: one not open
     * for writing ({@code EBADF}), one in append mode ({@code EINVAL}), a position for a pipe ({@code ESPIPE}).
     */
    private static void requireWritable(int out, long position) throws IOException {
        Frame f = Frame.acquire();
        try {
            int flags = Kernel.fcntl(f.capture, out, F_GETFL);
            if (flags < 0) {
                throw Errors.of("fcntl", "fd " + out + ", F_GETFL", f.errno(), false);
            }
            if ((flags & (O_WRONLY | O_RDWR)) == 0) { // the access mode is read-only (musl's O_ACCMODE has O_PATH too)
                throw new IllegalArgumentException("spliceTo: fd " + out + " is not open for writing");
            }
            if ((flags & O_APPEND) != 0) {
                throw new IllegalArgumentException("spliceTo: splice(2) does not write to a file in append mode "
                        + "(EINVAL): open it without APPEND and pass the position to write at (its size to append)");
            }
            if (position >= 0 && KernelFiles.lseek(f.capture, out, 0, SEEK_CUR) < 0 && f.errno() == ESPIPE) {
                throw new IllegalArgumentException("spliceTo: fd " + out + " is a pipe, which takes no position: "
                        + "pass -1");
            }
        } finally {
            f.release();
        }
    }

    /**
     * Writes the {@code n} bytes in the pipe to {@code out}: waits for room in a non-blocking pipe with
     * {@code poll(2)}, as a blocking one waits inside {@code splice}.
     */
    private static void drain(int pipeRead, int out, MemorySegment offset, long n, long before) throws IOException {
        Frame f = Frame.acquire();
        try {
            for (long left = n; left > 0; ) {
                long w = KernelFiles.splice(f.capture, pipeRead, MemorySegment.NULL, out, offset, left, SPLICE_F_MOVE);
                if (w > 0) {
                    left -= w;
                    continue;
                }
                int errno = w < 0 ? f.errno() : EIO;
                if (errno == EINTR) {
                    continue;
                }
                if (errno == EAGAIN) {
                    f.pollfd.set(JAVA_INT, 0, out);
                    f.pollfd.set(JAVA_SHORT, 4, (short) POLLOUT);
                    Kernel.poll(f.capture, f.pollfd, 1, -1);
                    continue;
                }
                throw Errors.of("splice", "fd " + out + "; " + (before + n - left) + " bytes were written, "
                        + left + " taken from the socket for it could not be", errno, false);
            }
        } finally {
            f.release();
        }
    }

    /**
     * Opens a file for a transfer: {@code open(2)} with {@code O_CLOEXEC}, and mode 0666 (less the umask) when it
     * creates one.
     *
     * @param flags the {@code O_*} flags
     * @param call  the call it is for, for the message
     * @return the descriptor
     * @throws IOException {@link NoSuchFileException}, {@link AccessDeniedException},
     *                     {@link FileAlreadyExistsException}, ...
     */
    public static int open(Path file, int flags, String call) throws IOException {
        if (file.getFileSystem() != FileSystems.getDefault()) {
            throw new IllegalArgumentException(call + ": " + file + " is not on the default file system");
        }
        String name = file.toAbsolutePath().toString();
        if (name.indexOf('\0') >= 0) {
            throw new IllegalArgumentException(call + ": a path holds no NUL: " + file);
        }
        Frame f = Frame.acquire();
        try (Arena a = Arena.ofConfined()) {
            int fd = KernelFiles.open(f.capture, a.allocateFrom(name, StandardCharsets.UTF_8), flags | O_CLOEXEC,
                    0666);
            if (fd >= 0) {
                return fd;
            }
            int errno = f.errno();
            String reason = Errors.name(errno);
            throw switch (errno) {
                case ENOENT, ENOTDIR -> new NoSuchFileException(file.toString(), null, "open: " + reason);
                case EACCES, EPERM -> new AccessDeniedException(file.toString(), null, "open: " + reason);
                case EEXIST -> new FileAlreadyExistsException(file.toString(), null, "open: " + reason);
                default -> new FileSystemException(file.toString(), null, "open: " + reason);
            };
        } finally {
            f.release();
        }
    }

    /** Closes a descriptor of the library's own: {@code close(2)}. */
    public static void close(int fd) {
        Frame f = Frame.acquire();
        try {
            Kernel.close(f.capture, fd);
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
