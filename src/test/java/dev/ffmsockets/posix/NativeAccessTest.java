package dev.ffmsockets.posix;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A module of its own on the module path, run with {@code --illegal-native-access=deny} and native access granted
 * to the library alone: the safe wrapper and the checked C-style functions work for it, the restricted functions
 * refuse it ({@link IllegalCallerException}), and nothing public in {@code dev.ffmsockets.raw} calls C or reaches
 * memory beyond a segment. Granted native access itself, the same module may call the restricted functions.
 */
class NativeAccessTest {

    private static final Path JAVA_BIN = Path.of(System.getProperty("java.home"), "bin");

    private static final String MODULE_INFO = "module outside { requires dev.ffmsockets; }\n";
    private static final String MAIN = """
            package outside;

            import dev.ffmsockets.Family;
            import dev.ffmsockets.Socket;
            import dev.ffmsockets.SocketType;
            import dev.ffmsockets.raw.msghdr;
            import dev.ffmsockets.raw.sockets_h;
            import java.lang.foreign.Arena;
            import java.lang.foreign.MemorySegment;
            import java.util.Arrays;
            import static dev.ffmsockets.posix.Posix.*;

            public class Main {
                interface Call { Object run() throws Exception; }

                static void report(String what, Call call) {
                    try {
                        call.run();
                        System.out.println(what + ": ran");
                    } catch (Exception e) {
                        System.out.println(what + ": " + e.getClass().getSimpleName());
                    }
                }

                public static void main(String[] args) throws Exception {
                    if (args.length > 0) { // native access forgotten: the first call and the next say the same
                        for (int i = 0; i < 2; i++) {
                            try {
                                Socket.pair(Family.UNIX, SocketType.STREAM).close();
                                System.out.println("ran");
                            } catch (Throwable e) {
                                System.out.println(e.getClass().getName() + ": " + e.getMessage());
                            }
                        }
                        return;
                    }
                    try (Socket.Pair p = Socket.pair(Family.UNIX, SocketType.STREAM)) {
                        p.first().sendAll("hi".getBytes());
                        byte[] b = new byte[2];
                        p.second().recv(b);
                        System.out.println("wrapper: " + new String(b));
                    }
                    try (Arena arena = Arena.ofConfined()) {
                        MemorySegment sv = arena.allocate(C_INT, 2);
                        socketpair(AF_UNIX, SOCK_STREAM, 0, sv);
                        int a = sv.getAtIndex(C_INT, 0), b = sv.getAtIndex(C_INT, 1);
                        send(a, arena.allocateFrom("12345678"), 8, 0);
                        MemorySegment small = arena.allocate(8);
                        report("recv beyond its segment", () -> recv(b, small, 4096, 0));
                        System.out.println("recv checked: " + recv(b, MemorySegment.ofArray(new byte[8]), 8, 0));
                        MemorySegment m = msghdr.allocate(arena);
                        report("recvmsg", () -> recvmsg(b, m, MSG_DONTWAIT));
                        report("sendmsg", () -> sendmsg(a, m, 0));
                        report("CMSG_FIRSTHDR", () -> CMSG_FIRSTHDR(m));
                        report("CMSG_NXTHDR", () -> CMSG_NXTHDR(m, arena.allocate(16)));
                        report("sendmmsg", () -> sendmmsg(a, arena.allocate(64), 1, 0));
                        report("recvmmsg", () -> recvmmsg(b, arena.allocate(64), 1, MSG_DONTWAIT, MemorySegment.NULL));
                        report("freeaddrinfo", () -> { freeaddrinfo(MemorySegment.NULL); return null; });
                        report("ai_addr", () -> ai_addr(arena.allocate(64)));
                        report("setsockopt SO_ATTACH_FILTER",
                                () -> setsockopt(a, SOL_SOCKET, SO_ATTACH_FILTER, arena.allocate(16), 16));
                        report("setsockopt SO_RCVBUF", () -> setsockopt(a, SOL_SOCKET, SO_RCVBUF, arena.allocateFrom(C_INT, 4096), 4));
                        msghdr.msg_control(m, MemorySegment.ofAddress(small.address()));
                        System.out.println("pointer read from a struct: " + msghdr.msg_control(m).byteSize() + " bytes");
                        System.out.println("C_POINTER has a target: " + sockets_h.C_POINTER.targetLayout().isPresent());
                        System.out.println("public downcalls in raw: " + Arrays.stream(sockets_h.class.getMethods())
                                .filter(x -> x.getName().equals("recv") || x.getName().endsWith("$handle")
                                        || x.getName().equals("reinterpret")).count());
                        close(a);
                        close(b);
                    }
                }
            }
            """;

