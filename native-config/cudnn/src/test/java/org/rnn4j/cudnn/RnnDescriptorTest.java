package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.NativeBackendException;
import org.rnn4j.RnnSpec;

/**
 * Each per-call context's own RNN descriptor must size the weight space as the one the weights were laid out with.
 * (On the host CUDA stand-in every descriptor of a plan agrees, so the refusal is checked here, without natives.)
 */
class RnnDescriptorTest {
    private static final RnnSpec SPEC = RnnSpec.builder(Cell.lstm()).inputSize(5).hiddenSize(7).build();

    @Test
    void aDescriptorThatSizesTheWeightSpaceAsTheSharedOneIsAccepted() {
        assertDoesNotThrow(() -> RnnDescriptor.requireSameWeightSpace(4096, 4096, SPEC));
    }

    @Test
    void aDescriptorThatSizesTheWeightSpaceDifferentlyIsRefusedWithBothSizes() {
        NativeBackendException e = assertThrows(NativeBackendException.class,
                () -> RnnDescriptor.requireSameWeightSpace(4096, 4160, SPEC));
        assertEquals("cudnnGetRNNWeightSpaceSize", e.operation());
        assertEquals("weight space size mismatch", e.status());
        assertTrue(e.getMessage().contains("needs 4160 bytes") && e.getMessage().contains("has 4096 bytes")
                && e.getMessage().contains(SPEC.caseName()), e.getMessage());
    }
}
