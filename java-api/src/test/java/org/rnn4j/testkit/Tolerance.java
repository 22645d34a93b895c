package org.rnn4j.testkit;

import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.RnnSpec;

/**
 * How far a backend may be from the float64 reference, derived once from the arithmetic; the one tolerance every
 * module's tests use (shared through rnn4j-api's test jar). Immutable.
 *
 * <p>Each gate pre-activation is a dot product of K = I' + S inputs plus two biases. Weights are uniform in ±w
 * (w = 1/√H, PyTorch's default initialisation, unless a test says otherwise) and inputs/states lie in [−1, 1]
 * (σ, tanh outputs), so Σ|terms| ≤ K·w + 2. In float32 with unit roundoff u = 2^-24, a length-K sum errs by at most
 * K·u·Σ|terms| (Higham's γ_K bound); the activations add a few ulp; the recurrence adds one such error per step
 * while the gates (|f|, |z| &lt; 1) damp the older ones; stacking and projection feed one more such error forward
 * per layer. Hence {@code atol = rtol = 4·u·K·(K·w + 2)·L·(2 with projection)}, with a floor of
 * {@code 2e-6·min(T, 5)}: a few ulp of O(1) values per step after vectorised transcendental evaluations, capped at
 * 1e-5. For K = 66, H = 33, L = 2 this is ≈ 1.6e-4 — far below the O(0.1) errors a wrong gate order, direction or
 * length handling produces. BF16 rounds weights and inputs to 8 significant bits (u = 2^-8) with f32 accumulation:
 * its errors are a random walk, {@code 4·u·√K·L}. F16 storage rounds the same things to 11 significant bits
 * (u = 2^-11), accumulation again in f32: the same random walk with that u.
 */
public record Tolerance(double atol, double rtol) {
    private static final double U_F32 = 0x1.0p-24;
    private static final double U_BF16 = 0x1.0p-8;
    private static final double U_F16 = 0x1.0p-11;

    /** For a call of {@code steps} steps with weights uniform in ±1/√H. */
    public static Tolerance of(RnnSpec spec, int steps) {
        return of(spec, steps, 1 / Math.sqrt(spec.hiddenSize()));
    }

    /** For a call of {@code steps} steps with weights uniform in ±{@code weightBound}. */
    public static Tolerance of(RnnSpec spec, int steps, double weightBound) {
        int k = 0;
        for (int l = 0; l < spec.layers(); l++) k = Math.max(k, spec.layerInputSize(l) + spec.stateSize());
        int projected = spec.cell() instanceof Cell.Lstm && ((Cell.Lstm) spec.cell()).hasProjection() ? 2 : 1;
        double t;
        if (spec.dataType() == DataType.F32) {
            double floor = 2e-6 * Math.min(Math.max(steps, 1), 5);
            t = Math.max(floor, 4 * U_F32 * k * (k * weightBound + 2) * spec.layers() * projected);
        } else {
            double u = spec.dataType() == DataType.F16 ? U_F16 : U_BF16;
            t = 4 * u * Math.sqrt(k) * spec.layers() * projected;
        }
        return new Tolerance(t, t);
    }

    /** This tolerance times {@code factor}, e.g. 2 when both sides computed in float32 (each within the bound). */
    public Tolerance times(double factor) { return new Tolerance(atol * factor, rtol * factor); }

    /** How much of this tolerance {@code actual} uses: |actual − expected| / (atol + rtol·|expected|); ≤ 1 accepts. */
    public double used(double expected, double actual) {
        return Double.isFinite(actual) ? Math.abs(actual - expected) / (atol + rtol * Math.abs(expected)) : Double.POSITIVE_INFINITY;
    }

    public boolean accepts(double expected, double actual) {
        return Double.isFinite(actual) && Math.abs(actual - expected) <= atol + rtol * Math.abs(expected);
    }
}
