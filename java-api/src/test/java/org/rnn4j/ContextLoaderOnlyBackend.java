package org.rnn4j;

/**
 * A provider that only a test's context class loader lists in {@code META-INF/services} (see
 * {@link BackendsClassLoaderTest}); nothing on the class path names it. Stateless and thread-safe.
 */
public final class ContextLoaderOnlyBackend implements Backend {
    static final String NAME = "context-loader-only";

    @Override public String name() { return NAME; }

    @Override public int rank() { return 0; }

    @Override public boolean isNative() { return false; }

    @Override public Availability probe() { return Availability.available("test provider"); }

    @Override
    public PreparedRnn prepare(RnnSpec spec, RnnWeights weights) {
        throw new UnsupportedOperationException("a discovery test provider computes nothing");
    }
}
