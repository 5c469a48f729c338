package dev.ffmsockets;

import java.net.UnixDomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A Unix-domain socket address, C's {@code sockaddr_un}: a pathname in the file system, a Linux abstract
 * name, or unnamed.
 *
 * <p>The one component is the bytes of {@code sun_path} exactly as the kernel sees them: a pathname without
 * its terminating NUL, an abstract name with its leading NUL (so that NULs inside it survive), nothing for
 * unnamed. They are copied in and out, so the value cannot change.
 *
 * @param sunPath the bytes of {@code sun_path}
 */
public record UnixSockAddr(byte[] sunPath) implements SockAddr {

    /** {@code sizeof(((struct sockaddr_un *) 0)->sun_path)} on Linux. */
    private static final int SUN_PATH_SIZE = 108;

    private static final UnixSockAddr UNNAMED = new UnixSockAddr(new byte[0]);

    /**
     * Checks the bytes before any system call sees them. A pathname may fill all 108 bytes of {@code sun_path}
     * without a terminating NUL, as Linux allows (and reports for such a socket); portable programs stay at 107.
     *
     * @throws IllegalArgumentException if a pathname contains a NUL or is longer than 108 bytes, or an abstract
     *                                  name is longer than 107 bytes
     */
    public UnixSockAddr {
        sunPath = sunPath.clone();
        if (sunPath.length > 0 && sunPath[0] != 0) {
            for (byte b : sunPath) {
                if (b == 0) {
                    throw new IllegalArgumentException("a Unix socket pathname cannot contain a NUL byte");
                }
            }
            if (sunPath.length > SUN_PATH_SIZE) {
                throw new IllegalArgumentException("Unix socket path of " + sunPath.length + " bytes is too long: "
                        + "sun_path holds at most " + SUN_PATH_SIZE + " bytes (107 and the NUL, or 108 without one, "
                        + "as Linux allows)");
            }
        } else if (sunPath.length > SUN_PATH_SIZE) {
            throw new IllegalArgumentException("abstract name of " + (sunPath.length - 1) + " bytes is too long: "
                    + "it must be at most " + (SUN_PATH_SIZE - 1) + " bytes");
        }
    }

    /**
     * A pathname address.
     *
     * @param path the socket file's path (encoded as UTF-8)
     * @return the address
     * @throws IllegalArgumentException if the path is empty, contains a NUL, or is longer than 108 bytes
     */
    public static UnixSockAddr of(Path path) {
        return of(java.util.Objects.requireNonNull(path, "path").toString());
    }

    /**
     * A pathname address.
     *
     * @param path the socket file's path (encoded as UTF-8)
     * @return the address
     * @throws IllegalArgumentException if the path is empty, contains a NUL, or is longer than 108 bytes
     */
    public static UnixSockAddr of(String path) {
        java.util.Objects.requireNonNull(path, "path");
        if (path.isEmpty()) {
            throw new IllegalArgumentException("empty Unix socket path: use UnixSockAddr.unnamed()");
        }
        byte[] bytes = path.getBytes(StandardCharsets.UTF_8);
        if (bytes[0] == 0) {
            throw new IllegalArgumentException("a Unix socket pathname cannot start with NUL: use abstractName()");
        }
        return new UnixSockAddr(bytes);
    }

    /**
     * A Linux abstract address: a name outside the file system, which may hold any bytes, NULs included.
     *
     * @param name the name, without the leading NUL that marks it abstract; at most 107 bytes
     * @return the address
     * @throws IllegalArgumentException if the name is longer than 107 bytes
     */
    public static UnixSockAddr abstractName(byte[] name) {
        java.util.Objects.requireNonNull(name, "name");
        byte[] bytes = new byte[name.length + 1];
        System.arraycopy(name, 0, bytes, 1, name.length);
        return new UnixSockAddr(bytes);
    }

    /**
     * A Linux abstract address from a string (encoded as UTF-8).
     *
     * @param name the name; at most 107 bytes
     * @return the address
     */
    public static UnixSockAddr abstractName(String name) {
        return abstractName(java.util.Objects.requireNonNull(name, "name").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The unnamed address: what an unbound socket has; binding to it makes Linux pick an abstract name.
     *
     * @return the unnamed address
     */
    public static UnixSockAddr unnamed() {
        return UNNAMED;
    }

    /**
     * Converts a {@link UnixDomainSocketAddress}.
     *
     * @param address the address
     * @return the same pathname, or the unnamed address for an empty path
     */
    public static UnixSockAddr from(UnixDomainSocketAddress address) {
        String p = address.getPath().toString();
        return p.isEmpty() ? UNNAMED : of(p);
    }

    /** {@return a copy of the bytes of {@code sun_path}} */
    @Override
    public byte[] sunPath() {
        return sunPath.clone();
    }

    /** {@return {@link Family#UNIX}} */
    @Override
    public Family family() {
        return Family.UNIX;
    }

    /** {@return whether this is a pathname address} */
    public boolean isPathname() {
        return sunPath.length > 0 && sunPath[0] != 0;
    }

    /** {@return whether this is a Linux abstract address} */
    public boolean isAbstract() {
        return sunPath.length > 0 && sunPath[0] == 0;
    }

    /** {@return whether this is the unnamed address} */
    public boolean isUnnamed() {
        return sunPath.length == 0;
    }

    /**
     * The path of a pathname address.
     *
     * @return the path
     * @throws IllegalStateException if this is not a pathname address
     */
    public Path path() {
        if (!isPathname()) {
            throw new IllegalStateException(this + " is not a pathname address");
        }
        return Path.of(new String(sunPath, StandardCharsets.UTF_8));
    }

    /**
     * The name of an abstract address, without its leading NUL.
     *
     * @return a copy of the name's bytes
     * @throws IllegalStateException if this is not an abstract address
     */
    public byte[] abstractName() {
        if (!isAbstract()) {
            throw new IllegalStateException(this + " is not an abstract address");
        }
        return Arrays.copyOfRange(sunPath, 1, sunPath.length);
    }

    /**
     * {@return this pathname as a {@link UnixDomainSocketAddress}}
     *
     * @throws UnsupportedOperationException for an abstract address, which {@code java.net} cannot express
     */
    @Override
    public UnixDomainSocketAddress toSocketAddress() {
        if (isAbstract()) {
            throw new UnsupportedOperationException("java.net has no abstract Unix socket addresses: " + this);
        }
        return UnixDomainSocketAddress.of(isUnnamed() ? "" : new String(sunPath, StandardCharsets.UTF_8));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof UnixSockAddr u && Arrays.equals(sunPath, u.sunPath);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(sunPath);
    }

    /** {@return the path; {@code @name} for an abstract name (bytes outside printable ASCII as {@code \xNN}); {@code (unnamed)}} */
    @Override
    public String toString() {
        if (isUnnamed()) {
            return "(unnamed)";
        }
        if (isPathname()) {
            return new String(sunPath, StandardCharsets.UTF_8);
        }
        StringBuilder s = new StringBuilder("@");
        for (int i = 1; i < sunPath.length; i++) {
            int b = sunPath[i] & 0xFF;
            if (b >= 0x20 && b < 0x7F && b != '\\') {
                s.append((char) b);
            } else {
                s.append("\\x").append(HexFormat.of().toHexDigits((byte) b));
            }
        }
        return s.toString();
    }
}
