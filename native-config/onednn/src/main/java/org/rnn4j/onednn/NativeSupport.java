package org.rnn4j.onednn;

import java.util.List;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.RnnSpec;

/**
 * Which specs oneDNN's RNN primitives compute exactly, and which need the composed cell path. Stateless and
 * thread-safe; pure Java (no natives), so it can be asked before anything loads.
 */
public final class NativeSupport {
    private NativeSupport() {}

    /**
     * True when some direction of {@code spec} cannot run on oneDNN's RNN primitives exactly, so the layer driver
     * uses {@code ComposedCells} (matmul + eltwise) for it. The reasons, feature by feature:
     * <ul>
     *   <li>{@code clip}: ONNX clamps every gate pre-activation; the primitives have no such step.</li>
     *   <li>RNN activations other than Tanh, Relu, LeakyRelu and Sigmoid: vanilla_rnn only offers
     *       {@code eltwise_tanh}, {@code eltwise_relu} (with alpha, i.e. LeakyRelu) and {@code eltwise_logistic}.</li>
     *   <li>LSTM activations other than (Sigmoid, Tanh, Tanh) and GRU other than (Sigmoid, Tanh): lstm, gru and
     *       lbr_gru hard-wire these functions.</li>
     *   <li>CIFG with a non-Sigmoid gate activation: the exact negated-weights trick relies on
     *       σ(−a) = 1 − σ(a), which only the logistic function satisfies (covered by the rule above, since any
     *       non-default LSTM activation already composes).</li>
     * </ul>
     * Everything else (peepholes on any subset, projection, CIFG with Sigmoid, both GRU variants, every direction,
     * stacking, sequence lengths) is native.
     */
    public static boolean needsComposition(RnnSpec spec) {
        if (spec.clip().isPresent()) return true;
        for (int d = 0; d < spec.direction().count(); d++) {
            if (!nativeActivations(spec.cell(), spec.activationsOf(d))) return true;
        }
        return false;
    }

    /**
     * True when a NaN reaching some step of {@code spec} would come out of oneDNN as a number: clip and the ReLU
     * and HardSigmoid activations are built on max/min, which return the non-NaN operand (found and pinned by
     * {@code NonFiniteDataTest}), the composed ThresholdedRelu turns −∞ into {@code 0·−∞ = NaN}, and a GRU with an
     * unbounded activation meets infinities where its blend formula matters, and peepholes on only some gates are
     * zero rows for the others (0 · ±∞ = NaN where the reference has no term; a cell state is ±∞ only when the
     * data put it there, since |c_t| ≤ |c_{t-1}| + 1 with the primitive's σ and tanh). Calls with
     * non-finite data then run on the NaN-exact composed path. Only F32 has that path.
     */
    public static boolean losesNaN(RnnSpec spec) {
        if (spec.dataType() != DataType.F32) return false;
        if (spec.clip().isPresent()) return true;
        if (spec.cell() instanceof Cell.Lstm lstm && UserWeights.hasZeroPeepholeRow(lstm)) return true;
        for (int d = 0; d < spec.direction().count(); d++) {
            for (Activation a : spec.activationsOf(d)) {
                switch (a.kind()) {
                    case RELU: case HARD_SIGMOID: case THRESHOLDED_RELU: return true;
                    case AFFINE: case LEAKY_RELU: case ELU: case SOFTPLUS:
                        // unbounded: a GRU's z or n can be ±∞, where the composed n + z⊙(h − n) and the
                        // reference (1−z)⊙n + z⊙h differ (NaN versus ±∞)
                        if (spec.cell() instanceof Cell.Gru) return true;
                        break;
                    default: break;
                }
            }
        }
        return false;
    }

    /** Whether one direction's activation list maps onto a oneDNN primitive as is. */
    static boolean nativeActivations(Cell cell, List<Activation> acts) {
        if (cell instanceof Cell.Rnn) {
            Activation a = acts.get(0);
            switch (a.kind()) {
                case TANH: case RELU: case LEAKY_RELU: case SIGMOID: return true;
                default: return false;
            }
        }
        return acts.equals(cell.defaultActivations());
    }

    /**
     * Whether one multi-direction primitive per layer can serve the whole layer: both directions must share the
     * activation (a bidirectional primitive has one), which only an RNN cell can violate natively.
     */
    static boolean directionsShareActivations(RnnSpec spec) {
        return spec.direction().count() == 1 || spec.activationsOf(0).equals(spec.activationsOf(1));
    }
}
