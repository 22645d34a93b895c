package org.rnn4j.cudnn;

/**
 * Where the composed path runs: one CUDA device ({@link CudaDevice}) or, in the tests, the emulated one. Makes the
 * per-call contexts and owns what they share (compiled kernels, the weights' memory). Thread-safe; closed once, after every context.
 */
interface GpuDevice extends AutoCloseable {

    /** A new per-call context: its own stream, library handles and scratch. */
    GpuOps newContext();

    /**
     * Device memory that outlives calls and contexts (the prepared weights), owned by the caller and given back with
     * {@link #release}; contexts upload into it and read it.
     */
    GpuOps.Buffer allocate(long count);

    /** Frees a buffer from {@link #allocate}, once no context uses it any more. */
    void release(GpuOps.Buffer buffer);

    /** Prepares the calling thread before a call's device work (CUDA: makes the device current). */
    void bind();

    /** Frees what the contexts shared (kernel modules). */
    @Override
    void close();
}
