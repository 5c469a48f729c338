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
        // the mistakes a binding for another platform would make: a 32-bit time_t, musl's layouts, and the other
        // CPU's epoll_event (aarch64's 16 bytes with data at 8 on x86_64, x86_64's packed 12 with data at 4 elsewhere)
        record Plant(int index, long value, String named) { }
        boolean packed = LayoutSelfTest.Expected.ofBindings().epollEvent() == 12;
        List<Plant> plants = List.of(
                new Plant(0, 16, "struct linger"), new Plant(1, 0, "linger.l_linger"),
                new Plant(2, 8, "struct timeval"), new Plant(3, 4, "timeval.tv_sec"), new Plant(4, 0, "timeval.tv_usec"),
                new Plant(5, 16, "struct ucred"), new Plant(6, 4, "ucred.pid"),
                new Plant(7, 24, "sockaddr_in"), new Plant(9, 8, "sockaddr_in.sin_addr"),
                new Plant(10, 32, "sockaddr_in6"), new Plant(12, 4, "sin6_addr"),
                new Plant(14, 4, "sockaddr_un"), new Plant(15, packed ? 16 : 12, "epoll_event"),
                new Plant(16, packed ? 8 : 4, "epoll_event"));
        for (Plant p : plants) {
            List<String> wrong = planted(e -> with(e, p.index(), p.value()));
            assertFalse(wrong.isEmpty(), "planted " + p + " was not caught");
            assertTrue(wrong.stream().anyMatch(w -> w.contains(p.named())), p + ": " + wrong);
        }
    }

    @Test
    void theKernelAgreesWithTheMessageLayouts() {
        assertEquals(List.of(), LayoutSelfTest.check(LayoutSelfTest.MessageLayouts.ofBindings()));
    }

    private static LayoutSelfTest.MessageLayouts with(LayoutSelfTest.MessageLayouts m, int index, long value) {
        long[] v = {m.msghdr(), m.msgName(), m.msgNamelen(), m.msgIov(), m.msgIovlen(), m.msgControl(),
                m.msgControllen(), m.msgFlags(), m.iovec(), m.iovBase(), m.iovLen(), m.cmsghdr(), m.cmsgLen(),
                m.cmsgLevel(), m.cmsgType(), m.mmsghdr(), m.mmsgLen()};
        v[index] = value;
        return new LayoutSelfTest.MessageLayouts(v[0], v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10],
                v[11], v[12], v[13], v[14], v[15], v[16]);
    }

    @Test
    void everyPlantedMessageLayoutMismatchIsCaught() {
        dev.ffmsockets.testing.Emulation.nativeOnly(dev.ffmsockets.testing.Emulation.Difference.CMSG_TRANSLATION);
        // fields swapped or moved, a wrong stride: each planted so that the kernel, reading the structs where it has
        // their fields, finds our pointers, small values or zeros there (a shorter mmsghdr stride would let it read
        // half a pointer joined to a length as an address, so the stride is planted longer)
        record Plant(int index, long value) { }
        List<Plant> plants = List.of(new Plant(3, 24), new Plant(4, 16), new Plant(5, 40), new Plant(6, 32),
                new Plant(7, 52), new Plant(8, 8), new Plant(9, 8), new Plant(10, 4), new Plant(11, 12),
                new Plant(12, 4), new Plant(13, 0), new Plant(14, 8), new Plant(15, 128), new Plant(16, 60),
                new Plant(16, 0));
        LayoutSelfTest.MessageLayouts right = LayoutSelfTest.MessageLayouts.ofBindings();
        for (Plant p : plants) {
            List<String> wrong = LayoutSelfTest.check(with(right, p.index(), p.value()));
            assertFalse(wrong.isEmpty(), "planted " + p + " was not caught");
        }
    }

    /** With the property, the first use of the library runs the self-test: its eventfds show in the system calls. */
    @Test
    void thePropertyRunsTheSelfTestAtFirstUse() throws Exception {
        dev.ffmsockets.testing.Emulation.nativeOnly(dev.ffmsockets.testing.Emulation.Difference.STRACE);
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
