package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The emulated device and the host CUDA stand-in skip (or, where required, fail) with the reason an old g++ cannot build them. */
class ExecutablesTest {

    @Test
    void gxxTwelveAndNewerBuildTheKernelsOlderOnesAreNamed() {
        assertNull(Executables.gxxVersionProblem("12"));
        assertNull(Executables.gxxVersionProblem("12.2.0"));
        assertNull(Executables.gxxVersionProblem("14"));
        String old = Executables.gxxVersionProblem("11.4.0");
        assertTrue(old != null && old.contains("g++ 11.4.0 is older than 12") && old.contains("_Float16"), old);
        String unreadable = Executables.gxxVersionProblem("gcc-version-x");
        assertTrue(unreadable != null && unreadable.contains("'gcc-version-x'"), unreadable);
    }
}
