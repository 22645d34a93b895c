package org.rnn4j.cudnn;

import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.javacpp.Loader;
import org.rnn4j.BackendUnavailableException;
import org.rnn4j.RnnSpec;

/**
 * The composed path on CUDA device {@code index}: the NVRTC kernels loaded once ({@link CudaKernels}) and a
 * {@link CudaGpuOps} per call context. Thread-safe; {@link #close()} unloads the kernels, once.
 */
final class CudaDevice implements GpuDevice {
    private final int index;
    private final RnnSpec spec;
    private final CudaKernels kernels;
    private final long pinnedLimit;

    /**
     * Checks cuBLAS and NVRTC load, makes the device current and loads the kernels. {@code pinnedLimit}: the largest
     * copy its contexts stage in pinned memory ({@link PinnedBuffer#limitBytes}).
     */
    CudaDevice(int index, RnnSpec spec, long pinnedLimit) {
        this.index = index;
        this.spec = spec;
        this.pinnedLimit = pinnedLimit;
        requireLibraries(spec, "it needs the composed GPU path", cublas.class, nvrtc.class);
        bind();
        this.kernels = new CudaKernels(index, spec);
    }

    /**
     * cuBLAS and NVRTC are needed only for kernels of rnn4j's own (the composed path; on the native path
     * BIDIRECTIONAL_SUM's direction sum and F16's conversions, the rest being cuDNN alone): says which one is missing,
     * and {@code why} it was needed.
     */
    static void requireLibraries(RnnSpec spec, String why, Class<?>... libraries) {
        for (Class<?> library : libraries) {
            try {
                Loader.load(library);
            } catch (Throwable e) {
                throw new BackendUnavailableException("backend 'cudnn' cannot run " + spec.caseName()
                        + ": " + why + ", and " + library.getSimpleName() + " is not loadable (" + e
                        + "); install the CUDA " + ProbeFacts.CUDA_MAJOR + " runtime libraries (cuBLAS, NVRTC) "
                        + ProbeFacts.INSTALL_HINT);
            }
        }
    }

    @Override
    public GpuOps newContext() { return new CudaGpuOps(index, kernels, spec, pinnedLimit); }

    @Override
    public GpuOps.Buffer allocate(long count) {
        DeviceBuffer memory = new DeviceBuffer("composed weights");
        memory.ensure(4 * count, spec);
        return new CudaGpuOps.DeviceArray(memory, count);
    }

    /**
     * cudaFree waits for the device, so no queued work can still read the buffer. The releasing thread may have
     * another device current: ours first.
     */
    @Override
    public void release(GpuOps.Buffer buffer) {
        cudart.cudaSetDevice(index);
        ((CudaGpuOps.DeviceArray) buffer).memory().close();
    }

    /** The CUDA device is per host thread: make ours current before any call on this thread. */
    @Override
    public void bind() { CudaErrors.cuda(cudart.cudaSetDevice(index), "cudaSetDevice(" + index + ")", spec); }

    @Override
    public void close() { kernels.close(); }
}
