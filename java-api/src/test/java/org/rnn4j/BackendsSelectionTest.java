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
    void configuredNameIsThePropertyElseTheEnvironmentNeverBlank() {
        assertEquals(java.util.Optional.of("nope"), Backends.configuredName(Map.of(Backends.PROPERTY, "nope")::get,
                Map.of(Backends.ENV, "reference")::get));
        assertEquals(java.util.Optional.of("reference"), Backends.configuredName(Map.of(Backends.PROPERTY, " ")::get,
                Map.of(Backends.ENV, "reference")::get));
        assertEquals(java.util.Optional.empty(), Backends.configuredName(NONE::get, Map.of(Backends.ENV, "")::get));
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

    /** A stale service entry (a shaded jar that lost the class) is reported, and the other providers still load. */
    @Test
    void aProviderThatCannotLoadIsReportedAndTheOthersStillLoad(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path services = dir.resolve("META-INF/services");
        java.nio.file.Files.createDirectories(services);
        java.nio.file.Files.writeString(services.resolve(Backend.class.getName()),
                "com.example.MissingBackend\n" + org.rnn4j.reference.ReferenceBackend.class.getName() + "\n");
        try (java.net.URLClassLoader loader = new java.net.URLClassLoader(new java.net.URL[] {dir.toUri().toURL()},
                Backends.class.getClassLoader()) {
            // only our services file, so the test does not depend on what else is on the class path
            @Override
            public java.util.Enumeration<java.net.URL> getResources(String name) throws java.io.IOException {
                return findResources(name);
            }
        }) {
            java.util.List<String> failed = new java.util.ArrayList<>();
            java.util.List<Backend> found = Backends.load(loader, failed);
            assertEquals(java.util.List.of("reference"), found.stream().map(Backend::name).toList());
            assertEquals(1, failed.size(), failed.toString());
            assertTrue(failed.get(0).contains("com.example.MissingBackend"), failed.get(0));
        }
    }

    @Test
    void theInstalledProvidersAllLoad() {
        assertEquals(java.util.List.of(), Backends.providerFailures());
    }
}
