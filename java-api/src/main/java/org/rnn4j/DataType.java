package org.rnn4j;

/**
 * Arithmetic a backend uses inside the primitive. Inputs and outputs are always float32 arrays; the reference
 * backend always computes in float64 whatever is asked.
 */
public enum DataType {
    F32, BF16, F16
}
