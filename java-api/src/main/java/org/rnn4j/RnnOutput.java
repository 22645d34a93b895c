package org.rnn4j;

/**
 * Results of one forward call, each {@code null} when it was not asked for (or, for c, when the cell has none).
 * Y is in the input's layout: {@code [T, N, outputSize]} or {@code [N, T, outputSize]}, zero at steps at or past a
 * sequence's length; final states are {@code [L·D, N, S]} and {@code [L·D, N, H]}, index {@code l·D + d}.
 * The arrays belong to the caller. When the input named a buffer for Y ({@link RnnInput#yInto()}), Y is there and
 * {@link #y()} is {@code null}.
 */
public record RnnOutput(float[] y, float[] hFinal, float[] cFinal, Layout layout, int steps, int batch, int outputSize) {
}
