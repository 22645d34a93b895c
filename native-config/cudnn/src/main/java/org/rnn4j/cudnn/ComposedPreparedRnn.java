package org.rnn4j.cudnn;

import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.spi.AbstractPreparedRnn;

/**
 * A spec on the composed GPU path ({@link ComposedStack}: cuBLAS + NVRTC kernels) of one {@link GpuDevice}. Weights
 * and kernels are loaded once and shared read-only; {@code forward} may run on many threads at once, each call on a
 * pooled per-call context (own stream, cuBLAS handle, scratch). {@code close()} (idempotent, waits for calls) frees
 * the weights, every context and then the device's kernels, each once.
 */
final class ComposedPreparedRnn extends AbstractPreparedRnn {
    private final GpuDevice device;
    private final ContextPool<GpuOps> pool;
    private final ComposedStack stack;

    /**
     * Takes ownership of {@code device}: it is closed with this RNN, or at once if preparing fails. {@code backend}
     * is the name the RNN reports (the tests' emulated backend has its own).
     */
    ComposedPreparedRnn(String backend, RnnSpec spec, RnnWeights weights, GpuDevice device) {
        super(spec, backend);
        this.device = device;
        this.pool = new ContextPool<>(device::newContext);
        try {
            GpuOps first = pool.take();
            try {
                this.stack = ComposedStack.upload(spec, weights, device, first);
            } finally {
                pool.give(first);
            }
        } catch (RuntimeException | Error e) {
            pool.closeAll();
            device.close();
            throw e;
        }
    }

    @Override
    protected RnnOutput compute(RnnInput in) {
        GpuOps ops = pool.take();
        try {
            device.bind();
            return stack.forward(in, ops);
        } finally {
            pool.give(ops);
        }
    }

    @Override
    protected void release() {
        try {
            stack.release(device);
        } finally {
            pool.closeAll();
            device.close();
        }
    }
}
