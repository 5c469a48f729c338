package dev.ffmsockets.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The machine the numbers come from, in one line. */
final class Environment {

    private Environment() {
    }

    static String describe() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
        } catch (IOException e) {
            // keep "unknown CPU"
        }
        String kernel = System.getProperty("os.name") + " " + System.getProperty("os.version");
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " CPUs visible to the JVM, " + kernel + ", JDK "
                + Runtime.version() + " (" + System.getProperty("java.vm.name") + ")";
    }
}
