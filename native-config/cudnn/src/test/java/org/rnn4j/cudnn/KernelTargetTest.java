package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** What NVRTC compiles the kernels to: a cubin for the device's own architecture, PTX only where NVRTC lacks it. */
class KernelTargetTest {
    /** The architectures of CUDA 13.0 (nvcc --list-gpu-code), the shape of NVRTC 13's nvrtcGetSupportedArchs list. */
    private static final int[] NVRTC_13 = {75, 80, 86, 87, 88, 89, 90, 100, 103, 110, 120, 121};

    @Test
    void aDeviceNvrtcSupportsGetsACubinForItsOwnArchitecture() {
        assertEquals(new KernelTarget(90, true), KernelTarget.choose(90, NVRTC_13));
        assertEquals(new KernelTarget(75, true), KernelTarget.choose(75, NVRTC_13));
        assertEquals("--gpu-architecture=sm_90", KernelTarget.choose(90, NVRTC_13).option());
    }

    @Test
    void aDeviceNewerThanNvrtcGetsPtxForTheHighestSupportedArchitectureBelowIt() {
        assertEquals(new KernelTarget(121, false), KernelTarget.choose(130, NVRTC_13));
        assertEquals("--gpu-architecture=compute_121", KernelTarget.choose(130, NVRTC_13).option());
    }

    @Test
    void anArchitectureMissingFromTheListFallsBackToPtxBelowItNotAbove() {
        assertEquals(new KernelTarget(100, false), KernelTarget.choose(101, NVRTC_13));
        assertEquals(new KernelTarget(90, false), KernelTarget.choose(95, new int[] {121, 90, 80})); // order does not matter
    }

    @Test
    void aDeviceOlderThanEveryArchitectureHasNoTarget() {
        assertNull(KernelTarget.choose(70, NVRTC_13));
        assertNull(KernelTarget.choose(90, new int[0]));
    }

    @Test
    void theNameSaysWhatTheDriverGets() {
        assertEquals("sm_90 (cubin)", new KernelTarget(90, true).toString());
        assertEquals("compute_121 (PTX, JIT-compiled by the driver)", new KernelTarget(121, false).toString());
    }
}
