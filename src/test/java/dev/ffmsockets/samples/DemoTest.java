package dev.ffmsockets.samples;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The demo says when something failed, and exits non-zero: here strace is missing from its PATH. */
class DemoTest {

    @BeforeAll
    static void build() throws Exception {
        Samples.buildNative();
    }

    @Test
    void aFailureMakesTheDemoExitNonZero(@TempDir Path bin) throws Exception {
        for (String tool : new String[] {"sh", "taskset"}) { // everything the demo runs but strace
            Samples.Run where = Samples.run(List.of("sh", "-c", "command -v " + tool), 10);
            if (where.status() == 0) {
                Files.createSymbolicLink(bin.resolve(tool), Path.of(where.output().strip()).toRealPath());
            }
        }
        // the interpreter itself, not a launcher script (such as pyenv's) that would look for more on PATH
        Samples.Run python = Samples.run(List.of("python3", "-c", "import sys; print(sys.executable)"), 30);
        assertEquals(0, python.status(), python.output());
        Files.createSymbolicLink(bin.resolve("python3"), Path.of(python.output().strip()).toRealPath());
        List<String> command = new ArrayList<>(Samples.jvm());
        command.addAll(List.of(Demo.class.getName(), "0.2"));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("PATH", bin.toString());
        pb.environment().put("FFM_SOCKETS_ROOT", Samples.root().toString());
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(1, p.exitValue(), out);
        assertTrue(out.contains("strace is not installed"), out);
        assertTrue(out.contains("1 thing failed."), out);
        assertTrue(out.contains("client got \"Hello there.\""), "the rest of the demo still ran:\n" + out);
    }
}
