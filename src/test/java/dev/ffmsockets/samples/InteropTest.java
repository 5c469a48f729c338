package dev.ffmsockets.samples;

import dev.ffmsockets.samples.Samples.Exchange;
import dev.ffmsockets.samples.Samples.Impl;
import dev.ffmsockets.samples.Samples.Sample;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every C sample against its Java ports, both ways and in both Java flavours, and the seeds' Python server and
 * client against the Java ones: real processes over loopback and a temporary directory, exact bytes.
 */
class InteropTest {

    @BeforeAll
    static void build() throws Exception {
        Samples.buildNative();
        assertEquals(0, Samples.run(List.of("python3", "--version"), 30).status(),
                "python3 is needed for the Python interop (scripts/test installs it)");
    }

    static List<Arguments> pairings() {
        List<Arguments> all = new ArrayList<>();
        Impl[] sides = {Impl.C, Impl.CSTYLE, Impl.SAFE};
        for (Sample s : Sample.values()) {
            for (Impl server : sides) {
                for (Impl client : sides) {
                    if (server.isJava() || client.isJava()) {
                        all.add(Arguments.of(s, server, client));
                    }
                }
            }
            if (s.hasPython()) {
                for (Impl other : sides) {
                    all.add(Arguments.of(s, Impl.PYTHON, other));
                    all.add(Arguments.of(s, other, Impl.PYTHON));
                }
            }
        }
        return all;
    }

    @ParameterizedTest(name = "{0}: {1} server, {2} client")
    @MethodSource("pairings")
    void serverAndClientExchangeExactBytes(Sample sample, Impl server, Impl client, @TempDir Path dir) throws Exception {
        Exchange x = Samples.exchange(sample, server, client, dir, null, false);
        String context = "server: " + String.join(" ", x.serverCommand()) + "\n" + x.serverRun().output()
                + "client: " + String.join(" ", x.clientCommand()) + "\n" + x.clientRun().output();
        assertEquals(0, x.clientRun().status(), context);
        assertEquals(0, x.serverRun().status(), context);
        assertEquals(x.expected(), x.clientRun().output(), context);
        assertTrue(x.listening().startsWith("listening on "), context);
    }
}
