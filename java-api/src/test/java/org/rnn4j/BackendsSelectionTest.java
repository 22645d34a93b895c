package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Selection order: explicit name > system property > environment > best native; the reference only when named. */
class BackendsSelectionTest {
    private static final Map<String, String> NONE = Map.of();

    @Test
    void theReferenceIsNeverChosenAutomatically() {
        // java-api alone installs only the reference backend.
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select(null, NONE::get, NONE::get));
        assertTrue(e.getMessage().contains("no native backend"), e.getMessage());
        assertTrue(e.getMessage().contains("reference: available"), "lists every provider: " + e.getMessage());
    }

    @Test
    void explicitNameWinsOverPropertyAndEnvironment() {
        Map<String, String> prop = Map.of(Backends.PROPERTY, "nope");
        assertEquals("reference", Backends.select("Reference", prop::get, prop::get).name());
    }

    @Test
    void propertyWinsOverEnvironment() {
        Map<String, String> prop = Map.of(Backends.PROPERTY, "reference");
        Map<String, String> env = Map.of(Backends.ENV, "nope");
        assertEquals("reference", Backends.select(null, prop::get, env::get).name());
    }

    @Test
    void environmentIsUsedWhenNothingElseNamesABackend() {
        Map<String, String> env = Map.of(Backends.ENV, "reference");
        assertEquals("reference", Backends.select(null, NONE::get, env::get).name());
    }

    @Test
    void unknownNameListsTheInstalledBackends() {
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> Backends.select("tpu", NONE::get, NONE::get));
        assertTrue(e.getMessage().contains("'tpu'") && e.getMessage().contains("reference"), e.getMessage());
    }
}
