package org.rnn4j.cudnn;

import java.util.Arrays;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.cudnn.cudnnRNNDataStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.javacpp.ShortPointer;
import org.bytedeco.javacpp.SizeTPointer;
import org.rnn4j.RnnSpec;

/**
 * Everything one in-flight forward call uses besides the shared weight space: a cuDNN handle bound to its own CUDA
 * stream, its own RNN descriptor ({@link RnnDescriptor}), the per-call descriptors (x/y RNN data, h/c tensors; set
 * again only when the shape changes), growable device buffers and pinned host staging. Used by one thread at a time
 * (taken from and returned to the prepared RNN's pool); closed once, by the prepared RNN's {@code release()}.
 */
final class CudnnContext implements AutoCloseable {
    final cudnnContext handle = new cudnnContext();
    final CUstream_st stream = new CUstream_st();
    final cudnnRNNDataStruct xDesc = new cudnnRNNDataStruct();
    final cudnnRNNDataStruct yDesc = new cudnnRNNDataStruct();
    final cudnnTensorStruct hDesc = new cudnnTensorStruct();
    final cudnnTensorStruct cDesc = new cudnnTensorStruct();
    /**
     * One call's x, hx, cx and sequence lengths, at {@link NativeIo}'s offsets (F16: halves; the lengths stay in
     * {@link #floats}).
     */
    final DeviceBuffer up = new DeviceBuffer("x, initial states and sequence lengths");
    /** hy, cy and cuDNN's y (BIDIRECTIONAL_SUM: the summed Y), at {@link NativeIo}'s offsets. */
    final DeviceBuffer down = new DeviceBuffer("final states and y");
    /** BIDIRECTIONAL_SUM only: cuDNN's y {@code [maxT, N, 2·S]}, whose two halves are added into {@link #down}. */
    final DeviceBuffer y = new DeviceBuffer("y (both directions)");
    /** F16: the floats crossing to and from the host, up then down, converted there by kernels. */
    final DeviceBuffer floats = new DeviceBuffer("f16 staging (floats)");
    final DeviceBuffer workSpace = new DeviceBuffer("workspace");
    /** Host staging of the one copy each way, up to the prepared RNN's pinned limit ({@link PinnedBuffer#limitBytes}). */
    final PinnedBuffer upHost = new PinnedBuffer("upload staging");
    final PinnedBuffer downHost = new PinnedBuffer("download staging");
    /** This context's RNN descriptor; set last in the constructor. */
    final RnnDescriptor rnn;
    /** {@code cudnnGetRNNWeightSpaceSize} of {@link #rnn}. */
    final long weightSpaceBytes;
    private final int device;
    private StreamTimer timer; // only once a timed call asked for it (Bench)
    private int created; // how many of handle, stream, xDesc, yDesc, hDesc, cDesc exist, in that order
    private RnnDescriptor rnnCreated;
    /** The shape {@link #describe} last set the descriptors for (null: none, or a call failed while setting them). */
    private int[] describedLengths;
    private int describedSteps;
    private long describedWorkSpace;

    /**
     * NVIDIA's cuDNN guide: where threads create their own handles, the first cudnnCreate of the process should be
     * made alone (synchronously) before the others. Guards that first creation; later ones do not wait.
     */
    private static final Object FIRST_HANDLE = new Object();
    private static volatile boolean firstHandleCreated;

