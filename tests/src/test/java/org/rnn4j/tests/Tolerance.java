package org.rnn4j.tests;

import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.RnnSpec;

/**
 * How far a backend may be from the float64 reference, derived once from the arithmetic.
 *
 * <p>Each gate pre-activation is a dot product of K = I' + S inputs plus two biases. Weights are uniform in
 * ±1/√H and inputs/states lie in [−1, 1] (σ, tanh outputs; the cases keep ReLU RNNs shallow), so Σ|terms| ≤ K/√H + 2.
 * In float32 with unit roundoff u = 2^-24, a length-K sum has error ≤ K·u·Σ|terms| (Higham's γ_K bound), the
 * activations add a few ulp, and the recurrence adds one such error per step while the gates (|f|, |z| &lt; 1)
 * damp the older ones; the bidirectional sum and stacking add at most one more rounding per layer. We therefore
 * allow {@code atol = rtol = 4 · u · K · (K/√H + 2) · L} with a floor of 1e-5 (a few ulp of O(1) values after
 * several transcendental evaluations). For K = 66, H = 33, L = 2: ≈ 1.6e-4 — far below the O(0.1) errors a wrong
 * gate order, direction or length handling produces. BF16 rounds weights and inputs to 8 significant bits
 * (u = 2^-8) and is accumulated in f32: the same bound with u = 2^-8 is loose, so BF16 uses the measured
 * random-walk form {@code 4 · u · √K · L} (documented in docs/backends.md).
 */
public record Tolerance(double atol, double rtol) {
    private static final double U_F32 = 0x1.0p-24;
    private static final double U_BF16 = 0x1.0p-8;

    public static Tolerance of(RnnSpec spec) {
        int k = 0;
        for (int l = 0; l < spec.layers(); l++) k = Math.max(k, spec.layerInputSize(l) + spec.stateSize());
        int projected = spec.cell() instanceof Cell.Lstm && ((Cell.Lstm) spec.cell()).hasProjection() ? 2 : 1;
        double terms = k / Math.sqrt(spec.hiddenSize()) + 2;
        double t;
        if (spec.dataType() == DataType.F32) {
            t = Math.max(1e-5, 4 * U_F32 * k * terms * spec.layers() * projected);
        } else {
            t = 4 * U_BF16 * Math.sqrt(k) * spec.layers() * projected;
        }
        return new Tolerance(t, t);
    }

    public boolean accepts(double expected, double actual) {
        return Double.isFinite(actual) && Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }
}
