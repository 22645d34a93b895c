package org.rnn4j.cudnn;

import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;
import org.rnn4j.RnnSpec;

/**
 * Device memory from {@code cudaMalloc}, grown on demand (never shrunk), freed exactly once by {@link #close()}.
 * Not thread-safe: owned by one {@link CudnnContext} or by the prepared stack.
 */
final class DeviceBuffer implements AutoCloseable {
    private final String what;
    private Pointer address = null;
    private long bytes;

    DeviceBuffer(String what) { this.what = what; }

    /** At least {@code needed} bytes; an old allocation is freed first (its contents are not kept). */
    Pointer ensure(long needed, RnnSpec spec) {
        if (address != null && bytes >= needed) return address;
        close();
        Pointer p = new Pointer();
        // cudaMalloc(void** devPtr, size_t size): JavaCPP maps devPtr @ByPtrPtr, so p receives the device address.
        CudaErrors.cuda(cudart.cudaMalloc(p, Math.max(needed, 1)), "cudaMalloc of " + what + " (" + needed + " bytes)", spec);
        address = p;
        bytes = Math.max(needed, 1);
        return address;
    }

    /** The device address (null before the first {@link #ensure}). */
    Pointer address() { return address; }

    long bytes() { return address == null ? 0 : bytes; }

    @Override
    public void close() {
        if (address == null) return;
        Pointer p = address;
        address = null;
        bytes = 0;
        // A failing cudaFree (e.g. the context is already torn down at exit) cannot be acted upon; not rethrown.
        cudart.cudaFree(p);
    }
}
