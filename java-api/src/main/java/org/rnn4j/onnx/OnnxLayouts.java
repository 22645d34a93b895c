package org.rnn4j.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rnn4j.Cell;
import org.rnn4j.GateOrder;
import org.rnn4j.LayerWeights;
import org.rnn4j.RnnSpec;

/**
 * Conversions between ONNX tensor layouts and rnn4j's, in both directions. Stateless.
 *
 * <p>Weights: ONNX W {@code [D, G·H, I]}, R {@code [D, G·H, H]}, B {@code [D, 2·G·H]} (Wb then Rb), P {@code [D, 3·H]}
 * with gates in the operator's order (LSTM {@code i,o,f,c}, peepholes {@code i,o,f}); rnn4j keeps one
 * {@link LayerWeights} per direction, canonical order ({@code i,f,g,o}, peepholes {@code i,f,o}). Each direction's
 * slice of W and R is already a row-major {@code [G·H, cols]} matrix, so only whole H-row blocks move.
 *
 * <p>States: ONNX layout 0 keeps h/c as {@code [D, N, H]} (rnn4j's {@code [L·D, N, S]} with L = 1), layout 1 as
 * {@code [N, D, H]}. Y: ONNX layout 0 {@code [T, D, N, H]} vs rnn4j {@code [T, N, D·H]}; layout 1
 * {@code [N, T, D, H]} is the same memory as rnn4j's {@code [N, T, D·H]}.
 */
final class OnnxLayouts {
    private OnnxLayouts() {}

    /** ONNX peephole order i, o, f as a {@link GateOrder}-like block permutation: canonical row k comes from block. */
    private static final int[] PEEPHOLE_SOURCE_BLOCK = {0, 2, 1};

    /** Splits ONNX W/R/B/P into one canonical {@link LayerWeights} per direction. {@code b}, {@code p} may be null. */
    static List<LayerWeights> importWeights(RecurrentOperator op, int directions, int hidden, int input,
                                            float[] w, float[] r, float[] b, float[] p) {
        GateOrder order = op.gateOrder();
        int gh = op.gates() * hidden;
        List<LayerWeights> parts = new ArrayList<>();
        for (int d = 0; d < directions; d++) {
            float[] wd = order.toCanonical(slice(w, d, gh * input), hidden * input);
            float[] rd = order.toCanonical(slice(r, d, gh * hidden), hidden * hidden);
            float[] wb;
            float[] rb;
            if (b == null) {
                wb = new float[gh];
                rb = new float[gh];
            } else {
                float[] bd = slice(b, d, 2 * gh);
                wb = order.toCanonical(Arrays.copyOfRange(bd, 0, gh), hidden);
                rb = order.toCanonical(Arrays.copyOfRange(bd, gh, 2 * gh), hidden);
            }
            float[] peep = p == null ? null : permuteBlocks(slice(p, d, 3 * hidden), hidden, PEEPHOLE_SOURCE_BLOCK, true);
            parts.add(new LayerWeights(wd, rd, wb, rb, peep, null));
        }
        return parts;
    }

    /** The inverse of {@link #importWeights}: {@code [W, R, B, P-or-null]} as flat ONNX tensors. */
    static float[][] exportWeights(RnnSpec spec, List<LayerWeights> parts) {
        RecurrentOperator op = RecurrentOperator.of(spec.cell());
        GateOrder order = op.gateOrder();
        int h = spec.hiddenSize();
        int in = spec.inputSize();
        int gh = op.gates() * h;
        int dirs = parts.size();
        boolean peepholes = spec.cell() instanceof Cell.Lstm && !((Cell.Lstm) spec.cell()).peepholes().isEmpty();
        float[] w = new float[dirs * gh * in];
        float[] r = new float[dirs * gh * h];
        float[] b = new float[dirs * 2 * gh];
        float[] p = peepholes ? new float[dirs * 3 * h] : null;
        for (int d = 0; d < dirs; d++) {
            LayerWeights lw = parts.get(d);
            System.arraycopy(order.fromCanonical(lw.w(), h * in), 0, w, d * gh * in, gh * in);
            System.arraycopy(order.fromCanonical(lw.r(), h * h), 0, r, d * gh * h, gh * h);
            System.arraycopy(order.fromCanonical(lw.wBias(), h), 0, b, d * 2 * gh, gh);
            System.arraycopy(order.fromCanonical(lw.rBias(), h), 0, b, d * 2 * gh + gh, gh);
            if (p != null) System.arraycopy(permuteBlocks(lw.peephole(), h, PEEPHOLE_SOURCE_BLOCK, false), 0, p, d * 3 * h, 3 * h);
        }
        return new float[][] {w, r, b, p};
    }

    private static float[] slice(float[] a, int index, int length) {
        return Arrays.copyOfRange(a, index * length, (index + 1) * length);
    }

    /** {@code toCanonical}: out block k = in block {@code sourceBlock[k]}; else the inverse. */
    private static float[] permuteBlocks(float[] in, int block, int[] sourceBlock, boolean toCanonical) {
        float[] out = new float[in.length];
        for (int k = 0; k < sourceBlock.length; k++) {
            if (toCanonical) System.arraycopy(in, sourceBlock[k] * block, out, k * block, block);
            else System.arraycopy(in, k * block, out, sourceBlock[k] * block, block);
        }
        return out;
    }

    /** Swaps the first two axes of a {@code [A, B, C]} tensor: {@code [D,N,H] <-> [N,D,H]}. */
    static float[] swapLeadingAxes(float[] src, int a, int b, int c) {
        float[] out = new float[src.length];
        for (int i = 0; i < a; i++) {
            for (int j = 0; j < b; j++) {
                System.arraycopy(src, (i * b + j) * c, out, (j * a + i) * c, c);
            }
        }
        return out;
    }

    /** rnn4j Y {@code [T, N, D·H]} to ONNX layout 0 {@code [T, D, N, H]}. */
    static float[] timeMajorYToOnnx(float[] y, int steps, int batch, int directions, int hidden) {
        float[] out = new float[y.length];
        int perStep = batch * directions * hidden;
        for (int t = 0; t < steps; t++) {
            for (int n = 0; n < batch; n++) {
                for (int d = 0; d < directions; d++) {
                    System.arraycopy(y, t * perStep + (n * directions + d) * hidden,
                            out, t * perStep + (d * batch + n) * hidden, hidden);
                }
            }
        }
        return out;
    }
}
