package dev.ffmsockets;

import dev.ffmsockets.samples.Samples;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.lang.module.ModuleDescriptor;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The published javadoc (built by {@code mvn package} into {@code target/reports/apidocs}, and run after it, in the
 * verify phase) shows the public API only: no page names a type a user cannot use (a package-private class, or any
 * class of a package the module does not export) — an inherited method's "as for {@code SocketIo.recv}" — and every
 * exported package has a description.
 */
class PublishedJavadocTest {

    private static final Path ROOT = Samples.root();
    private static final Path DOCS = ROOT.resolve("target/reports/apidocs/dev.ffmsockets");
    private static final Pattern CODE = Pattern.compile("(?s)<code>(.*?)</code>");
    private static final Pattern TAG = Pattern.compile("<[^>]*>");

    private static ModuleDescriptor module() throws IOException {
        try (InputStream in = Files.newInputStream(ROOT.resolve("target/classes/module-info.class"))) {
            return ModuleDescriptor.read(in);
        }
    }

    /** The names a page would show for the library's types a user cannot use, less those a public type also has. */
    static Set<String> hiddenNames(Set<String> exported) throws Exception {
        Set<String> hidden = new TreeSet<>(), shown = new HashSet<>();
        Path classes = ROOT.resolve("target/classes");
        try (Stream<Path> files = Files.walk(classes.resolve("dev/ffmsockets"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".class")).toList()) {
                String name = classes.relativize(f).toString().replace('/', '.').replaceAll("\\.class$", "");
                if (name.endsWith("package-info") || name.matches(".*\\$\\d.*")) {
                    continue; // anonymous and local classes have no name to show
                }
                Class<?> c = Class.forName(name, false, PublishedJavadocTest.class.getClassLoader());
                String shownAs = c.getName().substring(c.getPackageName().length() + 1).replace('$', '.');
                boolean visible = exported.contains(c.getPackageName());
                for (Class<?> k = c; k != null; k = k.getEnclosingClass()) {
                    visible &= Modifier.isPublic(k.getModifiers());
                }
                (visible ? shown : hidden).add(shownAs);
            }
        }
        hidden.removeAll(shown);
        return hidden;
    }

    /** The text of every {@code <code>} element of {@code html} that starts with a hidden name. */
    static List<String> mentions(String html, Set<String> hidden) {
        List<String> found = new ArrayList<>();
        Matcher m = CODE.matcher(html);
        while (m.find()) {
            String text = TAG.matcher(m.group(1)).replaceAll("").trim();
            for (String h : hidden) {
                if (text.equals(h) || text.startsWith(h + ".") || text.startsWith(h + "#") || text.startsWith(h + "(")) {
                    found.add(text);
                }
            }
        }
        return found;
    }

    @Test
    void noPageNamesATypeAUserCannotUseAndEveryPackageIsDescribed() throws Exception {
        assertTrue(Files.isDirectory(DOCS), "no javadoc at " + DOCS + ": it is built by mvn package (this test runs in"
                + " the verify phase, after it)");
        Set<String> exported = new TreeSet<>();
        module().exports().forEach(e -> exported.add(e.source()));
        Set<String> hidden = hiddenNames(exported);
        assertTrue(hidden.contains("SocketIo") && hidden.contains("Kernel"), "the hidden types found: " + hidden);
        List<String> problems = new ArrayList<>();
        try (Stream<Path> pages = Files.walk(DOCS)) {
            for (Path page : pages.filter(p -> p.toString().endsWith(".html")).toList()) {
                for (String m : mentions(Files.readString(page), hidden)) {
                    problems.add(DOCS.relativize(page) + ": names " + m);
                }
            }
        }
        for (String pkg : exported) {
            Path summary = DOCS.resolve(pkg.replace('.', '/')).resolve("package-summary.html");
            String html = Files.exists(summary) ? Files.readString(summary) : "";
            if (!Pattern.compile("id=\"package-description\">\\s*<div class=\"block\">").matcher(html).find()) {
                problems.add(pkg + ": no package description (a package-info.java with a javadoc comment)");
            }
        }
        assertEquals(List.of(), problems, String.join("\n", problems));
    }

    @Test
    void theCheckSeesAHiddenNameInCodeAndOnlyThere() {
        Set<String> hidden = Set.of("SocketIo", "Io");
        assertEquals(List.of("SocketIo.recv(byte[])"),
                mentions("<dd>as for <code><a href=\"#x\">SocketIo.recv(byte[])</a></code>: Io in prose</dd>", hidden));
        assertEquals(List.of(), mentions("<code>Socket.recv(byte[])</code> <code>IOException</code>", hidden));
    }
}
