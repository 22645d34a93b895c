package org.rnn4j.cudnn;

import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.cuda.global.nvrtc;
import org.bytedeco.javacpp.Loader;
import org.rnn4j.BackendUnavailableException;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.spi.AbstractPreparedRnn;

/**
 * A spec on the composed GPU path ({@link ComposedStack}: cuBLAS + NVRTC kernels). Weights and kernels are loaded
 * once and shared read-only; {@code forward} may run on many threads at once, each call on a pooled
 * {@link CudaGpuOps} (own stream, cuBLAS handle, scratch). {@code close()} (idempotent, waits for calls) frees all
 * device memory, handles and modules.
 */
final class ComposedPreparedRnn extends AbstractPreparedRnn {
    private final int device;
    private final CudaKernels kernels;
    private final ContextPool<CudaGpuOps> pool;
    private final ComposedStack stack;

    ComposedPreparedRnn(RnnSpec spec, RnnWeights weights, int device) {
        super(spec, CudaErrors.BACKEND);
        this.device = device;
        requireLibraries(spec);
        CudaErrors.cuda(cudart.cudaSetDevice(device), "cudaSetDevice(" + device + ")", spec);
        this.kernels = new CudaKernels(device, spec);
        this.pool = new ContextPool<>(() -> new CudaGpuOps(device, kernels, spec));
        try {
            CudaGpuOps first = pool.take();
            try {
                this.stack = ComposedStack.upload(spec, weights, first);
            } finally {
                pool.give(first);
            }
        } catch (RuntimeException e) {
            pool.closeAll();
            kernels.close();
            throw e;
        }
    }

    /** cuBLAS and NVRTC are needed only here (the native path is cuDNN alone): say which one is missing. */
    private static void requireLibraries(RnnSpec spec) {
        for (Class<?> library : new Class<?>[] {cublas.class, nvrtc.class}) {
            try {
                Loader.load(library);
            } catch (Throwable e) {
                throw new BackendUnavailableException("backend 'cudnn' cannot run " + spec.caseName()
                        + ": it needs the composed GPU path, and " + library.getSimpleName() + " is not loadable (" + e
                        + "); install the CUDA 13 toolkit's libraries or add org.bytedeco:cuda with classifier <platform>-redist");
            }
        }
    }

    @Override
    protected RnnOutput compute(RnnInput in) {
        CudaGpuOps ops = pool.take();
        try {
            // The CUDA device is per host thread: make ours current before any call on this thread.
            CudaErrors.cuda(cudart.cudaSetDevice(device), "cudaSetDevice(" + device + ")", spec());
            return stack.forward(in, ops);
        } finally {
            pool.give(ops);
        }
    }

    @Override
    protected void release() {
        try {
            CudaGpuOps ops = pool.take();
            stack.release(ops);
            pool.give(ops);
        } finally {
            pool.closeAll();
            kernels.close();
        }
    }
}
