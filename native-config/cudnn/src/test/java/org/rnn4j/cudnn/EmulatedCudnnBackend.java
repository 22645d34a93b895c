package org.rnn4j.cudnn;

import java.util.Objects;
import org.rnn4j.Availability;
import org.rnn4j.Backend;
import org.rnn4j.BackendUnavailableException;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Test-only backend {@value #NAME}: the cuDNN backend's composed GPU path — every spec, native-capable or not —
 * on the emulated device ({@link EmulatedDevice}), registered through this module's test-jar so the tests module's
 * suites (the cross-backend grids, the ONNX node tests and numpy fixtures, the PyTorch/Keras importer goldens) run
 * on it in CI without a GPU. Lowest rank, so it is never chosen by default. Thread-safe; never shipped.
 */
public final class EmulatedCudnnBackend implements Backend {
    public static final String NAME = "cudnn-emulated";

    @Override public String name() { return NAME; }

    @Override public int rank() { return 1; }

    @Override public boolean isNative() { return true; }

    @Override
    public Availability probe() {
        String reason = EmulatedGpu.unavailableReason();
        return reason == null
                ? Availability.available("cuDNN's composed path on the emulated device (g++ + AddressSanitizer; tests only)")
                : Availability.unavailable(reason);
    }

    @Override
    public PreparedRnn prepare(RnnSpec spec, RnnWeights weights) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(weights, "weights");
        weights.requireCompatible(spec);
        Availability a = probe();
        if (!a.available()) throw new BackendUnavailableException("backend '" + NAME + "' is unavailable: " + a.reason());
        CudnnBackend.plan(spec); // the cuDNN backend's refusals (BF16) apply here too
        return new ComposedPreparedRnn(NAME, spec, weights, new EmulatedDevice());
    }
}
