package org.rnn4j.cudnn;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.Pointer;

/**
 * Page-locked host memory from {@code cudaMallocHost}, grown on demand (never shrunk), freed exactly once by
 * {@link #close()}: the staging area of one context's copies (the native path's one upload and one download; every
 * per-call copy of the composed path).
 *
 * <p>Why pinned and kept: a copy from pageable memory goes through the driver's own pinned bounce buffer (an extra
 * host copy, and a transfer CUDA may make synchronous), and a fresh allocation per call of tens of MiB costs page
 * faults and zeroing on every call. With pinned memory the DMA engine reads and writes the buffer directly; in
 * exchange its contents belong to the stream from the enqueued copy until that stream is synchronized, which each call
 * does before it returns. Not thread-safe: owned by one {@link CudnnContext} or {@link CudaGpuOps}.
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
    private long refusedFrom = Long.MAX_VALUE; // the smallest size cudaMallocHost has refused

    PinnedBuffer(String what) { this.what = what; }

    /**
     * At least {@code needed} bytes, native byte order, position 0; an old allocation is freed once its replacement
     * exists (its contents are not kept). Call only while no copy on it is pending (the owner's stream is
     * synchronized). {@code null} when page-locked memory of that size cannot be had ({@code cudaMallocHost} fails,
     * e.g. under a low locked-memory limit): the current buffer, if any, stays for smaller requests, and no request of
     * that size or larger is tried again; its owner stages such copies in pageable memory, slower but right.
     */
    ByteBuffer ensure(long needed) {
        if (bytes != null && bytes.capacity() >= needed) return bytes.clear();
        if (needed >= refusedFrom || needed > (long) MAX_LIMIT_MIB << 20) return null;
        Pointer p = new Pointer();
        // cudaMallocHost(void** ptr, size_t size): JavaCPP maps ptr @ByPtrPtr, so p receives the host address.
        if (cudart.cudaMallocHost(p, Math.max(needed, 1)) != 0) {
            refusedFrom = needed;
            return null;
        }
        close();
        address = p;
        bytes = p.capacity(Math.max(needed, 1)).asByteBuffer().order(ByteOrder.nativeOrder());
        return bytes;
    }

    /**
     * {@value #LIMIT_PROPERTY} in bytes: copies up to this size are staged in pinned memory kept by the context, larger
     * ones in pageable memory allocated for the call. It bounds the pinned memory a context holds to two such buffers
     * (native: the upload of X, initial states and lengths, and the download of final states and Y). A malformed value
     * is reported, not ignored.
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

    /** The host address {@code offset} bytes in (a new pointer with position 0). */
    Pointer addressAt(long offset) { return new Pointer(address).getPointer(Pointer.class, offset); }

    /** Bytes {@code [offset, offset + length)}, native byte order (a view: valid until the buffer grows or closes). */
    ByteBuffer slice(int offset, int length) { return bytes.slice(offset, length).order(ByteOrder.nativeOrder()); }

    /** The bytes allocated (0 before the first {@link #ensure}). */
    long capacity() { return bytes == null ? 0 : bytes.capacity(); }

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
