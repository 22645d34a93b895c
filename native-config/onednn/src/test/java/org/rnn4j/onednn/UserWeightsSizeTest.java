package org.rnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.LayerWeights;
import org.rnn4j.RnnSpec;
import org.rnn4j.UnsupportedConfigurationException;

/**
 * One direction's W fits a Java array ({@link RnnSpec} checks it), but the whole-stack path puts both directions of a
 * layer in one array. Sizes are checked in {@code long}, without allocating: the specs here need 16 GiB of weights.
 */
class UserWeightsSizeTest {
    /** LSTM, I = 32767, H = 16384: W has 4·16384·32767 = 2,147,418,112 floats per direction, just under the limit. */
    private static RnnSpec lstm(Direction direction) {
        return RnnSpec.builder(Cell.lstm()).inputSize(32_767).hiddenSize(16_384).direction(direction).build();
    }

    private static final float[] ONE = new float[1];

    @Test
    void bothDirectionsOfAWeightNearTheArrayLimitDoNotFitOneArray() {
        RnnSpec bidi = lstm(Direction.BIDIRECTIONAL_CONCAT);
        assertFalse(UserWeights.fitsJavaArrays(bidi, 2), bidi.caseName());
        assertTrue(UserWeights.fitsJavaArrays(bidi, 1), bidi.caseName() + ", one direction");
        assertTrue(UserWeights.fitsJavaArrays(lstm(Direction.FORWARD), 1));
    }

    /** 2·4·16384·32767 wrapped to −131072 in int: NegativeArraySizeException, reported as a native failure. */
    @Test
    void aLayerPastOneArrayIsRefusedWithItsSizeBeforeAnyAllocation() {
        RnnSpec bidi = lstm(Direction.BIDIRECTIONAL_SUM);
        LayerWeights small = LayerWeights.of(ONE, ONE, ONE, ONE); // never read: the size check comes first
        UnsupportedConfigurationException e = assertThrows(UnsupportedConfigurationException.class,
                () -> new UserWeights(bidi, 0, List.of(small, small)));
        assertEquals("onednn", e.backend());
        assertTrue(e.getMessage().contains("4294836224 floats") && e.getMessage().contains("2 directions"), e.getMessage());
    }

    /** Such a spec still runs on oneDNN: full-length calls take the per-direction layer driver, not the whole stack. */
    @Test
    void aBidirectionalLayerPastOneArrayRunsOneDirectionAtATime() {
        assertFalse(OneDnnPreparedRnn.wholeStack(lstm(Direction.BIDIRECTIONAL_CONCAT)));
        assertTrue(OneDnnPreparedRnn.wholeStack(lstm(Direction.FORWARD)));
        assertTrue(OneDnnPreparedRnn.wholeStack(RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(5)
                .direction(Direction.BIDIRECTIONAL_CONCAT).build()));
    }
}
