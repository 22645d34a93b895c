package org.rnn4j.onednn;

import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.dnnl.stream;

/**
 * One direction of one layer, prepared once on oneDNN: walks T steps forward in time over N sequences that are all
 * valid for every step. The layer driver handles reversal, per-sequence lengths, stacking and the combination of
 * directions; a kernel only sees a plain forward recurrence.
 *
 * <p>All pointers are host f32 memory, dense, time-major: {@code x [T, N, I']}, {@code y [T, N, S]},
 * {@code h0}/{@code hT} {@code [N, S]}, {@code c0}/{@code cT} {@code [N, H]} ({@code null} for cells without a cell
 * state). {@code h0} and {@code c0} are never null for cells that use them (zeros when the caller gave none).
 * A pointer's {@code position()} is honoured (JavaCPP passes {@code address + position}).
 *
 * <p>Threading: {@link #run} may be called from many threads at once with distinct streams and buffers; it allocates
 * whatever per-call scratch it needs. {@link #close()} is called once, after every run has returned.
 */
public interface DirectionKernel extends AutoCloseable {

    void run(stream s, FloatPointer x, int steps, int batch, FloatPointer h0, FloatPointer c0,
             FloatPointer y, FloatPointer hT, FloatPointer cT);

    @Override
    void close();
}
