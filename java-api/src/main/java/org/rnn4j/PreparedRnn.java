package org.rnn4j;

/**
 * A spec with its weights made ready on one backend.
 *
 * <p>Threading and lifetime contract: {@link #forward} may be called from any number of threads at once;
 * {@link #close()} is idempotent, waits for in-flight calls to finish and makes later calls throw
 * {@link IllegalStateException}. Native memory is released by {@code close()}, never by the garbage collector.
 */
public interface PreparedRnn extends AutoCloseable {

    RnnSpec spec();

    /** Name of the backend that runs this, e.g. {@code onednn}. */
    String backend();

    /**
     * Runs the layers over one batch of sequences. Y comes back as a new array, or goes into the buffer the input
     * names ({@link RnnInput#yInto()}), in which case {@link RnnOutput#y()} is {@code null}.
     *
     * @throws IllegalArgumentException if the input does not fit the spec (nothing is computed)
     * @throws IllegalStateException after {@link #close()}
     * @throws NativeBackendException if the native library fails; no partial output is returned (a {@code yInto}
     *         buffer's contents are then unspecified)
     */
    RnnOutput forward(RnnInput input);

    @Override
    void close();
}
