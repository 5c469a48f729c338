package dev.ffmsockets.posix;

import java.lang.foreign.Linker;

/**
 * The platform the bindings in {@code dev.ffmsockets.raw} were generated for. Their struct layouts and
 * constants are those of Linux x86_64 with glibc; used anywhere else they would be silently wrong, so the
 * first use fails instead, with one message naming the platform.
 */
final class Platform {

    static final String SUPPORTED = "Linux x86_64 with glibc";

    private Platform() {
    }

    static void require() {
        String problem = problem(System.getProperty("os.name"), System.getProperty("os.arch"),
                Linker.nativeLinker().defaultLookup().find("gnu_get_libc_version").isPresent());
        if (problem != null) {
            throw new UnsupportedOperationException(problem);
        }
    }

    /** Why this platform is not supported, or {@code null} when it is. */
    static String problem(String os, String arch, boolean glibc) {
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
