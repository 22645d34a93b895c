package org.rnn4j.onednn.composed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import org.bytedeco.dnnl.stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.Gate;
import org.rnn4j.LayerWeights;
import org.rnn4j.RnnSpec;
import org.rnn4j.onednn.DirectionKernel;

/** Every cell, activation, clip, peephole subset, coupling, projection and GRU mode against float64. */
class ComposedCellsTest extends OnCpu {

    /**
     * Tolerance |f32 − f64| ≤ TOL · (1 + |f64|), derived from the arithmetic rather than fitted:
     * <ul>
     *   <li>a pre-activation is a dot product of K ≤ 13 + 13 terms plus biases; f32 accumulation error is at most
     *       (K + 3)·u·Σ|wᵢxᵢ| with u = 2⁻²⁴ ≈ 6e-8 and Σ|wᵢxᵢ| ≤ ~3 for these weights (|w| ≤ 0.8/√K, |x| ≤ 1 or a
     *       bounded state): ≈ 5e-6;</li>
     *   <li>oneDNN's vectorised tanh/logistic/exp/log are approximations accurate to a few ulp (≤ ~1e-6 absolute
     *       near 1); the cell update and blend add a few roundings more: ≈ 2e-6 per step;</li>
     *   <li>the weights keep each recurrence contracting (Lipschitz ≤ ~1), so per-step errors add rather than grow:
     *       over T ≤ 13 steps ≈ 13 · 7e-6 ≈ 1e-4.</li>
     * </ul>
     * Affine/Elu/Relu outputs are not bounded by 1, hence the relative part.
     */
    static final double TOL = 1e-4;


    static Stream<Arguments> cases() {
        List<Arguments> all = new ArrayList<>();
        // RNN: every ONNX activation, at odd unequal sizes (T, N, I, H)
        Activation[] every = {Activation.RELU, Activation.TANH, Activation.SIGMOID, Activation.affine(0.7, 0.1),
            Activation.leakyRelu(0.2), Activation.thresholdedRelu(0.1), Activation.scaledTanh(1.3, 0.6),
            Activation.hardSigmoid(0.3, 0.45), Activation.elu(0.8), Activation.SOFTSIGN, Activation.SOFTPLUS};
        int[][] sizes = {{7, 3, 13, 7}, {13, 1, 3, 13}, {3, 7, 7, 3}, {1, 13, 13, 1}};
        for (int a = 0; a < every.length; a++) {
            int[] sz = sizes[a % sizes.length];
            all.add(c(RnnSpec.builder(Cell.rnn(every[a])).inputSize(sz[2]).hiddenSize(sz[3]).build(), sz[0], sz[1]));
        }
        all.add(c(RnnSpec.builder(Cell.rnn(Activation.TANH)).inputSize(7).hiddenSize(13).clip(0.4).build(), 13, 3));
        // LSTM
        Cell.Lstm lstm = Cell.lstm();
        all.add(c(spec(lstm, 13, 7), 13, 3));
        all.add(c(spec(lstm, 3, 13), 7, 1));
        all.add(c(spec(lstm, 1, 1), 1, 1));
        all.add(c(RnnSpec.builder(lstm).inputSize(7).hiddenSize(13).clip(0.5).build(), 7, 3));
        all.add(c(RnnSpec.builder(lstm).inputSize(13).hiddenSize(7).activations(Activation.hardSigmoid(0.3, 0.45),
                Activation.SOFTSIGN, Activation.thresholdedRelu(0.1)).build(), 7, 3));
        all.add(c(RnnSpec.builder(lstm).inputSize(3).hiddenSize(7).activations(Activation.SIGMOID,
                Activation.elu(0.8), Activation.scaledTanh(1.3, 0.6)).build(), 13, 7));
        all.add(c(RnnSpec.builder(lstm).inputSize(7).hiddenSize(3).activations(Activation.SOFTSIGN,
                Activation.affine(0.7, 0.1), Activation.SOFTPLUS).clip(0.7).build(), 7, 13));
        all.add(c(RnnSpec.builder(lstm).inputSize(7).hiddenSize(3).activations(Activation.thresholdedRelu(-0.2),
                Activation.leakyRelu(0.2), Activation.RELU).build(), 3, 7));
        for (Gate[] subset : new Gate[][] {{Gate.INPUT}, {Gate.FORGET}, {Gate.OUTPUT}, {Gate.INPUT, Gate.OUTPUT},
                {Gate.INPUT, Gate.FORGET, Gate.OUTPUT}}) {
            all.add(c(spec(lstm.withPeepholes(subset), 7, 13), 7, 3));
        }
        for (Cell.Coupling coupling : new Cell.Coupling[] {Cell.Coupling.FORGET_FROM_INPUT, Cell.Coupling.INPUT_FROM_FORGET}) {
            all.add(c(spec(lstm.withCoupling(coupling), 13, 7), 7, 3));
            all.add(c(RnnSpec.builder(lstm.withCoupling(coupling).withAllPeepholes()).inputSize(3).hiddenSize(7)
                    .activations(Activation.hardSigmoid(0.3, 0.45), Activation.TANH, Activation.SOFTSIGN).clip(0.6).build(), 13, 3));
        }
        all.add(c(spec(lstm.withProjection(7), 3, 13), 7, 3));
        all.add(c(spec(lstm.withProjection(13), 7, 3), 3, 7));
        all.add(c(RnnSpec.builder(lstm.withProjection(3).withAllPeepholes()).inputSize(13).hiddenSize(7).clip(0.5)
                .activations(Activation.SOFTSIGN, Activation.TANH, Activation.thresholdedRelu(0.1)).build(), 7, 3));
        // GRU
        for (Cell.ResetMode mode : Cell.ResetMode.values()) {
            all.add(c(spec(Cell.gru(mode), 13, 7), 13, 3));
            all.add(c(spec(Cell.gru(mode), 3, 13), 3, 7));
            all.add(c(RnnSpec.builder(Cell.gru(mode)).inputSize(7).hiddenSize(13).clip(0.4).build(), 7, 3));
            all.add(c(RnnSpec.builder(Cell.gru(mode)).inputSize(7).hiddenSize(3)
                    .activations(Activation.SOFTSIGN, Activation.thresholdedRelu(0.1)).build(), 7, 13));
            all.add(c(RnnSpec.builder(Cell.gru(mode)).inputSize(13).hiddenSize(7)
                    .activations(Activation.hardSigmoid(0.3, 0.45), Activation.elu(0.8)).clip(0.9).build(), 13, 1));
        }
        return all.stream();
    }

