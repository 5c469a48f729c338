package dev.ffmsockets.impl;

import dev.ffmsockets.Family;
import dev.ffmsockets.InetSockAddr;
import dev.ffmsockets.SockAddr;
import dev.ffmsockets.kernel.Kernel;
import dev.ffmsockets.raw.addrinfo;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;

import static dev.ffmsockets.posix.Posix.*;
import static java.lang.foreign.ValueLayout.ADDRESS;

/**
 * Host names to addresses with {@code getaddrinfo(3)}, as a C client resolves them: the C library's own lookup
 * ({@code /etc/hosts}, DNS, {@code nsswitch.conf}) and its own order (RFC 6724), not the JDK's resolver.
 */
public final class Resolver {

    private Resolver() {
    }

    /**
     * The stream-socket addresses of {@code host}, in the order {@code getaddrinfo} gives them, duplicates dropped.
     *
     * @param host a host name or an address literal
     * @param port the port to put in each address
     * @return at least one address
     * @throws IllegalArgumentException if the host is empty or holds a NUL, or the port is out of range
     * @throws UnknownHostException     if {@code getaddrinfo} fails; the message names its {@code EAI_*} error
     */
    public static List<InetSockAddr> resolve(String host, int port) throws UnknownHostException {
        Objects.requireNonNull(host, "host");
        if (host.isEmpty() || host.indexOf('\0') >= 0) {
            throw new IllegalArgumentException("resolve: host \"" + host.replace("\0", "\\0") + "\" is "
                    + (host.isEmpty() ? "empty" : "not a C string (it holds a NUL)"));
        }
        Ports.check(port);
        Frame f = Frame.acquire();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment hints = addrinfo.allocate(arena);
            addrinfo.ai_family(hints, AF_UNSPEC);
            addrinfo.ai_socktype(hints, SOCK_STREAM);
            MemorySegment res = arena.allocate(ADDRESS);
            int rc = Kernel.getaddrinfo(f.capture(), arena.allocateFrom(host), MemorySegment.NULL, hints, res);
            if (rc != 0) {
                String why = rc == EAI_SYSTEM ? Errors.name(f.errno()) : eaiName(rc);
                throw new UnknownHostException("getaddrinfo(" + host + "): "
                        + Kernel.gai_strerror(rc).reinterpret(Integer.MAX_VALUE).getString(0) + " (" + why + ")");
            }
            MemorySegment list = res.get(ADDRESS, 0);
            try {
                LinkedHashSet<InetSockAddr> found = new LinkedHashSet<>();
                for (MemorySegment ai = list.reinterpret(addrinfo.sizeof()); ai.address() != 0;
                     ai = addrinfo.ai_next(ai).reinterpret(addrinfo.sizeof())) {
                    int len = addrinfo.ai_addrlen(ai);
                    MemorySegment sa = addrinfo.ai_addr(ai);
                    int af = addrinfo.ai_family(ai);
                    if (sa.address() == 0 || (af != AF_INET && af != AF_INET6)) {
                        continue;
                    }
                    SockAddr a = Addresses.decode(sa.reinterpret(len), len, af == AF_INET ? Family.INET : Family.INET6);
                    if (a instanceof InetSockAddr in) {
                        found.add(new InetSockAddr(in.address(), port, in.flowInfo(), in.scopeId()));
                    }
                }
                if (found.isEmpty()) {
                    throw new UnknownHostException("getaddrinfo(" + host + "): no IPv4 or IPv6 address");
                }
                return List.copyOf(new ArrayList<>(found));
            } finally {
                Kernel.freeaddrinfo(list);
            }
        } finally {
            f.release();
        }
    }

    private static String eaiName(int rc) {
        return switch (rc) {
            case EAI_BADFLAGS -> "EAI_BADFLAGS";
            case EAI_NONAME -> "EAI_NONAME";
            case EAI_AGAIN -> "EAI_AGAIN";
            case EAI_FAIL -> "EAI_FAIL";
            case -5 -> "EAI_NODATA"; // glibc's, declared only with _GNU_SOURCE
            case EAI_FAMILY -> "EAI_FAMILY";
            case EAI_SOCKTYPE -> "EAI_SOCKTYPE";
            case EAI_SERVICE -> "EAI_SERVICE";
            case -9 -> "EAI_ADDRFAMILY"; // glibc's, declared only with _GNU_SOURCE
            case EAI_MEMORY -> "EAI_MEMORY";
            case EAI_OVERFLOW -> "EAI_OVERFLOW";
            default -> "EAI " + rc;
        };
    }
}
