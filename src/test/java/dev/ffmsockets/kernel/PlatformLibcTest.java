package dev.ffmsockets.kernel;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** How the C library is told at class load: glibc by its symbol, musl by its loader among the mapped files. */
class PlatformLibcTest {

    private static final String MUSL_LOADER =
            "7f3a1c000000-7f3a1c014000 r--p 00000000 08:01 1311 /lib/ld-musl-x86_64.so.1";
    private static final String MUSL_LOADER_ARM =
            "ffff8a000000-ffff8a0a5000 r-xp 00000000 fe:01 2117 /lib/ld-musl-aarch64.so.1";
    private static final String GLIBC_LIBC =
            "7f3a1c200000-7f3a1c228000 r--p 00000000 08:01 2201 /usr/lib/x86_64-linux-gnu/libc.so.6";

    @Test
    void glibcByItsSymbolMuslByItsLoader() {
        assertEquals("glibc", Platform.libc(true, List.of(GLIBC_LIBC)));
        assertEquals("musl", Platform.libc(false, List.of(GLIBC_LIBC, MUSL_LOADER)));
        assertEquals("musl", Platform.libc(false, List.of(MUSL_LOADER_ARM)));
        assertEquals("an unknown C library", Platform.libc(false, List.of(GLIBC_LIBC)));
        assertEquals("an unknown C library", Platform.libc(false, List.of()));
    }

    @Test
    void thisProcessIsGlibcAndItsMapsHoldNoMuslLoader() throws Exception {
        List<String> maps = Files.readAllLines(Path.of("/proc/self/maps"));
        assertEquals("an unknown C library", Platform.libc(false, maps), "no ld-musl mapped in a glibc process");
        String arch = System.getProperty("os.arch");
        assertEquals(arch.equals("amd64") ? "linux-x86_64-glibc" : "linux-" + arch + "-glibc", Platform.CURRENT);
    }
}
