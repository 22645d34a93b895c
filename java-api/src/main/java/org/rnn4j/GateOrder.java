package org.rnn4j;

/**
 * Order of the gate row-blocks in a framework's weight tensors, and the permutation to rnn4j's canonical order
 * (LSTM {@code i,f,g,o}; GRU {@code z,r,n}). Sources: the ONNX operator docs (LSTM {@code iofc}, GRU {@code zrh}),
 * PyTorch's nn.LSTM/nn.GRU docs ({@code i,f,g,o} / {@code r,z,n}) and Keras' LSTM/GRU cells ({@code i,f,c,o} /
 * {@code z,r,h}).
 */
public enum GateOrder {
    CANONICAL_RNN(0),
    /** Canonical LSTM order, also PyTorch's and Keras'. */
    LSTM_IFGO(0, 1, 2, 3),
    /** ONNX LSTM: i, o, f, c. */
    ONNX_LSTM(0, 2, 3, 1),
    /** Canonical GRU order, also ONNX's and Keras': z, r, n. */
    GRU_ZRN(0, 1, 2),
    /** PyTorch GRU: r, z, n. */
    PYTORCH_GRU(1, 0, 2);

    /** {@code sourceBlock[k]}: which block of the source holds canonical gate k. */
    private final int[] sourceBlock;

    GateOrder(int... sourceBlock) { this.sourceBlock = sourceBlock; }

    public int gateCount() { return sourceBlock.length; }

    /** Source block index of canonical gate {@code canonicalGate}. */
    public int sourceBlockOf(int canonicalGate) { return sourceBlock[canonicalGate]; }

    /**
     * Reorders the row-blocks of {@code src} (G blocks of {@code blockElements} each, e.g. {@code H·cols}) into the
     * canonical order; returns a new array.
     */
    public float[] toCanonical(float[] src, int blockElements) {
        requireBlocks(src, blockElements);
        float[] out = new float[src.length];
        for (int k = 0; k < sourceBlock.length; k++) {
            System.arraycopy(src, sourceBlock[k] * blockElements, out, k * blockElements, blockElements);
        }
        return out;
    }

    /** The inverse of {@link #toCanonical}: canonical blocks into this order; the same length rule. */
    public float[] fromCanonical(float[] canonical, int blockElements) {
        requireBlocks(canonical, blockElements);
        float[] out = new float[canonical.length];
        for (int k = 0; k < sourceBlock.length; k++) {
            System.arraycopy(canonical, k * blockElements, out, sourceBlock[k] * blockElements, blockElements);
        }
        return out;
    }

    /** G blocks of {@code blockElements} each, counted in long: G·blockElements can pass 2^31 and wrap. */
    private void requireBlocks(float[] a, int blockElements) {
        long expected = (long) sourceBlock.length * blockElements;
        if (blockElements < 0 || a.length != expected) {
            throw new IllegalArgumentException("gate blocks: expected " + sourceBlock.length + " × " + blockElements
                    + " = " + expected + " elements but was " + a.length);
        }
    }
}
