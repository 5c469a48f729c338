package dev.ffmsockets.kernel;

import java.io.IOException;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.StructLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

/**
 * The platforms the bindings were generated for (headers/platforms), and which one this is, decided when this class
 * loads: {@code os.name}, {@code os.arch}, and the C library mapped into the process (glibc by its
 * {@code gnu_get_libc_version}, musl by its dynamic loader {@code ld-musl-*}).
 *
 * <p>{@code dev.ffmsockets.raw} holds the bindings of the primary platform, Linux x86_64 glibc, which the library is
 * compiled against; each other platform's package ({@code dev.ffmsockets.raw.linux_aarch64_glibc}, ...) holds only
 * the generated files that came out different. Where a difference changes a struct's size or the offset of a field
 * the library uses (so far only {@code epoll_event}: packed to 12 bytes on x86_64, 16 elsewhere), the library takes
 * the layout from here, which reads it from this platform's own generated class. A test proves, for every platform,
 * that no other bound struct differs in size or offsets, and which constants differ (libc limits, none of the
 * kernel's ABI). On any other platform the first use fails with one message naming it.
 */
public final class Platform {

    /** The platforms with bindings; the first is the primary one, the bindings in {@code dev.ffmsockets.raw}. */
    public static final List<String> SUPPORTED = List.of("linux-x86_64-glibc", "linux-aarch64-glibc",
            "linux-riscv64-glibc", "linux-s390x-glibc", "linux-x86_64-musl");

    /** The structs whose layout the library takes from {@link #struct}, because a platform's differs. */
    public static final List<String> PER_PLATFORM = List.of("epoll_event");

    /** This platform, one of {@link #SUPPORTED}; {@code null} when it is none of them. */
    public static final String CURRENT = name(System.getProperty("os.name"), System.getProperty("os.arch"), libc());

    /** This platform's {@code struct epoll_event} (the primary's where the platform is not supported). */
    public static final StructLayout EPOLL_EVENT = (StructLayout) struct(CURRENT == null ? SUPPORTED.get(0) : CURRENT,
            "epoll_event");

    /** Where an {@code epoll_event}'s {@code events} is. */
    public static final long EPOLL_EVENTS = EPOLL_EVENT.byteOffset(groupElement("events"));

    /** Where an {@code epoll_event}'s {@code data} is; read and write it unaligned (packed on x86_64). */
    public static final long EPOLL_DATA = EPOLL_EVENT.byteOffset(groupElement("data"));

    private Platform() {
    }

    /** Writes an {@code epoll_event} as the library registers one: the events, and the descriptor as its data. */
    public static void epollEvent(MemorySegment event, int events, int fd) {
        event.set(JAVA_INT_UNALIGNED, EPOLL_EVENTS, events);
        event.set(JAVA_LONG_UNALIGNED, EPOLL_DATA, fd);
    }

    /** {@return the events of the {@code i}th {@code epoll_event} of an array} */
    public static int epollEvents(MemorySegment events, int i) {
        return events.get(JAVA_INT_UNALIGNED, i * EPOLL_EVENT.byteSize() + EPOLL_EVENTS);
    }

    /** {@return the descriptor in the data of the {@code i}th {@code epoll_event} of an array} */
    public static int epollFd(MemorySegment events, int i) {
        return (int) events.get(JAVA_LONG_UNALIGNED, i * EPOLL_EVENT.byteSize() + EPOLL_DATA);
    }

    /** Throws {@link UnsupportedOperationException}, naming this platform, unless it is a supported one. */
    public static void require() {
        if (CURRENT == null) {
            throw new UnsupportedOperationException(problem(System.getProperty("os.name"),
                    System.getProperty("os.arch"), libc()));
        }
    }

    /**
     * The name of a platform.
     *
     * @param os   {@code os.name}
     * @param arch {@code os.arch}
     * @param libc {@code "glibc"}, {@code "musl"}, or anything else for another C library
     * @return its name in {@link #SUPPORTED}, or {@code null} when it has no bindings
     */
    public static String name(String os, String arch, String libc) {
        String cpu = switch (arch == null ? "" : arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "aarch64";
            default -> arch;
        };
        String name = "linux-" + cpu + "-" + libc;
        return "Linux".equals(os) && SUPPORTED.contains(name) ? name : null;
    }

    /**
     * Why a platform is not supported.
     *
     * @param os   {@code os.name}
     * @param arch {@code os.arch}
     * @param libc {@code "glibc"}, {@code "musl"}, or what else the C library is
     * @return the reason, or {@code null} when it is supported
     */
    public static String problem(String os, String arch, String libc) {
        if (name(os, arch, libc) != null) {
            return null;
        }
        return "ffm-sockets has bindings for " + String.join(", ", SUPPORTED) + " only; this is " + os + " " + arch
                + ("Linux".equals(os) ? " with " + libc : "")
                + ": layouts and constants generated for another platform would be wrong here";
    }

    /**
     * The layout of a bound struct on a platform: from that platform's own generated class where its bindings differ
     * from the primary's, else from the primary's.
     *
     * @param platform one of {@link #SUPPORTED}
     * @param struct   the struct's name, as in {@code dev.ffmsockets.raw}
     * @return its layout
     */
    public static MemoryLayout struct(String platform, String struct) {
        if (!SUPPORTED.contains(platform)) {
            throw new IllegalArgumentException("no bindings for " + platform);
        }
        String own = "dev.ffmsockets.raw." + platform.replace('-', '_') + "." + struct;
        try {
            Class<?> c;
            try {
                c = platform.equals(SUPPORTED.get(0)) ? Class.forName("dev.ffmsockets.raw." + struct) : Class.forName(own);
            } catch (ClassNotFoundException shared) {
                c = Class.forName("dev.ffmsockets.raw." + struct);
            }
            return (MemoryLayout) c.getMethod("layout").invoke(null);
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("no bound struct " + struct + " for " + platform, e);
        }
    }

    /** The C library of this process: glibc, musl, or "an unknown C library". */
    private static String libc() {
        boolean glibc = Linker.nativeLinker().defaultLookup().find("gnu_get_libc_version").isPresent();
        List<String> maps = List.of();
        if (!glibc) {
            try {
                maps = Files.readAllLines(Path.of("/proc/self/maps"));
            } catch (IOException | RuntimeException e) {
                // no /proc: not Linux, or not one we can tell
            }
        }
        return libc(glibc, maps);
    }

    /**
     * Which C library a process has.
     *
     * @param gnuLibcVersion whether the symbol {@code gnu_get_libc_version} is found (glibc defines it)
     * @param maps           the lines of the process's {@code /proc/self/maps}
     * @return {@code "glibc"}, {@code "musl"} (its dynamic loader, {@code ld-musl-<arch>.so.1}, is mapped), or
     *         {@code "an unknown C library"}
     */
    static String libc(boolean gnuLibcVersion, List<String> maps) {
        if (gnuLibcVersion) {
            return "glibc";
        }
        for (String line : maps) {
            if (line.contains("/ld-musl-")) {
                return "musl";
            }
        }
        return "an unknown C library";
    }
}