    /**
     * Creates the handle on {@code device} (current for this thread), its stream and the descriptors, the RNN
     * descriptor configured from {@code plan}. {@code sharedWeightSpaceBytes} is the size of the prepared weight
     * space this context will read, which its descriptor must agree with; negative for the first context, whose
     * descriptor the weight space is laid out with.
     */
    CudnnContext(int device, RnnSpec spec, CudnnPlan plan, long sharedWeightSpaceBytes) {
        this.device = device;
        try {
            CudaErrors.cuda(cudart.cudaSetDevice(device), "cudaSetDevice(" + device + ")", spec);
            CudaErrors.cudnn(createHandle(handle), "cudnnCreate", spec);
            created = 1;
            CudaErrors.cuda(cudart.cudaStreamCreate(stream), "cudaStreamCreate", spec);
            created = 2;
            CudaErrors.cudnn(cudnn.cudnnSetStream(handle, stream), "cudnnSetStream", spec);
            CudaErrors.cudnn(cudnn.cudnnCreateRNNDataDescriptor(xDesc), "cudnnCreateRNNDataDescriptor (x)", spec);
            created = 3;
            CudaErrors.cudnn(cudnn.cudnnCreateRNNDataDescriptor(yDesc), "cudnnCreateRNNDataDescriptor (y)", spec);
            created = 4;
            CudaErrors.cudnn(cudnn.cudnnCreateTensorDescriptor(hDesc), "cudnnCreateTensorDescriptor (h)", spec);
            created = 5;
            CudaErrors.cudnn(cudnn.cudnnCreateTensorDescriptor(cDesc), "cudnnCreateTensorDescriptor (c)", spec);
            created = 6;
            rnnCreated = new RnnDescriptor(handle, plan, spec);
            weightSpaceBytes = rnnCreated.weightSpaceBytes(handle, spec);
            if (sharedWeightSpaceBytes >= 0) RnnDescriptor.requireSameWeightSpace(sharedWeightSpaceBytes, weightSpaceBytes, spec);
            rnn = rnnCreated;
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    /** {@code cudnnCreate}, the process's first one under {@link #FIRST_HANDLE}. */
    private static int createHandle(cudnnContext handle) {
        if (firstHandleCreated) return cudnn.cudnnCreate(handle);
        synchronized (FIRST_HANDLE) {
            int status = cudnn.cudnnCreate(handle);
            if (status == 0) firstHandleCreated = true;
            return status;
        }
    }

    /**
     * Sets the x/y data descriptors ({@code SEQ_MAJOR_UNPACKED [maxT, N, vectorSize]} with {@code lengths}, all ≥ 1;
     * y's padding filled with 0) and the h/c tensor descriptors ({@code [L·D, N, width]}, packed) for one call, and
     * returns the inference workspace size ({@code cudnnGetRNNTempSpaceSizes}). A context serves one prepared RNN, so
     * only the shape varies: when it is the previous call's, nothing is set or asked again (a steady stream of
     * same-shaped calls makes none of these five calls).
     */
    long describe(CudnnPlan plan, int maxT, int[] lengths, RnnSpec spec) {
        if (describedLengths != null && describedSteps == maxT && Arrays.equals(describedLengths, lengths)) return describedWorkSpace;
        describedLengths = null; // until every descriptor below is set
        int n = lengths.length;
        int ld = plan.numLayers() * plan.cudnnDirections();
        int s = plan.stateSize();
        int h = plan.hiddenSize();
        try (PointerScope scope = new PointerScope()) {
            // paddingFill points to a host value of the data type; the descriptor keeps the value, not the pointer
            // (cudnnGetRNNDataDescriptor copies it out), so it may go with this scope.
            Pointer zero = plan.dataType() == CudnnPlan.CUDNN_DATA_HALF
                    ? new ShortPointer(1).put((short) 0) : new FloatPointer(1).put(0f);
            CudaErrors.cudnn(cudnn.cudnnSetRNNDataDescriptor(xDesc, plan.dataType(), 0, maxT, n, plan.inputSize(),
                    lengths, zero), "cudnnSetRNNDataDescriptor (x)", spec);
            CudaErrors.cudnn(cudnn.cudnnSetRNNDataDescriptor(yDesc, plan.dataType(), 0, maxT, n, plan.cudnnOutputSize(),
                    lengths, zero), "cudnnSetRNNDataDescriptor (y)", spec);
            CudaErrors.cudnn(cudnn.cudnnSetTensorNdDescriptor(hDesc, plan.dataType(), 3, new int[] {ld, n, s},
                    new int[] {n * s, s, 1}), "cudnnSetTensorNdDescriptor (h)", spec);
            CudaErrors.cudnn(cudnn.cudnnSetTensorNdDescriptor(cDesc, plan.dataType(), 3, new int[] {ld, n, h},
                    new int[] {n * h, h, 1}), "cudnnSetTensorNdDescriptor (c)", spec);
            // Inference needs only the workspace (reserve space is for training).
            SizeTPointer workSize = new SizeTPointer(1);
            SizeTPointer reserveSize = new SizeTPointer(1);
            CudaErrors.cudnn(cudnn.cudnnGetRNNTempSpaceSizes(handle, rnn.desc, cudnn.CUDNN_FWD_MODE_INFERENCE, xDesc,
                    workSize, reserveSize), "cudnnGetRNNTempSpaceSizes", spec);
            describedWorkSpace = workSize.get();
        }
        describedSteps = maxT;
        describedLengths = lengths.clone();
        return describedWorkSpace;
    }

    /** The events that time this context's {@code cudnnRNNForward}, created on first use. */
    StreamTimer timer(RnnSpec spec) {
        if (timer == null) timer = new StreamTimer(spec);
        return timer;
    }

    @Override
    public void close() {
        // Everything here belongs to our device; the closing thread may have another one current.
        if (created >= 1) cudart.cudaSetDevice(device);
        // Pending work on our stream must finish before its buffers go.
        if (created >= 2) cudart.cudaStreamSynchronize(stream);
        for (DeviceBuffer b : new DeviceBuffer[] {up, down, y, floats, workSpace}) b.close();
        upHost.close();
        downHost.close();
        if (timer != null) timer.close();
        timer = null;
        if (rnnCreated != null) rnnCreated.close();
        rnnCreated = null;
        if (created >= 6) cudnn.cudnnDestroyTensorDescriptor(cDesc);
        if (created >= 5) cudnn.cudnnDestroyTensorDescriptor(hDesc);
        if (created >= 4) cudnn.cudnnDestroyRNNDataDescriptor(yDesc);
        if (created >= 3) cudnn.cudnnDestroyRNNDataDescriptor(xDesc);
        if (created >= 2) cudart.cudaStreamDestroy(stream);
        if (created >= 1) cudnn.cudnnDestroy(handle);
        created = 0;
    }
}
