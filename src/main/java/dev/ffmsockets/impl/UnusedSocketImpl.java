package dev.ffmsockets.impl;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.SocketImpl;

/**
 * The {@code SocketImpl} that {@code java.net.ServerSocket} requires of a subclass, for the library's
 * {@code java.net} views and adapters: never used, since each of them overrides every method that would reach it;
 * each of its methods fails rather than act on some other socket.
 */
public final class UnusedSocketImpl extends SocketImpl {

    private final String owner;

    /**
     * An implementation that says who does not use it.
     *
     * @param owner the class that overrides every method, for the message
     */
    public UnusedSocketImpl(String owner) {
        this.owner = owner;
    }

    private SocketException unused() {
        return new SocketException(owner + " does not use a SocketImpl");
    }

    @Override protected void create(boolean stream) throws IOException { throw unused(); }
    @Override protected void connect(String host, int port) throws IOException { throw unused(); }
    @Override protected void connect(InetAddress address, int port) throws IOException { throw unused(); }
    @Override protected void connect(SocketAddress address, int timeout) throws IOException { throw unused(); }
    @Override protected void bind(InetAddress host, int port) throws IOException { throw unused(); }
    @Override protected void listen(int backlog) throws IOException { throw unused(); }
    @Override protected void accept(SocketImpl s) throws IOException { throw unused(); }
    @Override protected InputStream getInputStream() throws IOException { throw unused(); }
    @Override protected OutputStream getOutputStream() throws IOException { throw unused(); }
    @Override protected int available() throws IOException { throw unused(); }
    @Override protected void close() throws IOException { throw unused(); }
    @Override protected void sendUrgentData(int data) throws IOException { throw unused(); }
    @Override public void setOption(int optID, Object value) throws SocketException { throw unused(); }
    @Override public Object getOption(int optID) throws SocketException { throw unused(); }
}
