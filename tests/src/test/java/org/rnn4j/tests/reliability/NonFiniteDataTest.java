package org.rnn4j.tests.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Activation;
import org.rnn4j.Backend;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.LayerWeights;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * NaN and ±Inf in the data are data, not errors: no backend rejects them, and oneDNN makes exactly the same outputs
 * non-finite as the reference (the same positions of Y, final h and final c) for every activation, with and without
 * clip, on the native and the composed paths. oneDNN's own clip, ReLU and HardSigmoid map NaN to a number; calls
 * with non-finite data therefore run on the NaN-exact composed path, and these tests are what pins that down.
 */
class NonFiniteDataTest {
    static final int CASES = Subjects.count(200, 2_000);
    /** Per spec of the activation grid: every activation is seen with NaN, +Inf and -Inf many times over. */
    static final int GRID_CASES = Subjects.count(16, 160);

    /** One instance of every ONNX activation, with parameters that keep it away from its defaults. */
    static Stream<Activation> everyActivation() {
        return Stream.of(Activation.RELU, Activation.TANH, Activation.SIGMOID, Activation.affine(0.7, -0.2),
                Activation.leakyRelu(0.15), Activation.thresholdedRelu(0.3), Activation.scaledTanh(1.2, 0.8),
                Activation.hardSigmoid(0.3, 0.45), Activation.elu(0.9), Activation.SOFTSIGN, Activation.SOFTPLUS);
    }

    @Test
    void nonFiniteInputsPropagateToTheSamePositionsAsInTheReference() {
        check(List.of(Subjects.plainLstm(), Subjects.bidiGru(), Subjects.composedNanPropagatingGru()), CASES);
    }

    @Test
    void nonFiniteInputsPropagateThroughHardSigmoid() {
        check(List.of(Subjects.composedGru()), CASES);
    }

    @Test
    void nonFiniteInputsPropagateThroughClip() {
        check(List.of(Subjects.composedClipLstm(), Subjects.projectedLstm()), CASES);
    }

    @Test
    void nonFiniteInputsPropagateThroughNativeRelu() {
        check(List.of(RnnSpec.builder(new Cell.Rnn(Activation.RELU)).inputSize(3).hiddenSize(4).layers(2)
                .direction(Direction.BIDIRECTIONAL_CONCAT).build()), CASES);
    }

    /**
     * oneDNN's primitive reads a peephole row for each of i, f, o; with peepholes on only some gates the others are
     * zero rows, and 0 · ±∞ is NaN where the reference has no term. Non-finite initial cell states pin that down
     * (also with a coupled gate, whose slot reads its source's peephole).
     */
    @Test
    void nonFiniteCellStatesPropagateThroughPeepholeSubsets() {
        check(List.of(RnnSpec.builder(new Cell.Lstm().withPeepholes(org.rnn4j.Gate.FORGET)).inputSize(3).hiddenSize(4).build(),
                RnnSpec.builder(new Cell.Lstm().withPeepholes(org.rnn4j.Gate.INPUT, org.rnn4j.Gate.OUTPUT)).inputSize(2)
                        .hiddenSize(3).layers(2).direction(Direction.BIDIRECTIONAL_SUM).build(),
                RnnSpec.builder(new Cell.Lstm().withPeepholes(org.rnn4j.Gate.FORGET, org.rnn4j.Gate.OUTPUT)
                        .withCoupling(Cell.Coupling.INPUT_FROM_FORGET)).inputSize(3).hiddenSize(2).build()), CASES);
    }

