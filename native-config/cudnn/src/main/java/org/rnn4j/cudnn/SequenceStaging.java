package org.rnn4j.cudnn;

import java.nio.FloatBuffer;
import org.rnn4j.Layout;

/**
 * Host-side bookkeeping of one forward call around cuDNN's padded, sequence-major I/O
 * ({@code CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_UNPACKED}: {@code [maxSeqLength, N, C]}, step t of sequence n at
 * {@code (t·N + n)·C}). Pure Java; one instance per call, not thread-safe.
 *
 * <p>What it handles so that cuDNN never sees it:
 * <ul>
 *   <li>zero-length sequences: they run one step on zero input, and their result is discarded — Y stays zero and
 *       the final states are the initial states. cuDNN's v8 API accepts length 0 (only the v7 API required
 *       lengths &gt; 0), but rnn4j does not rely on it: {@code maxSeqLength} must still be at least 1, so an
 *       all-zero batch needs this path anyway; the documentation does not say what {@code hy}/{@code cy} hold for
 *       such a sequence, while rnn4j must return the initial state; and no GPU run has exercised it yet;</li>
 *   <li>REVERSE: each sequence is read backwards within its own length (step t ← step len−1−t) before a forward
 *       cuDNN run, and Y is mirrored back the same way. Stacked REVERSE layers need this only once, at the stack's
 *       input and output: a reverse layer over a mirrored sequence is the forward layer, layer after layer;</li>
 *   <li>the caller's layout (time- or batch-major) and steps past each length (zero in Y).</li>
 * </ul>
 * The host side is always float: F16 data is converted on the device.
 * These are index permutations of the copy between the caller's arrays and the staging buffers, which happens
 * anyway: no extra pass over the data and no arithmetic on the host. (BIDIRECTIONAL_SUM's addition runs on the
 * device, {@link GpuOps.Kernel#SUM_DIRECTIONS}.)
 */
final class SequenceStaging {
    private final int steps;
    private final int batch;
    private final int[] lengths;
    private final int[] cudnnLengths;
    private final int maxLength;
    private final boolean reverse;

    /** @param lengths per-sequence lengths in {@code [0, steps]}, or {@code null} for all {@code steps} */
    SequenceStaging(int steps, int batch, int[] lengths, boolean reverseEachSequence) {
        this.steps = steps;
        this.batch = batch;
        this.reverse = reverseEachSequence;
        this.lengths = new int[batch];
        this.cudnnLengths = new int[batch];
        int max = 1;
        for (int n = 0; n < batch; n++) {
            int len = lengths == null ? steps : lengths[n];
            if (len < 0 || len > steps) throw new IllegalArgumentException("sequenceLengths[" + n + "]: expected [0, " + steps + "] but was " + len);
            this.lengths[n] = len;
            this.cudnnLengths[n] = Math.max(len, 1);
            max = Math.max(max, cudnnLengths[n]);
        }
        this.maxLength = max;
    }

    /** {@code seqLengthArray} for cuDNN: every entry ≥ 1 (zero-length sequences run one discarded step). */
    int[] cudnnLengths() { return cudnnLengths.clone(); }

    /** cuDNN's {@code maxSeqLength}: the longest length (at least 1); steps past it are never computed. */
    int maxLength() { return maxLength; }

    int batch() { return batch; }

    boolean isZeroLength(int n) { return lengths[n] == 0; }

    /** Source step of X for cuDNN step {@code t} of sequence {@code n} (mirrored within the length for REVERSE). */
    int sourceStep(int n, int t) { return reverse ? lengths[n] - 1 - t : t; }

    /**
     * X {@code [T, N, I]} or {@code [N, T, I]} → cuDNN x {@code [maxLength, N, I]}, in a new array. Padding (t ≥ len,
     * and the one step of a zero-length sequence) is zero.
     */
    float[] packX(FloatBuffer x, Layout layout, int inputSize) {
        float[] out = new float[maxLength * batch * inputSize];
        packX(x, layout, inputSize, FloatBuffer.wrap(out));
        return out;
    }

    /**
     * As {@link #packX(FloatBuffer, Layout, int)}, into {@code dst} (absolute indices from 0; a reused staging buffer,
     * so the padding is written too), a row of I values at a time.
     */
    void packX(FloatBuffer x, Layout layout, int inputSize, FloatBuffer dst) {
        pack(layout, inputSize, (from, to) -> dst.put(to, x, (int) from, inputSize), to -> {
            for (int c = 0; c < inputSize; c++) dst.put(to + c, 0f);
        });
    }

    /** A row of the caller's X (element offset {@code from}) goes to cuDNN's x at element {@code to}. */
    private interface RowCopy { void copy(long from, int to); }

    /** A padding row of cuDNN's x at element {@code to}. */
    private interface RowZero { void zero(int to); }

    private void pack(Layout layout, int inputSize, RowCopy copy, RowZero zero) {
        for (int t = 0; t < maxLength; t++) {
            for (int n = 0; n < batch; n++) {
                int to = (t * batch + n) * inputSize;
                if (t < lengths[n]) {
                    copy.copy(layout.offset(sourceStep(n, t), n, 0, steps, batch, inputSize), to);
                } else {
                    zero.zero(to);
                }
            }
        }
    }

    /**
     * The device's y {@code [maxLength, N, channels]} (cuDNN's, or its directions added) → rnn4j Y in
     * {@code layout}, {@code [T, N, channels]} or {@code [N, T, channels]}.
     */
    float[] unpackY(float[] y, Layout layout, int channels) {
        return unpackY(FloatBuffer.wrap(y), layout, channels);
    }

    /** As {@link #unpackY(float[], Layout, int)}, from {@code y} (absolute indices from 0). */
    float[] unpackY(FloatBuffer y, Layout layout, int channels) {
        float[] out = new float[steps * batch * channels];
        unpack(layout, channels, (from, to) -> y.get(from, out, to, channels));
        return out;
    }

    /** A row of the device's y (element {@code from}) goes to rnn4j's Y at element {@code to}. */
    private interface RowOut { void copy(int from, int to); }

    /** Only the steps within each length: the rest of Y stays zero, whatever cuDNN computed there. */
    private void unpack(Layout layout, int channels, RowOut copy) {
        for (int n = 0; n < batch; n++) {
            for (int t = 0; t < lengths[n]; t++) {
                copy.copy((t * batch + n) * channels, (int) layout.offset(sourceStep(n, t), n, 0, steps, batch, channels));
            }
        }
    }

    /**
     * Final states {@code [L·D, N, width]} from cuDNN: rows of zero-length sequences get the initial state
     * ({@code initial}, or zeros when it is {@code null}) — cuDNN ran one step for them that must not count.
     */
    void restoreZeroLengthStates(float[] finalState, float[] initial, int layerDirections, int width) {
        for (int n = 0; n < batch; n++) {
            if (lengths[n] != 0) continue;
            for (int ld = 0; ld < layerDirections; ld++) {
                int at = (ld * batch + n) * width;
                for (int c = 0; c < width; c++) finalState[at + c] = initial == null ? 0f : initial[at + c];
            }
        }
    }
}
