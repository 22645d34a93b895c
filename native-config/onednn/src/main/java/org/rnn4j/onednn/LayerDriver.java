package org.rnn4j.onednn;

import java.nio.FloatBuffer;
import java.util.Arrays;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.Layout;
import org.rnn4j.OutputKind;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;

/**
 * The general path: one {@link DirectionKernel} per (layer, direction), driven step-chunk by step-chunk so that
 * per-sequence lengths cost nothing beyond the valid steps. Sequences are sorted by length (longest first); the
 * time axis is cut where a sequence ends, and each chunk is one kernel call over the still-active leading rows, the
 * states of finished rows staying untouched (so they end as the state at their last valid step, or the initial
 * state for length 0). A reverse direction reads each sequence backwards within its own length, and writes its
 * output back to the mirrored step. Layers follow PyTorch stacking: the next layer reads the concatenation (or
 * sum) of both directions. Thread-safe: every call has its own stream and buffers; kernels are shared.
 */
final class LayerDriver {
    private final RnnSpec spec;
    private final engine eng;
    private final DirectionKernel[] kernels;

    /** @param kernels index {@code layer · D + direction} */
    LayerDriver(RnnSpec spec, engine eng, DirectionKernel[] kernels) {
        this.spec = spec;
        this.eng = eng;
        this.kernels = kernels;
    }

    RnnOutput run(RnnInput input) {
        int t = input.steps();
        int n = input.batch();
        int dirs = spec.direction().count();
        int s = spec.stateSize();
        int h = spec.hiddenSize();
        boolean lstm = spec.cell() instanceof Cell.Lstm;
        int[] lengths = new int[n];
        for (int b = 0; b < n; b++) lengths[b] = input.lengthOf(b);
        Integer[] boxed = new Integer[n];
        for (int b = 0; b < n; b++) boxed[b] = b;
        Arrays.sort(boxed, (a, b) -> Integer.compare(lengths[b], lengths[a])); // stable: ties keep batch order
        int[] order = new int[n];
        for (int j = 0; j < n; j++) order[j] = boxed[j];

        float[] layerIn = timeMajor(input);
        int ld = spec.layers() * dirs;
        float[] hFinal = new float[ld * n * s];
        float[] cFinal = lstm ? new float[ld * n * h] : null;
        int maxIn = spec.inputSize();
        for (int l = 1; l < spec.layers(); l++) maxIn = Math.max(maxIn, spec.layerInputSize(l));
        try (PointerScope scope = new PointerScope()) {
            stream st = new stream(eng);
            ChunkBuffers buf = new ChunkBuffers((long) t * n * maxIn, (long) t * n * s, (long) n * s, lstm ? (long) n * h : 0);
            float[] layerOut = null;
            for (int l = 0; l < spec.layers(); l++) {
                int in = spec.layerInputSize(l);
                layerOut = new float[t * n * spec.outputSize()];
                for (int d = 0; d < dirs; d++) {
                    boolean reverse = spec.direction() == Direction.REVERSE || d == 1;
                    int part = l * dirs + d;
                    float[] hState = initialState(input.initialH(), part, n, s, order);
                    float[] cState = lstm ? initialState(input.initialC(), part, n, h, order) : null;
                    float[] yDir = new float[t * n * s];
                    runDirection(kernels[part], st, buf, layerIn, in, lengths, order, reverse, hState, cState, yDir);
                    combine(yDir, layerOut, d, t * n, s);
                    unsort(hState, hFinal, part, n, s, order);
                    if (lstm) unsort(cState, cFinal, part, n, h, order);
                }
                layerIn = layerOut;
            }
            float[] y = input.wants(OutputKind.Y, spec) ? (input.layout() == Layout.BATCH_MAJOR
                    ? Transpose.swapOuter(layerOut, t, n, spec.outputSize()) : layerOut) : null;
            return new RnnOutput(y, input.wants(OutputKind.H_FINAL, spec) ? hFinal : null,
                    lstm && input.wants(OutputKind.C_FINAL, spec) ? cFinal : null,
                    input.layout(), t, n, spec.outputSize());
        }
    }

    /** Native staging for one call, reused by every chunk, layer and direction; freed with the call's scope. */
    private static final class ChunkBuffers {
        final FloatPointer x, y, h0, hT, c0, cT;

        ChunkBuffers(long xFloats, long yFloats, long hFloats, long cFloats) {
            x = new FloatPointer(Math.max(1, xFloats));
            y = new FloatPointer(Math.max(1, yFloats));
            h0 = new FloatPointer(Math.max(1, hFloats));
            hT = new FloatPointer(Math.max(1, hFloats));
            c0 = cFloats > 0 ? new FloatPointer(cFloats) : null;
            cT = cFloats > 0 ? new FloatPointer(cFloats) : null;
        }
    }

