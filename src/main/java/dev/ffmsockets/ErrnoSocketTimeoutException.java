package dev.ffmsockets;

import java.io.Serial;
import java.net.SocketTimeoutException;

/**
 * A wait that outlasted the socket's timeout, with the errno of the system call that failed: a {@link SocketTimeoutException} that is also an
 * {@link ErrnoException}.
 */
public final class ErrnoSocketTimeoutException extends SocketTimeoutException implements ErrnoException {
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
    public ErrnoSocketTimeoutException(String message, int errno, String syscall) {
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
