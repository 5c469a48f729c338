package dev.ffmsockets;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.ByteChannel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.IllegalBlockingModeException;
import java.util.Objects;

import static dev.ffmsockets.posix.Posix.EBADF;

/** The views of a {@link Socket}: its streams and its channel, each over the socket's own calls. */
final class SocketStreams {

    private SocketStreams() {
    }

    /** {@link Socket#inputStream()}. */
    static final class Input extends InputStream {
        private final Socket socket;

        Input(Socket socket) {
            this.socket = socket;
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
            if (!socket.isBlocking()) {
                throw new IllegalBlockingModeException();
            }
            return len == 0 ? 0 : socket.recv(b, off, len);
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** {@link Socket#outputStream()}. */
    static final class Output extends OutputStream {
        private final Socket socket;

        Output(Socket socket) {
            this.socket = socket;
        }

        @Override
        public void write(int b) throws IOException {
            socket.sendAll(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            Objects.checkFromIndexSize(off, len, b.length);
            if (len > 0) { // nothing to write sends nothing: on a datagram socket, not an empty datagram
                socket.sendAll(b, off, len);
            }
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** {@link Socket#channel()}. */
    static final class Channel implements ByteChannel {
        private final Socket socket;

        Channel(Socket socket) {
            this.socket = socket;
        }

        @Override
        public int read(ByteBuffer dst) throws IOException {
            if (!isOpen()) {
                throw new ClosedChannelException();
            }
            try {
                return socket.recv(dst);
            } catch (SocketException e) {
                throw asChannelClosed(e);
            }
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            if (!isOpen()) {
                throw new ClosedChannelException();
            }
            try {
                return socket.send(src);
            } catch (SocketException e) {
                throw asChannelClosed(e);
            }
        }

        @Override
        public boolean isOpen() {
            return socket.isOpen();
        }

        @Override
        public void close() {
            socket.close();
        }

        private IOException asChannelClosed(SocketException e) {
            if (!isOpen() && e instanceof ErrnoException x && x.errno() == EBADF) {
                AsynchronousCloseException closed = new AsynchronousCloseException();
                closed.initCause(e);
                return closed;
            }
            return e;
        }
    }
}
