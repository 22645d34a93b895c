package org.rnn4j.onednn;

import java.util.List;
import org.rnn4j.Cell;
import org.rnn4j.Gate;
import org.rnn4j.LayerWeights;
import org.rnn4j.RnnSpec;
import org.rnn4j.UnsupportedConfigurationException;

/**
 * One layer's weights for D directions, rearranged from rnn4j's canonical layout into oneDNN's user layouts
 * (f32): W {@code ldigo [1, D, I', G, H]}, R {@code ldigo [1, D, S, G, H]}, bias {@code ldgo [1, D, Gb, H]},
 * peephole {@code ldgo [1, D, 3, H]}, projection {@code ldio [1, D, H, P]}. Immutable after construction;
 * pure Java.
 *
 * <p>Gate orders coincide (LSTM i,f,g,o = oneDNN i,f,c̃,o; GRU z,r,n = oneDNN u,r,o), so only the matrices are
 * transposed. oneDNN has one bias per gate (Wb + Rb), except linear-before-reset GRU whose fourth block u' holds
 * Rbn, kept apart because r multiplies it. CIFG is made exact here: the coupled gate's slot receives the negated
 * weights, bias and peephole of the gate it follows, since σ(−a) = 1 − σ(a). A layer whose W or R for all its
 * directions would not fit one Java array is refused ({@link #fitsJavaArrays}); sizes are checked in {@code long}.
 */
final class UserWeights {
    final int directions;
    final int gates;
    final int biasGates;
    final int inputSize;
    final int stateSize;
    final int hiddenSize;
    final float[] layer;
    final float[] iter;
    final float[] bias;
    final float[] peephole;
    final float[] projection;

    UserWeights(RnnSpec spec, int layerIndex, List<LayerWeights> parts) {
        Cell cell = spec.cell();
        directions = parts.size();
        gates = cell.gateCount();
        boolean lbr = cell instanceof Cell.Gru && ((Cell.Gru) cell).resetMode() == Cell.ResetMode.LINEAR_BEFORE_RESET;
        biasGates = lbr ? 4 : gates;
        inputSize = spec.layerInputSize(layerIndex);
        stateSize = spec.stateSize();
        hiddenSize = spec.hiddenSize();
        Cell.Lstm lstm = cell instanceof Cell.Lstm ? (Cell.Lstm) cell : null;
        boolean peep = lstm != null && !lstm.peepholes().isEmpty();
        boolean proj = lstm != null && lstm.hasProjection();
        int h = hiddenSize;
        // From here on every size and index is below MAX_ARRAY_ELEMENTS, so int arithmetic cannot wrap.
        long largest = largestTensor(spec, layerIndex, directions);
        if (largest > RnnSpec.MAX_ARRAY_ELEMENTS) {
            throw new UnsupportedConfigurationException(OneDnnErrors.BACKEND, spec, "layer " + layerIndex + "'s W or R for "
                    + directions + " directions in one array", "needs " + largest + " floats, more than the "
                    + RnnSpec.MAX_ARRAY_ELEMENTS + " a Java array holds");
        }
        layer = new float[directions * inputSize * gates * h];
        iter = new float[directions * stateSize * gates * h];
        bias = new float[directions * biasGates * h];
        peephole = peep ? new float[directions * 3 * h] : null;
        projection = proj ? new float[directions * h * stateSize] : null;
        for (int d = 0; d < directions; d++) {
            LayerWeights w = parts.get(d);
            for (int g = 0; g < gates; g++) {
                int src = sourceGate(lstm, g);
                float sign = src == g ? 1f : -1f;
                transposeGate(w.w(), inputSize, src, sign, layer, d, g);
                transposeGate(w.r(), stateSize, src, sign, iter, d, g);
                for (int j = 0; j < h; j++) {
                    int row = src * h + j;
                    float b = lbr && g == 2 ? w.wBias()[row] : w.wBias()[row] + w.rBias()[row];
                    bias[(d * biasGates + g) * h + j] = sign * b;
                }
            }
            if (lbr) System.arraycopy(w.rBias(), 2 * h, bias, (d * biasGates + 3) * h, h);
            if (peep) fillPeephole(lstm, w.peephole(), d);
            if (proj) {
                for (int p = 0; p < stateSize; p++) {
                    for (int k = 0; k < h; k++) projection[(d * h + k) * stateSize + p] = w.projection()[p * h + k];
                }
            }
        }
    }

