package org.rnn4j.reference;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.Layout;
import org.rnn4j.LayerWeights;
import org.rnn4j.OutputKind;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Directions, lengths, stacking, layouts and projection of the reference, each stated as an identity between two
 * runs with random weights. Both sides run the same float64 code and round once, so they must agree exactly
 * (tolerance 0) except where noted.
 */
class ReferenceSemanticsTest {
    private static final ReferenceBackend REF = new ReferenceBackend();
    private static final Cell LSTM = new Cell.Lstm();

    private static float[] random(int n, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-1, 1);
        return a;
    }

    private static RnnOutput run(RnnSpec spec, RnnWeights w, RnnInput in) {
        try (PreparedRnn p = REF.prepare(spec, w)) {
            return p.forward(in);
        }
    }

    private static RnnSpec spec(Cell cell, int in, int hidden, int layers, Direction d) {
        return RnnSpec.builder(cell).inputSize(in).hiddenSize(hidden).layers(layers).direction(d).build();
    }

    /** Sequence n of a time-major [T,N,C] tensor, first {@code len} steps, optionally reversed, as [len,1,C]. */
    private static float[] sequence(float[] x, int steps, int batch, int channels, int n, int len, boolean reversed) {
        float[] s = new float[len * channels];
        for (int k = 0; k < len; k++) {
            int t = reversed ? len - 1 - k : k;
            System.arraycopy(x, (t * batch + n) * channels, s, k * channels, channels);
        }
        return s;
    }

    @Test
    void zeroLengthSequenceKeepsItsInitialStateAndOutputsZeros() {
        RnnSpec spec = spec(LSTM, 3, 5, 1, Direction.FORWARD);
        RnnWeights w = RnnWeights.random(spec, 1);
        float[] h0 = random(2 * 5, 2);
        float[] c0 = random(2 * 5, 3);
        RnnOutput out = run(spec, w, RnnInput.builder(random(4 * 2 * 3, 4), Layout.TIME_MAJOR, 4, 2)
                .sequenceLengths(4, 0).initialH(h0).initialC(c0).build());
        for (int t = 0; t < 4; t++) {
            for (int j = 0; j < 5; j++) assertEquals(0f, out.y()[(t * 2 + 1) * 5 + j], "Y of the empty sequence at t=" + t);
        }
        for (int j = 0; j < 5; j++) {
            assertEquals(h0[5 + j], out.hFinal()[5 + j], "final h of the empty sequence is its initial h");
            assertEquals(c0[5 + j], out.cFinal()[5 + j], "final c of the empty sequence is its initial c");
        }
    }

    @Test
    void raggedBatchEqualsEachSequenceRunAloneAndPadsWithZeros() {
        RnnSpec spec = spec(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET), 3, 4, 1, Direction.BIDIRECTIONAL_CONCAT);
        RnnWeights w = RnnWeights.random(spec, 5);
        int steps = 5;
        int batch = 3;
        int[] lens = {5, 2, 3};
        float[] x = random(steps * batch * 3, 6);
        RnnOutput all = run(spec, w, RnnInput.builder(x, Layout.TIME_MAJOR, steps, batch).sequenceLengths(lens).build());
        for (int n = 0; n < batch; n++) {
            RnnOutput alone = run(spec, w, RnnInput.of(sequence(x, steps, batch, 3, n, lens[n], false), lens[n], 1));
            for (int t = 0; t < steps; t++) {
                for (int c = 0; c < 8; c++) {
                    float expected = t < lens[n] ? alone.y()[t * 8 + c] : 0f;
                    assertEquals(expected, all.y()[(t * batch + n) * 8 + c], "n=" + n + " t=" + t + " c=" + c);
                }
            }
            for (int d = 0; d < 2; d++) {
                for (int j = 0; j < 4; j++) {
                    assertEquals(alone.hFinal()[d * 4 + j], all.hFinal()[(d * batch + n) * 4 + j], "final h n=" + n + " d=" + d);
                }
            }
        }
    }

    @Test
    void reverseStartsAtTheLastValidStepOfEachSequence() {
        RnnSpec rev = spec(LSTM, 2, 3, 1, Direction.REVERSE);
        RnnSpec fwd = spec(LSTM, 2, 3, 1, Direction.FORWARD);
        RnnWeights w = RnnWeights.random(rev, 7);
        RnnWeights wf = RnnWeights.of(fwd, w.parts());
        float[] x = random(4 * 2, 8);
        RnnOutput r = run(rev, w, RnnInput.builder(x, Layout.TIME_MAJOR, 4, 1).sequenceLengths(3).build());
        RnnOutput f = run(fwd, wf, RnnInput.of(sequence(x, 4, 1, 2, 0, 3, true), 3, 1));
        for (int k = 0; k < 3; k++) {
            for (int j = 0; j < 3; j++) assertEquals(f.y()[k * 3 + j], r.y()[(2 - k) * 3 + j], "step " + k);
        }
        for (int j = 0; j < 3; j++) assertEquals(0f, r.y()[3 * 3 + j], "padding step");
        assertArrayEquals(f.hFinal(), r.hFinal());
    }

    @Test
    void bidirectionalSumIsTheSumOfTheConcatenatedHalves() {
        RnnSpec concat = spec(Cell.rnn(org.rnn4j.Activation.RELU), 3, 4, 1, Direction.BIDIRECTIONAL_CONCAT);
        RnnSpec sum = spec(Cell.rnn(org.rnn4j.Activation.RELU), 3, 4, 1, Direction.BIDIRECTIONAL_SUM);
        RnnWeights w = RnnWeights.random(concat, 9);
        float[] x = random(5 * 2 * 3, 10);
        RnnOutput c = run(concat, w, RnnInput.of(x, 5, 2));
        RnnOutput s = run(sum, RnnWeights.of(sum, w.parts()), RnnInput.of(x, 5, 2));
        for (int tn = 0; tn < 10; tn++) {
            for (int j = 0; j < 4; j++) {
                // Both sides round float64 sums to float32 once, but the concat side rounds each half first:
                // one extra float32 rounding per half, so allow 2 ulp-scale errors of values below 10.
                assertEquals(c.y()[tn * 8 + j] + c.y()[tn * 8 + 4 + j], s.y()[tn * 4 + j], 4e-6, "tn=" + tn + " j=" + j);
            }
        }
        assertArrayEquals(c.hFinal(), s.hFinal(), "final states do not depend on how Y is combined");
    }

    @Test
    void stackedBidirectionalLayerReadsTheConcatenationOfBothDirections() {
        RnnSpec two = spec(LSTM, 3, 4, 2, Direction.BIDIRECTIONAL_CONCAT);
        RnnWeights w = RnnWeights.random(two, 11);
        RnnSpec first = spec(LSTM, 3, 4, 1, Direction.BIDIRECTIONAL_CONCAT);
        RnnSpec second = spec(LSTM, 8, 4, 1, Direction.BIDIRECTIONAL_CONCAT);
        float[] x = random(6 * 2 * 3, 12);
        RnnOutput full = run(two, w, RnnInput.of(x, 6, 2));
        RnnOutput l0 = run(first, RnnWeights.of(first, w.parts().subList(0, 2)), RnnInput.of(x, 6, 2));
        RnnOutput l1 = run(second, RnnWeights.of(second, w.parts().subList(2, 4)), RnnInput.of(l0.y(), 6, 2));
        // The stacked run feeds float64 activations to layer 1; the split run rounds them to float32 first.
        // A relative change of 2^-24 in inputs of magnitude < 1 moves tanh/σ outputs by < 1e-6 after 6 steps.
        assertArrayEquals(l1.y(), full.y(), 1e-6f);
        List<Float> hExpected = new ArrayList<>();
        for (float v : l0.hFinal()) hExpected.add(v);
        for (float v : l1.hFinal()) hExpected.add(v);
        for (int i = 0; i < hExpected.size(); i++) assertEquals(hExpected.get(i), full.hFinal()[i], 1e-6f, "final h " + i);
    }

    @Test
    void batchMajorLayoutIsTheTransposeOfTimeMajor() {
        RnnSpec spec = spec(Cell.gru(Cell.ResetMode.RESET_BEFORE), 3, 5, 1, Direction.FORWARD);
        RnnWeights w = RnnWeights.random(spec, 13);
        int steps = 4;
        int batch = 3;
        float[] tnc = random(steps * batch * 3, 14);
        float[] ntc = new float[tnc.length];
        for (int t = 0; t < steps; t++) {
            for (int n = 0; n < batch; n++) System.arraycopy(tnc, (t * batch + n) * 3, ntc, (n * steps + t) * 3, 3);
        }
        RnnOutput a = run(spec, w, RnnInput.of(tnc, steps, batch));
        RnnOutput b = run(spec, w, RnnInput.builder(ntc, Layout.BATCH_MAJOR, steps, batch).build());
        for (int t = 0; t < steps; t++) {
            for (int n = 0; n < batch; n++) {
                for (int j = 0; j < 5; j++) assertEquals(a.y()[(t * batch + n) * 5 + j], b.y()[(n * steps + t) * 5 + j]);
            }
        }
        assertArrayEquals(a.hFinal(), b.hFinal(), "states are [L·D, N, S] in both layouts");
    }

    @Test
    void projectionWithTheIdentityMatrixEqualsPlainLstm() {
        RnnSpec plain = spec(LSTM, 3, 4, 1, Direction.FORWARD);
        RnnSpec proj = spec(new Cell.Lstm().withProjection(4), 3, 4, 1, Direction.FORWARD);
        LayerWeights p = RnnWeights.random(plain, 15).get(0, 0);
        float[] identity = new float[16];
        for (int i = 0; i < 4; i++) identity[i * 5] = 1f;
        float[] x = random(5 * 2 * 3, 16);
        RnnOutput a = run(plain, RnnWeights.of(plain, List.of(p)), RnnInput.of(x, 5, 2));
        RnnOutput b = run(proj, RnnWeights.of(proj, List.of(new LayerWeights(p.w(), p.r(), p.wBias(), p.rBias(), null, identity))),
                RnnInput.of(x, 5, 2));
        assertArrayEquals(a.y(), b.y());
        assertArrayEquals(a.cFinal(), b.cFinal());
    }

    @Test
    void projectionShrinksTheStateAndTheRecurrentInput() {
        RnnSpec spec = spec(new Cell.Lstm().withProjection(2), 3, 5, 2, Direction.BIDIRECTIONAL_CONCAT);
        assertEquals(2, spec.stateSize());
        assertEquals(4, spec.outputSize());
        assertEquals(4, spec.layerInputSize(1));
        RnnOutput out = run(spec, RnnWeights.random(spec, 17), RnnInput.of(random(3 * 1 * 3, 18), 3, 1));
        assertEquals(3 * 4, out.y().length);
        assertEquals(4 * 2, out.hFinal().length, "h is [L·D, N, P]");
        assertEquals(4 * 5, out.cFinal().length, "c is [L·D, N, H]");
    }

    @Test
    void onlyTheRequestedOutputsAreComputed() {
        RnnSpec spec = spec(LSTM, 2, 3, 1, Direction.FORWARD);
        RnnOutput out = run(spec, RnnWeights.random(spec, 19), RnnInput.builder(random(4, 20), Layout.TIME_MAJOR, 2, 1)
                .outputs(java.util.EnumSet.of(OutputKind.H_FINAL)).build());
        assertNull(out.y());
        assertNull(out.cFinal());
        assertEquals(3, out.hFinal().length);
    }
}
