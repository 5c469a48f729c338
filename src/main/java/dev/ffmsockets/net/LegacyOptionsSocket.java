package dev.ffmsockets.net;

import dev.ffmsockets.LinuxSocketOptions;

import java.net.SocketException;
import java.net.SocketImpl;
import java.net.SocketOption;
import java.net.StandardSocketOptions;

/**
 * The option setters and getters {@code java.net.Socket} has, one per option, for {@link FfmSocket}: each checked as
 * {@code java.net.Socket} checks it, then handed to {@link #setLegacy} or {@link #getLegacy}, which remember and
 * ignore the TCP and IP options on AF_UNIX.
 */
abstract class LegacyOptionsSocket extends java.net.Socket {

    LegacyOptionsSocket() throws SocketException {
        super((SocketImpl) null);
    }

    /** Sets {@code option}, or remembers it where it does not apply (a TCP or IP option on AF_UNIX). */
    abstract <T> void setLegacy(SocketOption<T> option, T value) throws SocketException;

    /** Reads {@code option}; where it does not apply, what was set, else {@code ifIgnored}. */
    abstract <T> T getLegacy(SocketOption<T> option, T ifIgnored) throws SocketException;

    @Override
    public void setTcpNoDelay(boolean on) throws SocketException {
        setLegacy(StandardSocketOptions.TCP_NODELAY, on);
    }

    @Override
    public boolean getTcpNoDelay() throws SocketException {
        return getLegacy(StandardSocketOptions.TCP_NODELAY, false);
    }

    /**
     * {@code SO_LINGER}. A linger time above 65,535 seconds is reduced to that, as {@code java.net.Socket} does.
     */
    @Override
    public void setSoLinger(boolean on, int linger) throws SocketException {
        if (on && linger < 0) {
            throw new IllegalArgumentException("invalid value for SO_LINGER");
        }
        setLegacy(StandardSocketOptions.SO_LINGER, on ? Math.min(linger, 65535) : -1);
    }

    @Override
    public int getSoLinger() throws SocketException {
        return getLegacy(StandardSocketOptions.SO_LINGER, -1);
    }

    @Override
    public void setOOBInline(boolean on) throws SocketException {
        setLegacy(LinuxSocketOptions.SO_OOBINLINE, on);
    }

    @Override
    public boolean getOOBInline() throws SocketException {
        return getLegacy(LinuxSocketOptions.SO_OOBINLINE, false);
    }

    @Override
    public void setSendBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("negative send size");
        }
        setLegacy(StandardSocketOptions.SO_SNDBUF, size);
    }

    @Override
    public int getSendBufferSize() throws SocketException {
        return getLegacy(StandardSocketOptions.SO_SNDBUF, 0);
    }

    @Override
    public void setReceiveBufferSize(int size) throws SocketException {
        if (size <= 0) {
            throw new IllegalArgumentException("invalid receive size");
        }
        setLegacy(StandardSocketOptions.SO_RCVBUF, size);
    }

    @Override
    public int getReceiveBufferSize() throws SocketException {
        return getLegacy(StandardSocketOptions.SO_RCVBUF, 0);
    }

    @Override
    public void setKeepAlive(boolean on) throws SocketException {
        setLegacy(StandardSocketOptions.SO_KEEPALIVE, on);
    }

    @Override
    public boolean getKeepAlive() throws SocketException {
        return getLegacy(StandardSocketOptions.SO_KEEPALIVE, false);
    }

    @Override
    public void setTrafficClass(int tc) throws SocketException {
        if (tc < 0 || tc > 255) {
            throw new IllegalArgumentException("tc is not in range 0 -- 255");
        }
        setLegacy(StandardSocketOptions.IP_TOS, tc);
    }

    @Override
    public int getTrafficClass() throws SocketException {
        return getLegacy(StandardSocketOptions.IP_TOS, 0);
    }

    @Override
    public void setReuseAddress(boolean on) throws SocketException {
        setLegacy(StandardSocketOptions.SO_REUSEADDR, on);
    }

    @Override
    public boolean getReuseAddress() throws SocketException {
        return getLegacy(StandardSocketOptions.SO_REUSEADDR, false);
    }

    /** Does nothing, as {@code java.net.Socket}'s own implementation does. */
    @Override
    public void setPerformancePreferences(int connectionTime, int latency, int bandwidth) {
    }
}
