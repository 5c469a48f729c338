package dev.ffmsockets.impl;

import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.UnixSockAddr;

import java.lang.foreign.MemorySegment;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

import static dev.ffmsockets.posix.Posix.AF_INET;
import static dev.ffmsockets.posix.Posix.AF_INET6;
import static dev.ffmsockets.posix.Posix.AF_UNIX;
import static dev.ffmsockets.posix.Posix.htonl;
import static dev.ffmsockets.posix.Posix.htons;
import static dev.ffmsockets.posix.Posix.ntohl;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

/**
 * The address codec: {@link SockAddr} to C {@code sockaddr} bytes and back. Encoding is strict, and already was
 * when the {@code SockAddr} was made (a value that exists fits its {@code sockaddr}). Decoding what the kernel
 * reports is total: any family and length give an address or {@code null}, never an exception, since by then the
 * kernel has done what was asked (a datagram is taken, a connection accepted) and must not be lost.
 */
public final class Addresses {

    /** {@code sizeof(((struct sockaddr_un *) 0)->sun_path)}. */
    private static final int SUN_PATH = 108;
    private static final int SIN_SIZE = 16, SIN6_SIZE = 28;

    private Addresses() {
    }

    /** Writes {@code a} into {@code storage} (a {@code sockaddr_storage}); returns the length to pass to C. */
    public static int encode(SockAddr a, MemorySegment storage) {
        storage.fill((byte) 0);
        return switch (a) {
            case InetSockAddr in when in.address() instanceof Inet4Address -> {
                storage.set(JAVA_SHORT_UNALIGNED, 0, (short) AF_INET);
                storage.set(JAVA_SHORT_UNALIGNED, 2, htons(in.port()));
                MemorySegment.copy(in.address().getAddress(), 0, storage, JAVA_BYTE, 4, 4);
                yield SIN_SIZE;
            }
            case InetSockAddr in -> {
                storage.set(JAVA_SHORT_UNALIGNED, 0, (short) AF_INET6);
                storage.set(JAVA_SHORT_UNALIGNED, 2, htons(in.port()));
                storage.set(JAVA_INT_UNALIGNED, 4, htonl(in.flowInfo()));
                MemorySegment.copy(in.address().getAddress(), 0, storage, JAVA_BYTE, 8, 16);
                storage.set(JAVA_INT_UNALIGNED, 24, in.scopeId());
                yield SIN6_SIZE;
            }
            case UnixSockAddr un -> {
                storage.set(JAVA_SHORT_UNALIGNED, 0, (short) AF_UNIX);
                byte[] path = un.sunPath();
                MemorySegment.copy(path, 0, storage, JAVA_BYTE, 2, path.length);
                // a pathname is NUL-terminated when the NUL fits; Linux takes all 108 bytes without one
                yield 2 + path.length + (un.isPathname() && path.length < SUN_PATH ? 1 : 0);
            }
        };
    }

    /**
     * Reads the address the kernel wrote into {@code storage}, {@code length} bytes of it, for a socket of
     * {@code family}. Bytes the length does not cover read as zero.
     *
     * @return the address; {@code null} when the kernel gave none to an Internet socket (length 0, as
     *         {@code recvfrom} on a connected stream socket does, or {@code AF_UNSPEC}); for a Unix socket, the
     *         unnamed address then
     */
    public static SockAddr decode(MemorySegment storage, int length, Family family) {
        int af = length >= 2 ? Short.toUnsignedInt(storage.get(JAVA_SHORT_UNALIGNED, 0)) : -1;
        if (af == AF_INET) {
            byte[] s = bytes(storage, length, SIN_SIZE);
            return new InetSockAddr(ipv4(Arrays.copyOfRange(s, 4, 8)), port(s), 0, 0);
        }
        if (af == AF_INET6) {
            byte[] s = bytes(storage, length, SIN6_SIZE);
            MemorySegment v = MemorySegment.ofArray(s);
            int scope = v.get(JAVA_INT_UNALIGNED, 24);
            int flow = ntohl(v.get(JAVA_INT_UNALIGNED, 4)) & 0x0FFFFFFF;
            // sin6_scope_id is unsigned; no interface index reaches 2^31, but a value that did must not throw
            scope = Math.max(0, scope);
            return new InetSockAddr(ipv6(Arrays.copyOfRange(s, 8, 24), scope), port(s), flow, scope);
        }
        if (af == AF_UNIX) {
            int n = Math.min(length - 2, SUN_PATH);
            byte[] path = new byte[n];
            MemorySegment.copy(storage, JAVA_BYTE, 2, path, 0, n);
            if (n > 0 && path[0] != 0) {
                int end = 0;
                while (end < n && path[end] != 0) {
                    end++;
                }
                path = Arrays.copyOf(path, end); // a pathname ends at its NUL, or fills sun_path
            }
            return new UnixSockAddr(path);
        }
        return family == Family.UNIX ? UnixSockAddr.unnamed() : null;
    }

    /**
     * Whether a socket's own address says it is bound: an Internet port, or an AF_UNIX path or abstract name
     * ({@code null}, no address, is not).
     */
    public static boolean named(SockAddr a) {
        return switch (a) {
            case InetSockAddr i -> i.port() != 0;
            case UnixSockAddr u -> !u.isUnnamed();
            case null -> false;
        };
    }

    /** The address to report when the kernel gave none: the unspecified one of the family. */
    static SockAddr unspecified(Family family) {
        return switch (family) {
            case INET -> InetSockAddr.any(0);
            case INET6 -> InetSockAddr.any6(0);
            case UNIX -> UnixSockAddr.unnamed();
        };
    }

    /** The first {@code size} bytes of {@code storage}, those beyond {@code length} as zero. */
    private static byte[] bytes(MemorySegment storage, int length, int size) {
        byte[] b = new byte[size];
        MemorySegment.copy(storage, JAVA_BYTE, 0, b, 0, Math.min(Math.max(length, 0), size));
        return b;
    }

    private static int port(byte[] s) {
        return ((s[2] & 0xFF) << 8) | (s[3] & 0xFF);
    }

    private static InetAddress ipv4(byte[] ip) {
        try {
            return InetAddress.getByAddress(ip);
        } catch (UnknownHostException e) {
            throw new AssertionError("4 bytes are an IPv4 address", e);
        }
    }

    /**
     * An IPv6 address from its 16 bytes, kept IPv6 even when it is IPv4-mapped. Scope id 0 is the kernel's "no
     * scope": the address then has none, as the JDK's decoding gives ({@code /::1}, not {@code /::1%0}).
     */
    static Inet6Address ipv6(byte[] bytes, int scopeId) {
        try {
            return Inet6Address.getByAddress(null, bytes, scopeId == 0 ? -1 : scopeId);
        } catch (UnknownHostException e) {
            throw new AssertionError("16 bytes are an IPv6 address", e);
        }
    }
}
