package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.LayerWeights;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/** The values behind each (layer, direction, linLayerID) pointer: exact copies or exact rewrites of rnn4j blocks. */
class WeightPackingTest {
    private static final int I = 3;
    private static final int H = 2;

    private static WeightPacking packing(RnnSpec spec, RnnWeights w) { return new WeightPacking(spec, w, CudnnPlan.of(spec)); }

    private static float[] rows(float[] a, int firstRow, int rowCount, int cols) {
        return Arrays.copyOfRange(a, firstRow * cols, (firstRow + rowCount) * cols);
    }

    private static float[] negated(float[] a) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) out[i] = -a[i];
        return out;
    }

    @Test
    void lstmGateBlocksAreCopiedRowMajor() {
        RnnSpec spec = RnnSpec.builder(Cell.lstm()).inputSize(I).hiddenSize(H).build();
        RnnWeights w = RnnWeights.random(spec, 1);
        WeightPacking p = packing(spec, w);
        LayerWeights lw = w.get(0, 0);
        for (int gate = 0; gate < 4; gate++) {
            assertArrayEquals(rows(lw.w(), gate * H, H, I), p.matrix(0, 0, gate), "W gate " + gate);
            assertArrayEquals(rows(lw.r(), gate * H, H, H), p.matrix(0, 0, 4 + gate), "R gate " + gate);
            assertArrayEquals(rows(lw.wBias(), gate * H, H, 1), p.bias(0, 0, gate), "Wb gate " + gate);
            assertArrayEquals(rows(lw.rBias(), gate * H, H, 1), p.bias(0, 0, 4 + gate), "Rb gate " + gate);
        }
        assertArrayEquals(new int[] {H, I}, p.matrixShape(0, 0));
        assertArrayEquals(new int[] {H, H}, p.matrixShape(0, 7));
    }

    @Test
    void gruSlotsTakeRThenZThenN() {
        RnnSpec spec = RnnSpec.builder(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(I).hiddenSize(H)
                .direction(Direction.BIDIRECTIONAL_CONCAT).build();
        RnnWeights w = RnnWeights.random(spec, 2);
        WeightPacking p = packing(spec, w);
        LayerWeights back = w.get(0, 1);
        assertArrayEquals(rows(back.w(), 1 * H, H, I), p.matrix(0, 1, 0), "cuDNN r on x ← rnn4j block 1");
        assertArrayEquals(rows(back.w(), 0, H, I), p.matrix(0, 1, 1), "cuDNN z on x ← rnn4j block 0");
        assertArrayEquals(rows(back.r(), 2 * H, H, H), p.matrix(0, 1, 5), "cuDNN n on h ← rnn4j block 2");
        assertArrayEquals(rows(back.rBias(), 2 * H, H, 1), p.bias(0, 1, 5), "Rbn stays inside r ⊙ (.) for LBR");
        assertArrayEquals(rows(back.rBias(), 1 * H, H, 1), p.bias(0, 1, 3));
    }

    @Test
    void forgetFromInputPutsNegatedInputGateInTheForgetSlot() {
        RnnSpec spec = RnnSpec.builder(Cell.lstm().withCoupling(Cell.Coupling.FORGET_FROM_INPUT)).inputSize(I).hiddenSize(H).build();
        RnnWeights w = RnnWeights.random(spec, 3);
        WeightPacking p = packing(spec, w);
        LayerWeights lw = w.get(0, 0);
        assertArrayEquals(negated(rows(lw.w(), 0, H, I)), p.matrix(0, 0, 1));
        assertArrayEquals(negated(rows(lw.r(), 0, H, H)), p.matrix(0, 0, 5));
        assertArrayEquals(negated(rows(lw.wBias(), 0, H, 1)), p.bias(0, 0, 1));
        assertArrayEquals(negated(rows(lw.rBias(), 0, H, 1)), p.bias(0, 0, 5));
        assertArrayEquals(rows(lw.w(), 0, H, I), p.matrix(0, 0, 0), "the input gate itself is unchanged");
    }

    @Test
    void inputFromForgetPutsNegatedForgetGateInTheInputSlot() {
        RnnSpec spec = RnnSpec.builder(Cell.lstm().withCoupling(Cell.Coupling.INPUT_FROM_FORGET)).inputSize(I).hiddenSize(H).build();
        RnnWeights w = RnnWeights.random(spec, 4);
        WeightPacking p = packing(spec, w);
        LayerWeights lw = w.get(0, 0);
        assertArrayEquals(negated(rows(lw.w(), H, H, I)), p.matrix(0, 0, 0));
        assertArrayEquals(negated(rows(lw.rBias(), H, H, 1)), p.bias(0, 0, 4));
        assertArrayEquals(rows(lw.w(), H, H, I), p.matrix(0, 0, 1));
    }

    @Test
    void negatedGateIsTheComplementUnderSigmoid() {
        // The identity the CIFG rewrite relies on, in float64: σ(−a) = 1 − σ(a).
        for (double a = -8; a <= 8; a += 0.25) {
            assertEquals(1 - Activation.SIGMOID.apply(a), Activation.SIGMOID.apply(-a), 1e-15, "a=" + a);
        }
    }

    @Test
    void lstmpProjectionIsCopiedAndRecurrentMatricesHavePColumns() {
        RnnSpec spec = RnnSpec.builder(Cell.lstm().withProjection(1)).inputSize(I).hiddenSize(H).layers(2).build();
        RnnWeights w = RnnWeights.random(spec, 5);
        WeightPacking p = packing(spec, w);
        assertArrayEquals(w.get(1, 0).projection(), p.matrix(1, 0, 8));
        assertArrayEquals(new int[] {1, H}, p.matrixShape(1, 8));
        assertArrayEquals(new int[] {H, 1}, p.matrixShape(0, 4));
        assertArrayEquals(new int[] {H, 1}, p.matrixShape(1, 0), "layer 1 input is the projected state");
        assertThrows(IllegalArgumentException.class, () -> p.bias(0, 0, 8));
    }

    @Test
    void bidirectionalSumDuplicatesInputColumnsOfLaterLayers() {
        RnnSpec spec = RnnSpec.builder(Cell.rnn(Activation.TANH)).inputSize(I).hiddenSize(H).layers(2)
                .direction(Direction.BIDIRECTIONAL_SUM).build();
        RnnWeights w = RnnWeights.random(spec, 6);
        WeightPacking p = packing(spec, w);
        assertEquals(2 * H, p.cudnnLayerInputSize(1));
        assertArrayEquals(new int[] {H, 2 * H}, p.matrixShape(1, 0));
        float[] canonical = w.get(1, 1).w(); // [H, S=H]
        float[] wide = p.matrix(1, 1, 0);
        for (int row = 0; row < H; row++) {
            for (int c = 0; c < H; c++) {
                assertEquals(canonical[row * H + c], wide[row * 2 * H + c], "fwd half r" + row + " c" + c);
                assertEquals(canonical[row * H + c], wide[row * 2 * H + H + c], "bwd half r" + row + " c" + c);
            }
        }
        assertArrayEquals(w.get(0, 1).w(), p.matrix(0, 1, 0), "layer 0 reads X unchanged");
    }

    @Test
    void concatFeedsTwiceTheStateWidthUnchanged() {
        RnnSpec spec = RnnSpec.builder(Cell.lstm()).inputSize(I).hiddenSize(H).layers(2)
                .direction(Direction.BIDIRECTIONAL_CONCAT).build();
        RnnWeights w = RnnWeights.random(spec, 7);
        WeightPacking p = packing(spec, w);
        assertArrayEquals(rows(w.get(1, 0).w(), 3 * H, H, 2 * H), p.matrix(1, 0, 3));
    }

    @Test
    void weightsOfAnotherSpecAreRejected() {
        RnnSpec a = RnnSpec.builder(Cell.lstm()).inputSize(I).hiddenSize(H).build();
        RnnSpec b = RnnSpec.builder(Cell.lstm()).inputSize(I).hiddenSize(H + 1).build();
        assertThrows(IllegalArgumentException.class, () -> packing(b, RnnWeights.random(a, 1)));
    }
}
