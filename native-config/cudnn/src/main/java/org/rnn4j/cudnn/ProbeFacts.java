package org.rnn4j.cudnn;

import org.rnn4j.Availability;

/**
 * What the probe found, in the order it looks (CUDA runtime, a GPU, cuDNN), and the decision built on it. Pure
 * Java so the decision is testable without a GPU; immutable and thread-safe.
 *
 * @param failure         why the first missing piece is missing (with the fix), or {@code null} if all were found
 * @param deviceCount     GPUs the runtime reports (0 when the runtime is missing)
 * @param device          index chosen by {@code rnn4j.cudnn.device}
 * @param deviceName      name of that GPU, e.g. "NVIDIA H100 80GB HBM3" (empty when unknown)
 * @param cudnnVersion    {@code cudnnGetVersion()}, e.g. 91400 (0 when unknown)
 */
record ProbeFacts(String failure, int deviceCount, int device, String deviceName, long cudnnVersion) {
    /** System property that turns the not-yet-validated compute path on. */
    static final String ENABLE_PROPERTY = "rnn4j.cudnn.enable";
    /** System property choosing the GPU by index (default 0). */
    static final String DEVICE_PROPERTY = "rnn4j.cudnn.device";
    static final String NOT_VALIDATED = "the cuDNN backend has not been validated on a GPU yet; set -D"
            + ENABLE_PROPERTY + "=true to try it";

    static ProbeFacts missing(String failure) { return new ProbeFacts(failure, 0, 0, "", 0); }

    /** "GPU 0 (NVIDIA H100 80GB HBM3) of 1, cuDNN 9.14.0". */
    String describe() {
        long v = cudnnVersion;
        // cuDNN 9 encodes major·10000 + minor·100 + patch (91400 = 9.14.0).
        String cudnn = v >= 10000 ? (v / 10000) + "." + (v / 100 % 100) + "." + (v % 100) : String.valueOf(v);
        return "GPU " + device + (deviceName.isEmpty() ? "" : " (" + deviceName + ")") + " of " + deviceCount + ", cuDNN " + cudnn;
    }

    /**
     * Available only when everything was found <em>and</em> {@code enabled}; otherwise the reason names the first
     * missing piece, or that the backend is unvalidated and how to enable it.
     */
    Availability decide(boolean enabled) {
        if (failure != null) return Availability.unavailable(failure);
        if (cudnnVersion < 90000) {
            return Availability.unavailable(describe() + " found, but rnn4j needs cuDNN 9 (the v8 RNN API as in cuDNN 9); install cuDNN 9");
        }
        if (device < 0 || device >= deviceCount) {
            return Availability.unavailable("-D" + DEVICE_PROPERTY + "=" + device + " names no GPU: expected [0, "
                    + deviceCount + ") on this machine");
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
