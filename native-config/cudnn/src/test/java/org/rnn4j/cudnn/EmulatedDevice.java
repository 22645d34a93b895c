package org.rnn4j.cudnn;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The emulated device as a {@link GpuDevice}: contexts are {@link EmulatedGpu}s, the weights' buffers live in the
 * emulator process, and it counts what is asked of it. {@link #close()} fails if a weight buffer was never released
 * (a leak); a buffer released twice or by another device fails at once. Thread-safe.
 */
class EmulatedDevice implements GpuDevice {
    final List<EmulatedGpu> contexts = new CopyOnWriteArrayList<>();
    final AtomicInteger binds = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();
    private final Set<GpuOps.Buffer> allocated = new LinkedHashSet<>(); // guarded by itself

    @Override
    public EmulatedGpu newContext() {
        EmulatedGpu gpu = new EmulatedGpu();
        contexts.add(gpu);
        return gpu;
    }

    @Override
    public GpuOps.Buffer allocate(long count) {
        GpuOps.Buffer b = EmulatedGpu.allocFloats(count);
        synchronized (allocated) {
            allocated.add(b);
        }
        return b;
    }

    @Override
    public void release(GpuOps.Buffer buffer) {
        synchronized (allocated) {
            if (!allocated.remove(buffer)) throw new IllegalStateException("buffer " + buffer + " released twice or not allocated here");
        }
        EmulatedGpu.free(buffer);
    }

    @Override public void bind() { binds.incrementAndGet(); }

    @Override
    public void close() {
        closes.incrementAndGet();
        synchronized (allocated) {
            if (!allocated.isEmpty()) throw new IllegalStateException("buffers never released: " + allocated);
        }
    }

    /** Weight buffers allocated and not yet released. */
    int outstanding() {
        synchronized (allocated) {
            return allocated.size();
        }
    }

    int launches() { return contexts.stream().mapToInt(EmulatedGpu::launches).sum(); }
}
