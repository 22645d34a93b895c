package org.rnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.rnn4j.Cell;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.testkit.Tolerance;

/**
 * How close oneDNN f32 must be to the float64 reference (the shared, derived {@link Tolerance}), and the comparison.
 */
final class Agreement {
    private Agreement() {}

    static double tolerance(RnnSpec spec, int steps) {
        return Tolerance.of(spec, steps).atol();
    }

    static void assertClose(String what, String caseName, float[] expected, float[] actual, double tol) {
        if (expected == null) {
            assertNull(actual, caseName + ": " + what + " must not be computed");
            return;
        }
        assertNotNull(actual, caseName + ": " + what + " missing");
        assertEquals(expected.length, actual.length, caseName + ": " + what + " length");
        for (int i = 0; i < expected.length; i++) {
            double e = expected[i];
            double a = actual[i];
            if (!(Math.abs(a - e) <= tol * (1 + Math.abs(e)))) {
                fail(caseName + ": " + what + "[" + i + "] expected " + e + " but was " + a + " (|diff| "
                        + Math.abs(a - e) + " > tol " + tol + ")");
            }
        }
    }

    static void assertClose(String caseName, RnnOutput expected, RnnOutput actual, double tol) {
        assertClose("Y", caseName, expected.y(), actual.y(), tol);
        assertClose("H_FINAL", caseName, expected.hFinal(), actual.hFinal(), tol);
        assertClose("C_FINAL", caseName, expected.cFinal(), actual.cFinal(), tol);
    }

    static float[] uniform(SplittableRandom rnd, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextDouble(-1, 1);
        return a;
    }
}
