package org.rnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import java.util.SplittableRandom;
import org.rnn4j.Cell;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;

/**
 * How close oneDNN f32 must be to the float64 reference, and the comparison itself.
 *
 * <p>Derivation. A gate pre-activation sums K = I' + S products plus two biases (LSTMP adds a second sum of H
 * products for the projection). Weights are uniform in ±1/√H and inputs, states and gate outputs lie in [−1, 1],
 * so Σ|terms| ≤ K/√H + 2. In float32 (u = 2^-24) a length-K sum is off by at most K·u·Σ|terms| (Higham's γ_K), the
 * activations add a few ulp, and every step and layer adds one such error while the gates (|f|, |z| &lt; 1) damp
 * older ones. We allow {@code tol = 4·u·K·(K/√H + 2)·L·(2 for LSTMP)} with a floor of 2e-6·T (a few ulp of O(1)
 * values per step after transcendental evaluations, oneDNN's vectorised tanh/σ being accurate to a few ulp), used
 * as both absolute and relative tolerance. For K = 26, H = 13, L = 2 this is ≈ 1e-4: far below the O(0.1) errors a
 * wrong gate order, transposition, direction or length handling produces.
 */
final class Agreement {
    private Agreement() {}

    static double tolerance(RnnSpec spec, int steps) {
        double u = 0x1.0p-24;
        int k = 0;
        for (int l = 0; l < spec.layers(); l++) k = Math.max(k, spec.layerInputSize(l) + spec.stateSize());
        int projected = spec.cell() instanceof Cell.Lstm && ((Cell.Lstm) spec.cell()).hasProjection() ? 2 : 1;
        double terms = k / Math.sqrt(spec.hiddenSize()) + 2;
        return Math.max(2e-6 * steps, 4 * u * k * terms * spec.layers() * projected);
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
