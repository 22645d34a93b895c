package org.rnn4j.onednn;

import org.bytedeco.dnnl.dnnl_version_t;
import org.bytedeco.dnnl.global.dnnl;
import org.rnn4j.Availability;
import org.rnn4j.Backend;
import org.rnn4j.BackendUnavailableException;
import org.rnn4j.DataType;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.UnsupportedConfigurationException;
import org.rnn4j.nativecommon.NativeProbe;

/**
 * The oneDNN CPU backend ({@code onednn}, rank 100). Thread-safe; holds no native state itself: natives load on the
 * first {@link #probe()} (never in a static initialiser), and every {@link #prepare} makes its own engine.
 */
public final class OneDnnBackend implements Backend {
    static final String FIX_HINT = "add org.bytedeco:dnnl with the classifier of this platform (and org.bytedeco:opencl "
            + "with the same classifier, which the dnnl natives load), e.g. through the rnn4j-platform dependency";
    private volatile Availability availability;

    @Override public String name() { return OneDnnErrors.BACKEND; }

    @Override public int rank() { return 100; }

    @Override public boolean isNative() { return true; }

    @Override
    public Availability probe() {
        Availability a = availability;
        if (a == null) {
            synchronized (this) {
                if (availability == null) availability = NativeProbe.probe(name(), dnnl.class, OneDnnBackend::details, FIX_HINT);
                a = availability;
            }
        }
        return a;
    }

    private static String details() {
        dnnl_version_t v = dnnl.dnnl_version();
        String hash = v.hash() == null ? null : v.hash().getString();
        return version(v.major(), v.minor(), v.patch(), hash) + ", CPU ISA " + dnnl.get_effective_cpu_isa() + ", "
                + Runtime.getRuntime().availableProcessors() + " cores";
    }

    /**
     * "oneDNN 3.11.0", with " (hash)" only when the build recorded its git hash: oneDNN reports "N/A" otherwise (as the
     * org.bytedeco:dnnl build does), which says nothing.
     */
    static String version(int major, int minor, int patch, String hash) {
        String v = "oneDNN " + major + "." + minor + "." + patch;
        boolean known = hash != null && !hash.isBlank() && !hash.trim().equalsIgnoreCase("N/A");
        return known ? v + " (" + hash.trim() + ")" : v;
    }

    @Override
    public PreparedRnn prepare(RnnSpec spec, RnnWeights weights) {
        if (spec == null) throw new NullPointerException("spec");
        if (weights == null) throw new NullPointerException("weights");
        if (!weights.spec().equals(spec)) {
            throw new IllegalArgumentException("weights: expected weights built for " + spec.caseName() + " but they belong to "
                    + weights.spec().caseName());
        }
        Availability a = probe();
        if (!a.available()) throw new BackendUnavailableException("backend 'onednn' is unavailable: " + a.reason());
        if (spec.dataType() != DataType.F32 && NativeSupport.needsComposition(spec)) {
            throw new UnsupportedConfigurationException(name(), spec, spec.dataType() + " with composed cells",
                    "the composed path computes in f32 only");
        }
        return new OneDnnPreparedRnn(spec, weights);
    }
}
