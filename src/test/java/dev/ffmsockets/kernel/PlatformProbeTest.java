package dev.ffmsockets.kernel;

import dev.ffmsockets.samples.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.foreign.GroupLayout;
import java.lang.foreign.UnionLayout;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A C probe, generated from the committed bindings themselves, prints {@code sizeof} and {@code offsetof} of every
 * bound struct and field and the value of every bound constant, compiled by the C compiler against the same
 * {@code headers/sockets.h}. On this platform (Linux x86_64 glibc) it must match the bindings line by line, and a
 * planted mismatch must be caught. The same probe is cross-compiled for aarch64 glibc ({@code gcc-aarch64-linux-gnu},
 * run under {@code qemu-aarch64}) and x86_64 musl ({@code musl-gcc}): no bindings are committed for those yet, so
 * their differences from x86_64 glibc are written to {@code target/platform-probes/} for the bindings to come, and
 * the test checks that the emulated probes ran and show what those platforms are known to differ in (aarch64's
 * 16-byte {@code epoll_event}; x86_64 musl's constants, with every struct layout as glibc's).
 */
class PlatformProbeTest {

    @TempDir
    Path dir;

    private static final String[] STRUCTS = {"addrinfo", "cmsghdr", "epoll_data", "epoll_event", "in6_addr",
            "in6_pktinfo", "in_addr", "in_pktinfo", "iovec", "linger", "mmsghdr", "msghdr", "pollfd", "rlimit",
            "sockaddr", "sockaddr_in", "sockaddr_in6", "sockaddr_storage", "sockaddr_un", "timespec", "timeval", "ucred"};

    /** What the bindings say, one line per fact, as the probe prints it. */
    static Map<String, String> fromBindings() throws Exception {
        Map<String, String> facts = new TreeMap<>();
        for (String s : STRUCTS) {
            Class<?> c = Class.forName("dev.ffmsockets.raw." + s);
            GroupLayout layout = (GroupLayout) c.getMethod("layout").invoke(null);
            String tag = (layout instanceof UnionLayout ? "union " : "struct ") + s;
            facts.put("sizeof " + tag, String.valueOf(layout.byteSize()));
            for (Method m : c.getMethods()) {
                if (m.getName().endsWith("$offset") && m.getParameterCount() == 0 && Modifier.isStatic(m.getModifiers())) {
                    String field = m.getName().substring(0, m.getName().length() - "$offset".length());
                    facts.put("offsetof " + tag + " " + field, String.valueOf(m.invoke(null)));
                }
            }
        }
        for (Field f : Class.forName("dev.ffmsockets.raw.Constants").getFields()) {
            if (f.getType() == int.class || f.getType() == long.class) {
                facts.put("const " + f.getName(), String.valueOf(((Number) f.get(null)).longValue()));
            }
        }
        return facts;
    }

    /**
     * The probe's C source: one printf per fact. {@code includes} is what it includes; with {@code guarded}, a constant
     * the platform's headers lack (as a macro) prints {@code missing} instead of failing the compilation.
     */
    static String probe(Map<String, String> facts, String includes, boolean guarded) {
        StringBuilder c = new StringBuilder(includes + "#include <stdio.h>\n#include <stddef.h>\n\nint main(void) {\n");
        for (String key : facts.keySet()) {
            String[] k = key.split(" ");
            String expr = switch (k[0]) {
                case "sizeof" -> "(long long) sizeof(" + k[1] + " " + k[2] + ")";
                case "offsetof" -> "(long long) offsetof(" + k[1] + " " + k[2] + ", " + k[3] + ")";
                default -> "(long long) (" + k[1] + ")";
            };
            String line = "    printf(\"%s %lld\\n\", \"" + key + "\", " + expr + ");\n";
            if (guarded && k[0].equals("offsetof") && k[3].startsWith("__")) {
                // a C library's own member name (glibc's __in6_u, __cmsg_data): another library names it otherwise
                c.append("    printf(\"%s missing\\n\", \"").append(key).append("\");\n");
            } else if (guarded && k[0].equals("const")) {
                c.append("#ifdef ").append(k[1]).append("\n").append(line).append("#else\n    printf(\"%s missing\\n\", \"")
                        .append(key).append("\");\n#endif\n");
            } else {
                c.append(line);
            }
        }
        return c.append("    return 0;\n}\n").toString();
    }

