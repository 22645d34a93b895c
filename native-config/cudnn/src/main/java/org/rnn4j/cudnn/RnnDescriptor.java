package org.rnn4j.cudnn;

import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.cudnn.cudnnDropoutStruct;
import org.bytedeco.cuda.cudnn.cudnnRNNStruct;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.SizeTPointer;
import org.rnn4j.NativeBackendException;
import org.rnn4j.RnnSpec;

/**
 * One cuDNN RNN descriptor ({@code cudnnSetRNNDescriptor_v8}) with its dropout descriptor, configured from a
 * {@link CudnnPlan}. Each {@link CudnnContext} owns one and uses it with its own handle only: cuDNN documents thread
 * safety per handle and nothing for descriptors shared between concurrent calls, so rnn4j shares none (PyTorch
 * likewise builds its RNN descriptor per call). Not thread-safe; closed once by its context.
 */
final class RnnDescriptor implements AutoCloseable {
    final cudnnRNNStruct desc = new cudnnRNNStruct();
    private final cudnnDropoutStruct dropout = new cudnnDropoutStruct();
    private boolean dropoutCreated;
    private boolean rnnCreated;

    /** Creates and configures the descriptors; {@code handle} is the owning context's handle. */
    RnnDescriptor(cudnnContext handle, CudnnPlan plan, RnnSpec spec) {
        try {
            CudaErrors.cudnn(cudnn.cudnnCreateDropoutDescriptor(dropout), "cudnnCreateDropoutDescriptor", spec);
            dropoutCreated = true;
            // Inference only: dropout probability 0, no RNG states (NULL, 0 bytes), seed irrelevant.
            CudaErrors.cudnn(cudnn.cudnnSetDropoutDescriptor(dropout, handle, 0f, null, 0, 0), "cudnnSetDropoutDescriptor", spec);
            CudaErrors.cudnn(cudnn.cudnnCreateRNNDescriptor(desc), "cudnnCreateRNNDescriptor", spec);
            rnnCreated = true;
            // cudnnSetRNNDescriptor_v8(desc, algo, cellMode, biasMode, dirMode, inputMode, dataType, mathPrec, mathType,
            //   inputSize, hiddenSize, projSize, numLayers, dropoutDesc, auxFlags). projSize == hiddenSize means no
            //   projection; auxFlags PADDED_IO_ENABLED allows the unpacked layouts with per-sequence lengths.
            CudaErrors.cudnn(cudnn.cudnnSetRNNDescriptor_v8(desc, CudnnPlan.CUDNN_RNN_ALGO_STANDARD, plan.cellMode(),
                    CudnnPlan.CUDNN_RNN_DOUBLE_BIAS, plan.dirMode(), CudnnPlan.CUDNN_LINEAR_INPUT, plan.dataType(),
                    plan.mathPrecision(), plan.mathType(), plan.inputSize(), plan.hiddenSize(), plan.projSize(),
                    plan.numLayers(), dropout, CudnnPlan.CUDNN_RNN_PADDED_IO_ENABLED), "cudnnSetRNNDescriptor_v8", spec);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** {@code cudnnGetRNNWeightSpaceSize} of this descriptor, in bytes. */
    long weightSpaceBytes(cudnnContext handle, RnnSpec spec) {
        try (SizeTPointer size = new SizeTPointer(1)) {
            CudaErrors.cudnn(cudnn.cudnnGetRNNWeightSpaceSize(handle, desc, size), "cudnnGetRNNWeightSpaceSize", spec);
            return size.get();
        }
    }

    /**
     * Every context's descriptor reads the one weight space laid out through the first context's descriptor, so
     * each must ask for the same size; a difference means cuDNN would lay out the weights differently.
     */
    static void requireSameWeightSpace(long shared, long own, RnnSpec spec) {
        if (shared != own) {
            throw new NativeBackendException(CudaErrors.BACKEND, "cudnnGetRNNWeightSpaceSize", "weight space size mismatch",
                    spec.caseName() + ": a new per-call RNN descriptor needs " + own + " bytes of weight space, but the"
                            + " prepared weight space has " + shared + " bytes; cuDNN configured two descriptors of one plan differently", null);
        }
    }

    @Override
    public void close() {
        if (rnnCreated) cudnn.cudnnDestroyRNNDescriptor(desc);
        if (dropoutCreated) cudnn.cudnnDestroyDropoutDescriptor(dropout);
        rnnCreated = false;
        dropoutCreated = false;
    }
}
