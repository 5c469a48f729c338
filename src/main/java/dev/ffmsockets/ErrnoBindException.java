package dev.ffmsockets;

import java.io.Serial;
import java.net.BindException;

/**
 * A bind to an address in use, not available or not permitted, with the errno of the system call that failed: a {@link BindException} that is also an
 * {@link ErrnoException}.
 */
public final class ErrnoBindException extends BindException implements ErrnoException {
    @Serial
    private static final long serialVersionUID = 1L;
    /** The errno value. */
    private final int errno;
    /** The system call. */
    private final String syscall;

    /**
     * An exception for {@code syscall} failing with {@code errno}.
     *
     * @param message the message, such as {@code "connect(127.0.0.1:1): Connection refused (ECONNREFUSED)"}
     * @param errno   the errno value
     * @param syscall the system call, such as {@code "connect"}
     */
    public ErrnoBindException(String message, int errno, String syscall) {
        super(message);
        this.errno = errno;
        this.syscall = syscall;
    }

    @Override
    public int errno() {
        return errno;
    }

    @Override
    public String syscall() {
        return syscall;
    }
}
