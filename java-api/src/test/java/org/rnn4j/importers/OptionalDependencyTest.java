package org.rnn4j.importers;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.rnn4j.importers.Messages.assertMessage;

import org.junit.jupiter.api.Test;

/** A missing optional library is named with its Maven coordinates instead of surfacing as NoClassDefFoundError. */
class OptionalDependencyTest {

    @Test
    void aMissingLibraryIsNamedWithItsCoordinatesAndPurpose() {
        OptionalDependency absent = new OptionalDependency("org.example.Absent", "org.example", "absent", "testing");
        IllegalStateException e = assertThrows(IllegalStateException.class, absent::require);
        assertMessage(e, "org.example:absent", "testing", "<artifactId>absent</artifactId>", "optional", "rnn4j-bom");
    }

    @Test
    void theImportersLibrariesArePresentOnTheTestClassPath() {
        assertDoesNotThrow(OptionalDependency.GSON::require);
        assertDoesNotThrow(OptionalDependency.JHDF::require);
    }
}
