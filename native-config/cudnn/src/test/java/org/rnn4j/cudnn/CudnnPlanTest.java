package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.bytedeco.cuda.global.cudnn;
import org.junit.jupiter.api.Test;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.Direction;
import org.rnn4j.Gate;
import org.rnn4j.RnnSpec;
import org.rnn4j.UnsupportedConfigurationException;

/** Which specs map onto one cudnnRNNForward call, with which descriptor arguments, and which need composition. */
class CudnnPlanTest {

    private static RnnSpec.Builder spec(Cell cell) { return RnnSpec.builder(cell).inputSize(5).hiddenSize(7); }

    @Test
    void nativeKernelsAreTheSumForBidirectionalSumAndTheConversionsForF16() {
        RnnSpec.Builder b = RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(4);
        assertEquals(java.util.Set.of(), CudnnPlan.of(b.build()).nativeKernels(), "F32 forward: cuDNN alone");
        assertEquals(java.util.Set.of(GpuOps.Kernel.SUM_DIRECTIONS),
                CudnnPlan.of(b.direction(Direction.BIDIRECTIONAL_SUM).build()).nativeKernels());
        assertEquals(java.util.Set.of(GpuOps.Kernel.SUM_DIRECTIONS_HALF, GpuOps.Kernel.HALF_PACK, GpuOps.Kernel.HALF_UNPACK),
                CudnnPlan.of(b.dataType(DataType.F16).build()).nativeKernels());
        assertEquals(java.util.Set.of(GpuOps.Kernel.HALF_PACK, GpuOps.Kernel.HALF_UNPACK),
                CudnnPlan.of(b.direction(Direction.BIDIRECTIONAL_CONCAT).build()).nativeKernels());
    }

    @Test
    void enumValuesSpelledOutMatchThePreset() {
        // Compile-time constants of the preset: reading them loads no natives.
        assertEquals(cudnn.CUDNN_RNN_RELU, CudnnPlan.CUDNN_RNN_RELU);
        assertEquals(cudnn.CUDNN_RNN_TANH, CudnnPlan.CUDNN_RNN_TANH);
        assertEquals(cudnn.CUDNN_LSTM, CudnnPlan.CUDNN_LSTM);
        assertEquals(cudnn.CUDNN_GRU, CudnnPlan.CUDNN_GRU);
        assertEquals(cudnn.CUDNN_UNIDIRECTIONAL, CudnnPlan.CUDNN_UNIDIRECTIONAL);
        assertEquals(cudnn.CUDNN_BIDIRECTIONAL, CudnnPlan.CUDNN_BIDIRECTIONAL);
        assertEquals(cudnn.CUDNN_DATA_FLOAT, CudnnPlan.CUDNN_DATA_FLOAT);
        assertEquals(cudnn.CUDNN_DATA_HALF, CudnnPlan.CUDNN_DATA_HALF);
        assertEquals(cudnn.CUDNN_TENSOR_OP_MATH, CudnnPlan.CUDNN_TENSOR_OP_MATH);
        assertEquals(cudnn.CUDNN_FMA_MATH, CudnnPlan.CUDNN_FMA_MATH);
        assertEquals(cudnn.CUDNN_RNN_DOUBLE_BIAS, CudnnPlan.CUDNN_RNN_DOUBLE_BIAS);
        assertEquals(cudnn.CUDNN_LINEAR_INPUT, CudnnPlan.CUDNN_LINEAR_INPUT);
        assertEquals(cudnn.CUDNN_RNN_ALGO_STANDARD, CudnnPlan.CUDNN_RNN_ALGO_STANDARD);
        assertEquals(cudnn.CUDNN_RNN_PADDED_IO_ENABLED, CudnnPlan.CUDNN_RNN_PADDED_IO_ENABLED);
        assertEquals(cudnn.CUDNN_RNN_DATA_LAYOUT_SEQ_MAJOR_UNPACKED, 0, "CudnnPreparedRnn passes layout 0");
    }

    @Test
    void rnnTanhAndReluAreNativeModes() {
        assertEquals(CudnnPlan.CUDNN_RNN_TANH, CudnnPlan.of(spec(Cell.rnn(Activation.TANH)).build()).cellMode());
        CudnnPlan relu = CudnnPlan.of(spec(Cell.rnn(Activation.RELU)).build());
        assertEquals(CudnnPlan.CUDNN_RNN_RELU, relu.cellMode());
        assertTrue(relu.isNative());
    }

    @Test
    void otherRnnActivationsNeedComposition() {
        CudnnPlan p = CudnnPlan.of(spec(Cell.rnn(Activation.leakyRelu(0.1))).build());
        assertFalse(p.isNative());
        assertTrue(p.composedFeatures().get(0).contains("LeakyRelu"), p.composedFeatures().toString());
    }

    @Test
    void perDirectionRnnActivationsNeedComposition() {
        RnnSpec s = spec(Cell.rnn(Activation.TANH)).direction(Direction.BIDIRECTIONAL_CONCAT)
                .activations(Activation.TANH, Activation.RELU).build();
        assertFalse(CudnnPlan.of(s).isNative());
    }

