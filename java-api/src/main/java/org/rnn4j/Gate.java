package org.rnn4j;

/** LSTM gates that may carry a peephole connection to the cell state. */
public enum Gate {
    INPUT, FORGET, OUTPUT;

    /** Row of this gate in rnn4j's peephole tensor {@code [3, H]} (order i, f, o; ONNX {@code P} is i, o, f and is reordered on import). */
    public int peepholeRow() { return ordinal(); }
}
