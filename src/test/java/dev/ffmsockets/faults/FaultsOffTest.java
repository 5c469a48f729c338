package dev.ffmsockets.faults;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** In a JVM started without {@code -Ddev.ffmsockets.faults=true} (every test JVM but the faults' own), none can be made. */
class FaultsOffTest {

    @Test
    void withoutThePropertyNoFaultCanBeMadeAndTheMessageSaysHowToAllowThem() {
        assertFalse(Faults.enabled());
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Faults.on(Faults.Call.SEND));
        assertEquals("fault injection is off in this JVM: start it with -Ddev.ffmsockets.faults=true (for a Maven test"
                + " run, in Surefire's argLine)", e.getMessage());
    }
}
