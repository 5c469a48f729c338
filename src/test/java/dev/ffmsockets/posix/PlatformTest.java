package dev.ffmsockets.posix;

import dev.ffmsockets.kernel.Platform;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PlatformTest {

    @Test
    void thisMachineIsSupported() {
        assertNull(Platform.problem(System.getProperty("os.name"), System.getProperty("os.arch"), true));
        Platform.require();
    }

    @Test
    void otherPlatformsGetOneMessageNamingThem() {
        String mac = Platform.problem("Mac OS X", "aarch64", false);
        assertEquals("ffm-sockets supports Linux x86_64 with glibc only; this is Mac OS X aarch64: its bindings"
                + " (dev.ffmsockets.raw) were generated for Linux x86_64 with glibc and would be wrong here", mac);
        assertTrue(Platform.problem("Linux", "aarch64", true).contains("this is Linux aarch64"));
        assertTrue(Platform.problem("Linux", "amd64", false).contains("this is Linux amd64 without glibc"));
        assertTrue(Platform.problem("Windows 11", "amd64", false).contains("this is Windows 11 amd64"));
    }
}
