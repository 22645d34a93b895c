package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.rnn4j.Availability;
import org.rnn4j.BackendUnavailableException;
import org.rnn4j.Cell;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/** The availability decision with injected probe facts: honest by default, opt-in by property. */
class ProbeDecisionTest {
    private static final ProbeFacts H100 = new ProbeFacts(null, 1, 0, "NVIDIA H100 80GB HBM3", 91400);

    @Test
    void everythingFoundButNotEnabledIsUnavailableAndSaysHowToEnable() {
        Availability a = H100.decide(false);
        assertFalse(a.available());
        assertTrue(a.reason().contains("GPU 0 (NVIDIA H100 80GB HBM3) of 1, cuDNN 9.14.0 found"), a.reason());
        assertTrue(a.reason().contains("not been validated on a GPU yet"), a.reason());
        assertTrue(a.reason().contains("-Drnn4j.cudnn.enable=true"), a.reason());
    }

    @Test
    void everythingFoundAndEnabledIsAvailable() {
        Availability a = H100.decide(true);
        assertTrue(a.available(), a.toString());
        assertTrue(a.details().contains("cuDNN 9.14.0"), a.details());
    }

    @Test
    void aMissingPieceWinsOverTheProperty() {
        Availability a = ProbeFacts.missing("no NVIDIA GPU found (cudaGetDeviceCount = 0)").decide(true);
        assertFalse(a.available());
        assertEquals("no NVIDIA GPU found (cudaGetDeviceCount = 0)", a.reason());
    }

    @Test
    void cudnnOlderThan9IsRefused() {
        Availability a = new ProbeFacts(null, 1, 0, "", 8906).decide(true);
        assertFalse(a.available());
        assertTrue(a.reason().contains("needs cuDNN 9"), a.reason());
    }

    @Test
    void aDeviceIndexBeyondTheGpusIsRefused() {
        Availability a = new ProbeFacts(null, 2, 2, "", 91900).decide(true);
        assertFalse(a.available());
        assertTrue(a.reason().contains("rnn4j.cudnn.device=2") && a.reason().contains("[0, 2)"), a.reason());
    }

    @Test
    void deviceIndexPropertyParses() {
        assertEquals(0, ProbeFacts.deviceIndex(null));
        assertEquals(0, ProbeFacts.deviceIndex(" "));
        assertEquals(3, ProbeFacts.deviceIndex(" 3 "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ProbeFacts.deviceIndex("gpu1"));
        assertTrue(e.getMessage().contains("'gpu1'"), e.getMessage());
    }

    @Test
    void backendProbesOnceAndPrepareRefusesWithTheReasonWhenNotEnabled() {
        AtomicInteger calls = new AtomicInteger();
        CudnnBackend b = new CudnnBackend(() -> { calls.incrementAndGet(); return H100; }, () -> false);
        assertFalse(b.probe().available());
        b.probe();
        assertEquals(1, calls.get(), "probed once");
        RnnSpec spec = RnnSpec.builder(Cell.lstm()).inputSize(2).hiddenSize(2).build();
        BackendUnavailableException e = assertThrows(BackendUnavailableException.class, () -> b.prepare(spec, RnnWeights.random(spec, 1)));
        assertTrue(e.getMessage().contains("-Drnn4j.cudnn.enable=true"), e.getMessage());
    }

    @Test
    void enabledBackendWithInjectedFactsReportsAvailable() {
        assertTrue(new CudnnBackend(() -> H100, () -> true).probe().available());
    }
}
