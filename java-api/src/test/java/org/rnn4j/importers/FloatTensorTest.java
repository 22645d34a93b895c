package org.rnn4j.importers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.rnn4j.importers.Messages.assertMessage;

import org.junit.jupiter.api.Test;

/** The shape/data agreement of {@link FloatTensor}. */
class FloatTensorTest {

    @Test
    void aShapeWhoseProductWrapsTo0IsNotTakenForAnEmptyTensor() {
        // 2^30 · 2^30 · 16 = 2^64, which is 0 in long arithmetic.
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> FloatTensor.of("x", new float[0], 1 << 30, 1 << 30, 16));
        assertMessage(e, "x: shape [1073741824, 1073741824, 16] needs more than 2147483647 values but data has 0");
    }

    @Test
    void aZeroDimensionAfterHugeOnesStillMeansEmpty() {
        FloatTensor t = FloatTensor.of("z", new float[0], 1 << 30, 1 << 30, 16, 0);
        assertEquals(4, t.rank());
        assertArrayEquals(new int[] {1 << 30, 1 << 30, 16, 0}, t.shape());
    }
}
