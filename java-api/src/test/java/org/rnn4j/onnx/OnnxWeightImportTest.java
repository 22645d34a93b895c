package org.rnn4j.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.rnn4j.onnx.TestModels.block;
import static org.rnn4j.onnx.TestModels.concat;

import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.LayerWeights;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Gate-order conversion with random, all-distinct weights: canonical weights are written into ONNX tensors in the
 * order the ONNX operator docs give (LSTM W/R/B {@code i,o,f,c}, P {@code i,o,f}; GRU {@code z,r,h}), then imported;
 * the result must equal the canonical arrays exactly (a pure permutation, no arithmetic).
 */
class OnnxWeightImportTest {
    private static final int H = 3;
    private static final int I = 2;

    /** ONNX block j holds canonical block {@code onnxToCanonical[j]}. */
    private static float[] onnxBlocks(float[] canonical, int[] onnxToCanonical) {
        float[][] blocks = new float[onnxToCanonical.length][];
        for (int j = 0; j < blocks.length; j++) blocks[j] = block(canonical, onnxToCanonical[j], onnxToCanonical.length);
        return concat(blocks);
    }

    // Canonical LSTM i,f,g,o = 0,1,2,3; ONNX writes i,o,f,c.
    private static final int[] LSTM_IOFC = {0, 3, 1, 2};
    // Canonical peephole rows i,f,o = 0,1,2; ONNX P writes i,o,f.
    private static final int[] PEEP_IOF = {0, 2, 1};
    private static final int[] GRU_ZRH = {0, 1, 2};

    @Test
    void lstmBidirectionalWithPeepholesImportsIofcIntoCanonicalIfgo() {
        RnnSpec spec = RnnSpec.builder(new Cell.Lstm().withAllPeepholes()).inputSize(I).hiddenSize(H)
                .direction(Direction.BIDIRECTIONAL_CONCAT).build();
        RnnWeights canonical = RnnWeights.random(spec, 42);
        float[][] w = new float[2][], r = new float[2][], b = new float[2][], p = new float[2][];
        for (int d = 0; d < 2; d++) {
            LayerWeights lw = canonical.get(0, d);
            w[d] = onnxBlocks(lw.w(), LSTM_IOFC);
            r[d] = onnxBlocks(lw.r(), LSTM_IOFC);
            b[d] = concat(onnxBlocks(lw.wBias(), LSTM_IOFC), onnxBlocks(lw.rBias(), LSTM_IOFC));
            p[d] = onnxBlocks(lw.peephole(), PEEP_IOF);
        }
        OnnxRnnModel model = new TestModels.Graph("LSTM", "X", "W", "R", "B", "", "", "", "P").outputs("Y")
                .attr(TestModels.intAttr("hidden_size", H)).attr(TestModels.stringAttr("direction", "bidirectional"))
                .input("X", 1, 1, I).input("W", 2, 4 * H, I).input("R", 2, 4 * H, H).input("B", 2, 8 * H).input("P", 2, 3 * H)
                .graphOutput("Y", 1, 2, 1, H).load();
        OnnxBinding binding = model.bind(List.of(
                OnnxTensor.ofFloats("X", new float[I], 1, 1, I),
                OnnxTensor.ofFloats("W", concat(w[0], w[1]), 2, 4 * H, I),
                OnnxTensor.ofFloats("R", concat(r[0], r[1]), 2, 4 * H, H),
                OnnxTensor.ofFloats("B", concat(b[0], b[1]), 2, 8 * H),
                OnnxTensor.ofFloats("P", concat(p[0], p[1]), 2, 3 * H)));
        assertEquals(spec, binding.spec());
        assertSameWeights(canonical, binding.weights());
    }

    @Test
    void gruImportsZrhUnchangedAndSplitsBiasIntoWbThenRb() {
        RnnSpec spec = RnnSpec.builder(new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(I).hiddenSize(H)
                .direction(Direction.REVERSE).build();
        RnnWeights canonical = RnnWeights.random(spec, 7);
        LayerWeights lw = canonical.get(0, 0);
        // Weights as initializers this time.
        OnnxRnnModel model = new TestModels.Graph("GRU", "X", "W", "R", "B").outputs("", "Y_h")
                .attr(TestModels.intAttr("hidden_size", H)).attr(TestModels.stringAttr("direction", "reverse"))
                .attr(TestModels.intAttr("linear_before_reset", 1))
                .input("X", 4, 2, I)
                .initializer(OnnxTensor.ofFloats("W", onnxBlocks(lw.w(), GRU_ZRH), 1, 3 * H, I))
                .initializer(OnnxTensor.ofFloats("R", onnxBlocks(lw.r(), GRU_ZRH), 1, 3 * H, H))
                .initializer(OnnxTensor.ofFloats("B", concat(lw.wBias(), lw.rBias()), 1, 6 * H))
                .graphOutput("Y_h", 1, 2, H).load();
        assertEquals(List.of("X"), model.inputNames());
        OnnxBinding binding = model.bind(List.of(OnnxTensor.ofFloats("X", new float[4 * 2 * I], 4, 2, I)));
        assertEquals(spec, binding.spec());
        assertSameWeights(canonical, binding.weights());
    }

    @Test
    void absentBiasImportsAsZeros() {
        SplittableRandom rnd = new SplittableRandom(3);
        OnnxRnnModel model = new TestModels.Graph("RNN", "X", "W", "R").outputs("Y")
                .attr(TestModels.intAttr("hidden_size", H))
                .input("X", 1, 1, I).input("W", 1, H, I).input("R", 1, H, H).graphOutput("Y", 1, 1, 1, H).load();
        float[] w = TestModels.random(rnd, H * I);
        float[] r = TestModels.random(rnd, H * H);
        OnnxBinding binding = model.bind(List.of(OnnxTensor.ofFloats("X", new float[I], 1, 1, I),
                OnnxTensor.ofFloats("W", w, 1, H, I), OnnxTensor.ofFloats("R", r, 1, H, H)));
        LayerWeights lw = binding.weights().get(0, 0);
        assertArrayEquals(w, lw.w());
        assertArrayEquals(r, lw.r());
        assertArrayEquals(new float[H], lw.wBias());
        assertArrayEquals(new float[H], lw.rBias());
    }

    static void assertSameWeights(RnnWeights expected, RnnWeights actual) {
        assertEquals(expected.parts().size(), actual.parts().size(), "parts");
        for (int i = 0; i < expected.parts().size(); i++) {
            LayerWeights e = expected.parts().get(i);
            LayerWeights a = actual.parts().get(i);
            assertArrayEquals(e.w(), a.w(), "W of part " + i);
            assertArrayEquals(e.r(), a.r(), "R of part " + i);
            assertArrayEquals(e.wBias(), a.wBias(), "W bias of part " + i);
            assertArrayEquals(e.rBias(), a.rBias(), "R bias of part " + i);
            assertArrayEquals(e.peephole(), a.peephole(), "peephole of part " + i);
            assertArrayEquals(e.projection(), a.projection(), "projection of part " + i);
        }
    }
}