    private static RnnSpec spec(Cell cell, int inputSize, int hiddenSize) {
        return RnnSpec.builder(cell).inputSize(inputSize).hiddenSize(hiddenSize).build();
    }

    private static Arguments c(RnnSpec spec, int steps, int batch) {
        return Arguments.of(spec.caseName() + ",t" + steps + ",n" + batch, spec, steps, batch);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void matchesFloat64(String name, RnnSpec spec, int steps, int batch) {
        check(name, spec, steps, batch, false);
    }

    /** The NaN-exact mode computes the same function on finite data (its selects always pick the activation). */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void nanExactModeMatchesFloat64(String name, RnnSpec spec, int steps, int batch) {
        check(name + ",nanExact", spec, steps, batch, true);
    }

    private static void check(String name, RnnSpec spec, int steps, int batch, boolean nanExact) {
        LayerWeights w = KernelHarness.randomWeights(spec, 0, name.hashCode());
        KernelHarness.Inputs in = KernelHarness.randomInputs(spec, 0, steps, batch, name.hashCode() + 1L);
        Float64Recurrence.Result want = Float64Recurrence.run(spec, 0, 0, w, in.x(), steps, batch, in.h0(), in.c0());
        KernelHarness.Outputs got;
        try (DirectionKernel k = ComposedCells.create(eng, spec, 0, 0, w, nanExact)) {
            got = KernelHarness.run(k, strm, spec, in, steps, batch);
        }
        assertClose(name, "y", want.y(), got.y());
        assertClose(name, "hT", want.hT(), got.hT());
        if (want.cT() != null) assertClose(name, "cT", want.cT(), got.cT());
    }

    static void assertClose(String name, String what, double[] want, float[] got) {
        assertEquals(want.length, got.length, name + " " + what + " length");
        double worst = 0;
        int at = -1;
        for (int i = 0; i < want.length; i++) {
            double err = Math.abs(got[i] - want[i]) / (1 + Math.abs(want[i]));
            if (!(err <= worst)) {
                worst = err;
                at = i;
            }
        }
        if (at >= 0) {
            assertTrue(worst <= TOL, name + " " + what + "[" + at + "]: expected " + want[at] + " but was " + got[at]
                    + " (scaled error " + worst + " > " + TOL + ")");
        }
        System.out.printf("%s %s max scaled error %.2e%n", name, what, worst);
    }
}
