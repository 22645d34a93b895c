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
    private static final ProbeFacts H100 = facts(13000, 13010, 13010, 91400, 13000);

    /** One H100 with the given versions (CUDA's encoding: 13010 = 13.1; cuDNN's: 91400 = 9.14.0). */
    private static ProbeFacts facts(int driver, int runtime, int nvrtc, long cudnn, long cudnnBuiltFor) {
        return new ProbeFacts(null, 1, 0, "NVIDIA H100 80GB HBM3", driver, runtime, nvrtc, cudnn, cudnnBuiltFor);
    }

    @Test
    void everythingFoundButNotEnabledIsUnavailableAndSaysHowToEnable() {
        Availability a = H100.decide(false);
        assertFalse(a.available());
        assertTrue(a.reason().contains("GPU 0 (NVIDIA H100 80GB HBM3) of 1, driver 13.0, CUDA runtime 13.1, NVRTC 13.1, "
                + "cuDNN 9.14.0 for CUDA 13.0 found"), a.reason());
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
        Availability a = facts(13000, 13010, 13010, 8906, 12020).decide(true);
        assertFalse(a.available());
        assertTrue(a.reason().contains("needs cuDNN 9"), a.reason());
    }

    @Test
    void aDeviceIndexBeyondTheGpusIsRefused() {
        Availability a = new ProbeFacts(null, 2, 2, "", 13000, 13010, 13010, 91900, 13000).decide(true);
        assertFalse(a.available());
        assertTrue(a.reason().contains("GPU index 2 (-Drnn4j.cudnn.device or CudnnBackend.onDevice) names no GPU")
                && a.reason().contains("[0, 2)"), a.reason());
    }

    @Test
    void theBindingsAreBuiltForCuda13() {
        assertEquals(13, ProbeFacts.CUDA_MAJOR);
    }

    @Test
    void cudnnBuiltForCuda12IsRefusedNamingBothVersionsAndTheFix() {
        Availability a = facts(13000, 13010, 13010, 91400, 12090).decide(true);
        assertFalse(a.available());
        assertTrue(a.reason().contains("cuDNN 9.14.0 for CUDA 12.9 found, but that cuDNN was built for CUDA 12.9"), a.reason());
        assertTrue(a.reason().contains("rnn4j's bindings use CUDA 13"), a.reason());
        assertTrue(a.reason().contains("cudnn9-cuda-13") && a.reason().contains("system-wide"), a.reason());
        // The -redist jars are not on Maven Central for this version: never recommended as if they were.
        assertFalse(a.reason().contains("add org.bytedeco:cuda"), a.reason());
        assertTrue(a.reason().contains("not on Maven Central"), a.reason());
    }

    @Test
    void aDriverOlderThanCuda13IsNamedEvenWhenTheDeviceQueryFailedBecauseOfIt() {
        // A CUDA 13 runtime on a CUDA 12 driver: cudaGetDeviceCount fails (cudaErrorInsufficientDriver); the reason
        // must be the driver, with the fix, not "no usable GPU".
        ProbeFacts f = new ProbeFacts("no usable NVIDIA GPU: cudaGetDeviceCount returned cudaErrorInsufficientDriver (35)",
                0, 0, "", 12080, 13010, 0, 0, 0);
        Availability a = f.decide(true);
        assertFalse(a.available());
        assertTrue(a.reason().contains("the NVIDIA driver supports CUDA 12.8 (cuDriverGetVersion 12080)"), a.reason());
        assertTrue(a.reason().contains("needs a driver for CUDA 13.0 or newer; update the NVIDIA driver"), a.reason());
    }

    @Test
    void aRuntimeOfAnotherMajorIsRefused() {
        Availability a = facts(13000, 12080, 13010, 91400, 13000).decide(true);
        assertFalse(a.available());
        assertTrue(a.reason().contains("CUDA runtime 12.8") && a.reason().contains("need the CUDA 13 runtime (libcudart.so.13)"), a.reason());
    }

    @Test
    void anOlderDriverOfTheSameMajorIsAcceptedAsMinorVersionCompatibility() {
        // The -redist jar's 13.1 runtime on a 13.0 driver runs (the kernels are loaded as cubins, see KernelTarget).
        Availability a = facts(13000, 13010, 13010, 91900, 13000).decide(true);
        assertTrue(a.available(), a.toString());
        assertTrue(a.details().contains("driver 13.0, CUDA runtime 13.1"), a.details());
    }

    @Test
    void missingNvrtcIsReportedButDoesNotMakeTheBackendUnavailable() {
        Availability a = facts(13000, 13010, 0, 91900, 13000).decide(true);
        assertTrue(a.available(), a.toString());
        assertTrue(a.details().contains("NVRTC not loadable (the composed path, bidirectional-sum and F16 need it)"), a.details());
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
