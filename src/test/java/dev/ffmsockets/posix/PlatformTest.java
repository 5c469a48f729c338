package dev.ffmsockets.posix;

import dev.ffmsockets.kernel.Platform;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemoryLayout;

import static java.lang.foreign.MemoryLayout.PathElement.groupElement;
import static org.junit.jupiter.api.Assertions.*;

class PlatformTest {

    /** The platform these tests run on: Linux with glibc, on x86_64 here, or aarch64, riscv64 or s390x under emulation. */
    static String expected() {
        String arch = System.getProperty("os.arch");
        return arch.equals("amd64") || arch.equals("x86_64") ? "linux-x86_64-glibc" : "linux-" + arch + "-glibc";
    }

    @Test
    void thisMachineIsTheOneItIs() {
        assertEquals(expected(), Platform.CURRENT, "these tests run on Linux with glibc, this CPU's");
        assertNull(Platform.problem(System.getProperty("os.name"), System.getProperty("os.arch"), "glibc"));
        Platform.require();
    }

    @Test
    void eachSupportedPlatformIsNamedFromItsProperties() {
        assertEquals("linux-x86_64-glibc", Platform.name("Linux", "amd64", "glibc"));
        assertEquals("linux-x86_64-glibc", Platform.name("Linux", "x86_64", "glibc"));
        assertEquals("linux-aarch64-glibc", Platform.name("Linux", "aarch64", "glibc"));
        assertEquals("linux-x86_64-musl", Platform.name("Linux", "amd64", "musl"));
        assertNull(Platform.name("Linux", "aarch64", "musl"), "no bindings for aarch64 musl");
        assertEquals("linux-riscv64-glibc", Platform.name("Linux", "riscv64", "glibc"));
        assertNull(Platform.name("Linux", "riscv64", "musl"), "no bindings for riscv64 musl");
        assertEquals("linux-s390x-glibc", Platform.name("Linux", "s390x", "glibc"));
        assertNull(Platform.name("Linux", "ppc64le", "glibc"), "no bindings for ppc64le");
        assertNull(Platform.name("Mac OS X", "aarch64", "glibc"));
        assertNull(Platform.name("Linux", null, "glibc"));
    }

    @Test
    void otherPlatformsGetOneMessageNamingThem() {
        assertEquals("ffm-sockets has bindings for linux-x86_64-glibc, linux-aarch64-glibc, linux-riscv64-glibc,"
                + " linux-s390x-glibc, linux-x86_64-musl only;"
                + " this is Mac OS X aarch64: layouts and constants generated for another platform would be wrong here",
                Platform.problem("Mac OS X", "aarch64", "an unknown C library"));
        assertTrue(Platform.problem("Linux", "ppc64le", "glibc").contains("this is Linux ppc64le with glibc"));
        assertTrue(Platform.problem("Linux", "aarch64", "musl").contains("this is Linux aarch64 with musl"));
        assertTrue(Platform.problem("Linux", "amd64", "an unknown C library")
                .contains("this is Linux amd64 with an unknown C library"));
        assertTrue(Platform.problem("Windows 11", "amd64", "an unknown C library").contains("this is Windows 11 amd64:"));
    }

    @Test
    void epollEventIsEachPlatformsOwn() {
        MemoryLayout x86 = Platform.struct("linux-x86_64-glibc", "epoll_event");
        MemoryLayout arm = Platform.struct("linux-aarch64-glibc", "epoll_event");
        MemoryLayout musl = Platform.struct("linux-x86_64-musl", "epoll_event");
        MemoryLayout riscv = Platform.struct("linux-riscv64-glibc", "epoll_event");
        MemoryLayout s390x = Platform.struct("linux-s390x-glibc", "epoll_event");
        assertEquals(12, x86.byteSize());
        assertEquals(4, x86.byteOffset(groupElement("data")));
        assertEquals(16, arm.byteSize());
        assertEquals(8, arm.byteOffset(groupElement("data")));
        assertEquals(x86, musl, "musl packs it on x86_64 too (the primary's file, shared)");
        assertEquals(16, riscv.byteSize());
        assertEquals(8, riscv.byteOffset(groupElement("data")));
        assertEquals(16, s390x.byteSize());
        assertEquals(8, s390x.byteOffset(groupElement("data")));
        MemoryLayout here = switch (Platform.CURRENT) {
            case "linux-aarch64-glibc" -> arm;
            case "linux-riscv64-glibc" -> riscv;
            case "linux-s390x-glibc" -> s390x;
            default -> x86;
        };
        assertEquals(here, Platform.EPOLL_EVENT, "this machine's");
        assertSame(Platform.EPOLL_EVENT, Posix.EPOLL_EVENT);
        assertEquals(here.byteOffset(groupElement("data")), Platform.EPOLL_DATA);
        assertEquals(0, Platform.EPOLL_EVENTS);
        assertThrows(IllegalArgumentException.class, () -> Platform.struct("linux-ppc64le-glibc", "epoll_event"));
        assertThrows(IllegalArgumentException.class, () -> Platform.struct("linux-x86_64-glibc", "no_such_struct"));
    }
}
