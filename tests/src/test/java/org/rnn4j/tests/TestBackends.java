package org.rnn4j.tests;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.rnn4j.Availability;
import org.rnn4j.Backend;
import org.rnn4j.Backends;

/**
 * Which backends the suites run on. An unavailable backend is skipped with its probe reason, unless it is named in
 * the system property {@value #REQUIRE} (comma-separated; CI sets {@code onednn}): then it fails, so a native load
 * failure can never pass as green.
 */
public final class TestBackends {
    public static final String REQUIRE = "rnn4j.test.requireBackends";

    private TestBackends() {}

    /** Names listed in {@value #REQUIRE}, lower case. */
    public static Set<String> required() {
        String v = System.getProperty(REQUIRE, "");
        Set<String> names = new TreeSet<>();
        Arrays.stream(v.split(",")).map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).forEach(names::add);
        return names;
    }

    /** Every installed native backend, available or not (the reference is the oracle, not a subject). */
    public static List<Backend> nativeBackends() {
        List<Backend> list = new ArrayList<>();
        for (Backend b : Backends.all()) if (b.isNative()) list.add(b);
        return list;
    }

    /** Aborts (skips) the calling test when {@code b} is unavailable, or fails it when {@code b} is required. */
    public static void assumeAvailable(Backend b) {
        Availability a = b.probe();
        if (a.available()) return;
        String msg = "backend " + b.name() + " unavailable: " + a.reason();
        if (required().contains(b.name())) Assertions.fail(msg + " (required by -D" + REQUIRE + ")");
        Assumptions.abort(msg);
    }
}
