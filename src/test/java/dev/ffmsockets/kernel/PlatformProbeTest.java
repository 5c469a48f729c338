package dev.ffmsockets.kernel;

import dev.ffmsockets.samples.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.foreign.GroupLayout;
import java.lang.foreign.MemoryLayout;
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
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A C probe, generated from the committed bindings themselves, prints {@code sizeof} and {@code offsetof} of every
 * bound struct and field and the value of every bound constant, compiled by each platform's C compiler against the
 * same {@code headers/sockets.h}: {@code cc} here (Linux x86_64 glibc), {@code aarch64-linux-gnu-gcc},
 * {@code riscv64-linux-gnu-gcc} and {@code s390x-linux-gnu-gcc} with their programs run under qemu-user, and
 * {@code musl-gcc}. Each platform's output must match that platform's bindings (its own
 * package's files where they differ from the primary's, the primary's elsewhere) fact by fact, and a planted
 * mismatch must be caught. Then, for each platform, what the library relies on: every struct it reads through the
 * primary's classes has the same size and field offsets there, and it names none of the constants that differ.
 */
class PlatformProbeTest {

    @TempDir
    Path dir;

    private static final String PRIMARY = Platform.SUPPORTED.get(0);

    private static final String[] STRUCTS = {"addrinfo", "cmsghdr", "epoll_data", "epoll_event", "in6_addr",
            "in6_pktinfo", "in_addr", "in_pktinfo", "iovec", "linger", "mmsghdr", "msghdr", "pollfd", "rlimit",
            "sockaddr", "sockaddr_in", "sockaddr_in6", "sockaddr_storage", "sockaddr_un", "timespec", "timeval", "ucred"};

    /** What a platform's bindings say, one line per fact, as the probe prints it. */
    static Map<String, String> fromBindings(String platform) throws Exception {
        Map<String, String> facts = new TreeMap<>();
        for (String s : STRUCTS) {
            GroupLayout layout = (GroupLayout) Platform.struct(platform, s);
            String tag = (layout instanceof UnionLayout ? "union " : "struct ") + s;
            facts.put("sizeof " + tag, String.valueOf(layout.byteSize()));
            for (var field : fields(layout).entrySet()) {
                facts.put("offsetof " + tag + " " + field.getKey(), String.valueOf(field.getValue()[0]));
            }
        }
        facts.putAll(constants(platform));
        return facts;
    }

    /** A struct's or union's named members: name to {offset, size}. */
    static Map<String, long[]> fields(GroupLayout layout) {
        Map<String, long[]> f = new LinkedHashMap<>();
        long at = 0;
        for (MemoryLayout m : layout.memberLayouts()) {
            long offset = layout instanceof UnionLayout ? 0 : at;
            m.name().ifPresent(n -> f.put(n, new long[] {offset, m.byteSize()}));
            at += m.byteSize();
        }
        return f;
    }

    /** A platform's constants, "const NAME" to value, from its generated sockets_h. */
    static Map<String, String> constants(String platform) throws Exception {
        String pkg = platform.equals(PRIMARY) ? "dev.ffmsockets.raw" : "dev.ffmsockets.raw." + platform.replace('-', '_');
        Map<String, String> c = new TreeMap<>();
        for (Method m : Class.forName(pkg + ".sockets_h").getMethods()) {
            if (m.getName().matches("[A-Z][A-Za-z0-9_]*") && m.getParameterCount() == 0 && Modifier.isStatic(m.getModifiers())
                    && (m.getReturnType() == int.class || m.getReturnType() == long.class)) {
                c.put("const " + m.getName(), String.valueOf(((Number) m.invoke(null)).longValue()));
            }
        }
        return c;
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

    /** Compiles the probe with a platform's compiler against headers/sockets.h, runs it, and reads what it printed. */
    private Map<String, String> probe(String platform, Map<String, String> facts) throws Exception {
        Path headers = Samples.root().resolve("headers");
        Path src = dir.resolve(platform + ".c"), bin = dir.resolve(platform);
        Files.writeString(src, probe(facts, "#include \"sockets.h\"\n", false));
        List<String> runner = List.of();
        String compiler = "cc";
        switch (platform) {
            case "linux-aarch64-glibc" -> {
                compiler = tool("/usr/bin/aarch64-linux-gnu-gcc", "gcc-aarch64-linux-gnu");
                runner = List.of(tool("/usr/bin/qemu-aarch64", "qemu-user"), "-L", "/usr/aarch64-linux-gnu");
            }
            case "linux-riscv64-glibc" -> {
                compiler = tool("/usr/bin/riscv64-linux-gnu-gcc", "gcc-riscv64-linux-gnu");
                runner = List.of(tool("/usr/bin/qemu-riscv64", "qemu-user"), "-L", "/usr/riscv64-linux-gnu");
            }
            case "linux-s390x-glibc" -> {
                compiler = tool("/usr/bin/s390x-linux-gnu-gcc", "gcc-s390x-linux-gnu");
                runner = List.of(tool("/usr/bin/qemu-s390x", "qemu-user"), "-L", "/usr/s390x-linux-gnu");
            }
            case "linux-x86_64-musl" -> compiler = tool("/usr/bin/musl-gcc", "musl-tools");
            default -> assertEquals(PRIMARY, platform);
        }
        List<String> cc = new ArrayList<>(List.of(compiler, "-std=gnu11", "-w", "-I", headers.toString(), "-o", bin.toString(), src.toString()));
        if (!platform.equals(PRIMARY)) {
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

    static List<String> platforms() {
        return Platform.SUPPORTED;
    }

    @ParameterizedTest
    @MethodSource("platforms")
    void eachPlatformsBindingsMatchItsCCompilerFactByFact(String platform) throws Exception {
        Map<String, String> bindings = fromBindings(platform);
        assertTrue(bindings.size() > 600, "facts: " + bindings.size());
        Map<String, String> c = probe(platform, bindings);
        List<String> d = differences(bindings, c);
        Path out = Files.createDirectories(Samples.root().resolve("target/platform-probes"));
        Files.write(out.resolve(platform + ".diff"), d);
        assertEquals(List.of(), d, platform);
        // a planted mismatch is caught: one field moved, one constant changed
        Map<String, String> planted = new LinkedHashMap<>(bindings);
        planted.put("offsetof struct sockaddr_in sin_port", "4");
        planted.put("const SOL_SOCKET", "65535");
        List<String> p = differences(planted, c);
        assertEquals(2, p.size(), p::toString);
        assertTrue(p.get(0).contains("const SOL_SOCKET") || p.get(1).contains("const SOL_SOCKET"), p::toString);
    }

    @ParameterizedTest
    @ValueSource(strings = {"linux-aarch64-glibc", "linux-riscv64-glibc", "linux-s390x-glibc"})
    void thePrimarysBindingsWouldBeWrongElsewhereAndTheProbeSaysWhere(String platform) throws Exception {
        Map<String, String> primary = fromBindings(PRIMARY);
        primary.keySet().retainAll(fromBindings(platform).keySet());
        List<String> d = differences(primary, probe(platform, primary));
        assertEquals(List.of("offsetof struct epoll_event data: bindings 4, C 8", "sizeof struct epoll_event: bindings 12, C 16"), d);
    }

    @Test
    void theCompileTimeConstantsAreThePrimarysBindings() throws Exception {
        Map<String, String> fields = new TreeMap<>();
        for (Field f : Class.forName("dev.ffmsockets.raw.Constants").getFields()) {
            fields.put("const " + f.getName(), String.valueOf(((Number) f.get(null)).longValue()));
        }
        assertEquals(constants(PRIMARY), fields);
    }

    /**
     * What lets the library read and write through the primary's classes on every platform: each struct it does not
     * take from {@link Platform#struct} has the primary's size there, and each of the primary's fields (but the C
     * library's own, named {@code __...}) is at the same offset, with the same size or, where the platform declares a
     * narrower type (musl's {@code int msg_iovlen} for glibc's {@code size_t}, the kernel's), followed by padding up
     * to the primary's size (an 8-byte write of a value that fits sets it to zero, little-endian). And the library's
     * code names none of the constants a platform lacks or sets otherwise.
     */
    @ParameterizedTest
    @MethodSource("platforms")
    void theLibraryUsesNothingThatDiffersWithoutTakingThePlatformsOwn(String platform) throws Exception {
        List<String> wrong = new ArrayList<>(differingStructs(platform));
        wrong.removeAll(Platform.PER_PLATFORM);
        assertEquals(List.of(), wrong, "structs that differ on " + platform + " but are read through the primary's classes");

        Map<String, String> primary = constants(PRIMARY), mine = constants(platform);
        List<String> differing = new ArrayList<>();
        for (var e : primary.entrySet()) {
            String v = mine.get(e.getKey());
            if (v == null || !v.equals(e.getValue()) && !sameBits(e.getValue(), v)) {
                differing.add(e.getKey().substring("const ".length()));
            }
        }
        String code = librarySource();
        // a name the library uses as C's: unqualified (static imports) or through the bindings' classes; a name
        // qualified by another class is that class's (Netty's NetUtil.SOMAXCONN is its own value, read at run time)
        List<String> used = differing.stream().filter(n -> Pattern.compile(
                "(?<![\\w.])" + n + "\\b|\\b(?:Posix|Constants|sockets_h)\\." + n + "\\b").matcher(code).find()).toList();
        assertEquals(List.of(), used, platform + " lacks or sets otherwise constants the library uses: " + used);
        Path out = Files.createDirectories(Samples.root().resolve("target/platform-probes"));
        Files.write(out.resolve(platform + ".constants-unlike-primary"), differing);
    }

    /** The bound structs whose size, or offset or room of a field, differs on a platform from the primary's. */
    static List<String> differingStructs(String platform) {
        List<String> differing = new ArrayList<>();
        for (String s : STRUCTS) {
            GroupLayout mine = (GroupLayout) Platform.struct(platform, s), primary = (GroupLayout) Platform.struct(PRIMARY, s);
            boolean differs = mine.byteSize() != primary.byteSize();
            Map<String, long[]> own = fields(mine);
            for (var f : fields(primary).entrySet()) {
                long[] o = own.get(f.getKey()), p = f.getValue();
                if (!f.getKey().startsWith("__") && (o == null || o[0] != p[0] || o[1] > p[1]
                        || o[1] < p[1] && !paddedTo(mine, o[0] + o[1], p[0] + p[1]))) {
                    differs = true;
                }
            }
            if (differs) {
                differing.add(s);
            }
        }
        return differing;
    }

    @Test
    void theComparisonOfLayoutsSeesWhatDiffers() {
        assertEquals(List.of("epoll_event"), differingStructs("linux-aarch64-glibc"));
        assertEquals(List.of("epoll_event"), differingStructs("linux-riscv64-glibc"));
        assertEquals(List.of("epoll_event"), differingStructs("linux-s390x-glibc"));
        assertEquals(List.of(), differingStructs("linux-x86_64-musl"), "musl's narrower fields are padded to glibc's");
        assertEquals(List.of(), differingStructs(PRIMARY));
    }

    /** Whether {@code layout} has only padding (unnamed, or named {@code __pad...}) from {@code from} to {@code to}. */
    private static boolean paddedTo(GroupLayout layout, long from, long to) {
        long at = 0;
        for (MemoryLayout m : layout.memberLayouts()) {
            long end = at + m.byteSize();
            if (at < to && end > from && m.name().filter(n -> !n.startsWith("__pad")).isPresent()) {
                return false;
            }
            at = end;
        }
        return true;
    }

    /** The library's code outside the generated bindings, comments taken out (not a "//" inside a string). */
    private static String librarySource() throws IOException {
        StringBuilder all = new StringBuilder();
        Path main = Samples.root().resolve("src/main/java/dev/ffmsockets");
        try (Stream<Path> files = Files.walk(main)) {
            for (Path f : files.filter(f -> f.toString().endsWith(".java") && !main.relativize(f).startsWith("raw")).toList()) {
                // block comments and whole-line // comments; a trailing comment stays, so a name there counts
                all.append(Files.readString(f).replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("(?m)^\\s*//.*$", "")).append('\n');
            }
        }
        return all.toString();
    }
}
