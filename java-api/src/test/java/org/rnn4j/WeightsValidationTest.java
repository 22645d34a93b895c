package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Weight shapes are checked against the spec before anything runs; gate-order permutations are exact inverses. */
class WeightsValidationTest {
    private static final RnnSpec LSTM = RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(2).build();

    private static void assertMessage(IllegalArgumentException e, String... fragments) {
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "'" + e.getMessage() + "' should contain '" + f + "'");
        }
    }

    @Test
    void wrongMatrixSizeNamesTheTensorAndBothSizes() {
        LayerWeights ok = RnnWeights.random(LSTM, 1).get(0, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> RnnWeights.of(LSTM,
                List.of(LayerWeights.of(new float[23], ok.r(), ok.wBias(), ok.rBias()))));
        assertMessage(e, "layer 0 direction 0 W", "expected 24", "was 23");
    }

    @Test
    void missingBiasIsNamed() {
        LayerWeights ok = RnnWeights.random(LSTM, 1).get(0, 0);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> RnnWeights.of(LSTM, List.of(LayerWeights.of(ok.w(), ok.r(), ok.wBias(), null))));
        assertMessage(e, "R bias", "null");
    }

    @Test
    void peepholesAreRequiredExactlyWhenTheCellHasThem() {
        LayerWeights ok = RnnWeights.random(LSTM, 1).get(0, 0);
        assertMessage(assertThrows(IllegalArgumentException.class, () -> RnnWeights.of(LSTM,
                List.of(new LayerWeights(ok.w(), ok.r(), ok.wBias(), ok.rBias(), new float[6], null)))), "peephole", "expected none");
        RnnSpec peep = RnnSpec.builder(new Cell.Lstm().withPeepholes(Gate.FORGET)).inputSize(3).hiddenSize(2).build();
        assertMessage(assertThrows(IllegalArgumentException.class, () -> RnnWeights.of(peep, List.of(ok))), "peephole [3, H=2]", "null");
    }

    @Test
    void partCountMustBeLayersTimesDirections() {
        RnnSpec bidi = RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(2).layers(2).direction(Direction.BIDIRECTIONAL_SUM).build();
        assertMessage(assertThrows(IllegalArgumentException.class, () -> RnnWeights.of(bidi, RnnWeights.random(LSTM, 1).parts())),
                "expected 4", "was 1");
    }

    @Test
    void weightsForAnotherShapeAreRejected() {
        RnnSpec other = RnnSpec.builder(Cell.lstm()).inputSize(4).hiddenSize(2).build();
        assertMessage(assertThrows(IllegalArgumentException.class, () -> RnnWeights.random(LSTM, 1).requireCompatible(other)),
                "lstm,l1,i4,h2", "lstm,l1,i3,h2");
    }

    @Test
    void onnxLstmOrderIofcMapsToIfgo() {
        // Blocks of one element each: ONNX holds (i, o, f, c).
        float[] onnx = {10f, 40f, 20f, 30f};
        assertArrayEquals(new float[] {10f, 20f, 30f, 40f}, GateOrder.ONNX_LSTM.toCanonical(onnx, 1));
        assertArrayEquals(onnx, GateOrder.ONNX_LSTM.fromCanonical(GateOrder.ONNX_LSTM.toCanonical(onnx, 1), 1));
    }

    @Test
    void pytorchGruOrderRznMapsToZrn() {
        float[] torch = {2f, 2f, 1f, 1f, 3f, 3f};
        assertArrayEquals(new float[] {1f, 1f, 2f, 2f, 3f, 3f}, GateOrder.PYTORCH_GRU.toCanonical(torch, 2));
    }
}
