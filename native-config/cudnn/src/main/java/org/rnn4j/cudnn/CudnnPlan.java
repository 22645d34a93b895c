package org.rnn4j.cudnn;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.Direction;
import org.rnn4j.RnnSpec;

/**
 * How a spec maps onto cuDNN's v8 RNN API: the arguments of {@code cudnnSetRNNDescriptor_v8} and the rnn4j-side
 * work around the one {@code cudnnRNNForward} call (reverse per length while staging, the bidirectional halves added
 * by a kernel on the device, duplicated input columns, CIFG negation). Pure Java, no native calls; immutable and
 * thread-safe.
 *
 * <p>cuDNN enum values are spelled out here (they are stable C enums of cudnn_adv.h / cudnn_ops.h, checked against
 * the constants of {@code org.bytedeco.cuda.global.cudnn} by {@code CudnnPlanTest}) so this class loads without
 * the natives.
 */
record CudnnPlan(int cellMode, int dirMode, int dataType, int mathPrecision, int mathType, int inputSize,
                 int hiddenSize, int projSize, int numLayers, boolean reverseEachSequence, boolean sumHalves,
                 boolean duplicateInputColumns, List<String> composedFeatures) {

    // cudnnRNNMode_t
    static final int CUDNN_RNN_RELU = 0;
    static final int CUDNN_RNN_TANH = 1;
    static final int CUDNN_LSTM = 2;
    static final int CUDNN_GRU = 3;
    // cudnnDirectionMode_t
    static final int CUDNN_UNIDIRECTIONAL = 0;
    static final int CUDNN_BIDIRECTIONAL = 1;
    // cudnnDataType_t
    static final int CUDNN_DATA_FLOAT = 0;
    static final int CUDNN_DATA_HALF = 2;
    // cudnnMathType_t
    static final int CUDNN_TENSOR_OP_MATH = 1;
    static final int CUDNN_FMA_MATH = 3;
    // Fixed choices: one bias per W and per R (rnn4j keeps Wb and Rb apart, and GRU-LBR needs Rbn inside r ⊙ (.)),
    // a learned input matrix (never SKIP_INPUT), the standard algorithm (persistent kernels restrict sizes), and
    // padded I/O so per-sequence lengths work with the unpacked layouts.
    static final int CUDNN_RNN_DOUBLE_BIAS = 2;
    static final int CUDNN_LINEAR_INPUT = 0;
    static final int CUDNN_RNN_ALGO_STANDARD = 0;
    static final int CUDNN_RNN_PADDED_IO_ENABLED = 1;

    CudnnPlan {
        composedFeatures = Collections.unmodifiableList(new ArrayList<>(composedFeatures));
    }

    /** Whether one {@code cudnnRNNForward} call over the whole stack computes the spec (no per-step kernels). */
    boolean isNative() { return composedFeatures.isEmpty(); }

    /** D as cuDNN sees it: 2 for both bidirectional modes (cuDNN computes concat; rnn4j adds the halves for sum). */
    int cudnnDirections() { return dirMode == CUDNN_BIDIRECTIONAL ? 2 : 1; }

    /** Width of h (and of one direction of y): the projection size for LSTMP, else H. */
    int stateSize() { return projSize; }

    /** Channels of cuDNN's y: {@code D · stateSize} (before rnn4j adds halves for BIDIRECTIONAL_SUM). */
    int cudnnOutputSize() { return cudnnDirections() * projSize; }

    /**
     * The kernels of rnn4j's own a native call launches around {@code cudnnRNNForward} (empty: cuDNN alone): the
     * direction sum of BIDIRECTIONAL_SUM, and F16's conversions between the host's floats and cuDNN's halves.
     */
    EnumSet<GpuOps.Kernel> nativeKernels() {
        EnumSet<GpuOps.Kernel> kernels = EnumSet.noneOf(GpuOps.Kernel.class);
        boolean half = dataType == CUDNN_DATA_HALF;
        if (sumHalves) kernels.add(sumKernel());
        if (half) kernels.addAll(EnumSet.of(GpuOps.Kernel.HALF_PACK, GpuOps.Kernel.HALF_UNPACK));
        return kernels;
    }

    /** The direction-sum kernel for the data type (BIDIRECTIONAL_SUM plans). */
    GpuOps.Kernel sumKernel() {
        return dataType == CUDNN_DATA_HALF ? GpuOps.Kernel.SUM_DIRECTIONS_HALF : GpuOps.Kernel.SUM_DIRECTIONS;
    }

    /**
     * Whether cuDNN's own kernels may turn a NaN into a number: its ReLU is documented as max(0, x), and CUDA's
     * {@code fmaxf} returns the non-NaN operand (as oneDNN's ReLU does, which {@code NonFiniteDataTest} caught). Until
     * a GPU run shows otherwise, calls with non-finite data on such a plan run on the composed path, whose kernels
     * are NaN-exact. Tanh and sigmoid propagate NaN through their arithmetic.
     */
    boolean losesNaN() { return cellMode == CUDNN_RNN_RELU; }

    /** Plans {@code spec}; never throws for a valid spec (features it cannot run natively are listed instead). */
    static CudnnPlan of(RnnSpec spec) {
        List<String> composed = new ArrayList<>();
        Cell cell = spec.cell();
        int mode;
        if (cell instanceof Cell.Rnn) {
            Activation a = ((Cell.Rnn) cell).activation();
            if (a.equals(Activation.TANH)) {
                mode = CUDNN_RNN_TANH;
            } else if (a.equals(Activation.RELU)) {
                mode = CUDNN_RNN_RELU;
            } else {
                mode = CUDNN_RNN_TANH;
                composed.add("RNN activation " + a + " (cuDNN has only Tanh and Relu)");
            }
            // A bidirectional RNN may name a different activation per direction; cuDNN has one mode per stack.
            for (Activation other : spec.activations()) {
                if (!other.equals(a)) {
                    composed.add("per-direction RNN activations " + spec.activations() + " (one cuDNN mode per stack)");
                    break;
                }
            }
        } else if (cell instanceof Cell.Lstm) {
            mode = CUDNN_LSTM;
            Cell.Lstm lstm = (Cell.Lstm) cell;
            if (lstm.hasProjection() && lstm.projectionSize() >= spec.hiddenSize()) {
                // cuDNN requires projSize <= hiddenSize, and projSize == hiddenSize means "no projection matrix".
                composed.add("LSTM projection P=" + lstm.projectionSize() + " >= H=" + spec.hiddenSize() + " (cuDNN needs P < H)");
            }
            if (!lstm.peepholes().isEmpty()) composed.add("LSTM peepholes " + lstm.peepholes() + " (cuDNN LSTM has none)");
            requireDefaultActivations(spec, composed);
            // CIFG is native through negated weights: sigmoid(-a) = 1 - sigmoid(a); exact only for the default
            // Sigmoid gate activation, which requireDefaultActivations has already insisted on.
        } else {
            mode = CUDNN_GRU;
            if (((Cell.Gru) cell).resetMode() == Cell.ResetMode.RESET_BEFORE) {
                composed.add("GRU reset-before (cuDNN's GRU is linear-before-reset)");
            }
            requireDefaultActivations(spec, composed);
        }
        if (spec.clip().isPresent()) composed.add("ONNX clip of gate pre-activations (cuDNN clips the cell state)");
        Direction dir = spec.direction();
        int dataType = spec.dataType() == DataType.F16 ? CUDNN_DATA_HALF : CUDNN_DATA_FLOAT;
        // F32: FMA math forbids TF32 tensor cores, so F32 means F32 (as PyTorch with allow_tf32 = False).
        // F16: half storage with float accumulation on tensor cores.
        int mathType = spec.dataType() == DataType.F16 ? CUDNN_TENSOR_OP_MATH : CUDNN_FMA_MATH;
        return new CudnnPlan(mode, dir.isBidirectional() ? CUDNN_BIDIRECTIONAL : CUDNN_UNIDIRECTIONAL, dataType,
                CUDNN_DATA_FLOAT, mathType, spec.inputSize(), spec.hiddenSize(), spec.stateSize(), spec.layers(),
                dir == Direction.REVERSE, dir == Direction.BIDIRECTIONAL_SUM,
                dir == Direction.BIDIRECTIONAL_SUM && spec.layers() > 1, composed);
    }

    private static void requireDefaultActivations(RnnSpec spec, List<String> composed) {
        List<Activation> defaults = spec.cell().defaultActivations();
        for (int d = 0; d < spec.direction().count(); d++) {
            if (!spec.activationsOf(d).equals(defaults)) {
                composed.add("activations " + spec.activations() + " (cuDNN hard-wires " + defaults + ")");
                return;
            }
        }
    }
}
