package org.rnn4j.cudnn;

import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.cudnn.cudnnContext;
import org.bytedeco.cuda.cudnn.cudnnRNNDataStruct;
import org.bytedeco.cuda.cudnn.cudnnTensorStruct;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.cudnn;
import org.rnn4j.RnnSpec;

/**
 * Everything one in-flight forward call uses besides the shared weight space: a cuDNN handle bound to its own CUDA
 * stream, its own RNN descriptor ({@link RnnDescriptor}), the per-call descriptors (x/y RNN data, h/c tensors),
 * growable device buffers and pinned host staging. Used by one thread at a time (taken from and returned to the
 * prepared RNN's pool); closed once, by the prepared RNN's {@code release()}.
 */
final class CudnnContext implements AutoCloseable {
    final cudnnContext handle = new cudnnContext();
    final CUstream_st stream = new CUstream_st();
    final cudnnRNNDataStruct xDesc = new cudnnRNNDataStruct();
    final cudnnRNNDataStruct yDesc = new cudnnRNNDataStruct();
    final cudnnTensorStruct hDesc = new cudnnTensorStruct();
    final cudnnTensorStruct cDesc = new cudnnTensorStruct();
    final DeviceBuffer x = new DeviceBuffer("x");
    final DeviceBuffer y = new DeviceBuffer("y");
    /** BIDIRECTIONAL_SUM: y's two directions added on the device, {@code [maxT, N, S]}. */
    final DeviceBuffer ySum = new DeviceBuffer("y (directions summed)");
    /** F16: the floats crossing to and from the host, one tensor at a time, converted there by kernels. */
    final DeviceBuffer floats = new DeviceBuffer("f16 staging (floats)");
    final DeviceBuffer hx = new DeviceBuffer("hx");
    final DeviceBuffer cx = new DeviceBuffer("cx");
    final DeviceBuffer hy = new DeviceBuffer("hy");
    final DeviceBuffer cy = new DeviceBuffer("cy");
    final DeviceBuffer seqLengths = new DeviceBuffer("devSeqLengths");
    final DeviceBuffer workSpace = new DeviceBuffer("workspace");
    /** Host staging of x and y, up to the prepared RNN's pinned limit ({@link PinnedBuffer#limitBytes}). */
    final PinnedBuffer xHost = new PinnedBuffer("x staging");
    final PinnedBuffer yHost = new PinnedBuffer("y staging");
    /** This context's RNN descriptor; set last in the constructor. */
    final RnnDescriptor rnn;
    /** {@code cudnnGetRNNWeightSpaceSize} of {@link #rnn}. */
    final long weightSpaceBytes;
    private final int device;
    private StreamTimer timer; // only once a timed call asked for it (Bench)
    private int created; // how many of handle, stream, xDesc, yDesc, hDesc, cDesc exist, in that order
    private RnnDescriptor rnnCreated;

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
        for (DeviceBuffer b : new DeviceBuffer[] {x, y, ySum, floats, hx, cx, hy, cy, seqLengths, workSpace}) b.close();
        xHost.close();
        yHost.close();
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
