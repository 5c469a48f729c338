package dev.ffmsockets.kernel;

import dev.ffmsockets.posix.Posix;
import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.util.List;
import java.util.function.UnaryOperator;

import static org.junit.jupiter.api.Assertions.*;

/** The kernel as the oracle of the bindings' layouts: it agrees with them, and a planted mismatch is caught. */
@ExtendWith(NoDescriptorLeaks.class)
class LayoutSelfTestTest {

    @Test
    void theKernelAgreesWithTheBindings() {
        assertEquals(List.of(), LayoutSelfTest.check(LayoutSelfTest.Expected.ofBindings()));
        Posix.selfTest(); // the public entry: throws on any disagreement
    }

    private static List<String> planted(UnaryOperator<LayoutSelfTest.Expected> plant) {
        return LayoutSelfTest.check(plant.apply(LayoutSelfTest.Expected.ofBindings()));
    }

    private static LayoutSelfTest.Expected with(LayoutSelfTest.Expected e, int index, long value) {
        long[] v = {e.linger(), e.lingerSeconds(), e.timeval(), e.tvSec(), e.tvUsec(), e.ucred(), e.ucredPid(), e.sin(),
                e.sinFamily(), e.sinAddr(), e.sin6(), e.sin6Family(), e.sin6Addr(), e.sunFamily(), e.sunPath(),
                e.epollEvent(), e.epollData()};
        v[index] = value;
        return new LayoutSelfTest.Expected(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10], v[11],
                v[12], v[13], v[14], v[15], v[16]);
    }

    @Test
    void everyPlantedMismatchIsReportedByName() {
        // the mistakes a binding for another platform would make: a 32-bit time_t, musl's or aarch64's layouts
        record Plant(int index, long value, String named) { }
        List<Plant> plants = List.of(
                new Plant(0, 16, "struct linger"), new Plant(1, 0, "linger.l_linger"),
                new Plant(2, 8, "struct timeval"), new Plant(3, 4, "timeval.tv_sec"), new Plant(4, 0, "timeval.tv_usec"),
                new Plant(5, 16, "struct ucred"), new Plant(6, 4, "ucred.pid"),
                new Plant(7, 24, "sockaddr_in"), new Plant(9, 8, "sockaddr_in.sin_addr"),
                new Plant(10, 32, "sockaddr_in6"), new Plant(12, 4, "sin6_addr"),
                new Plant(14, 4, "sockaddr_un"), new Plant(15, 16, "epoll_event"), new Plant(16, 8, "epoll_event"));
        for (Plant p : plants) {
            List<String> wrong = planted(e -> with(e, p.index(), p.value()));
            assertFalse(wrong.isEmpty(), "planted " + p + " was not caught");
            assertTrue(wrong.stream().anyMatch(w -> w.contains(p.named())), p + ": " + wrong);
        }
    }

    /** With the property, the first use of the library runs the self-test: its eventfds show in the system calls. */
    @Test
    void thePropertyRunsTheSelfTestAtFirstUse() throws Exception {
        String javaBin = java.nio.file.Path.of(System.getProperty("java.home"), "bin", "java").toString();
        java.util.List<Integer> eventfds = new java.util.ArrayList<>();
        for (boolean on : new boolean[] {false, true}) {
            Process p = new ProcessBuilder("strace", "-f", "-qq", "-e", "trace=eventfd2", javaBin,
                    "--enable-native-access=ALL-UNNAMED", "-Dffmsockets.selfTest=" + on, "-cp",
                    System.getProperty("java.class.path"), SelfTestAtFirstUse.class.getName()).redirectErrorStream(true).start();
            String out;
            try (var in = p.getInputStream(); var stdin = p.getOutputStream(); var err = p.getErrorStream()) {
                out = new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            }
            assertEquals(0, p.waitFor(), out);
            assertTrue(out.contains("pid "), out);
            eventfds.add((int) out.lines().filter(l -> l.contains("eventfd2(")).count());
        }
        assertEquals(2, eventfds.get(1) - eventfds.get(0), "the self-test's two eventfds, only with the property: " + eventfds);
    }
}