    /** Each activation in every slot it can take: RNN (native or composed), clipped RNN, LSTM, both GRUs. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("everyActivation")
    void everyActivationPropagatesLikeTheReference(Activation a) {
        List<RnnSpec> specs = new ArrayList<>();
        specs.add(RnnSpec.builder(new Cell.Rnn(a)).inputSize(3).hiddenSize(5).build());
        specs.add(RnnSpec.builder(new Cell.Rnn(a)).inputSize(4).hiddenSize(3).clip(0.9).direction(Direction.REVERSE).build());
        specs.add(RnnSpec.builder(new Cell.Lstm().withPeepholes(org.rnn4j.Gate.FORGET)).inputSize(3).hiddenSize(4)
                .activations(Activation.SIGMOID, a, a).build());
        specs.add(RnnSpec.builder(Cell.gru(Cell.ResetMode.RESET_BEFORE)).inputSize(2).hiddenSize(3)
                .activations(a, a).build());
        specs.add(RnnSpec.builder(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(3).hiddenSize(2).clip(1.5)
                .activations(Activation.SIGMOID, a).direction(Direction.BIDIRECTIONAL_SUM).build());
        check(specs, GRID_CASES * specs.size());
    }

    /** A NaN weight poisons every output it reaches; the prepared RNN routes every call to the NaN-exact path. */
    @Test
    void nonFiniteWeightsPropagateLikeTheReference() {
        RnnSpec spec = RnnSpec.builder(new Cell.Rnn(Activation.RELU)).inputSize(3).hiddenSize(4).clip(2.0).build();
        RnnWeights random = RnnWeights.random(spec, 5);
        LayerWeights w = random.get(0, 0);
        float[] r = w.r().clone();
        r[5] = Float.NaN; // hidden unit 1 reads unit 1 through a NaN: from step 2 on, every unit is NaN
        RnnWeights poisoned = RnnWeights.of(spec, List.of(LayerWeights.of(w.w(), r, w.wBias(), w.rBias())));
        int nonFinite = run(spec, poisoned, 20, 0f);
        assertTrue(nonFinite > 0, "the NaN weight reached no output");
    }

    /**
     * oneDNN's native peepholes fill absent gates with zero rows, and 0 · ±Inf would be NaN. A cell state can only
     * reach ±Inf from the data, which routes the call to the NaN-exact path; from a finite state it cannot overflow
     * with the native path's sigmoid/tanh (|c_t| ≤ f·|c_{t-1}| + |i·g| ≤ |c_{t-1}| + 1, and Float.MAX_VALUE + 1 rounds
     * to Float.MAX_VALUE). Pinned down here with initial cell states at ±Float.MAX_VALUE on peephole subsets: every
     * output is finite on every backend, as in the reference, and h (bounded by 1) agrees with it.
     */
    @Test
    void aCellStateAtTheLargestFloatStaysFiniteWithPeepholeSubsets() {
        for (RnnSpec spec : List.of(
                RnnSpec.builder(new Cell.Lstm().withPeepholes(org.rnn4j.Gate.FORGET)).inputSize(3).hiddenSize(4).build(),
                RnnSpec.builder(new Cell.Lstm().withPeepholes(org.rnn4j.Gate.INPUT, org.rnn4j.Gate.OUTPUT)).inputSize(2)
                        .hiddenSize(5).direction(Direction.BIDIRECTIONAL_CONCAT).build())) {
            RnnWeights w = RnnWeights.random(spec, 9);
            int n = 3;
            int t = 6;
            float[] c0 = new float[spec.direction().count() * n * spec.hiddenSize()];
            for (int i = 0; i < c0.length; i++) c0[i] = i % 3 == 0 ? Float.MAX_VALUE : i % 3 == 1 ? -Float.MAX_VALUE : 0.5f;
            RnnInput in = RnnInput.builder(Subjects.data(4, t * n * spec.inputSize()), Layout.TIME_MAJOR, t, n)
                    .sequenceLengths(t, 2, 0).initialC(c0).build();
            for (Backend subject : Subjects.natives()) {
                try (PreparedRnn ref = Subjects.reference().prepare(spec, w); PreparedRnn dnn = subject.prepare(spec, w)) {
                    RnnOutput want = ref.forward(in);
                    RnnOutput got = dnn.forward(in);
                    String name = subject.name() + " " + spec.caseName();
                    assertEquals(0, sameNonFinite(want.y(), got.y(), name + " Y") + sameNonFinite(want.hFinal(), got.hFinal(), name + " h")
                            + sameNonFinite(want.cFinal(), got.cFinal(), name + " c"), name + ": non-finite outputs");
                    // The grid's tolerance (absolute plus relative, so it also covers c near Float.MAX_VALUE).
                    org.rnn4j.testkit.Compare.assertOutputsClose(name, want, got, org.rnn4j.testkit.Tolerance.of(spec, t));
                }
            }
        }
    }

