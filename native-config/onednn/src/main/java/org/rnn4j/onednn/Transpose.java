package org.rnn4j.onednn;

import java.nio.FloatBuffer;

/** Layout conversion between batch-major {@code [N, T, C]} and time-major {@code [T, N, C]}. Stateless. */
final class Transpose {
    private Transpose() {}

    /** {@code src [N, T, C]} (absolute reads) into {@code dst [T, N, C]} (absolute writes). */
    static void batchToTime(FloatBuffer src, FloatBuffer dst, int n, int t, int c) {
        for (int b = 0; b < n; b++) {
            for (int s = 0; s < t; s++) dst.put((s * n + b) * c, src, (b * t + s) * c, c);
        }
    }

    /** {@code src [T, N, C]} into {@code dst [N, T, C]}. */
    static void timeToBatch(FloatBuffer src, float[] dst, int t, int n, int c) {
        for (int s = 0; s < t; s++) {
            for (int b = 0; b < n; b++) src.get((s * n + b) * c, dst, (b * t + s) * c, c);
        }
    }

    /** {@code [A, B, C] → [B, A, C]} on arrays. */
    static float[] swapOuter(float[] a, int outer, int inner, int c) {
        float[] out = new float[a.length];
        for (int i = 0; i < outer; i++) {
            for (int j = 0; j < inner; j++) System.arraycopy(a, (i * inner + j) * c, out, (j * outer + i) * c, c);
        }
        return out;
    }
}
