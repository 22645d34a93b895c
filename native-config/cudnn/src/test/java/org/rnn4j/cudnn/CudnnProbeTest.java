package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.rnn4j.Availability;
import org.rnn4j.BackendUnavailableException;
import org.rnn4j.Cell;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/** The real probe on this machine: never throws, always explains itself, and prepare() refuses with the same reason. */
class CudnnProbeTest {

    @Test
    void probeIsUnavailableUnlessEnabledAndExplainsWhy() {
        Assumptions.assumeFalse(Boolean.getBoolean(ProbeFacts.ENABLE_PROPERTY),
                "-Drnn4j.cudnn.enable=true is set: availability then depends on the GPU (see GpuSelfCheck)");
        CudnnBackend b = new CudnnBackend();
        Availability a = b.probe();
        // Not validated on a GPU yet: without the property it must never claim to be available, GPU or not.
        assertFalse(a.available(), a.toString());
        assertTrue(a.reason().length() > 20, "a reason a user can act on: " + a.reason());
        assertSame(a, b.probe(), "probed once");
    }

    @Test
    void prepareRefusesWithTheProbeReason() {
        Assumptions.assumeFalse(Boolean.getBoolean(ProbeFacts.ENABLE_PROPERTY), "-Drnn4j.cudnn.enable=true is set");
        RnnSpec spec = RnnSpec.builder(Cell.lstm()).inputSize(2).hiddenSize(2).build();
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class,
                () -> new CudnnBackend().prepare(spec, RnnWeights.random(spec, 1)));
        assertTrue(e.getMessage().contains(new CudnnBackend().probe().reason()), e.getMessage());
    }
}
