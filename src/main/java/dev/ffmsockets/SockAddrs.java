package dev.ffmsockets;

import dev.ffmsockets.raw.sockaddr_in;
import dev.ffmsockets.raw.sockaddr_in6;
import dev.ffmsockets.raw.sockaddr_un;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.UnknownHostException;

import static dev.ffmsockets.posix.Posix.AF_INET;
import static dev.ffmsockets.posix.Posix.AF_INET6;
import static dev.ffmsockets.posix.Posix.AF_UNIX;
import static dev.ffmsockets.posix.Posix.htonl;
import static dev.ffmsockets.posix.Posix.htons;
import static dev.ffmsockets.posix.Posix.ntohl;
import static dev.ffmsockets.posix.Posix.ntohs;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** Writes {@link SockAddr}s into C {@code sockaddr} memory and reads them back. */
final class SockAddrs {

    private SockAddrs() {
    }

    /** Writes {@code a} into {@code storage} (a {@code sockaddr_storage}); returns the length to pass to C. */
    static int encode(SockAddr a, MemorySegment storage) {
        storage.fill((byte) 0);
        return switch (a) {
            case InetSockAddr in when in.address() instanceof Inet4Address -> {
                sockaddr_in.sin_family(storage, (short) AF_INET);
                sockaddr_in.sin_port(storage, htons(in.port()));
                MemorySegment.copy(in.address().getAddress(), 0, storage, JAVA_BYTE, 4, 4);
                yield (int) sockaddr_in.sizeof();
            }
            case InetSockAddr in -> {
                sockaddr_in6.sin6_family(storage, (short) AF_INET6);
                sockaddr_in6.sin6_port(storage, htons(in.port()));
                sockaddr_in6.sin6_flowinfo(storage, htonl(in.flowInfo()));
                MemorySegment.copy(in.address().getAddress(), 0, storage, JAVA_BYTE, 8, 16);
                sockaddr_in6.sin6_scope_id(storage, in.scopeId());
                yield (int) sockaddr_in6.sizeof();
            }
            case UnixSockAddr un -> {
                sockaddr_un.sun_family(storage, (short) AF_UNIX);
                byte[] path = un.sunPath();
                MemorySegment.copy(path, 0, storage, JAVA_BYTE, 2, path.length);
                yield un.length();
            }
        };
    }

    /**
     * Reads the address C wrote into {@code storage}, {@code length} bytes long.
     *
     * @return the address, or {@code null} when C wrote none (length 0, as {@code recvfrom} on a connected
     *         stream socket does)
     */
    static SockAddr decode(MemorySegment storage, int length) throws IOException {
        if (length == 0) {
            return null;
        }
        int family = sockaddr_in.sin_family(storage);
        if (family == AF_INET && length >= sockaddr_in.sizeof()) {
            byte[] ip = new byte[4];
            MemorySegment.copy(storage, JAVA_BYTE, 4, ip, 0, 4);
            return new InetSockAddr(ipv4(ip), Short.toUnsignedInt(ntohs(sockaddr_in.sin_port(storage))), 0, 0);
        }
        if (family == AF_INET6 && length >= sockaddr_in6.sizeof()) {
            byte[] ip = new byte[16];
            MemorySegment.copy(storage, JAVA_BYTE, 8, ip, 0, 16);
            int scope = sockaddr_in6.sin6_scope_id(storage);
            return new InetSockAddr(InetSockAddr.ipv6(ip, scope), Short.toUnsignedInt(ntohs(sockaddr_in6.sin6_port(storage))),
                    ntohl(sockaddr_in6.sin6_flowinfo(storage)) & 0x0FFFFFFF, scope);
        }
        if (family == AF_UNIX && length >= 2) {
            int n = Math.min(length - 2, UnixSockAddr.SUN_PATH_SIZE);
            byte[] path = new byte[n];
            MemorySegment.copy(storage, JAVA_BYTE, 2, path, 0, n);
            if (n > 0 && path[0] != 0) {
                int end = 0;
                while (end < n && path[end] != 0) {
                    end++;
                }
                path = java.util.Arrays.copyOf(path, end);
            }
            return new UnixSockAddr(path);
        }
        throw new java.net.SocketException("the kernel returned an address of family " + family + " and length "
                + length + ", which is not an AF_INET, AF_INET6 or AF_UNIX address");
    }

    private static InetAddress ipv4(byte[] ip) {
        try {
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are an IPv4 address", e);
        }
    }
}
