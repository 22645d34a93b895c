package org.rnn4j.cudnn;

import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.rnn4j.Availability;
import org.rnn4j.Backend;
import org.rnn4j.BackendUnavailableException;
import org.rnn4j.DataType;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.UnsupportedConfigurationException;
import org.rnn4j.nativecommon.NonFinite;

/**
 * NVIDIA GPU backend on cuDNN 9 (v8 RNN API). Not yet validated on a GPU: {@link #probe()} reports unavailable
 * unless {@code -Drnn4j.cudnn.enable=true} and the CUDA runtime, a GPU and cuDNN 9 are all present; then
 * {@link #prepare} runs a spec natively (one {@code cudnnRNNForward}, see {@link CudnnPlan}) where cuDNN has its
 * variant, and on the composed path ({@link ComposedStack}: cuBLAS + NVRTC kernels) otherwise; non-finite data on a
 * native plan whose kernels may lose NaN ({@link CudnnPlan#losesNaN}) also runs composed. Thread-safe; the probe
 * runs once per instance.
 */
public final class CudnnBackend implements Backend {
    public static final String NAME = CudaErrors.BACKEND;

    private final Supplier<ProbeFacts> facts;
    private final Supplier<Boolean> enabled;
    private volatile ProbeFacts probed;
    private volatile Availability availability;

    /** The backend {@code Backends} finds: on the GPU {@code -Drnn4j.cudnn.device} names (0 when unset). */
    public CudnnBackend() {
        this(CudaProbe::run, () -> Boolean.getBoolean(ProbeFacts.ENABLE_PROPERTY));
    }

    /**
     * A backend on GPU {@code index} (CUDA's device order, as {@code nvidia-smi} lists it unless
     * {@code CUDA_VISIBLE_DEVICES} reorders it), whatever {@code -Drnn4j.cudnn.device} says: one per GPU lets one process
     * serve several. Its probe reports the index unavailable where the machine has no such GPU; otherwise it behaves
     * as the default instance, and prepared RNNs of different devices may run at the same time.
     *
     * @throws IllegalArgumentException if {@code index} is negative
     */
    public static CudnnBackend onDevice(int index) {
        if (index < 0) throw new IllegalArgumentException("index: expected a GPU index (0, 1, ...) but was " + index);
        return new CudnnBackend(() -> CudaProbe.run(index), () -> Boolean.getBoolean(ProbeFacts.ENABLE_PROPERTY));
    }

    /** For tests: inject what the probe would find and whether the enable property is set. */
    CudnnBackend(Supplier<ProbeFacts> facts, Supplier<Boolean> enabled) {
        this.facts = facts;
        this.enabled = enabled;
    }

    @Override public String name() { return NAME; }

    @Override public int rank() { return 200; }

    @Override public boolean isNative() { return true; }

    @Override
    public Availability probe() {
        Availability a = availability;
        if (a == null) {
            ProbeFacts f = facts.get();
            probed = f;
            availability = a = f.decide(enabled.get());
        }
        return a;
    }

    @Override
    public PreparedRnn prepare(RnnSpec spec, RnnWeights weights) {
        return prepare(spec, weights, () -> PinnedBuffer.limitBytes(System.getProperty(PinnedBuffer.LIMIT_PROPERTY)));
    }

    /**
     * As {@link #prepare(RnnSpec, RnnWeights)}, with the pinned staging limit in bytes from {@code pinnedLimit}
     * instead of the property ({@link Bench} times two limits in one JVM); read after the checks, before native work.
     */
    PreparedRnn prepare(RnnSpec spec, RnnWeights weights, LongSupplier pinnedLimit) {
        java.util.Objects.requireNonNull(spec, "spec");
        java.util.Objects.requireNonNull(weights, "weights");
        weights.requireCompatible(spec);
        Availability a = probe();
        if (!a.available()) throw new BackendUnavailableException("backend 'cudnn' is unavailable: " + a.reason());
        CudnnPlan plan = plan(spec);
        long limit = pinnedLimit.getAsLong();
        // Non-finite weights on a plan whose native kernels may lose NaN: every call would need the NaN-exact path.
        if (plan.isNative() && !(plan.losesNaN() && NonFinite.any(weights))) {
            return new CudnnPreparedRnn(spec, weights, plan, probed.device(), limit);
        }
        return new ComposedPreparedRnn(NAME, spec, weights, new CudaDevice(probed.device(), spec, limit));
    }

    /**
     * The plan for {@code spec}: native (one cuDNN call) or composed (its {@code composedFeatures} say why), or
     * {@link UnsupportedConfigurationException} for BF16.
     */
    static CudnnPlan plan(RnnSpec spec) {
        if (spec.dataType() == DataType.BF16) {
            throw new UnsupportedConfigurationException(NAME, spec, "BF16",
                    "cuDNN's RNN forward supports half and float data; use F16 or F32");
        }
        return CudnnPlan.of(spec);
    }
}