    private static Path classes;

    @BeforeAll
    static void compile(@TempDir Path dir) throws Exception {
        Path src = dir.resolve("src/outside");
        Files.createDirectories(src.resolve("outside"));
        Files.writeString(src.resolve("module-info.java"), MODULE_INFO);
        Files.writeString(src.resolve("outside/Main.java"), MAIN);
        classes = dir.resolve("classes");
        run(List.of(JAVA_BIN.resolve("javac").toString(), "-Xlint:all", "-Werror", "--module-path", library().toString(),
                "-d", classes.toString(), src.resolve("module-info.java").toString(), src.resolve("outside/Main.java").toString()));
    }

    private static Path library() {
        return BindingsTest.root().resolve("target/classes");
    }

    private static String runOutside(String nativeAccess) throws Exception {
        return run(List.of(JAVA_BIN.resolve("java").toString(), "--illegal-native-access=deny",
                "--enable-native-access=" + nativeAccess, "--module-path", library() + ":" + classes,
                "-m", "outside/outside.Main"));
    }

    /** The library without native access: one exception, the same on every call, that names the exact flag. */
    @Test
    void forgettingNativeAccessGivesOneExceptionThatNamesTheFlag() throws Exception {
        String modulePath = run(List.of(JAVA_BIN.resolve("java").toString(), "--illegal-native-access=deny",
                "--module-path", library() + ":" + classes, "-m", "outside/outside.Main", "forgotten"));
        String classPath = run(List.of(JAVA_BIN.resolve("java").toString(), "--illegal-native-access=deny",
                "-cp", library() + ":" + classes, "outside.Main", "forgotten"));
        for (String[] c : new String[][] {{modulePath, "--enable-native-access=dev.ffmsockets (the library is on the module path)"},
                {classPath, "--enable-native-access=ALL-UNNAMED (the library is on the class path)"}}) {
            List<String> lines = c[0].lines().toList();
            assertEquals(2, lines.size(), c[0]);
            assertEquals(lines.get(0), lines.get(1), "the second call says what the first said");
            assertTrue(lines.get(0).startsWith("java.lang.IllegalCallerException: ffm-sockets calls the C library"), c[0]);
            assertTrue(lines.get(0).contains(c[1]), c[0]);
        }
    }

    @Test
    void aModuleWithoutNativeAccessUsesTheCheckedApiAndIsRefusedTheRest() throws Exception {
        assertEquals("""
                wrapper: hi
                recv beyond its segment: IndexOutOfBoundsException
                recv checked: 8
                recvmsg: IllegalCallerException
                sendmsg: IllegalCallerException
                CMSG_FIRSTHDR: IllegalCallerException
                CMSG_NXTHDR: IllegalCallerException
                sendmmsg: IllegalCallerException
                recvmmsg: IllegalCallerException
                freeaddrinfo: IllegalCallerException
                ai_addr: IllegalCallerException
                setsockopt SO_ATTACH_FILTER: IllegalCallerException
                setsockopt SO_RCVBUF: ran
                pointer read from a struct: 0 bytes
                C_POINTER has a target: false
                public downcalls in raw: 0
                """, runOutside("dev.ffmsockets"));
    }

    @Test
    void aModuleWithNativeAccessMayCallTheRestrictedFunctions() throws Exception {
        String out = runOutside("dev.ffmsockets,outside");
        for (String f : List.of("recvmsg", "sendmsg", "CMSG_FIRSTHDR", "CMSG_NXTHDR", "sendmmsg", "recvmmsg", "freeaddrinfo",
                "ai_addr", "setsockopt SO_ATTACH_FILTER")) {
            assertTrue(out.contains(f + ": ran\n"), out);
        }
    }

    private static String run(List<String> command) throws Exception {
        Process p = new ProcessBuilder(new ArrayList<>(command)).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "timed out: " + command);
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + "\n" + out);
        return out;
    }
}
