package org.rnn4j;

/**
 * Weights of one direction of one layer, in the canonical gate order (LSTM {@code i,f,g,o}; GRU {@code z,r,n}),
 * row-major. Shapes, with G gates, H hidden, S = state size (P or H) and I' the layer's input size:
 * <ul>
 *   <li>{@code w} {@code [G·H, I']}, {@code r} {@code [G·H, S]}, {@code wBias} and {@code rBias} {@code [G·H]};</li>
 *   <li>{@code peephole} {@code [3, H]} in order i, f, o, or {@code null} when the cell has no peepholes (rows of
 *       gates outside the cell's peephole set are ignored);</li>
 *   <li>{@code projection} {@code [P, H]} ({@code h = projection · h_full}), or {@code null} without projection.</li>
 * </ul>
 * The arrays are not copied: callers must not mutate them after handing them over. Shapes are checked by
 * {@link RnnWeights#of}.
 */
public record LayerWeights(float[] w, float[] r, float[] wBias, float[] rBias, float[] peephole, float[] projection) {

    /** Weights without peephole or projection. */
    public static LayerWeights of(float[] w, float[] r, float[] wBias, float[] rBias) {
        return new LayerWeights(w, r, wBias, rBias, null, null);
    }
}
