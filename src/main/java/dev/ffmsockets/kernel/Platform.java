package dev.ffmsockets.kernel;

import java.lang.foreign.Linker;

/**
 * The platform the bindings in {@code dev.ffmsockets.raw} were generated for. Their struct layouts and
 * constants are those of Linux x86_64 with glibc; used anywhere else they would be silently wrong, so the
 * first use fails instead, with one message naming the platform.
 */
public final class Platform {

    /** The one platform the bindings are for. */
    public static final String SUPPORTED = "Linux x86_64 with glibc";

    private Platform() {
    }

    /** Throws {@link UnsupportedOperationException}, naming this platform, unless it is the supported one. */
    public static void require() {
        String problem = problem(System.getProperty("os.name"), System.getProperty("os.arch"),
                Linker.nativeLinker().defaultLookup().find("gnu_get_libc_version").isPresent());
        if (problem != null) {
            throw new UnsupportedOperationException(problem);
        }
    }

    /**
     * Why a platform is not supported.
     *
     * @param os    {@code os.name}
     * @param arch  {@code os.arch}
     * @param glibc whether the C library is glibc
     * @return the reason, or {@code null} when it is supported
     */
    public static String problem(String os, String arch, boolean glibc) {
        boolean linux = "Linux".equals(os);
        boolean x64 = "amd64".equals(arch) || "x86_64".equals(arch);
        if (linux && x64 && glibc) {
            return null;
        }
        return "ffm-sockets supports " + SUPPORTED + " only; this is " + os + " " + arch
                + (linux && !glibc ? " without glibc" : "")
                + ": its bindings (dev.ffmsockets.raw) were generated for " + SUPPORTED
                + " and would be wrong here";
    }
}
