package org.rnn4j.cudnn;

/**
 * cuDNN's {@code linLayerID} numbering for {@code cudnnGetRNNWeightParams}, mapped to rnn4j's canonical gate blocks.
 * Pure Java; immutable and thread-safe.
 *
 * <p>Source: NVIDIA cuDNN API reference, cudnn_adv library, {@code cudnnGetRNNWeightParams()}
 * (https://docs.nvidia.com/deeplearning/cudnn/api/cudnn-adv-library.html):
 * <ul>
 *   <li>{@code CUDNN_RNN_RELU}, {@code CUDNN_RNN_TANH}: 0 = the matrix applied to the layer input x, 1 = the
 *       matrix applied to the recurrent state h.</li>
 *   <li>{@code CUDNN_LSTM}: 0, 1, 2, 3 = input gate, forget gate, new memory (cell candidate) gate, output gate, on
 *       x; 4, 5, 6, 7 = the same gates on h; 8 = the recurrent projection matrix (only when projSize &lt; hiddenSize;
 *       it has no bias).</li>
 *   <li>{@code CUDNN_GRU}: 0, 1, 2 = reset gate r, update gate z, new memory gate n, on x; 3, 4, 5 = the same on h.</li>
 * </ul>
 * With {@code CUDNN_RNN_DOUBLE_BIAS} every matrix ID below the projection has its own bias vector, so the biases
 * of IDs on x are rnn4j's {@code wBias} blocks and those on h its {@code rBias} blocks. Each matrix is row-major
 * {@code [H rows, K cols]} (K = layer input width for x, state size for h; {@code [P, H]} for the projection) —
 * the same row-major layout as one gate block of rnn4j's {@code W}/{@code R}, which is what frameworks that copy
 * their canonical weights into these pointers (PyTorch's cuDNN RNN) rely on. The GPU self-check verifies this.
 *
 * <p>rnn4j canonical orders: LSTM i, f, g, o; GRU z, r, n. So LSTM maps identically, and GRU swaps the first two
 * blocks (cuDNN r, z, n ← rnn4j z, r, n).
 */
final class LinLayers {
    /** Which rnn4j tensor a linLayerID's matrix comes from. */
    enum Source { W, R, PROJECTION }

    private LinLayers() {}

    /** How many linLayerIDs a cell mode has (LSTM with projection: 9). */
    static int count(int cellMode, boolean projection) {
        switch (cellMode) {
            case CudnnPlan.CUDNN_RNN_RELU:
            case CudnnPlan.CUDNN_RNN_TANH: return 2;
            case CudnnPlan.CUDNN_LSTM: return projection ? 9 : 8;
            case CudnnPlan.CUDNN_GRU: return 6;
            default: throw new IllegalArgumentException("cellMode: expected 0..3 but was " + cellMode);
        }
    }

    /** Gates per direction in cuDNN (= rnn4j's G). */
    static int gates(int cellMode) {
        return cellMode == CudnnPlan.CUDNN_LSTM ? 4 : cellMode == CudnnPlan.CUDNN_GRU ? 3 : 1;
    }

    static Source source(int cellMode, int linLayerId) {
        int g = gates(cellMode);
        checkId(cellMode, linLayerId);
        if (linLayerId == 2 * g) return Source.PROJECTION;
        return linLayerId < g ? Source.W : Source.R;
    }

    /** rnn4j canonical gate block of {@code linLayerId} (not defined for the projection). */
    static int canonicalGate(int cellMode, int linLayerId) {
        int g = gates(cellMode);
        checkId(cellMode, linLayerId);
        if (linLayerId == 2 * g) throw new IllegalArgumentException("linLayerID " + linLayerId + " is the projection, not a gate");
        int cudnnGate = linLayerId % g;
        if (cellMode == CudnnPlan.CUDNN_GRU) {
            // cuDNN r(0), z(1), n(2) ← rnn4j z(0), r(1), n(2)
            return cudnnGate == 0 ? 1 : cudnnGate == 1 ? 0 : 2;
        }
        return cudnnGate; // LSTM i,f,g,o = cuDNN i,f,c',o; RNN has one gate
    }

    /** Whether a linLayerID has a bias vector under CUDNN_RNN_DOUBLE_BIAS (every one but the projection). */
    static boolean hasBias(int cellMode, int linLayerId) { return source(cellMode, linLayerId) != Source.PROJECTION; }

    private static void checkId(int cellMode, int linLayerId) {
        int max = count(cellMode, cellMode == CudnnPlan.CUDNN_LSTM);
        if (linLayerId < 0 || linLayerId >= max) {
            throw new IllegalArgumentException("linLayerID: expected [0, " + max + ") for cell mode " + cellMode + " but was " + linLayerId);
        }
    }

    /** {@code pseudoLayer} argument: {@code layer} unidirectional, {@code 2·layer + dir} bidirectional (0 forward). */
    static int pseudoLayer(int layer, int dir, int directions) {
        if (dir < 0 || dir >= directions) throw new IllegalArgumentException("dir: expected [0, " + directions + ") but was " + dir);
        return layer * directions + dir;
    }
}
