package org.rnn4j;

/** A backend cannot compute a spec exactly; thrown by {@code prepare}, never mid-call. */
public class UnsupportedConfigurationException extends RnnException {
    private static final long serialVersionUID = 1L;
    private final String backend;
    private final String feature;

    public UnsupportedConfigurationException(String backend, RnnSpec spec, String feature, String why) {
        super(backend + " cannot run " + spec.caseName() + ": " + feature + " is not supported (" + why + ")");
        this.backend = backend;
        this.feature = feature;
    }

    public String backend() { return backend; }

    /** The feature of the spec that cannot be run, e.g. {@code "BF16 on this CPU"}. */
    public String feature() { return feature; }
}
