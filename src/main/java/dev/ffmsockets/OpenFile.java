package dev.ffmsockets;

import dev.ffmsockets.impl.Splicing;

import java.io.IOException;
import java.lang.ref.Cleaner;
import java.lang.ref.Reference;
import java.nio.channels.ClosedChannelException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;
import java.util.Set;

import static dev.ffmsockets.posix.Posix.O_APPEND;
import static dev.ffmsockets.posix.Posix.O_CREAT;
import static dev.ffmsockets.posix.Posix.O_EXCL;
import static dev.ffmsockets.posix.Posix.O_RDONLY;
import static dev.ffmsockets.posix.Posix.O_RDWR;
import static dev.ffmsockets.posix.Posix.O_TRUNC;
import static dev.ffmsockets.posix.Posix.O_WRONLY;

/**
 * An open file or pipe descriptor, owned: what {@code Socket.sendFile(OpenFile, long, long)} sends from and
 * {@code Socket.spliceTo(OpenFile, long, long)} writes into, opened once for many calls (a file server keeps its
 * files open, as C's does), passed to another process as {@code SCM_RIGHTS} ({@link ControlMessage#rights(int...)}
 * of its {@link #fd()}), or taken from one received ({@link ReceivedFd#toOpenFile()}).
 *
 * <p>The JDK gives no public way to read the descriptor of a {@link java.nio.channels.FileChannel} or a
 * {@link java.io.FileDescriptor}, nor to make one of a number, so this is the library's own handle for it. A close
 * while a transfer uses the descriptor releases it when the transfer ends; a handle dropped unclosed is closed once
 * unreachable. Opened with {@code O_CLOEXEC}.
 */
public final class OpenFile implements AutoCloseable {

    private final OwnedFd state;
    private final Path path;
    private final Cleaner.Cleanable cleanable;

    private OpenFile(int fd, Path path) {
        OwnedFd[] owned = new OwnedFd[1];
        this.cleanable = OwnedFd.register(this, fd, owned);
        this.state = owned[0];
        this.path = path;
    }

    /**
     * Opens a file: {@code open(2)} with the flags of the options, as {@link java.nio.channels.FileChannel#open}
     * reads them: none means {@link StandardOpenOption#READ}; {@link StandardOpenOption#WRITE},
     * {@link StandardOpenOption#APPEND} (which writes), {@link StandardOpenOption#CREATE},
     * {@link StandardOpenOption#CREATE_NEW} and {@link StandardOpenOption#TRUNCATE_EXISTING} (with writing, mode
     * 0666 less the umask for a new file).
     *
     * @param path    the file, on the default file system
     * @param options the options
     * @return the open file
     * @throws IllegalArgumentException             if {@link StandardOpenOption#READ} and
     *                                              {@link StandardOpenOption#APPEND} are both given
     * @throws UnsupportedOperationException        for another option ({@code SYNC}, {@code DELETE_ON_CLOSE}, ...)
     * @throws java.nio.file.NoSuchFileException    if it does not exist and is not to be created
     * @throws java.nio.file.AccessDeniedException  if it may not be opened so
     * @throws java.nio.file.FileAlreadyExistsException with {@code CREATE_NEW}, if it exists
     * @throws IOException                          for any other failure of {@code open(2)}
     */
    public static OpenFile open(Path path, OpenOption... options) throws IOException {
        Objects.requireNonNull(path, "path");
        Set<OpenOption> set = Set.of(options);
        for (OpenOption o : set) {
            if (!(o instanceof StandardOpenOption so) || !switch (so) {
                case READ, WRITE, APPEND, CREATE, CREATE_NEW, TRUNCATE_EXISTING -> true;
                default -> false;
            }) {
                throw new UnsupportedOperationException("OpenFile.open: " + o + " is not supported; READ, WRITE, "
                        + "APPEND, CREATE, CREATE_NEW and TRUNCATE_EXISTING are");
            }
        }
        boolean append = set.contains(StandardOpenOption.APPEND);
        boolean write = append || set.contains(StandardOpenOption.WRITE);
        boolean read = set.contains(StandardOpenOption.READ) || !write;
        if (read && append) {
            throw new IllegalArgumentException("OpenFile.open: READ + APPEND not allowed");
        }
        int flags = read && write ? O_RDWR : write ? O_WRONLY : O_RDONLY;
        if (write) {
            if (append) {
                flags |= O_APPEND;
            }
            if (set.contains(StandardOpenOption.CREATE_NEW)) {
                flags |= O_CREAT | O_EXCL;
            } else if (set.contains(StandardOpenOption.CREATE)) {
                flags |= O_CREAT;
            }
            if (set.contains(StandardOpenOption.TRUNCATE_EXISTING) && !append) {
                flags |= O_TRUNC;
            }
        }
        return new OpenFile(Splicing.open(path, flags, "open"), path);
    }

    /**
     * Takes ownership of a file or pipe descriptor made elsewhere (a {@code pipe(2)} of the C-style API, an
     * inherited one).
     *
     * @param fd the descriptor
     * @return its owner
     * @throws IllegalArgumentException if {@code fd} is negative
     */
    public static OpenFile adopt(int fd) {
        if (fd < 0) {
            throw new IllegalArgumentException("OpenFile.adopt: descriptor " + fd + " is negative");
        }
        return new OpenFile(fd, null);
    }

    /** {@return the descriptor, still owned by this handle; -1 once closed or detached} */
    public int fd() {
        try {
            return state.get();
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /** {@return the path it was opened at, or {@code null} for an adopted descriptor} */
    public Path path() {
        return path;
    }

    /** {@return whether the handle still owns its descriptor} */
    public boolean isOpen() {
        return fd() >= 0;
    }

    /**
     * Gives up ownership of the descriptor without closing it.
     *
     * @return the descriptor, the caller's from now on
     * @throws IllegalStateException if it was closed or detached, or a transfer uses it
     */
    public int detach() {
        try {
            return state.take("the file's descriptor");
        } finally {
            Reference.reachabilityFence(this);
        }
    }

    /**
     * The descriptor for a call that uses it, which a close does not release until {@link #leave()}.
     *
     * @param call the call, for the message
     * @return the descriptor
     * @throws ClosedChannelException if the file was closed
     */
    int enter(String call) throws ClosedChannelException {
        return state.enter();
    }

    /** Ends the use {@link #enter} began. */
    void leave() {
        state.leave();
        Reference.reachabilityFence(this);
    }

    /** Closes the descriptor ({@code close(2)}), at once or when the transfer using it ends. Idempotent. */
    @Override
    public void close() {
        cleanable.clean();
    }

    /** {@return for example {@code OpenFile[7 /tmp/a.txt]}, or {@code OpenFile[closed]}} */
    @Override
    public String toString() {
        int fd = fd();
        return "OpenFile[" + (fd >= 0 ? fd + (path != null ? " " + path : "") : "closed") + "]";
    }
}
