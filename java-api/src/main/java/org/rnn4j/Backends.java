package org.rnn4j;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
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

    private Backends() {}

    /** Every installed backend, highest rank first. */
    public static List<Backend> all() {
        List<Backend> list = installed;
        if (list == null) {
            List<Backend> found = new ArrayList<>();
            ServiceLoader.load(Backend.class, Backends.class.getClassLoader()).forEach(found::add);
            found.sort(Comparator.comparingInt(Backend::rank).reversed().thenComparing(Backend::name));
            installed = list = List.copyOf(found);
        }
        return list;
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
            if (b.isNative() && b.probe().available()) return b;
        }
        throw new BackendUnavailableException("no native backend is available; name one explicitly (e.g. '"
                + PROPERTY + "=reference') or fix one of: " + describeAll());
    }

    private static Backend named(String name) {
        for (Backend b : all()) {
            if (b.name().equals(name)) {
                Availability a = b.probe();
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

    /** One line per backend: {@code name: available (...) | unavailable: reason}. */
    public static String describeAll() {
        StringBuilder s = new StringBuilder();
        for (Backend b : all()) {
            if (s.length() > 0) s.append("; ");
            s.append(b.name()).append(": ").append(b.probe());
        }
        return s.length() == 0 ? "(none installed)" : s.toString();
    }
}
