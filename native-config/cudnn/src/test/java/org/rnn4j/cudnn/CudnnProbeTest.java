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
    void aBackendPerGpuRefusesANegativeIndexAndOtherwiseProbesThatGpu() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CudnnBackend.onDevice(-1));
        assertTrue(e.getMessage().equals("index: expected a GPU index (0, 1, ...) but was -1"), e.getMessage());
        Assumptions.assumeFalse(Boolean.getBoolean(ProbeFacts.ENABLE_PROPERTY), "-Drnn4j.cudnn.enable=true is set");
        // Never available unvalidated; where a piece is missing, it names the same piece as the default instance
        // (the loader's own words in parentheses may differ between attempts).
        Availability a = CudnnBackend.onDevice(7).probe();
        assertFalse(a.available(), a.toString());
        String usual = new CudnnBackend().probe().reason();
        if (usual.contains("found, but")) {
            // A GPU machine: GPU 7 is either missing, or found and (like GPU 0) not validated yet.
            assertTrue(a.reason().contains("GPU index 7 (") || a.reason().contains("found, but"), a.reason());
        } else {
            int cut = usual.indexOf(" (");
            assertTrue(a.reason().startsWith(cut < 0 ? usual : usual.substring(0, cut)), a.reason() + " vs " + usual);
        }
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