    @Test
    void lstmProjectionAndCifgAreNative() {
        RnnSpec s = spec(Cell.lstm().withProjection(3).withCoupling(Cell.Coupling.INPUT_FROM_FORGET)).layers(2).build();
        CudnnPlan p = CudnnPlan.of(s);
        assertTrue(p.isNative(), p.composedFeatures().toString());
        assertEquals(CudnnPlan.CUDNN_LSTM, p.cellMode());
        assertEquals(3, p.projSize());
        assertEquals(7, p.hiddenSize());
        assertEquals(2, p.numLayers());
    }

    @Test
    void projectionNotSmallerThanHiddenNeedsComposition() {
        assertFalse(CudnnPlan.of(spec(Cell.lstm().withProjection(7)).build()).isNative());
        assertFalse(CudnnPlan.of(spec(Cell.lstm().withProjection(9)).build()).isNative());
    }

    @Test
    void withoutProjectionProjSizeIsHidden() {
        assertEquals(7, CudnnPlan.of(spec(Cell.lstm()).build()).projSize());
    }

    @Test
    void peepholesClipActivationsAndResetBeforeNeedComposition() {
        assertFalse(CudnnPlan.of(spec(Cell.lstm().withPeepholes(Gate.FORGET)).build()).isNative());
        assertFalse(CudnnPlan.of(spec(Cell.lstm()).clip(3).build()).isNative());
        assertFalse(CudnnPlan.of(spec(Cell.lstm()).activations(Activation.HARD_SIGMOID_DEFAULT, Activation.TANH, Activation.TANH).build()).isNative());
        assertFalse(CudnnPlan.of(spec(Cell.gru(Cell.ResetMode.RESET_BEFORE)).build()).isNative());
        assertTrue(CudnnPlan.of(spec(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).build()).isNative());
    }

    @Test
    void directionsMapToCudnnDirectionsAndRnn4jRewrites() {
        CudnnPlan fwd = CudnnPlan.of(spec(Cell.lstm()).build());
        assertEquals(CudnnPlan.CUDNN_UNIDIRECTIONAL, fwd.dirMode());
        assertFalse(fwd.reverseEachSequence());
        CudnnPlan rev = CudnnPlan.of(spec(Cell.lstm()).direction(Direction.REVERSE).layers(3).build());
        assertEquals(CudnnPlan.CUDNN_UNIDIRECTIONAL, rev.dirMode());
        assertTrue(rev.reverseEachSequence());
        CudnnPlan concat = CudnnPlan.of(spec(Cell.lstm()).direction(Direction.BIDIRECTIONAL_CONCAT).layers(2).build());
        assertEquals(CudnnPlan.CUDNN_BIDIRECTIONAL, concat.dirMode());
        assertFalse(concat.sumHalves());
        assertFalse(concat.duplicateInputColumns());
        assertEquals(14, concat.cudnnOutputSize());
        CudnnPlan sum1 = CudnnPlan.of(spec(Cell.lstm()).direction(Direction.BIDIRECTIONAL_SUM).build());
        assertTrue(sum1.sumHalves());
        assertFalse(sum1.duplicateInputColumns(), "one layer: nothing feeds a next layer");
        CudnnPlan sum2 = CudnnPlan.of(spec(Cell.lstm()).direction(Direction.BIDIRECTIONAL_SUM).layers(2).build());
        assertTrue(sum2.duplicateInputColumns());
        assertTrue(sum2.isNative());
    }

    @Test
    void f32ForbidsTf32AndF16UsesTensorCoresWithFloatAccumulation() {
        CudnnPlan f32 = CudnnPlan.of(spec(Cell.lstm()).build());
        assertEquals(CudnnPlan.CUDNN_DATA_FLOAT, f32.dataType());
        assertEquals(CudnnPlan.CUDNN_FMA_MATH, f32.mathType());
        CudnnPlan f16 = CudnnPlan.of(spec(Cell.lstm()).dataType(DataType.F16).build());
        assertEquals(CudnnPlan.CUDNN_DATA_HALF, f16.dataType());
        assertEquals(CudnnPlan.CUDNN_DATA_FLOAT, f16.mathPrecision());
        assertEquals(CudnnPlan.CUDNN_TENSOR_OP_MATH, f16.mathType());
    }

    @Test
    void backendRefusesBf16AndPlansEveryOtherSpecNativeOrComposed() {
        UnsupportedConfigurationException bf16 = assertThrows(UnsupportedConfigurationException.class,
                () -> CudnnBackend.plan(spec(Cell.lstm()).dataType(DataType.BF16).build()));
        assertEquals("BF16", bf16.feature());
        CudnnPlan peep = CudnnBackend.plan(spec(Cell.lstm().withAllPeepholes()).build());
        assertFalse(peep.isNative());
        assertTrue(peep.composedFeatures().get(0).contains("peephole"), peep.composedFeatures().toString());
        assertEquals(CudnnPlan.CUDNN_GRU, CudnnBackend.plan(spec(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).build()).cellMode());
    }
}
