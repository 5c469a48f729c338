package dev.ffmsockets.netty;

import dev.ffmsockets.Family;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.Socket;
import dev.ffmsockets.SocketType;
import dev.ffmsockets.UnixSockAddr;
import dev.ffmsockets.impl.DualStack;
import dev.ffmsockets.net.NativeSocketAddress;
import io.netty.channel.ChannelException;
import io.netty.channel.socket.SocketProtocolFamily;

import java.io.IOException;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.UnresolvedAddressException;
import java.nio.channels.UnsupportedAddressTypeException;

/** Netty's addresses to the library's and back, as the JDK's channels show them (IPv4-mapped as IPv4). */
final class Addresses {

    private Addresses() {
    }

    /** The family of a socket made for {@code family}, or dual-stack IPv6 (as the JDK's) for {@code null}. */
    static Family family(SocketProtocolFamily family) {
        if (family == null) {
            return DualStack.family();
        }
        return switch (family) {
            case INET -> Family.INET;
            case INET6 -> Family.INET6;
            case UNIX -> Family.UNIX;
        };
    }

    /**
     * A non-blocking TCP socket of {@code family}, dual-stack for INET6.
     *
     * @param who the channel class, for the message
     * @throws ChannelException if the socket cannot be made (as Netty's channels say it)
     */
    static Socket openTcp(Family family, String who) {
        if (family == Family.UNIX) {
            throw new IllegalArgumentException(who + ": TCP takes INET or INET6, not " + family);
        }
        return open(family, who);
    }

    /**
     * A non-blocking UDP socket of {@code family}, dual-stack for INET6.
     *
     * @param who the channel class, for the message
     * @throws ChannelException if the socket cannot be made (as Netty's channels say it)
     */
    static Socket openUdp(Family family, String who) {
        if (family == Family.UNIX) {
            throw new IllegalArgumentException(who + ": UDP takes INET or INET6, not " + family);
        }
        return open(family, SocketType.DGRAM, who);
    }

    /**
     * A non-blocking stream socket of {@code family}: dual-stack for INET6.
     *
     * @param who the channel class, for the message
     * @throws ChannelException if the socket cannot be made (as Netty's channels say it)
     */
    static Socket open(Family family, String who) {
        return open(family, SocketType.STREAM, who);
    }

    private static Socket open(Family family, SocketType type, String who) {
        try {
            Socket s = family == Family.INET6 ? DualStack.open(family, type) : Socket.open(family, type);
            s.setBlocking(false);
            return s;
        } catch (IOException e) {
            throw new ChannelException(who + ": " + e.getMessage(), e);
        }
    }

    /** {@code address} as a socket of {@code family} takes it. */
    static SockAddr of(SocketAddress address, Family family) {
        if (address instanceof InetSocketAddress i) {
            if (i.isUnresolved()) {
                throw new UnresolvedAddressException();
            }
            return DualStack.on(family, i.getAddress(), i.getPort());
        }
        if (address instanceof UnixDomainSocketAddress u) {
            return UnixSockAddr.from(u);
        }
        if (address instanceof NativeSocketAddress n) {
            return n.sockAddr(); // an abstract name
        }
        throw new UnsupportedAddressTypeException();
    }

    /** {@code address} as Netty's channels report it: as the JDK's channels do, an abstract name as a {@link NativeSocketAddress}. */
    static SocketAddress toJava(SockAddr address) {
        return NativeSocketAddress.toSocketAddress(address);
    }
}