    /**
     * Walks one direction of one layer. {@code hState}/{@code cState} arrive as initial states in sorted order and
     * leave as final states; {@code yDir} receives {@code [T, N, S]} outputs, zero past each length.
     */
    private void runDirection(DirectionKernel kernel, stream st, ChunkBuffers buf, float[] x, int in, int[] lengths,
                              int[] order, boolean reverse, float[] hState, float[] cState, float[] yDir) {
        int n = order.length;
        int t = x.length / Math.max(1, n * in);
        int s = spec.stateSize();
        int h = spec.hiddenSize();
        int t0 = 0;
        int active = n;
        float[] xChunk = new float[0];
        float[] yChunk = new float[0];
        float[] zeros = new float[0];
        while (true) {
            while (active > 0 && lengths[order[active - 1]] <= t0) active--;
            if (active == 0) break;
            int t1 = lengths[order[active - 1]];
            int steps = t1 - t0;
            // the kernel runs `width` rows: the active ones, then zero rows that nobody reads (see paddedRows)
            int width = paddedRows(active, n);
            int pad = width - active;
            int rows = steps * width;
            if (xChunk.length < rows * in) xChunk = new float[rows * in];
            if (yChunk.length < rows * s) yChunk = new float[rows * s];
            if (zeros.length < pad * Math.max(s, h)) zeros = new float[pad * Math.max(s, h)];
            for (int k = 0; k < steps; k++) {
                for (int j = 0; j < active; j++) {
                    int b = order[j];
                    int src = reverse ? lengths[b] - 1 - (t0 + k) : t0 + k;
                    System.arraycopy(x, (src * n + b) * in, xChunk, (k * width + j) * in, in);
                }
                Arrays.fill(xChunk, (k * width + active) * in, (k + 1) * width * in, 0f);
            }
            buf.x.position(0).put(xChunk, 0, rows * in);
            buf.h0.position(0).put(hState, 0, active * s).position(active * s).put(zeros, 0, pad * s);
            if (cState != null) buf.c0.position(0).put(cState, 0, active * h).position(active * h).put(zeros, 0, pad * h);
            kernel.run(st, buf.x.position(0), steps, width, buf.h0.position(0), cState == null ? null : buf.c0.position(0),
                    buf.y.position(0), buf.hT.position(0), cState == null ? null : buf.cT.position(0));
            buf.y.position(0).get(yChunk, 0, rows * s);
            buf.hT.position(0).get(hState, 0, active * s);
            if (cState != null) buf.cT.position(0).get(cState, 0, active * h);
            for (int k = 0; k < steps; k++) {
                for (int j = 0; j < active; j++) {
                    int b = order[j];
                    int dst = reverse ? lengths[b] - 1 - (t0 + k) : t0 + k;
                    System.arraycopy(yChunk, (k * width + j) * s, yDir, (dst * n + b) * s, s);
                }
            }
            t0 = t1;
        }
    }

    /**
     * How many rows a chunk with {@code active} of the call's {@code n} sequences runs: all of them when every
     * sequence is active, otherwise {@code active} rounded up to the next multiple of an eighth of its highest power
     * of two (exact up to 16; 17 → 18, 33 → 36, 100 → 104), at most {@code n}. Rows are independent in every cell,
     * so the zero rows added change nothing the caller sees; they cost under 1/8 more work per chunk. What they buy:
     * a ragged call has one chunk per distinct length, and each batch size is a cached shape (a primitive, or a
     * composed step plan); rounded, batch sizes up to 1024 fall into 64 values instead of 1024, so a very ragged
     * call reuses its shapes instead of rebuilding them every call (5–10× slower, docs/backends.md).
     */
    static int paddedRows(int active, int n) {
        if (active >= n || active <= 16) return active;
        int unit = Integer.highestOneBit(active) >> 3;
        return Math.min(n, (active + unit - 1) / unit * unit);
    }

    /** Concat writes direction d into channels [d·S, (d+1)·S); sum adds; a single direction copies. */
    private void combine(float[] yDir, float[] out, int d, int rows, int s) {
        if (spec.direction() == Direction.BIDIRECTIONAL_CONCAT) {
            for (int r = 0; r < rows; r++) System.arraycopy(yDir, r * s, out, r * 2 * s + d * s, s);
        } else if (d == 0) {
            System.arraycopy(yDir, 0, out, 0, yDir.length);
        } else {
            for (int i = 0; i < yDir.length; i++) out[i] += yDir[i];
        }
    }

    private static float[] initialState(float[] all, int part, int n, int width, int[] order) {
        float[] sorted = new float[n * width];
        if (all == null) return sorted;
        for (int j = 0; j < n; j++) System.arraycopy(all, (part * n + order[j]) * width, sorted, j * width, width);
        return sorted;
    }

    private static void unsort(float[] sorted, float[] all, int part, int n, int width, int[] order) {
        for (int j = 0; j < n; j++) System.arraycopy(sorted, j * width, all, (part * n + order[j]) * width, width);
    }

    /** X as a time-major array {@code [T, N, I]}. */
    private float[] timeMajor(RnnInput input) {
        FloatBuffer src = input.x().duplicate();
        float[] x = new float[src.remaining()];
        src.get(x);
        return input.layout() == Layout.BATCH_MAJOR ? Transpose.swapOuter(x, input.batch(), input.steps(), spec.inputSize()) : x;
    }


}
