package dev.ffmsockets;

import dev.ffmsockets.samples.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Every Java snippet of the README compiles as written against the library: each is a compact source file
 * (imports, then methods), compiled as it is, and once more with its methods inside a class of its own, where
 * nothing of {@code java.base} is imported implicitly, so that a missing import fails here and not in a user's
 * editor.
 */
class ReadmeSnippetsTest {

    private static final Pattern JAVA_BLOCK = Pattern.compile("(?s)```java\\n(.*?)```");

    @TempDir
    Path dir;

    static List<String> snippets() throws Exception {
        String readme = Files.readString(Samples.root().resolve("README.md"));
        List<String> found = new ArrayList<>();
        Matcher m = JAVA_BLOCK.matcher(readme);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }

    /** The snippet with every line after its imports inside {@code class NAME { ... }}. */
    static String asClass(String snippet, String name) {
        List<String> head = new ArrayList<>(), body = new ArrayList<>();
        boolean inBody = false;
        for (String line : snippet.split("\n", -1)) {
            boolean header = line.startsWith("import ") || line.isBlank() || line.startsWith("//");
            if (!inBody && !header) {
                inBody = true;
            }
            (inBody ? body : head).add(line);
        }
        return String.join("\n", head) + "\nclass " + name + " {\n" + String.join("\n", body) + "\n}\n";
    }

    private List<String> compile(Path source) throws Exception {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
            Path out = Files.createDirectories(dir.resolve("out"));
            List<String> options = List.of("-d", out.toString(), "-proc:none", "-Xlint:all,-restricted", "-Werror",
                    "-classpath", System.getProperty("java.class.path"));
            boolean ok = javac.getTask(null, files, diagnostics, options, null,
                    files.getJavaFileObjects(source.toFile())).call();
            List<String> problems = diagnostics.getDiagnostics().stream()
                    .map(d -> d.getKind() + " line " + d.getLineNumber() + ": " + d.getMessage(null)).toList();
            return ok ? problems.stream().filter(p -> p.startsWith("ERROR")).toList()
                    : problems.isEmpty() ? List.of("javac failed") : problems;
        }
    }

    @Test
    void everyJavaSnippetCompilesAsWrittenWithItsOwnImports() throws Exception {
        List<String> snippets = snippets();
        assertTrue(snippets.size() >= 5, "the README's Java snippets: found " + snippets.size());
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < snippets.size(); i++) {
            String name = "Snippet" + (i + 1);
            Path compact = Files.createDirectories(dir.resolve("compact" + i)).resolve(name + ".java");
            Files.writeString(compact, snippets.get(i));
            Path explicit = Files.createDirectories(dir.resolve("explicit" + i)).resolve(name + ".java");
            Files.writeString(explicit, asClass(snippets.get(i), name));
            for (Path p : List.of(compact, explicit)) {
                List<String> problems = compile(p);
                if (!problems.isEmpty()) {
                    failures.add("snippet " + (i + 1) + " (" + p.getParent().getFileName() + "), starting \""
                            + snippets.get(i).lines().findFirst().orElse("") + "\":\n  " + String.join("\n  ", problems));
                }
            }
        }
        assertEquals(List.of(), failures, String.join("\n", failures));
    }

    @Test
    void aMissingImportFailsTheCheck() throws Exception {
        // the check itself: a snippet that uses java.time without importing it compiles as a compact source file
        // (java.base is imported implicitly there) but not as a class of its own
        String snippet = "import dev.ffmsockets.Socket;\n\nvoid main() throws Exception {\n"
                + "    Socket.openConnected(\"localhost\", 1, Duration.ofSeconds(1)).close();\n}\n";
        Path compact = Files.createDirectories(dir.resolve("c")).resolve("Probe.java");
        Files.writeString(compact, snippet);
        assertEquals(List.of(), compile(compact));
        Path explicit = Files.createDirectories(dir.resolve("e")).resolve("Probe.java");
        Files.writeString(explicit, asClass(snippet, "Probe"));
        assertFalse(compile(explicit).isEmpty(), "Duration without its import must not compile");
        assertNotNull(File.separator);
    }
}
