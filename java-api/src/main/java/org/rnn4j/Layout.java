package org.rnn4j;

/** Memory order of a sequence tensor with T steps, N sequences and C channels. */
public enum Layout {
    /** {@code [T, N, C]} (ONNX layout 0). */
    TIME_MAJOR,
    /** {@code [N, T, C]} (ONNX layout 1). */
    BATCH_MAJOR;

    /** Flat offset of element (t, n, c). */
    public long offset(int t, int n, int c, int steps, int batch, int channels) {
        return this == TIME_MAJOR
                ? ((long) t * batch + n) * channels + c
                : ((long) n * steps + t) * channels + c;
    }
}
