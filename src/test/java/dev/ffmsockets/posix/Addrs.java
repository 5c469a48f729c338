package dev.ffmsockets.posix;

import dev.ffmsockets.raw.sockaddr_in;
import dev.ffmsockets.raw.sockaddr_in6;
import dev.ffmsockets.raw.sockaddr_un;
import dev.ffmsockets.raw.sockaddr_storage;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;

/** Socket addresses built the way a C program builds them, for the tests. */
final class Addrs {

    private Addrs() {
    }

    static MemorySegment inet4(Arena arena, String ip, int port) {
        MemorySegment a = sockaddr_in.allocate(arena);
        sockaddr_in.sin_family(a, (short) AF_INET);
        sockaddr_in.sin_port(a, htons(port));
        if (inet_pton(AF_INET, ip, sockaddr_in.sin_addr(a)) != 1) {
            throw new IllegalArgumentException(ip);
        }
        return a;
    }

    static MemorySegment inet6(Arena arena, String ip, int port) {
        MemorySegment a = sockaddr_in6.allocate(arena);
        sockaddr_in6.sin6_family(a, (short) AF_INET6);
        sockaddr_in6.sin6_port(a, htons(port));
        if (inet_pton(AF_INET6, ip, sockaddr_in6.sin6_addr(a)) != 1) {
            throw new IllegalArgumentException(ip);
        }
        return a;
    }

    /** A sockaddr_un for a path, or for a Linux abstract name when {@code name} starts with NUL. */
    static MemorySegment unix(Arena arena, byte[] name) {
        MemorySegment a = sockaddr_un.allocate(arena);
        sockaddr_un.sun_family(a, (short) AF_UNIX);
        MemorySegment.copy(name, 0, sockaddr_un.sun_path(a), JAVA_BYTE, 0, name.length);
        return a;
    }

    /** The length to pass with a sockaddr_un holding {@code name}: the family, then the name (and NUL for paths). */
    static int unixLength(byte[] name) {
        return 2 + name.length + (name.length > 0 && name[0] != 0 ? 1 : 0);
    }

    static byte[] path(java.nio.file.Path p) {
        return p.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The port a socket is bound to, read with getsockname. */
    static int localPort(int fd) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = sockaddr_storage.allocate(arena);
            MemorySegment len = arena.allocateFrom(socklen_t, (int) sockaddr_storage.sizeof());
            if (getsockname(fd, a, len) != 0) {
                throw new IllegalStateException("getsockname: " + strerror(errno()));
            }
            // sin_port and sin6_port are both at offset 2
            return ntohs(sockaddr_in.sin_port(a));
        }
    }

    static String text(MemorySegment bytes, long n) {
        return new String(bytes.asSlice(0, n).toArray(JAVA_BYTE), StandardCharsets.UTF_8);
    }
}
