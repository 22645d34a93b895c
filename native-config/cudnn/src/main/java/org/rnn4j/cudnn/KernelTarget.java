package org.rnn4j.cudnn;

import java.util.Arrays;

/**
 * What NVRTC compiles the composed path's kernels to for one device: a cubin for the device's own architecture when
 * NVRTC supports it, otherwise PTX for the highest architecture NVRTC supports below the device's, which the driver
 * JIT-compiles at {@code cuModuleLoadData}. Pure Java; immutable.
 *
 * <p>Why cubin first: CUDA's minor-version compatibility lets a newer runtime and NVRTC (the 13.1 {@code -redist}
 * jar) run on an older driver of the same major (13.0) for cubins, but not for PTX: a driver JIT-compiles only PTX
 * of its own ISA version or older and refuses newer PTX with {@code CUDA_ERROR_UNSUPPORTED_PTX_VERSION} (CUDA
 * compatibility guide, "minor version compatibility" limitations). PTX remains the way to reach a device newer than
 * NVRTC knows (PTX for compute_XY runs on any later architecture); such a device comes with a newer driver.
 *
 * @param architecture {@code 10·major + minor} of the target, e.g. 90 for sm_90 / compute_90
 * @param cubin        a real-architecture cubin ({@code sm_XY}) rather than PTX ({@code compute_XY})
 */
record KernelTarget(int architecture, boolean cubin) {

    /**
     * The target for a device of {@code deviceArchitecture} ({@code 10·major + minor}) given NVRTC's
     * {@code nvrtcGetSupportedArchs} list; {@code null} when NVRTC supports nothing at or below the device (a GPU
     * older than this NVRTC's oldest architecture).
     */
    static KernelTarget choose(int deviceArchitecture, int[] supported) {
        int[] sorted = supported.clone();
        Arrays.sort(sorted);
        int below = -1;
        for (int a : sorted) {
            if (a == deviceArchitecture) return new KernelTarget(a, true);
            if (a < deviceArchitecture) below = a;
        }
        return below < 0 ? null : new KernelTarget(below, false);
    }

    /** NVRTC's architecture option: {@code --gpu-architecture=sm_90} (cubin) or {@code =compute_89} (PTX). */
    String option() { return "--gpu-architecture=" + name(); }

    /** {@code sm_90} or {@code compute_89}. */
    String name() { return (cubin ? "sm_" : "compute_") + architecture; }

    @Override
    public String toString() { return name() + (cubin ? " (cubin)" : " (PTX, JIT-compiled by the driver)"); }
}
