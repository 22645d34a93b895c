package org.rnn4j.tests.onnx;

import static org.junit.jupiter.api.Assertions.fail;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.rnn4j.Availability;
import org.rnn4j.Backend;

/**
 * The suite's rule for unavailable backends: skip with the probe's reason, unless the backend is named in the
 * comma-separated system property {@code rnn4j.test.requireBackends}; then fail with that reason. Stateless.
 */
final class BackendGate {
    private BackendGate() {}

    static Set<String> requiredBackends() {
        Set<String> names = new TreeSet<>();
        for (String s : System.getProperty("rnn4j.test.requireBackends", "").split(",")) {
            if (!s.isBlank()) names.add(s.trim().toLowerCase(Locale.ROOT));
        }
        return names;
    }

    /** Returns normally when {@code backend} can run; otherwise aborts (skip) or fails the current test. */
    static void requireAvailable(Backend backend) {
        Availability a = backend.probe();
        if (a.available()) return;
        String why = backend.name() + " unavailable: " + a.reason();
        if (requiredBackends().contains(backend.name())) fail(why + " (required by rnn4j.test.requireBackends)");
        Assumptions.abort(why);
    }
}
