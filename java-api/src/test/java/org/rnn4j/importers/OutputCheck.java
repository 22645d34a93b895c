package org.rnn4j.importers;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.rnn4j.Availability;
import org.rnn4j.Backend;
import org.rnn4j.Backends;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.reference.ReferenceBackend;
import org.rnn4j.testkit.Tolerance;

/** Runs imported weights on a backend over a fixture's input and compares Y, final h and final c. Stateless. */
final class OutputCheck {
    /**
     * The backends every golden fixture runs on. Adding one is one entry here (its module must be on the test class
     * path); an unavailable backend is skipped with its probe reason.
     */
    static final List<String> BACKENDS = List.of(ReferenceBackend.NAME);

    /** Allowed |actual − expected| ≤ atol + rtol·|expected|. */
    /** PyTorch computed in float32 with its default init |w| ≤ 1/√H: exactly the shared bound ({@link Tolerance}). */
    static Tolerance pytorchFloat32(RnnSpec spec) {
        return Tolerance.of(spec, 5);
    }

    /**
     * Expected values from a float64 transcription of the Keras equations with the same float32 weights and
     * inputs: the only differences are float64 summation order (≈ K·2^-53 ≈ 1e-15) and the backend rounding its
     * float64 result to float (≤ 2^-24·|y|).
     */
    static Tolerance float64Oracle() { return new Tolerance(1e-12, 0x1.0p-24 * (1 + 1e-6)); }

    private OutputCheck() {}

    static Backend backend(String name) {
        Backend b = Backends.all().stream().filter(x -> x.name().equals(name)).findFirst().orElse(null);
        Assumptions.assumeTrue(b != null, () -> "backend " + name + " is not on the test class path");
        Availability a = b.probe();
        Assumptions.assumeTrue(a.available(), () -> "backend " + name + " unavailable: " + a.reason());
        return b;
    }

    /** Runs {@code weights} on {@code backendName} over the fixture's x, h0 (and c0) and checks y, hn (and cn). */
    static void check(String backendName, GoldenFixture f, RnnWeights weights, Tolerance tol) {
        RnnSpec spec = weights.spec();
        int[] xd = f.dims("x");
        RnnInput.Builder in = RnnInput.builder(f.floats("x"), org.rnn4j.Layout.TIME_MAJOR, xd[0], xd[1]).initialH(f.floats("h0"));
        if (f.floats("c0") != null) in.initialC(f.floats("c0"));
        RnnOutput out;
        try (PreparedRnn rnn = backend(backendName).prepare(spec, weights)) {
            out = rnn.forward(in.build());
        }
        String where = f.name() + " [" + spec.caseName() + "] on " + backendName;
        compare(where + " y", f.doubles("y"), out.y(), tol);
        compare(where + " h_n", f.doubles("hn"), out.hFinal(), tol);
        if (f.doubles("cn") != null) compare(where + " c_n", f.doubles("cn"), out.cFinal(), tol);
    }

    private static void compare(String what, double[] expected, float[] actual, Tolerance tol) {
        assertNotNull(actual, what + ": not computed");
        assertEquals(expected.length, actual.length, what + ": element count");
        double worst = 0;
        int worstAt = -1;
        for (int i = 0; i < expected.length; i++) {
            double excess = Math.abs(actual[i] - expected[i]) - (tol.atol() + tol.rtol() * Math.abs(expected[i]));
            if (!(Double.isFinite(actual[i])) || excess > 0 && (worstAt < 0 || excess > worst)) {
                worst = excess;
                worstAt = i;
            }
        }
        if (worstAt >= 0) {
            fail(what + ": element " + worstAt + " expected " + expected[worstAt] + " but was " + actual[worstAt]
                    + " (|diff| " + Math.abs(actual[worstAt] - expected[worstAt]) + " > atol " + tol.atol() + " + rtol " + tol.rtol() + "·|expected|)");
        }
    }
}
