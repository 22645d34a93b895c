package org.rnn4j;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.function.UnaryOperator;

/**
 * Finds backends with {@link ServiceLoader} and picks one deterministically. Thread-safe.
 *
 * <p>Providers are looked up in the calling thread's context class loader and in rnn4j's own class loader, and each
 * provider class is instantiated once: in an application server or a plugin host the backend jars may be visible
 * only to the context loader, and in a plain application (no context loader, or the same one) nothing changes. What
 * rnn4j's own loader finds is loaded once; what a different context loader adds is looked up on each call, so
 * rnn4j never holds on to that loader or its classes.
 *
 * <p>Selection order: an explicit name &gt; system property {@value #PROPERTY} &gt; environment variable
 * {@value #ENV} &gt; the highest-ranked available native backend. The reference backend is used only when named.
 */
public final class Backends {
    public static final String PROPERTY = "rnn4j.backend";
    public static final String ENV = "RNN4J_BACKEND";
    private static final ClassLoader OWN = Backends.class.getClassLoader();

    /**
     * One instance per provider class, kept with the class itself: a provider from a context loader lives as long as
     * its class, and the cache never keeps that loader reachable.
     */
    private static final ClassValue<Instance> INSTANCES = new ClassValue<>() {
        @Override
        protected Instance computeValue(Class<?> type) { return new Instance(); }
    };

    private static final Object LOCK = new Object();
    private static volatile Found own;

    private Backends() {}

    /** Providers found in a set of class loaders, sorted, and why the others failed to load. */
    private record Found(List<Backend> backends, List<String> failures) {}

    /** The single instance of one provider class, made on first use. */
    private static final class Instance {
        private Backend backend;

        synchronized Backend get(ServiceLoader.Provider<Backend> provider) {
            if (backend == null) backend = provider.get();
            return backend;
        }
    }

    /**
     * Every backend installed for the calling thread (see the class comment), highest rank first. A provider that
     * cannot be loaded (a stale service entry, a missing class or native binding) is left out, and its reason is in
     * {@link #providerFailures()}: one broken jar never hides the others.
     */
    public static List<Backend> all() {
        return found().backends();
    }

    /** Why providers named in {@code META-INF/services/org.rnn4j.Backend} could not be loaded; empty normally. */
    public static List<String> providerFailures() {
        return found().failures();
    }

    private static Found found() {
        Found mine = own;
        if (mine == null) {
            synchronized (LOCK) {
                if (own == null) own = find(List.of(OWN));
                mine = own;
            }
        }
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        if (context == null || context == OWN) return mine;
        return find(List.of(OWN, context));
    }

    /** The providers {@code loader} finds, sorted; the reason for each one that fails to load goes into {@code failed}. */
    static List<Backend> load(ClassLoader loader, List<String> failed) {
        Found f = find(List.of(loader));
        failed.addAll(f.failures());
        return f.backends();
    }

    /**
     * The providers the loaders find, each class once (a context loader usually also sees what rnn4j's own loader
     * sees), sorted by rank then name.
     */
    private static Found find(List<ClassLoader> loaders) {
        Map<Class<?>, Backend> found = new LinkedHashMap<>();
        List<String> failed = new ArrayList<>();
        for (ClassLoader loader : loaders) {
            Iterator<ServiceLoader.Provider<Backend>> it = ServiceLoader.load(Backend.class, loader).stream().iterator();
            // After an error the lookup moves on to the next provider (ServiceLoader's contract); the bound only
            // guards against a loader that keeps failing on the same entry.
            for (int errors = 0; errors < 64; ) {
                try {
                    if (!it.hasNext()) break;
                    ServiceLoader.Provider<Backend> p = it.next();
                    if (!found.containsKey(p.type())) found.put(p.type(), INSTANCES.get(p.type()).get(p));
                } catch (ServiceConfigurationError | LinkageError e) {
                    String reason = String.valueOf(e.getMessage());
                    if (!failed.contains(reason)) failed.add(reason);
                    errors++;
                }
            }
        }
        List<Backend> sorted = new ArrayList<>(found.values());
        sorted.sort(Comparator.comparingInt(Backend::rank).reversed().thenComparing(Backend::name));
        return new Found(List.copyOf(sorted), List.copyOf(failed));
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

    /**
     * The backend name the process configures, if any: {@value #PROPERTY}, else {@value #ENV}, not blank, as given.
     * When present, {@link #select()} selects that backend or throws; it never falls back to another (so a caller
     * that would fall back itself, say to the reference, can tell a typo from "nothing native here").
     */
    public static Optional<String> configuredName() {
        return configuredName(System::getProperty, System::getenv);
    }

    static Optional<String> configuredName(UnaryOperator<String> properties, UnaryOperator<String> environment) {
        return Optional.ofNullable(firstNonBlank(properties.apply(PROPERTY), environment.apply(ENV)));
    }

    static Backend select(String explicit, UnaryOperator<String> properties, UnaryOperator<String> environment) {
        String name = firstNonBlank(explicit, configuredName(properties, environment).orElse(null));
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
        Found found = found();
        StringBuilder s = new StringBuilder();
        for (Backend b : found.backends()) {
            if (s.length() > 0) s.append("; ");
            s.append(b.name()).append(": ").append(probe(b));
        }
        for (String f : found.failures()) {
            if (s.length() > 0) s.append("; ");
            s.append("a provider failed to load: ").append(f);
        }
        return s.length() == 0 ? "(none installed)" : s.toString();
    }
}