    private static String run(List<String> command, Path in) throws Exception {
        Process p = new ProcessBuilder(command).directory(in.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", command));
        assertEquals(0, p.exitValue(), () -> String.join(" ", command) + ":\n" + out);
        return out;
    }

    private static Map<String, String> parse(String out) {
        Map<String, String> facts = new TreeMap<>();
        for (String line : out.lines().toList()) {
            int at = line.lastIndexOf(' ');
            facts.put(line.substring(0, at), line.substring(at + 1));
        }
        return facts;
    }

    /** Facts that differ; a constant bound as a Java int equals a C value with the same 32 bits (1u << 31, say). */
    private static List<String> differences(Map<String, String> bindings, Map<String, String> probe) {
        List<String> d = new ArrayList<>();
        for (var e : bindings.entrySet()) {
            String c = probe.get(e.getKey());
            if (!e.getValue().equals(c) && !sameBits(e.getValue(), c)) {
                d.add(e.getKey() + ": bindings " + e.getValue() + ", C " + c);
            }
        }
        return d;
    }

    private static boolean sameBits(String binding, String c) {
        try {
            long b = Long.parseLong(binding), v = Long.parseLong(c);
            return b == (int) b && (int) v == (int) b && (v >>> 32) == 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /**
     * Compiles and runs the probe. With {@code sameHeader}, it includes {@code headers/sockets.h} as jextract read it;
     * otherwise (musl, whose headers differ: sockets.h declares glibc's hidden parts) the system headers it lists, with
     * {@code _GNU_SOURCE}, and unknown constants print {@code missing}.
     */
    private Map<String, String> probeWith(String compiler, List<String> runner, Map<String, String> facts, String name,
                                          boolean sameHeader) throws Exception {
        Path headers = Samples.root().resolve("headers");
        Path src = dir.resolve(name + ".c"), bin = dir.resolve(name);
        String includes = sameHeader ? "#include \"sockets.h\"\n" : "#define _GNU_SOURCE\n" + String.join("\n",
                Files.readAllLines(headers.resolve("sockets.h")).stream().filter(l -> l.startsWith("#include <")).toList()) + "\n";
        Files.writeString(src, probe(facts, includes, !compiler.equals("cc")));
        List<String> cc = new ArrayList<>(List.of(compiler, "-std=gnu11", "-w", "-I", headers.toString(), "-o", bin.toString(), src.toString()));
        if (!compiler.equals("cc")) {
            cc.add(1, "-static");
        }
        run(cc, dir);
        List<String> exec = new ArrayList<>(runner);
        exec.add(bin.toString());
        return parse(run(exec, dir));
    }

    private static String tool(String path, String pkg) {
        if (!Files.isExecutable(Path.of(path))) {
            throw new AssertionError(path + " is missing: install " + pkg + " (Debian/Ubuntu: apt-get install " + pkg
                    + "; scripts/test installs it) and run the tests again.");
        }
        return path;
    }

    @Test
    void theBindingsMatchTheCCompilerOnThisPlatformFactByFact() throws Exception {
        Map<String, String> bindings = fromBindings();
        assertTrue(bindings.size() > 700, "facts: " + bindings.size());
        Map<String, String> c = probeWith("cc", List.of(), bindings, "probe-x86_64-glibc", true);
        assertEquals(List.of(), differences(bindings, c));
        // a planted mismatch is caught: one field moved, one constant changed
        Map<String, String> planted = new LinkedHashMap<>(bindings);
        planted.put("offsetof struct epoll_event data", "8");
        planted.put("const SOL_SOCKET", "65535");
        List<String> d = differences(planted, c);
        assertEquals(2, d.size(), d::toString);
        assertTrue(d.get(0).contains("const SOL_SOCKET") || d.get(1).contains("const SOL_SOCKET"), d::toString);
    }

    @Test
    void theProbeRunsForAarch64AndMuslUnderEmulationAndShowsWhatTheirBindingsNeed() throws Exception {
        Map<String, String> bindings = fromBindings();
        Map<String, String> aarch64 = probeWith(tool("/usr/bin/aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu"),
                List.of(tool("/usr/bin/qemu-aarch64", "qemu-user"), "-L", "/usr/aarch64-linux-gnu"), bindings, "probe-aarch64-glibc", true);
        Map<String, String> musl = probeWith(tool("/usr/bin/musl-gcc", "musl-tools"), List.of(), bindings, "probe-x86_64-musl", false);
        Path out = Files.createDirectories(Samples.root().resolve("target/platform-probes"));
        List<String> aDiff = differences(bindings, aarch64), mDiff = differences(bindings, musl);
        Files.write(out.resolve("linux-aarch64-glibc.diff"), aDiff);
        Files.write(out.resolve("linux-x86_64-musl.diff"), mDiff);
        // aarch64: epoll_event is packed on x86_64 only
        assertTrue(aDiff.contains("sizeof struct epoll_event: bindings 12, C 16"), aDiff::toString);
        assertTrue(aDiff.contains("offsetof struct epoll_event data: bindings 4, C 8"), aDiff::toString);
        // x86_64 musl: every bound struct has glibc's size and offsets (but for members named by glibc alone);
        // what differs is constants its headers lack or set otherwise
        assertEquals(List.of(), mDiff.stream().filter(l -> l.startsWith("sizeof")
                || l.startsWith("offsetof") && !l.contains(" __")).toList());
        assertTrue(mDiff.contains("const SOMAXCONN: bindings 4096, C 128"), mDiff::toString);
        // and everything else the Linux ABI fixes agrees: the socket-level constants
        for (Map<String, String> other : List.of(aarch64, musl)) {
            for (String k : List.of("const SOL_SOCKET", "const SO_REUSEADDR", "const AF_INET6", "const SOCK_CLOEXEC",
                    "sizeof struct sockaddr_in", "sizeof struct sockaddr_in6", "sizeof struct sockaddr_un")) {
                assertEquals(bindings.get(k), other.get(k), k);
            }
        }
    }
}
