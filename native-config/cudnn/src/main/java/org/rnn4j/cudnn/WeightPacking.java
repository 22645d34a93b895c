package org.rnn4j.cudnn;

import org.rnn4j.Cell;
import org.rnn4j.LayerWeights;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * The values cuDNN expects behind each {@code (pseudoLayer, linLayerID)} pointer of {@code cudnnGetRNNWeightParams},
 * computed from rnn4j's canonical {@link LayerWeights}. Pure Java; immutable and thread-safe.
 *
 * <p>Two exact rewrites happen here, so that more specs run natively:
 * <ul>
 *   <li>CIFG: the coupled gate's slot gets the <em>negated</em> matrices and biases of the gate it follows, because
 *       σ(−a) = 1 − σ(a). {@code FORGET_FROM_INPUT} (f = 1 − i) fills the forget slot from −(input gate);
 *       {@code INPUT_FROM_FORGET} (i = 1 − f) fills the input slot from −(forget gate).</li>
 *   <li>BIDIRECTIONAL_SUM with more than one layer: layer l+1 must see h_fwd + h_bwd, but cuDNN feeds it the
 *       concatenation [h_fwd, h_bwd]. With the input matrix duplicated, [W | W]·[h_fwd; h_bwd] = W·(h_fwd + h_bwd),
 *       so cuDNN's layers after the first are built with input width 2·S and these matrices.</li>
 * </ul>
 */
final class WeightPacking {
    private final RnnSpec spec;
    private final RnnWeights weights;
    private final CudnnPlan plan;

    WeightPacking(RnnSpec spec, RnnWeights weights, CudnnPlan plan) {
        weights.requireCompatible(spec);
        this.spec = spec;
        this.weights = weights;
        this.plan = plan;
    }

    /** Input width cuDNN uses for {@code layer}: I, then D·S (also for BIDIRECTIONAL_SUM, see the class comment). */
    int cudnnLayerInputSize(int layer) {
        return layer == 0 ? spec.inputSize() : plan.cudnnDirections() * spec.stateSize();
    }

    /** Rows × cols of the matrix behind {@code linLayerId}, as cuDNN's mDesc should report it. */
    int[] matrixShape(int layer, int linLayerId) {
        int h = spec.hiddenSize();
        switch (LinLayers.source(plan.cellMode(), linLayerId)) {
            case W: return new int[] {h, cudnnLayerInputSize(layer)};
            case R: return new int[] {h, spec.stateSize()};
            default: return new int[] {spec.stateSize(), h};
        }
    }

    /** Row-major matrix for {@code (layer, dir, linLayerId)}, in cuDNN's element order. */
    float[] matrix(int layer, int dir, int linLayerId) {
        LayerWeights lw = weights.get(layer, dir);
        int h = spec.hiddenSize();
        LinLayers.Source source = LinLayers.source(plan.cellMode(), linLayerId);
        if (source == LinLayers.Source.PROJECTION) return lw.projection().clone();
        int gate = LinLayers.canonicalGate(plan.cellMode(), linLayerId);
        int donor = cifgDonor(gate);
        float sign = donor == gate ? 1f : -1f;
        if (source == LinLayers.Source.R) return block(lw.r(), donor, h, spec.stateSize(), sign);
        int cols = spec.layerInputSize(layer);
        float[] w = block(lw.w(), donor, h, cols, sign);
        if (!plan.duplicateInputColumns() || layer == 0) return w;
        float[] wide = new float[h * 2 * cols];
        for (int row = 0; row < h; row++) {
            System.arraycopy(w, row * cols, wide, row * 2 * cols, cols);
            System.arraycopy(w, row * cols, wide, row * 2 * cols + cols, cols);
        }
        return wide;
    }

    /** Bias vector {@code [H]} for {@code (layer, dir, linLayerId)}: a wBias block on x, an rBias block on h. */
    float[] bias(int layer, int dir, int linLayerId) {
        LinLayers.Source source = LinLayers.source(plan.cellMode(), linLayerId);
        if (source == LinLayers.Source.PROJECTION) {
            throw new IllegalArgumentException("linLayerID " + linLayerId + " (projection) has no bias in cuDNN");
        }
        LayerWeights lw = weights.get(layer, dir);
        int gate = LinLayers.canonicalGate(plan.cellMode(), linLayerId);
        int donor = cifgDonor(gate);
        float sign = donor == gate ? 1f : -1f;
        return block(source == LinLayers.Source.W ? lw.wBias() : lw.rBias(), donor, spec.hiddenSize(), 1, sign);
    }

    /** The canonical gate whose weights fill {@code gate}'s slot: itself, or the gate a CIFG coupling follows. */
    int cifgDonor(int gate) {
        if (!(spec.cell() instanceof Cell.Lstm)) return gate;
        switch (((Cell.Lstm) spec.cell()).coupling()) {
            case FORGET_FROM_INPUT: return gate == 1 ? 0 : gate; // f slot ← −i
            case INPUT_FROM_FORGET: return gate == 0 ? 1 : gate; // i slot ← −f
            default: return gate;
        }
    }

    private static float[] block(float[] src, int gate, int rows, int cols, float sign) {
        float[] out = new float[rows * cols];
        int from = gate * rows * cols;
        for (int k = 0; k < out.length; k++) out[k] = sign * src[from + k];
        return out;
    }
}
