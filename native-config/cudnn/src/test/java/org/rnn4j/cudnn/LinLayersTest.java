package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** cuDNN's linLayerID numbering (cudnnGetRNNWeightParams docs) against rnn4j's canonical gate blocks. */
class LinLayersTest {

    @Test
    void lstmIdsAreGatesIfgoOnXThenOnHThenProjection() {
        assertEquals(8, LinLayers.count(CudnnPlan.CUDNN_LSTM, false));
        assertEquals(9, LinLayers.count(CudnnPlan.CUDNN_LSTM, true));
        for (int id = 0; id < 8; id++) {
            assertEquals(id % 4, LinLayers.canonicalGate(CudnnPlan.CUDNN_LSTM, id), "id " + id);
            assertEquals(id < 4 ? LinLayers.Source.W : LinLayers.Source.R, LinLayers.source(CudnnPlan.CUDNN_LSTM, id));
            assertTrue(LinLayers.hasBias(CudnnPlan.CUDNN_LSTM, id));
        }
        assertEquals(LinLayers.Source.PROJECTION, LinLayers.source(CudnnPlan.CUDNN_LSTM, 8));
        assertFalse(LinLayers.hasBias(CudnnPlan.CUDNN_LSTM, 8));
        assertThrows(IllegalArgumentException.class, () -> LinLayers.canonicalGate(CudnnPlan.CUDNN_LSTM, 8));
    }

    @Test
    void gruIdsAreRznSoTheFirstTwoCanonicalBlocksSwap() {
        assertEquals(6, LinLayers.count(CudnnPlan.CUDNN_GRU, false));
        int[] expected = {1, 0, 2, 1, 0, 2}; // cuDNN r,z,n ← rnn4j blocks r=1, z=0, n=2
        for (int id = 0; id < 6; id++) {
            assertEquals(expected[id], LinLayers.canonicalGate(CudnnPlan.CUDNN_GRU, id), "id " + id);
            assertEquals(id < 3 ? LinLayers.Source.W : LinLayers.Source.R, LinLayers.source(CudnnPlan.CUDNN_GRU, id));
        }
    }

    @Test
    void rnnHasOneMatrixOnXAndOneOnH() {
        for (int mode : new int[] {CudnnPlan.CUDNN_RNN_TANH, CudnnPlan.CUDNN_RNN_RELU}) {
            assertEquals(2, LinLayers.count(mode, false));
            assertEquals(LinLayers.Source.W, LinLayers.source(mode, 0));
            assertEquals(LinLayers.Source.R, LinLayers.source(mode, 1));
            assertEquals(0, LinLayers.canonicalGate(mode, 1));
        }
    }

    @Test
    void idsOutOfRangeAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> LinLayers.source(CudnnPlan.CUDNN_GRU, 6));
        assertThrows(IllegalArgumentException.class, () -> LinLayers.source(CudnnPlan.CUDNN_RNN_TANH, -1));
        assertThrows(IllegalArgumentException.class, () -> LinLayers.count(7, false));
    }

    @Test
    void pseudoLayersInterleaveDirections() {
        assertEquals(3, LinLayers.pseudoLayer(3, 0, 1));
        assertEquals(0, LinLayers.pseudoLayer(0, 0, 2));
        assertEquals(1, LinLayers.pseudoLayer(0, 1, 2));
        assertEquals(5, LinLayers.pseudoLayer(2, 1, 2));
        assertThrows(IllegalArgumentException.class, () -> LinLayers.pseudoLayer(0, 1, 1));
    }
}
