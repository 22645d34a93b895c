package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Gate block permutations and the length rule both directions share. */
class GateOrderTest {

    @Test
    void fromCanonicalUndoesToCanonical() {
        float[] pytorch = {1, 2, 3, 4, 5, 6}; // r, z, n blocks of 2
        float[] canonical = GateOrder.PYTORCH_GRU.toCanonical(pytorch, 2);
        assertArrayEquals(new float[] {3, 4, 1, 2, 5, 6}, canonical);
        assertArrayEquals(pytorch, GateOrder.PYTORCH_GRU.fromCanonical(canonical, 2));
    }

    @Test
    void fromCanonicalRejectsTooFewValues() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GateOrder.ONNX_LSTM.fromCanonical(new float[7], 2));
        assertEquals("gate blocks: expected 4 × 2 = 8 elements but was 7", e.getMessage());
    }

    @Test
    void fromCanonicalRejectsTooManyValuesInsteadOfDroppingThem() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GateOrder.PYTORCH_GRU.fromCanonical(new float[7], 2));
        assertEquals("gate blocks: expected 3 × 2 = 6 elements but was 7", e.getMessage());
    }

    @Test
    void aBlockSizeWhoseProductWrapsIsRejected() {
        // 4 × (2^30 + 1) = 2^32 + 4 wraps to 4 in int arithmetic.
        int block = (1 << 30) + 1;
        IllegalArgumentException to = assertThrows(IllegalArgumentException.class, () -> GateOrder.ONNX_LSTM.toCanonical(new float[4], block));
        assertEquals("gate blocks: expected 4 × 1073741825 = 4294967300 elements but was 4", to.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GateOrder.ONNX_LSTM.fromCanonical(new float[4], block));
        assertThrows(IllegalArgumentException.class, () -> GateOrder.ONNX_LSTM.toCanonical(new float[0], -1));
    }
}
