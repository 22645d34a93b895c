package org.rnn4j;

/** The results a forward call can produce; a backend computes only those asked for. */
public enum OutputKind {
    /** Every step's output, {@code [T, N, outputSize]} or {@code [N, T, outputSize]} (the input's layout). */
    Y,
    /** Final hidden state per layer and direction, {@code [L·D, N, S]}. */
    H_FINAL,
    /** Final cell state per layer and direction, {@code [L·D, N, H]} (LSTM only). */
    C_FINAL
}
