package dev.ffmsockets.nio;

import dev.ffmsockets.testing.NoDescriptorLeaks;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * What the tests with the JDK's provider as the referee share: a temporary directory for AF_UNIX paths, no descriptor
 * left behind, and both providers' pollers started before descriptors are counted.
 */
@ExtendWith(NoDescriptorLeaks.class)
abstract class AgainstTheJdk {

    @TempDir
    Path dir;

    @BeforeAll
    static void startThePollers() throws Exception {
        Referee.startThePollers();
    }
}
