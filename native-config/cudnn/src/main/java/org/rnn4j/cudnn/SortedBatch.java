package org.rnn4j.cudnn;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;
import org.rnn4j.Layout;

/**
 * The composed GPU path's view of one call's batch: sequences sorted by length, longest first (stable), so that at
 * step t the sequences still running are the first {@code active(t)} rows and each step's GEMM and kernels cover a
 * prefix. Packing into and out of that order happens on the host during the copies that happen anyway. Pure Java;
 * one instance per call, not thread-safe.
 */
final class SortedBatch {
    private final int steps;
    private final int batch;
    private final int[] order;   // sorted row j holds caller sequence order[j]
    private final int[] lengths; // length of sorted row j
    private final int[] active;  // rows with length > t, for t < maxLength

    SortedBatch(int steps, int batch, int[] sequenceLengths) {
        this.steps = steps;
        this.batch = batch;
        int[] len = new int[batch];
        for (int n = 0; n < batch; n++) len[n] = sequenceLengths == null ? steps : sequenceLengths[n];
        this.order = IntStream.range(0, batch).boxed()
                .sorted(Comparator.comparingInt((Integer n) -> len[n]).reversed())
                .mapToInt(Integer::intValue).toArray();
        this.lengths = Arrays.stream(order).map(n -> len[n]).toArray();
        int max = batch == 0 ? 0 : lengths[0];
        this.active = new int[max];
        for (int j = 0; j < batch; j++) for (int t = 0; t < lengths[j]; t++) active[t]++;
    }

    int batch() { return batch; }

    /** The longest length; the device runs this many steps (0: nothing to run). */
    int maxLength() { return active.length; }

    /** Rows still running at step {@code t < maxLength()}: a prefix of the sorted batch, at least 1. */
    int active(int t) { return active[t]; }

    /** Lengths in sorted order (for the device's per-length reversal). */
    int[] sortedLengths() { return lengths.clone(); }

    /** X {@code [T, N, I]} or {@code [N, T, I]} → sequence-major {@code [maxLength, N, I]}, sorted rows, zero padding. */
    float[] packX(FloatBuffer x, Layout layout, int inputSize) {
        float[] out = new float[active.length * batch * inputSize];
        for (int j = 0; j < batch; j++) {
            for (int t = 0; t < lengths[j]; t++) {
                int from = (int) layout.offset(t, order[j], 0, steps, batch, inputSize);
                x.get(from, out, (t * batch + j) * inputSize, inputSize);
            }
        }
        return out;
    }

    /** States {@code [L·D, N, width]} in caller order → sorted order ({@code null}: zeros). */
    float[] packStates(float[] states, int layerDirections, int width) {
        float[] out = new float[layerDirections * batch * width];
        if (states == null) return out;
        for (int ld = 0; ld < layerDirections; ld++) {
            for (int j = 0; j < batch; j++) {
                System.arraycopy(states, (ld * batch + order[j]) * width, out, (ld * batch + j) * width, width);
            }
        }
        return out;
    }

    /**
     * Final states {@code [L·D, N, width]} from the device, sorted → caller order. A zero-length sequence's rows are
     * taken from {@code initial} (the packed initial states, sorted too) instead: no step ran for it, so its final
     * state is its initial state as given, whatever the device's copy of it went through (F16 rounding) and whatever
     * the other rows' lengths. {@code finals} may be {@code initial} (nothing ran).
     */
    float[] unpackStates(float[] finals, float[] initial, int layerDirections, int width) {
        float[] out = new float[finals.length];
        for (int ld = 0; ld < layerDirections; ld++) {
            for (int j = 0; j < batch; j++) {
                float[] from = lengths[j] == 0 ? initial : finals;
                System.arraycopy(from, (ld * batch + j) * width, out, (ld * batch + order[j]) * width, width);
            }
        }
        return out;
    }

    /**
     * The last layer's outputs, {@code [maxLength, N, S]} arrays in sorted order (one per direction, or one holding
     * BIDIRECTIONAL_SUM's sum) → Y in {@code layout}, the arrays side by side (outputSize = parts · S). Steps past a
     * sequence's length stay zero.
     */
    float[] unpackY(float[][] parts, Layout layout, int stateSize) {
        int outC = parts.length * stateSize;
        float[] out = new float[steps * batch * outC];
        for (int j = 0; j < batch; j++) {
            for (int t = 0; t < lengths[j]; t++) {
                int to = (int) layout.offset(t, order[j], 0, steps, batch, outC);
                int from = (t * batch + j) * stateSize;
                for (int d = 0; d < parts.length; d++) System.arraycopy(parts[d], from, out, to + d * stateSize, stateSize);
            }
        }
        return out;
    }
}
