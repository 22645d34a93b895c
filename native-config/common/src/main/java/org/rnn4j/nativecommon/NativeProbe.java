package org.rnn4j.nativecommon;

import java.util.Objects;
import java.util.function.Supplier;
import org.bytedeco.javacpp.Loader;
import org.rnn4j.Availability;

/**
 * Turns "can this backend's native library load here" into an {@link Availability}, never an error. Stateless and
 * thread-safe; callers cache the result (a probe is cheap after its first call because they do).
 */
public final class NativeProbe {
    private NativeProbe() {}

    /**
     * Loads the natives of {@code presetClass} (JavaCPP {@link Loader#load(Class)}), then asks {@code details} what
     * was found. Any {@link Throwable} on the way (missing classifier jar, {@link UnsatisfiedLinkError}, a native
     * query failing) becomes {@link Availability#unavailable} naming the exception and {@code fixHint}.
     */
    public static Availability probe(String backend, Class<?> presetClass, Supplier<String> details, String fixHint) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(presetClass, "presetClass");
        Objects.requireNonNull(details, "details");
        try {
            Loader.load(presetClass);
            return Availability.available(details.get());
        } catch (Throwable t) { // UnsatisfiedLinkError, NoClassDefFoundError, ExceptionInInitializerError, ...
            return Availability.unavailable(describe(backend, presetClass, t, fixHint));
        }
    }

    static String describe(String backend, Class<?> presetClass, Throwable t, String fixHint) {
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) root = root.getCause();
        StringBuilder b = new StringBuilder(backend).append(": loading the natives of ").append(presetClass.getName())
                .append(" failed with ").append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        if (root != t) b.append(" (cause: ").append(root.getClass().getSimpleName()).append(": ").append(root.getMessage()).append(')');
        b.append(" (platform ").append(platformName()).append(')');
        if (fixHint != null && !fixHint.isBlank()) b.append("; fix: ").append(fixHint);
        return b.toString();
    }

    private static String platformName() {
        try {
            return Loader.getPlatform();
        } catch (Throwable t) {
            return System.getProperty("os.name") + "-" + System.getProperty("os.arch");
        }
    }
}
