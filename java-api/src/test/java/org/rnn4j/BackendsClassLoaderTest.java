package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Providers come from the calling thread's context class loader and from rnn4j's own loader, each provider class
 * once. In an application server or plugin host the backend jars may be visible only to the context loader.
 */
class BackendsClassLoaderTest {

    /** A loader that sees this module's classes through its parent and adds one services file from {@code dir}. */
    private static URLClassLoader withServices(Path dir, String... providers) throws IOException {
        Path services = dir.resolve("META-INF/services");
        Files.createDirectories(services);
        Files.writeString(services.resolve(Backend.class.getName()), String.join("\n", providers) + "\n");
        return new URLClassLoader(new URL[] {dir.toUri().toURL()}, Backends.class.getClassLoader());
    }

    private static <T> T withContextLoader(ClassLoader loader, Callable<T> call) throws Exception {
        Thread t = Thread.currentThread();
        ClassLoader before = t.getContextClassLoader();
        t.setContextClassLoader(loader);
        try {
            return call.call();
        } finally {
            t.setContextClassLoader(before);
        }
    }

    private static List<String> names(List<Backend> backends) {
        return backends.stream().map(Backend::name).toList();
    }

    @Test
    void aProviderListedOnlyByTheContextLoaderIsFoundAndSelectable(@TempDir Path dir) throws Exception {
        try (URLClassLoader loader = withServices(dir, ContextLoaderOnlyBackend.class.getName())) {
            List<String> seen = withContextLoader(loader, () -> names(Backends.all()));
            assertTrue(seen.contains(ContextLoaderOnlyBackend.NAME), "context loader's provider missing from " + seen);
            String selected = withContextLoader(loader, () -> Backends.select(ContextLoaderOnlyBackend.NAME).name());
            assertEquals(ContextLoaderOnlyBackend.NAME, selected);
        }
        assertFalse(names(Backends.all()).contains(ContextLoaderOnlyBackend.NAME),
                "once the context loader is gone its provider must be too: " + names(Backends.all()));
    }

    @Test
    void aProviderClassBothLoadersFindIsListedOnceAsOneInstance(@TempDir Path dir) throws Exception {
        Backend own = Backends.select("reference");
        // the context loader delegates to rnn4j's own loader, so it sees the reference's services entry too
        try (URLClassLoader loader = withServices(dir, ContextLoaderOnlyBackend.class.getName(),
                org.rnn4j.reference.ReferenceBackend.class.getName())) {
            List<Backend> all = withContextLoader(loader, Backends::all);
            assertEquals(1, all.stream().filter(b -> b.name().equals("reference")).count(), "reference listed in " + names(all));
            assertSame(own, all.stream().filter(b -> b.name().equals("reference")).findFirst().orElseThrow());
            Backend first = all.stream().filter(b -> b.name().equals(ContextLoaderOnlyBackend.NAME)).findFirst().orElseThrow();
            Backend again = withContextLoader(loader, () -> Backends.select(ContextLoaderOnlyBackend.NAME));
            assertSame(first, again, "each provider class is instantiated once");
        }
    }

    @Test
    void rnn4jsOwnProvidersRemainWhenTheContextLoaderSeesNone() throws Exception {
        try (URLClassLoader isolated = new URLClassLoader(new URL[0], null)) {
            List<String> seen = withContextLoader(isolated, () -> names(Backends.all()));
            assertTrue(seen.contains("reference"), "own loader's providers missing: " + seen);
            assertEquals(List.of(), withContextLoader(isolated, Backends::providerFailures));
        }
        List<String> seen = withContextLoader(null, () -> names(Backends.all()));
        assertTrue(seen.contains("reference"), "no context loader: " + seen);
    }

    @Test
    void aBrokenEntryInTheContextLoaderIsReportedOnce(@TempDir Path dir) throws Exception {
        try (URLClassLoader loader = withServices(dir, "com.example.MissingBackend")) {
            List<String> failures = withContextLoader(loader, Backends::providerFailures);
            assertEquals(1, failures.size(), failures.toString());
            assertTrue(failures.get(0).contains("com.example.MissingBackend"), failures.get(0));
            String described = withContextLoader(loader, Backends::describeAll);
            assertTrue(described.contains("reference: available") && described.contains("com.example.MissingBackend"), described);
        }
        assertEquals(List.of(), Backends.providerFailures());
    }
}
