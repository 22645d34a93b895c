package org.rnn4j.reference;

import java.util.Objects;
import org.rnn4j.Availability;
import org.rnn4j.Backend;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * The pure-Java float64 oracle every native backend is checked against; clear rather than fast. Always available,
 * never chosen automatically (name it: {@code reference}). Stateless and thread-safe.
 */
public final class ReferenceBackend implements Backend {
    public static final String NAME = "reference";

    @Override public String name() { return NAME; }

    @Override public int rank() { return 0; }

    @Override public boolean isNative() { return false; }

    @Override public Availability probe() { return Availability.available("pure Java, float64 arithmetic"); }

    @Override
    public PreparedRnn prepare(RnnSpec spec, RnnWeights weights) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(weights, "weights");
        weights.requireCompatible(spec);
        return new ReferencePreparedRnn(spec, weights);
    }
}
