package dev.ffmsockets.testing;

import org.junit.jupiter.api.Assumptions;

import java.lang.management.ManagementFactory;

/**
 * Where qemu-user differs from Linux, a test says so by name: under emulation (the Surefire execution 'emulated' sets
 * {@code -Dffmsockets.emulated=<emulator>}) it is reported skipped with the difference as its reason, and it runs
 * natively everywhere else. Nothing is skipped silently: the reason is in the test report, and every difference is
 * one of {@link Difference}'s, which {@code docs/platforms.md} lists.
 */
public final class Emulation {

    /** The emulator the tests run under, or {@code null} natively. */
    public static final String EMULATOR = System.getProperty("ffmsockets.emulated");

    /** How qemu-user (bookworm's 7.2, the one {@code scripts/test} installs) differs from Linux, as tests meet it. */
    public enum Difference {
        /** recvmsg/recvmmsg with a control buffer too small for the descriptors sent. */
        SCM_RIGHTS_CUT("the emulator receives SCM_RIGHTS into a control buffer of its own and converts it: when the"
                + " caller's is too small, more descriptors are installed than the cut control data reports and"
                + " MSG_CTRUNC is not Linux's (Linux closes those that do not fit)"),
        /** setsockopt(SO_TIMESTAMPNS). */
        SO_TIMESTAMPNS("setsockopt(SO_TIMESTAMPNS) fails with ENOPROTOOPT: the emulator does not know the option"),
        /** setsockopt and getsockopt(IP_MULTICAST_IF). */
        IP_MULTICAST_IF("setsockopt and getsockopt(IP_MULTICAST_IF) fail with ENOPROTOOPT: the emulator does not know"
                + " the option"),
        /** getsockopt(TCP_INFO). */
        TCP_INFO("getsockopt(TCP_INFO) writes 4 bytes, not the struct: the emulator reads every TCP option as an int"),
        /** socket() with a type Linux does not know. */
        SOCKET_TYPE("socket() with a type the kernel does not know fails with ESOCKTNOSUPPORT, not Linux's EINVAL: the"
                + " emulator refuses it before the kernel sees it"),
        /** sendmsg of control data with no iovec. */
        SENDMSG_WITHOUT_IOVEC("sendmsg with no iovec sends nothing, so a receive of it would wait for ever"),
        /** Message headers and control data crafted to lie (lengths, fields moved). */
        CMSG_TRANSLATION("the emulator translates every message header and control message itself: given ones that"
                + " lie (a cmsg_len shorter than its header, a field where another should be) it aborts (qemu 7.2:"
                + " 'cpu_exec: assertion failed: (cpu == current_cpu)'), and a cmsg_len reaching past msg_controllen"
                + " is sent where Linux refuses it"),
        /** UDP_SEGMENT's data on a CPU of the other byte order than the host's. */
        UDP_SEGMENT_BYTE_ORDER("the emulator hands UDP_SEGMENT's 16-bit size to the host kernel without converting its"
                + " byte order (a big-endian CPU on a little-endian host), so the kernel reads another size"),
        /** Tests that read a program's system calls with strace. */
        STRACE("strace sees the emulator's system calls, not the program's");

        private final String reason;

        Difference(String reason) {
            this.reason = reason;
        }

        /** @return what the emulator does, as the test report shows it */
        public String reason() {
            return reason;
        }
    }

    private Emulation() {
    }

    /**
     * Skips the calling test under emulation.
     *
     * @param difference how the emulator differs from Linux here
     */
    public static void nativeOnly(Difference difference) {
        Assumptions.assumeTrue(EMULATOR == null,
                () -> "runs natively only: under " + EMULATOR + ", " + difference.reason());
    }

    /**
     * Skips the calling test under an emulator whose CPU has the other byte order than the host's kernel (s390x on
     * x86_64); it runs everywhere else.
     *
     * @param difference how the emulator differs from Linux here
     */
    public static void sameByteOrderOnly(Difference difference) {
        Assumptions.assumeTrue(EMULATOR == null || java.nio.ByteOrder.nativeOrder() == Fds.KERNEL_ORDER,
                () -> "runs where the CPU's byte order is the kernel's only: under " + EMULATOR + ", "
                        + difference.reason());
    }

    /**
     * How many rounds a stress test makes: {@code rounds} natively, a tenth of them (at least one) under emulation,
     * where every instruction costs tens of host instructions. The emulated run is there for what differs by
     * platform (layouts, constants, system calls, the JDK's own code for the CPU), not for more of the same load.
     *
     * @param rounds the rounds natively
     * @return the rounds to make here
     */
    public static int scaled(int rounds) {
        return EMULATOR == null ? rounds : Math.max(1, rounds / 10);
    }

    /**
     * Skips the calling test in a JVM that runs C1 only ({@code -XX:TieredStopAtLevel} below 4, as the emulated JVM
     * does to keep its run short): the test counts allocations that only C2's escape analysis removes.
     */
    public static void needsC2() {
        String level = ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("-XX:TieredStopAtLevel=")).reduce((x, y) -> y)
                .map(a -> a.substring(a.indexOf('=') + 1)).orElse("4");
        Assumptions.assumeTrue(Integer.parseInt(level) >= 4, () -> "runs with C2 only: this JVM stops at tier " + level
                + " (-XX:TieredStopAtLevel=" + level + "), and the allocations this test counts are removed by C2's"
                + " escape analysis");
    }
}
