package org.rnn4j;

/** LSTM gates that may carry a peephole connection to the cell state. */
public enum Gate {
    INPUT, FORGET, OUTPUT;

    /** Row of this gate in a peephole tensor {@code [3, H]} (order i, f, o, as in ONNX {@code P}). */
    public int peepholeRow() { return ordinal(); }
}
