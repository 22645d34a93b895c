package org.rnn4j.cudnn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;
import org.rnn4j.RnnSpec;

/**
 * Page-locked host memory from {@code cudaMallocHost}, grown on demand (never shrunk), freed exactly once by
 * {@link #close()}: the staging area of one context's large copies (X in, Y out).
 *
 * <p>Why pinned and kept: a copy from pageable memory goes through the driver's own pinned bounce buffer (an extra
 * host copy, and a transfer CUDA may make synchronous), and a fresh allocation per call of tens of MiB costs page
 * faults and zeroing on every call. With pinned memory the DMA engine reads and writes the buffer directly; in
 * exchange its contents belong to the stream from the enqueued copy until that stream is synchronized, which each call
 * does before it returns. Not thread-safe: owned by one {@link CudnnContext}.
 */
final class PinnedBuffer implements AutoCloseable {
    /** System property: the largest pinned staging buffer in MiB (default {@value #DEFAULT_LIMIT_MIB}; 0 turns it off). */
    static final String LIMIT_PROPERTY = "rnn4j.cudnn.pinnedStagingMiB";
    static final int DEFAULT_LIMIT_MIB = 64;
    /** Also what a Java buffer view can address in bytes, with room to spare. */
    static final int MAX_LIMIT_MIB = 1024;

    private final String what;
    private Pointer address;
    private ByteBuffer bytes;

    PinnedBuffer(String what) { this.what = what; }

    /**
     * At least {@code needed} bytes, native byte order, position 0; an old allocation is freed first (its contents are
     * not kept). Call only while no copy on it is pending (the owner's stream is synchronized).
     */
    ByteBuffer ensure(long needed, RnnSpec spec) {
        if (bytes != null && bytes.capacity() >= needed) return bytes.clear();
        if (needed > (long) MAX_LIMIT_MIB << 20) throw new IllegalArgumentException(what + ": " + needed + " bytes is past the pinned limit");
        close();
        Pointer p = new Pointer();
        // cudaMallocHost(void** ptr, size_t size): JavaCPP maps ptr @ByPtrPtr, so p receives the host address.
        CudaErrors.cuda(cudart.cudaMallocHost(p, Math.max(needed, 1)), "cudaMallocHost of " + what + " (" + needed + " bytes)", spec);
        address = p;
        bytes = p.capacity(Math.max(needed, 1)).asByteBuffer().order(ByteOrder.nativeOrder());
        return bytes;
    }

    /**
     * {@value #LIMIT_PROPERTY} in bytes: copies up to this size are staged in pinned memory kept by the context, larger
     * ones in pageable memory allocated for the call. It bounds the pinned memory a context holds to two such buffers
     * (X and Y). A malformed value is reported, not ignored.
     */
    static long limitBytes(String property) {
        if (property == null || property.isBlank()) return (long) DEFAULT_LIMIT_MIB << 20;
        int mib;
        try {
            mib = Integer.parseInt(property.trim());
        } catch (NumberFormatException e) {
            mib = -1;
        }
        if (mib < 0 || mib > MAX_LIMIT_MIB) {
            throw new IllegalArgumentException("-D" + LIMIT_PROPERTY + ": expected MiB in [0, " + MAX_LIMIT_MIB + "] (0: no pinned"
                    + " staging) but was '" + property + "'");
        }
        return (long) mib << 20;
    }

    /** The host address for {@code cudaMemcpyAsync} (null before the first {@link #ensure}). */
    Pointer address() { return address; }

    @Override
    public void close() {
        if (address == null) return;
        Pointer p = address;
        address = null;
        bytes = null;
        // A failing cudaFreeHost (e.g. at exit) cannot be acted upon; not rethrown.
        cudart.cudaFreeHost(p);
    }
}
