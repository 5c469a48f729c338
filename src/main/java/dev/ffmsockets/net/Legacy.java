package dev.ffmsockets.net;

import java.io.IOException;
import java.net.SocketException;

/** What the adapters share: the legacy {@code java.net} methods declare {@link SocketException} alone. */
final class Legacy {

    private Legacy() {
    }

    /** Throws what {@code java.net} throws for a call on a closed socket. */
    static void requireOpen(boolean closed) throws SocketException {
        if (closed) {
            throw new SocketException("Socket is closed");
        }
    }

    /** A call of the library that may throw any {@link IOException}. */
    interface Call<T> {
        T run() throws IOException;
    }

    /**
     * Runs {@code call}, passing a {@link SocketException} on as it is and any other {@link IOException} as a
     * {@code SocketException} with the same message and the original as its cause.
     */
    static <T> T socketException(Call<T> call) throws SocketException {
        try {
            return call.run();
        } catch (SocketException e) {
            throw e;
        } catch (IOException e) {
            throw new SocketException(e.getMessage(), e);
        }
    }
}
