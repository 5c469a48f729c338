package dev.ffmsockets.testing;

import org.junit.jupiter.api.Assumptions;

/**
 * Where qemu-user differs from Linux, a test says so by name: under emulation (the Surefire execution 'emulated' sets
 * {@code -Dffmsockets.emulated=<qemu version>}) it is reported skipped with the difference as its reason, and it runs
 * natively everywhere else. Nothing is skipped silently: the reason is in the test report.
 */
public final class Emulation {

    /** The emulator the tests run under, or {@code null} natively. */
    public static final String EMULATOR = System.getProperty("ffmsockets.emulated");

    private Emulation() {
    }

    /**
     * Skips the calling test under emulation.
     *
     * @param difference how the emulator differs from Linux here, as the report shows it
     */
    public static void nativeOnly(String difference) {
        Assumptions.assumeTrue(EMULATOR == null, () -> "runs natively only: under " + EMULATOR + ", " + difference);
    }
}
