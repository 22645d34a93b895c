package org.rnn4j;

/**
 * A compute backend, discovered with {@link java.util.ServiceLoader}. Implementations are thread-safe and hold no
 * native state until {@link #prepare}; {@link #probe()} is cheap after its first call.
 */
public interface Backend {

    /** Stable lower-case name used for selection, e.g. {@code onednn}. */
    String name();

    /** Higher wins automatic selection among available native backends. */
    int rank();

    /** True for native backends; only native backends are ever chosen automatically. */
    boolean isNative();

    /** Whether this backend can run here; never throws, loads natives lazily. */
    Availability probe();

    /**
     * Builds everything the spec needs once (descriptors, reordered weights).
     *
     * @throws UnsupportedConfigurationException if this backend cannot compute {@code spec} exactly
     * @throws BackendUnavailableException if {@link #probe()} reports unavailable
     * @throws IllegalArgumentException if {@code weights} do not belong to {@code spec}
     */
    PreparedRnn prepare(RnnSpec spec, RnnWeights weights);
}
