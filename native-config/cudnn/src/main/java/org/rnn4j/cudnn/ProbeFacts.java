package org.rnn4j.cudnn;

import org.bytedeco.cuda.global.cudart;
import org.rnn4j.Availability;

/**
 * What the probe found, in the order it looks (CUDA runtime and driver, a GPU, NVRTC, cuDNN), and the decision built
 * on it. Pure Java so the decision is testable without a GPU; immutable and thread-safe. CUDA versions are encoded
 * as CUDA encodes them, {@code 1000·major + 10·minor} (13010 = 13.1), 0 when unknown.
 *
 * @param failure            why the first missing piece is missing (with the fix), or {@code null} if all were found
 * @param deviceCount        GPUs the runtime reports (0 when the runtime is missing)
 * @param device             index chosen by {@code rnn4j.cudnn.device}
 * @param deviceName         name of that GPU, e.g. "NVIDIA H100 80GB HBM3" (empty when unknown)
 * @param driverVersion      {@code cuDriverGetVersion}: the newest CUDA the driver supports, e.g. 13000
 * @param runtimeVersion     {@code cudaRuntimeGetVersion} of the loaded libcudart, e.g. 13010
 * @param nvrtcVersion       {@code nvrtcVersion}, e.g. 13010 (0: NVRTC not loadable; only the composed path,
 *                           bidirectional-sum and F16 need it)
 * @param cudnnVersion       {@code cudnnGetVersion()}, e.g. 91400 (0 when unknown)
 * @param cudnnCudartVersion {@code cudnnGetCudartVersion()}: the CUDA runtime cuDNN was built for, e.g. 13000
 */
record ProbeFacts(String failure, int deviceCount, int device, String deviceName, int driverVersion, int runtimeVersion,
                  int nvrtcVersion, long cudnnVersion, long cudnnCudartVersion) {
    /** System property that turns the not-yet-validated compute path on. */
    static final String ENABLE_PROPERTY = "rnn4j.cudnn.enable";
    /** System property choosing the GPU by index (default 0). */
    static final String DEVICE_PROPERTY = "rnn4j.cudnn.device";
    static final String NOT_VALIDATED = "the cuDNN backend has not been validated on a GPU yet; set -D"
            + ENABLE_PROPERTY + "=true to try it";
    /** The CUDA major version the JavaCPP bindings were built for (they link libcudart.so.13); a compile-time constant. */
    static final int CUDA_MAJOR = cudart.CUDART_VERSION / 1000;
    /**
     * Where the CUDA libraries come from: installed system-wide. JavaCPP's {@code -redist} jars would bundle them, but
     * for this version they are not on Maven Central (platform-profiles/README.md), so they are named only as an
     * option for a repository that hosts them.
     */
    static final String INSTALL_HINT = "system-wide from NVIDIA (the org.bytedeco:cuda <platform>-redist jars bundle"
            + " them too, but they are not on Maven Central: use them only if a repository of yours hosts them)";

    static ProbeFacts missing(String failure) { return new ProbeFacts(failure, 0, 0, "", 0, 0, 0, 0, 0); }

    /**
     * "GPU 0 (NVIDIA H100 80GB HBM3) of 1, driver 13.0, CUDA runtime 13.1, NVRTC 13.1, cuDNN 9.14.0 for CUDA 13.0";
     * versions the probe did not get are left out.
     */
    String describe() {
        StringBuilder b = new StringBuilder("GPU ").append(device);
        if (!deviceName.isEmpty()) b.append(" (").append(deviceName).append(')');
        b.append(" of ").append(deviceCount);
        if (driverVersion > 0) b.append(", driver ").append(cuda(driverVersion));
        if (runtimeVersion > 0) b.append(", CUDA runtime ").append(cuda(runtimeVersion));
        if (runtimeVersion > 0) {
            b.append(", NVRTC ").append(nvrtcVersion > 0 ? cuda(nvrtcVersion)
                    : "not loadable (the composed path, bidirectional-sum and F16 need it)");
        }
        long v = cudnnVersion;
        // cuDNN 9 encodes major·10000 + minor·100 + patch (91400 = 9.14.0).
        String cudnn = v >= 10000 ? (v / 10000) + "." + (v / 100 % 100) + "." + (v % 100) : String.valueOf(v);
        b.append(", cuDNN ").append(cudnn);
        if (cudnnCudartVersion > 0) b.append(" for CUDA ").append(cuda(cudnnCudartVersion));
        return b.toString();
    }

    /** "13.1" for 13010. */
    static String cuda(long version) { return (version / 1000) + "." + (version % 1000 / 10); }

    /**
     * Available only when everything was found, in versions that fit together, <em>and</em> {@code enabled};
     * otherwise the reason names the first missing or mismatched piece and its fix, or that the backend is
     * unvalidated and how to enable it.
     */
    Availability decide(boolean enabled) {
        // First: a driver older than the runtime's major also makes the device query fail, and is the reason to name.
        if (driverVersion > 0 && driverVersion / 1000 < CUDA_MAJOR) {
            return Availability.unavailable("the NVIDIA driver supports CUDA " + cuda(driverVersion) + " (cuDriverGetVersion "
                    + driverVersion + "), but rnn4j's bindings use the CUDA " + CUDA_MAJOR + " runtime, which needs a driver for CUDA "
                    + CUDA_MAJOR + ".0 or newer; update the NVIDIA driver (nvidia-smi shows the CUDA version it supports)");
        }
        if (failure != null) return Availability.unavailable(failure);
        if (runtimeVersion > 0 && runtimeVersion / 1000 != CUDA_MAJOR) {
            return Availability.unavailable(describe() + " found, but rnn4j's bindings need the CUDA " + CUDA_MAJOR
                    + " runtime (libcudart.so." + CUDA_MAJOR + "); install it " + INSTALL_HINT);
        }
        if (cudnnVersion < 90000) {
            return Availability.unavailable(describe() + " found, but rnn4j needs cuDNN 9 (the v8 RNN API as in cuDNN 9); install cuDNN 9 " + INSTALL_HINT);
        }
        if (cudnnCudartVersion > 0 && cudnnCudartVersion / 1000 != CUDA_MAJOR) {
            return Availability.unavailable(describe() + " found, but that cuDNN was built for CUDA " + cuda(cudnnCudartVersion)
                    + " (cudnnGetCudartVersion) and rnn4j's bindings use CUDA " + CUDA_MAJOR + "; install the cuDNN 9 build for CUDA "
                    + CUDA_MAJOR + " (e.g. the cudnn9-cuda-" + CUDA_MAJOR + " package) " + INSTALL_HINT);
        }
        if (device < 0 || device >= deviceCount) {
            return Availability.unavailable("GPU index " + device + " (-D" + DEVICE_PROPERTY + " or CudnnBackend.onDevice) names no GPU: "
                    + "expected [0, " + deviceCount + ") on this machine");
        }
        if (!enabled) return Availability.unavailable(describe() + " found, but " + NOT_VALIDATED);
        return Availability.available(describe() + "; enabled by -D" + ENABLE_PROPERTY + "=true (not yet validated on a GPU)");
    }

    /** Parses {@code rnn4j.cudnn.device}; a malformed value is reported, not ignored. */
    static int deviceIndex(String property) {
        if (property == null || property.isBlank()) return 0;
        try {
            return Integer.parseInt(property.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("-D" + DEVICE_PROPERTY + ": expected a GPU index (0, 1, ...) but was '" + property + "'");
        }
    }
}
