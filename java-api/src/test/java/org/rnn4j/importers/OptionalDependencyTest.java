package org.rnn4j.importers;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** A missing optional library is named with its Maven coordinates instead of surfacing as NoClassDefFoundError. */
class OptionalDependencyTest {

    @Test
    void aMissingLibraryIsNamedWithItsCoordinatesAndPurpose() {
        OptionalDependency absent = new OptionalDependency("org.example.Absent", "org.example", "absent", "testing");
        IllegalStateException e = assertThrows(IllegalStateException.class, absent::require);
        for (String part : new String[] {"org.example:absent", "testing", "<artifactId>absent</artifactId>", "optional"}) {
            assertTrue(e.getMessage().contains(part), () -> "message lacks '" + part + "': " + e.getMessage());
        }
    }

    @Test
    void theImportersLibrariesArePresentOnTheTestClassPath() {
        assertDoesNotThrow(OptionalDependency.GSON::require);
        assertDoesNotThrow(OptionalDependency.JHDF::require);
    }
}
