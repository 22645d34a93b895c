package org.rnn4j.tests;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Activation;
import org.rnn4j.Backend;
import org.rnn4j.Backends;
import org.rnn4j.Cell;
import org.rnn4j.LayerWeights;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * ThresholdedRelu at and next to its threshold, on every backend and path: {@code y = x} for {@code x > α}, else 0
 * (ONNX's ThresholdedRelu and ONNX Runtime's RNN activation). ONNX stores α as a float and compares in the data's
 * type (CastLike), so with f32 data the threshold is α rounded to the nearest float: α = 0.1 means 0.1f, and
 * x = 0.1f gives 0.
 *
 * <p>The weights make the gate pre-activation exactly x (identity W, zero R and biases), and the other activations
 * of an LSTM or GRU make the output exactly the activated gate, so every result is exact and compared bit for bit.
 * A second call adds a NaN sequence, which sends oneDNN to its NaN-exact path.
 */
class ThresholdedReluBoundaryTest {
    private static final int K = 7;

    static Stream<Double> alphas() {
        // default; representable; negative; zero; rounding up to a float (0.1, 0.3); rounding down (0.7)
        return Stream.of(1.0, 0.5, -0.25, 0.0, 0.1, 0.3, 0.7);
    }

    /** Around float(α): α, its float neighbours, and values clearly above and below. */
    private static float[] inputs(double alpha) {
        float a = (float) alpha;
        return new float[] {a, Math.nextUp(a), Math.nextDown(a), a + 1f, a - 1f, 0f, -a};
    }

    private static float expected(float x, double alpha) {
        return x > (float) alpha ? x : 0f;
    }

    private enum Slot { RNN, LSTM_CELL_GATE, GRU_RESET_BEFORE, GRU_LINEAR_BEFORE_RESET }

    private static RnnSpec spec(Slot slot, Activation act) {
        switch (slot) {
            case RNN: return RnnSpec.builder(new Cell.Rnn(act)).inputSize(K).hiddenSize(K).build();
            // i = f = o = 1 (Affine 0·x + 1), c = g, h = c (Affine 1·x + 0): h is the activated cell gate
            case LSTM_CELL_GATE: return RnnSpec.builder(new Cell.Lstm()).inputSize(K).hiddenSize(K)
                    .activations(Activation.affine(0, 1), act, Activation.affine(1, 0)).build();
            // z = r = 0 (Affine 0·x + 0), h = (1 − z)·n + z·h = n: h is the activated new gate
            case GRU_RESET_BEFORE: return RnnSpec.builder(new Cell.Gru(Cell.ResetMode.RESET_BEFORE)).inputSize(K)
                    .hiddenSize(K).activations(Activation.affine(0, 0), act).build();
            default: return RnnSpec.builder(new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(K)
                    .hiddenSize(K).activations(Activation.affine(0, 0), act).build();
        }
    }

    /** W's block for the gate that carries ThresholdedRelu is the identity; every other weight is 0. */
    private static RnnWeights weights(RnnSpec spec, Slot slot) {
        int gates = spec.cell().gateCount();
        int block = slot == Slot.RNN ? 0 : 2; // LSTM i,f,g,o: g; GRU z,r,n: n
        float[] w = new float[gates * K * K];
        for (int j = 0; j < K; j++) w[(block * K + j) * K + j] = 1f;
        return RnnWeights.of(spec, List.of(LayerWeights.of(w, new float[gates * K * K], new float[gates * K], new float[gates * K])));
    }

    private static List<Backend> subjects() {
        List<Backend> list = new ArrayList<>();
        list.add(Backends.select("reference"));
        for (Backend b : TestBackends.nativeBackends()) {
            if (b.probe().available()) list.add(b);
            else if (TestBackends.required().contains(b.name())) TestBackends.assumeAvailable(b); // fails
        }
        return list;
    }

    @ParameterizedTest(name = "alpha={0}")
    @MethodSource("alphas")
    void everyBackendAndSlotGivesXAboveTheFloatThresholdAndZeroAtOrBelowIt(double alpha) {
        Activation act = Activation.thresholdedRelu(alpha);
        float[] x = inputs(alpha);
        float[] want = new float[K];
        for (int j = 0; j < K; j++) want[j] = expected(x[j], alpha);
        float[] withNaN = Arrays.copyOf(x, 2 * K);
        Arrays.fill(withNaN, K, 2 * K, Float.NaN);
        List<String> failures = new ArrayList<>();
        List<Backend> subjects = subjects();
        System.out.println("ThresholdedRelu(" + alpha + ") at its threshold on " + subjects.stream().map(Backend::name).toList());
        for (Backend b : subjects) {
            for (Slot slot : Slot.values()) {
                RnnSpec spec = spec(slot, act);
                try (PreparedRnn p = b.prepare(spec, weights(spec, slot))) {
                    float[] finite = p.forward(RnnInput.builder(x, Layout.TIME_MAJOR, 1, 1).build()).y();
                    float[] nan = Arrays.copyOf(p.forward(RnnInput.builder(withNaN, Layout.TIME_MAJOR, 1, 2).build()).y(), K);
                    String name = b.name() + " " + spec.caseName() + " alpha=" + alpha + " x=" + Arrays.toString(x);
                    if (!Arrays.equals(want, finite)) failures.add(name + ": expected " + Arrays.toString(want) + " but got " + Arrays.toString(finite));
                    if (!Arrays.equals(want, nan)) failures.add(name + " (with a NaN sequence): expected " + Arrays.toString(want) + " but got " + Arrays.toString(nan));
                }
            }
        }
        assertEquals(List.of(), failures);
    }
}
