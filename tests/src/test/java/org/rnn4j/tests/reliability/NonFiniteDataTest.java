package org.rnn4j.tests.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rnn4j.Activation;
import org.rnn4j.Backend;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * NaN and ±Inf in the input data are data, not errors: no backend rejects them, and oneDNN makes exactly the same
 * outputs non-finite as the reference (the same positions of Y, final h and final c).
 */
class NonFiniteDataTest {
    static final int CASES = Subjects.count(200, 2_000);

    @Test
    void nonFiniteInputsPropagateToTheSamePositionsAsInTheReference() {
        check(List.of(Subjects.plainLstm(), Subjects.bidiGru(), Subjects.composedNanPropagatingGru()));
    }

    /**
     * Known bug, found by this test and not yet fixed: oneDNN's HardSigmoid (like its ReLU and clip) is built on
     * max/min, which return the non-NaN operand, so NaN becomes 1 or 0; the reference keeps NaN.
     */
    @Test
    @org.junit.jupiter.api.Disabled("known bug: oneDNN HardSigmoid turns NaN into 0 or 1; see docs/reliability.md")
    void nonFiniteInputsPropagateThroughHardSigmoid() {
        check(List.of(Subjects.composedGru()));
    }

    /**
     * Known bug, found by this test and not yet fixed: the composed oneDNN path implements clip with eltwise clip,
     * which maps NaN to a bound, while the reference (and ONNX) propagate NaN through clip.
     */
    @Test
    @org.junit.jupiter.api.Disabled("known bug: composed clip turns NaN into ±clip; see docs/reliability.md")
    void nonFiniteInputsPropagateThroughClip() {
        check(List.of(Subjects.composedClipLstm(), Subjects.projectedLstm()));
    }

    /** Known bug, found by this test and not yet fixed: oneDNN's ReLU maps NaN to 0; the reference keeps NaN. */
    @Test
    @org.junit.jupiter.api.Disabled("known bug: oneDNN ReLU turns NaN into 0; see docs/reliability.md")
    void nonFiniteInputsPropagateThroughRelu() {
        check(List.of(RnnSpec.builder(new Cell.Rnn(Activation.RELU)).inputSize(3).hiddenSize(4).direction(Direction.REVERSE).build()));
    }

    private static void check(List<RnnSpec> specs) {
        Backend reference = Subjects.reference();
        Backend onednn = Subjects.onednn();
        float[] specials = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY};
        int nonFiniteOutputs = 0;
        for (RnnSpec spec : specs) {
            RnnWeights w = RnnWeights.random(spec, 21);
            try (PreparedRnn ref = reference.prepare(spec, w); PreparedRnn dnn = onednn.prepare(spec, w)) {
                SplittableRandom r = new SplittableRandom(spec.caseName().hashCode());
                for (int c = 0; c < CASES / specs.size(); c++) {
                    int t = 1 + r.nextInt(5);
                    int n = 1 + r.nextInt(4);
                    float[] x = Subjects.data(c, t * n * spec.inputSize());
                    int bad = 1 + r.nextInt(3);
                    for (int k = 0; k < bad; k++) x[r.nextInt(x.length)] = specials[r.nextInt(specials.length)];
                    RnnInput.Builder b = RnnInput.builder(x, Layout.TIME_MAJOR, t, n);
                    if (c % 2 == 1) {
                        int[] lengths = new int[n];
                        for (int j = 0; j < n; j++) lengths[j] = r.nextInt(t + 1);
                        b.sequenceLengths(lengths);
                    }
                    RnnInput in = b.build();
                    String name = spec.caseName() + " case " + c + " t" + t + " n" + n;
                    RnnOutput want = ref.forward(in);
                    RnnOutput got = dnn.forward(in);
                    nonFiniteOutputs += sameNonFinite(want.y(), got.y(), name + " Y");
                    sameNonFinite(want.hFinal(), got.hFinal(), name + " h");
                    sameNonFinite(want.cFinal(), got.cFinal(), name + " c");
                }
            }
        }
        assertTrue(nonFiniteOutputs > 0, "no case produced a non-finite output: the test cannot see anything");
        System.out.println("[reliability] non-finite data: " + CASES + " cases, " + nonFiniteOutputs + " non-finite Y values, same positions");
    }

    private static int sameNonFinite(float[] want, float[] got, String name) {
        if (want == null) {
            assertEquals(null, got, name);
            return 0;
        }
        assertEquals(want.length, got.length, name + " length");
        int count = 0;
        for (int i = 0; i < want.length; i++) {
            boolean w = !Float.isFinite(want[i]);
            if (w != !Float.isFinite(got[i])) {
                throw new AssertionError(name + "[" + i + "]: reference " + want[i] + " but onednn " + got[i]);
            }
            if (w) count++;
        }
        return count;
    }
}