    private static void check(List<RnnSpec> specs, int cases) {
        int nonFinite = 0;
        for (RnnSpec spec : specs) nonFinite += run(spec, RnnWeights.random(spec, 21), cases / specs.size(), 1f);
        assertTrue(nonFinite > 0, "no case produced a non-finite output: the test cannot see anything");
        System.out.println("[reliability] non-finite data: " + cases + " cases on " + specs.size() + " specs, "
                + nonFinite + " non-finite outputs, same positions");
    }

    /** Runs {@code cases} calls, each with {@code specialRate > 0 ? 1..3 : 0} special values in X; returns the non-finite outputs seen. */
    private static int run(RnnSpec spec, RnnWeights w, int cases, float specialRate) {
        int nonFinite = 0;
        for (Backend subject : Subjects.natives()) nonFinite += run(subject, spec, w, cases, specialRate);
        return nonFinite;
    }

    private static int run(Backend subject, RnnSpec spec, RnnWeights w, int cases, float specialRate) {
        Backend reference = Subjects.reference();
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        int nonFinite = 0;
        try (PreparedRnn ref = reference.prepare(spec, w); PreparedRnn dnn = subject.prepare(spec, w)) {
            SplittableRandom r = new SplittableRandom(spec.caseName().hashCode());
            for (int c = 0; c < cases; c++) {
                int t = 1 + r.nextInt(5);
                int n = 1 + r.nextInt(4);
                float[] x = Subjects.data(c, t * n * spec.inputSize());
                int bad = specialRate > 0 ? 1 + r.nextInt(3) : 0;
                for (int k = 0; k < bad; k++) x[r.nextInt(x.length)] = specials[r.nextInt(specials.length)];
                RnnInput.Builder b = RnnInput.builder(x, Layout.TIME_MAJOR, t, n);
                if (c % 2 == 1) {
                    int[] lengths = new int[n];
                    for (int j = 0; j < n; j++) lengths[j] = r.nextInt(t + 1);
                    b.sequenceLengths(lengths);
                }
                if (c % 4 == 2) {
                    float[] h0 = Subjects.data(c + 1, spec.direction().count() * spec.layers() * n * spec.stateSize());
                    h0[r.nextInt(h0.length)] = specials[r.nextInt(specials.length)];
                    b.initialH(h0);
                }
                if (c % 4 == 3 && spec.cell() instanceof Cell.Lstm) {
                    float[] c0 = Subjects.data(c + 2, spec.direction().count() * spec.layers() * n * spec.hiddenSize());
                    c0[r.nextInt(c0.length)] = specials[r.nextInt(specials.length)];
                    b.initialC(c0);
                }
                RnnInput in = b.build();
                String name = subject.name() + " " + spec.caseName() + " case " + c + " t" + t + " n" + n;
                RnnOutput want = ref.forward(in);
                RnnOutput got = dnn.forward(in);
                nonFinite += sameNonFinite(want.y(), got.y(), name + " Y");
                nonFinite += sameNonFinite(want.hFinal(), got.hFinal(), name + " h");
                nonFinite += sameNonFinite(want.cFinal(), got.cFinal(), name + " c");
            }
        }
        return nonFinite;
    }

    /** Same positions, and there the same kind of value (NaN, +Inf or -Inf). */
    private static int sameNonFinite(float[] want, float[] got, String name) {
        if (want == null) {
            assertEquals(null, got, name);
            return 0;
        }
        assertEquals(want.length, got.length, name + " length");
        int count = 0;
        for (int i = 0; i < want.length; i++) {
            boolean w = !Float.isFinite(want[i]);
            if (w != !Float.isFinite(got[i]) || w && Float.compare(want[i], got[i]) != 0) {
                throw new AssertionError(name + "[" + i + "]: reference " + want[i] + " but got " + got[i]);
            }
            if (w) count++;
        }
        return count;
    }
}
