package dev.ffmsockets.net;

import dev.ffmsockets.MsgFlag;
import dev.ffmsockets.Socket;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.util.Objects;

/** The streams of an {@link FfmSocket}, as {@code java.net.Socket}'s behave; documented on its getters. */
final class FfmSocketStreams {

    private FfmSocketStreams() {
    }

    static final class Input extends InputStream {
        private final FfmSocket owner;
        private final Socket s;

        Input(FfmSocket owner, Socket s) {
            this.owner = owner;
            this.s = s;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (owner.isClosed()) {
                throw new SocketException("Socket closed");
            }
            if (owner.isInputShutdown()) {
                return -1;
            }
            if (len == 0) {
                return 0;
            }
            owner.readLock.lock(); // one read at a time, as java.net.Socket's
            try {
                return s.recv(b, off, len);
            } finally {
                owner.readLock.unlock();
            }
        }

        /** How many bytes are queued: {@code FIONREAD}, as the JDK's. */
        @Override
        public int available() throws IOException {
            if (owner.isClosed()) {
                throw new SocketException("Socket closed");
            }
            if (owner.isInputShutdown()) {
                return 0;
            }
            return s.available();
        }

        @Override
        public void close() {
            owner.close();
        }
    }

    static final class Output extends OutputStream {
        private final FfmSocket owner;
        private final Socket s;

        Output(FfmSocket owner, Socket s) {
            this.owner = owner;
            this.s = s;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (owner.isClosed()) {
                throw new SocketException("Socket closed");
            }
            owner.writeLock.lock(); // one write at a time, as java.net.Socket's: two writers never interleave
            try {
                writeAll(b, off, len);
            } finally {
                owner.writeLock.unlock();
            }
        }

        private void writeAll(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                try {
                    s.sendAll(b, off, len);
                    return;
                } catch (SocketTimeoutException readTimeout) {
                    // the library's timeout bounds every call; java.net's bounds reads only: carry on
                    int done = Math.max(0, readTimeout.bytesTransferred);
                    off += done;
                    len -= done;
                }
            }
        }

        @Override
        public void close() {
            owner.close();
        }
    }
}
