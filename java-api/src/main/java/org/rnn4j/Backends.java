package org.rnn4j;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.UnaryOperator;

/**
 * Finds backends with {@link ServiceLoader} and picks one deterministically. Thread-safe; the provider list is
 * loaded once per class loader.
 *
 * <p>Selection order: an explicit name &gt; system property {@value #PROPERTY} &gt; environment variable
 * {@value #ENV} &gt; the highest-ranked available native backend. The reference backend is used only when named.
 */
public final class Backends {
    public static final String PROPERTY = "rnn4j.backend";
    public static final String ENV = "RNN4J_BACKEND";

    private static volatile List<Backend> installed;
    private static volatile List<String> failures = List.of();

    private Backends() {}

    /**
     * Every installed backend, highest rank first. A provider that cannot be loaded (a stale service entry, a
     * missing class or native binding) is left out, and its reason is in {@link #providerFailures()}: one broken
     * jar never hides the others.
     */
    public static List<Backend> all() {
        List<Backend> list = installed;
        if (list == null) {
            List<String> failed = new ArrayList<>();
            list = load(Backends.class.getClassLoader(), failed);
            failures = List.copyOf(failed);
            installed = list;
        }
        return list;
    }

    /** Why providers named in {@code META-INF/services/org.rnn4j.Backend} could not be loaded; empty normally. */
    public static List<String> providerFailures() {
        all();
        return failures;
    }

    /** The providers {@code loader} finds, sorted; the reason for each one that fails to load goes into {@code failed}. */
    static List<Backend> load(ClassLoader loader, List<String> failed) {
        List<Backend> found = new ArrayList<>();
        Iterator<Backend> it = ServiceLoader.load(Backend.class, loader).iterator();
        // After an error the iterator moves on to the next provider (ServiceLoader's contract); the bound only
        // guards against a loader that keeps failing on the same entry.
        for (int errors = 0; errors < 64; ) {
            try {
                if (!it.hasNext()) break;
                found.add(it.next());
            } catch (ServiceConfigurationError | LinkageError e) {
                failed.add(String.valueOf(e.getMessage()));
                errors++;
            }
        }
        found.sort(Comparator.comparingInt(Backend::rank).reversed().thenComparing(Backend::name));
        return List.copyOf(found);
    }

    /** {@code b.probe()}, with a probe that throws (it should not) reported as unavailable instead. */
    private static Availability probe(Backend b) {
        try {
            return b.probe();
        } catch (RuntimeException | LinkageError e) {
            return Availability.unavailable("its probe failed: " + e);
        }
    }

    /** The backend chosen by the selection order above. */
    public static Backend select() {
        return select(null, System::getProperty, System::getenv);
    }

    /** The named backend (case-insensitive); {@code null} or blank means {@link #select()}. */
    public static Backend select(String name) {
        return select(name, System::getProperty, System::getenv);
    }

    static Backend select(String explicit, UnaryOperator<String> properties, UnaryOperator<String> environment) {
        String name = firstNonBlank(explicit, properties.apply(PROPERTY), environment.apply(ENV));
        if (name != null) return named(name.trim().toLowerCase(Locale.ROOT));
        for (Backend b : all()) {
            if (b.isNative() && probe(b).available()) return b;
        }
        throw new BackendUnavailableException("no native backend is available; name one explicitly (e.g. '"
                + PROPERTY + "=reference') or fix one of: " + describeAll());
    }

    private static Backend named(String name) {
        for (Backend b : all()) {
            if (b.name().equals(name)) {
                Availability a = probe(b);
                if (a.available()) return b;
                throw new BackendUnavailableException("backend '" + name + "' is unavailable: " + a.reason()
                        + "; installed backends: " + describeAll());
            }
        }
        throw new BackendUnavailableException("backend: expected one of " + names() + " but was '" + name
                + "'; installed backends: " + describeAll());
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) if (v != null && !v.isBlank()) return v;
        return null;
    }

    private static List<String> names() {
        List<String> n = new ArrayList<>();
        for (Backend b : all()) n.add(b.name());
        return n;
    }

    /**
     * One entry per backend, {@code name: available (...) | unavailable: reason}, then any provider that failed to
     * load.
     */
    public static String describeAll() {
        StringBuilder s = new StringBuilder();
        for (Backend b : all()) {
            if (s.length() > 0) s.append("; ");
            s.append(b.name()).append(": ").append(probe(b));
        }
        for (String f : providerFailures()) {
            if (s.length() > 0) s.append("; ");
            s.append("a provider failed to load: ").append(f);
        }
        return s.length() == 0 ? "(none installed)" : s.toString();
    }
}
