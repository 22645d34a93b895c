package org.rnn4j.importers;

import java.util.List;

/**
 * The weights of one Keras recurrent layer as Keras stores them: one {@link Arrays} per direction (forward first;
 * two for {@code Bidirectional}). Immutable by contract.
 */
record KerasLayer(String name, List<Arrays> directions) {

    /** {@code kernel [I, G·H]}, {@code recurrent_kernel [H, G·H]}, {@code bias} or {@code null} ({@code use_bias=False}). */
    record Arrays(FloatTensor kernel, FloatTensor recurrentKernel, FloatTensor bias) {}

    /** Builds a layer from {@code layer.get_weights()}: 2 or 3 arrays, or 4 or 6 for {@code Bidirectional}. */
    static KerasLayer fromWeightList(String name, List<FloatTensor> weights) {
        int n = weights.size();
        if (n == 2 || n == 3) return new KerasLayer(name, List.of(direction(weights, 0, n == 3)));
        if (n == 4 || n == 6) {
            int per = n / 2;
            return new KerasLayer(name, List.of(direction(weights, 0, per == 3), direction(weights, per, per == 3)));
        }
        throw new IllegalArgumentException(name + ": expected 2 or 3 arrays (kernel, recurrent_kernel[, bias]) or 4 or 6 for a"
                + " Bidirectional layer (forward, then backward) but got " + n);
    }

    private static Arrays direction(List<FloatTensor> w, int from, boolean bias) {
        return new Arrays(w.get(from), w.get(from + 1), bias ? w.get(from + 2) : null);
    }
}
