package dev.ffmsockets.posix;

import dev.ffmsockets.raw.Constants;
import dev.ffmsockets.raw.sockets_h;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static dev.ffmsockets.posix.Posix.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ErrnoTest {

    /** Each thread makes a different call fail, all at once, round after round, and reads its own errno. */
    @Test
    void errnoIsPerThreadUnderConcurrentFailures() throws Exception {
        int rounds = 2_000;
        // an unknown socket type: Linux's answer is EINVAL (TcpTest), an emulator's may be another; here what matters
        // is that each thread keeps its own, so the expected errno is the one this system gives
        assertEquals(-1, socket(AF_INET, 12345, 0));
        int unknownType = errno();
        CyclicBarrier barrier = new CyclicBarrier(4);
        List<java.util.concurrent.Callable<Integer>> jobs = List.of(
                () -> failEach(rounds, barrier, () -> close(-1), EBADF),
                () -> failEach(rounds, barrier, () -> socket(12345, SOCK_STREAM, 0), EAFNOSUPPORT),
                () -> failEach(rounds, barrier, () -> socket(AF_INET, 12345, 0), unknownType),
                () -> failEach(rounds, barrier, () -> socket(AF_INET, SOCK_STREAM, IPPROTO_UDP), EPROTONOSUPPORT));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> results = new ArrayList<>();
            for (var job : jobs) {
                results.add(pool.submit(job));
            }
            for (Future<Integer> f : results) {
                assertEquals(rounds, f.get(60, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static int failEach(int rounds, CyclicBarrier barrier, java.util.function.IntSupplier call, int expected)
            throws Exception {
        int ok = 0;
        for (int i = 0; i < rounds; i++) {
            if (i % 100 == 0) {
                barrier.await(30, TimeUnit.SECONDS);
            }
            assertEquals(-1, call.getAsInt());
            // the JVM's own use of the C library in between must not disturb this thread's errno
            assertTrue(!java.nio.file.Files.exists(java.nio.file.Path.of("/nonexistent-ffm-sockets")));
            Thread.yield();
            int e = errno();
            if (e != expected) {
                throw new AssertionError("round " + i + ": errno " + errnoName(e) + ", expected " + errnoName(expected));
            }
            ok++;
        }
        return ok;
    }

    @Test
    void errnoStaysAfterSuccessfulCallsAsInC() {
        assertEquals(-1, close(-1));
        assertEquals(EBADF, errno());
        int fd = socket(AF_INET, SOCK_STREAM, 0);
        assertTrue(fd >= 0);
        assertEquals(EBADF, errno(), "a successful call leaves errno as it was");
        assertEquals(0, close(fd));
        assertEquals(EBADF, errno());
    }

    @Test
    void aNewThreadStartsWithErrnoZero() throws Exception {
        assertEquals(-1, close(-1));
        int[] seen = new int[1];
        Thread t = Thread.ofPlatform().start(() -> seen[0] = errno());
        t.join();
        assertEquals(0, seen[0]);
        Thread v = Thread.ofVirtual().start(() -> {
            close(-1);
            seen[0] = errno();
        });
        v.join();
        assertEquals(EBADF, seen[0], "virtual threads have their own errno too");
    }

    @Test
    void perrorPrintsThePrefixAndTheMessage() {
        java.io.PrintStream saved = System.err;
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        System.setErr(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            close(-1);
            perror("close");
            perror(null);
        } finally {
            System.setErr(saved);
        }
        assertEquals("close: Bad file descriptor" + System.lineSeparator() + "Bad file descriptor"
                + System.lineSeparator(), out.toString(java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(EBADF, errno(), "perror leaves errno alone");
    }

    @Test
    void errnoNamesAndMessages() {
        assertEquals("EAGAIN", errnoName(EAGAIN));
        assertEquals("EAGAIN", errnoName(EWOULDBLOCK), "the first name of a value wins, as glibc names it");
        assertEquals("EOPNOTSUPP", errnoName(ENOTSUP));
        assertEquals("EINPROGRESS", errnoName(115));
        assertNull(errnoName(4242));
        assertNull(errnoName(0));
        assertEquals("Unknown error 4242", strerror(4242));
        assertEquals("Name or service not known", gai_strerror(EAI_NONAME));
    }

    /** The compile-time constants are exactly jextract's values, name for name. */
    @Test
    void everyConstantEqualsJextractsAccessor() throws Exception {
        int checked = 0;
        for (Field f : Constants.class.getFields()) {
            Object accessor = sockets_h.class.getMethod(f.getName()).invoke(null);
            assertEquals(accessor, f.get(null), f.getName());
            assertTrue(Modifier.isStatic(f.getModifiers()) && Modifier.isFinal(f.getModifiers()));
            checked++;
        }
        assertTrue(checked > 700, "constants checked: " + checked);
        // and the static import brings them, as compile-time constants (a switch needs that)
        int e = ECONNREFUSED;
        String name = switch (e) {
            case EAGAIN -> "again";
            case ECONNREFUSED -> "refused";
            default -> "other";
        };
        assertEquals("refused", name);
        assertEquals(2, AF_INET);
        assertEquals(1, SOCK_STREAM);
        assertEquals(0x4000, MSG_NOSIGNAL);
        assertEquals(02000000, SOCK_CLOEXEC);
    }

    @Test
    void byteOrderHelpersSwapOnThisMachine() {
        // on a little-endian CPU they swap; on a big-endian one network order is the CPU's and they change nothing
        boolean little = java.nio.ByteOrder.nativeOrder() == java.nio.ByteOrder.LITTLE_ENDIAN;
        assertEquals(little ? (short) 0xE107 : (short) 2017, htons(2017));
        assertEquals(2017, ntohs(htons(2017)));
        // ntohs gives C's uint16_t: every port back as itself, never negative (a short would print -19585 for 45951)
        for (int port : new int[] {0, 1, 255, 256, 32767, 32768, 45951, 65534, 65535}) {
            assertEquals(port, ntohs(htons(port)));
        }
        assertEquals(45951, ntohs(little ? (short) 0x7FB3 : (short) 0xB37F));
        assertEquals(little ? 0x0100007F : 0x7F000001, htonl(0x7F000001));
        assertEquals(0x7F000001, ntohl(htonl(0x7F000001)));
        assertEquals((short) 0xFFFF, htons(65535));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> htons(65536));
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, () -> htons(-1));
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = Addrs.inet4(arena, "127.0.0.1", 2017);
            // network order in memory: 0x07 0xE1 for the port, 127 0 0 1 for the address
            assertEquals(0x07, Byte.toUnsignedInt(a.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 2)));
            assertEquals(0xE1, Byte.toUnsignedInt(a.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 3)));
            assertEquals(127, a.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 4));
        }
    }
}