    /**
     * Whether every layer's weights for {@code directions} directions fit the arrays this class fills. Each tensor of
     * one direction fits one Java array ({@link RnnSpec} checks that), but W or R of two directions together need not:
     * a bidirectional layer with 2^30 to 2^31 floats per direction does not.
     */
    static boolean fitsJavaArrays(RnnSpec spec, int directions) {
        for (int l = 0; l < Math.min(spec.layers(), 2); l++) { // layers 1.. all have the same shapes
            if (largestTensor(spec, l, directions) > RnnSpec.MAX_ARRAY_ELEMENTS) return false;
        }
        return true;
    }

    /** Elements of the larger of W {@code [D, I', G, H]} and R {@code [D, S, G, H]} (bias, peephole, projection are smaller). */
    private static long largestTensor(RnnSpec spec, int layer, int directions) {
        long perColumn = (long) directions * spec.cell().gateCount() * spec.hiddenSize();
        return perColumn * Math.max(spec.layerInputSize(layer), spec.stateSize());
    }

    /** The canonical gate whose weights fill oneDNN slot {@code g}: itself, or the gate a CIFG slot follows. */
    private static int sourceGate(Cell.Lstm lstm, int g) {
        if (lstm == null) return g;
        if (lstm.coupling() == Cell.Coupling.FORGET_FROM_INPUT && g == 1) return 0;
        if (lstm.coupling() == Cell.Coupling.INPUT_FROM_FORGET && g == 0) return 1;
        return g;
    }

    /** Canonical {@code m [G·H, cols]} block {@code src} → ldigo slot (d, ·, g, ·), times {@code sign}. */
    private void transposeGate(float[] m, int cols, int src, float sign, float[] out, int d, int g) {
        int h = hiddenSize;
        for (int j = 0; j < h; j++) {
            int rowBase = (src * h + j) * cols;
            for (int c = 0; c < cols; c++) {
                out[((d * cols + c) * gates + g) * h + j] = sign * m[rowBase + c];
            }
        }
    }

    /** The primitive's peephole slots, in its order. */
    private static final Gate[] PEEPHOLE_SLOTS = {Gate.INPUT, Gate.FORGET, Gate.OUTPUT};

    /** The gate whose peephole slot {@code s} reads: its own, or for a coupled slot its source's (negated). */
    private static Gate peepholeSource(Cell.Lstm lstm, int s) {
        return PEEPHOLE_SLOTS[s < 2 ? sourceGate(lstm, s) : s];
    }

    /**
     * Whether {@link #fillPeephole} leaves a zero row for some gate of {@code lstm}: it has peepholes, but not on
     * every gate the primitive's i, f, o slots read. The primitive then adds 0 · c, which is NaN where c is ±∞, while
     * the gate without a peephole has no such term at all.
     */
    static boolean hasZeroPeepholeRow(Cell.Lstm lstm) {
        if (lstm.peepholes().isEmpty()) return false;
        for (int s = 0; s < PEEPHOLE_SLOTS.length; s++) {
            if (!lstm.hasPeephole(peepholeSource(lstm, s))) return true;
        }
        return false;
    }

    /** Rows i, f, o; a gate outside the peephole set gets a zero row; a coupled slot gets its source's row negated. */
    private void fillPeephole(Cell.Lstm lstm, float[] p, int d) {
        int h = hiddenSize;
        for (int s = 0; s < PEEPHOLE_SLOTS.length; s++) {
            Gate src = peepholeSource(lstm, s);
            if (!lstm.hasPeephole(src)) continue;
            float sign = src == PEEPHOLE_SLOTS[s] ? 1f : -1f;
            for (int j = 0; j < h; j++) peephole[(d * 3 + s) * h + j] = sign * p[src.peepholeRow() * h + j];
        }
    }
}
