package org.rnn4j.cudnn;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.LongPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerPointer;
import org.bytedeco.javacpp.PointerScope;
import org.rnn4j.RnnSpec;

/**
 * {@link GpuOps} on a CUDA device: its own stream, a cuBLAS handle bound to it, and scratch buffers that grow to the
 * largest call. One instance per in-flight call (pooled by {@link ComposedPreparedRnn}); the device must be current
 * on the calling thread. Host staging of the copies lives until the stream has been synchronized ({@link #finish}):
 * regions of one pinned buffer the context keeps (bounded by twice the pinned limit, so at most that much stays
 * pinned per context), or pageable memory for the call where a copy does not fit. {@link #close()} waits for the
 * stream and frees everything, once.
 */
final class CudaGpuOps implements GpuOps {
    private final RnnSpec spec;
    private final CudaKernels kernels;
    private final cublasContext blas = new cublasContext();
    private final CUstream_st stream = new CUstream_st();
    private final Map<String, DeviceBuffer> scratch = new HashMap<>();
    /** Pageable host buffers of queued copies: the stream may read or write them until it is synchronized. */
    private final List<Pointer> staging = new ArrayList<>();
    /** Pinned staging, handed out in order during a call and taken back whole once the stream is synchronized. */
    private final PinnedBuffer pinned = new PinnedBuffer("composed staging");
    /** The most pinned memory kept: twice the per-copy limit, as on the native path (X and Y). */
    private final long pinnedCap;
    /** Bytes of {@link #pinned} handed out since the last successful synchronize (they may still be in use). */
    private long pinnedUsed;
    /** What this call would have needed, so the next can fit (the buffer only grows when nothing is in use). */
    private long pinnedWanted;
    /** Downloads to hand to the caller's arrays once the stream is synchronized. */
    private final List<Runnable> delivered = new ArrayList<>();
    private final int device;
    private int created; // 1: stream, 2: cuBLAS handle

    /** Device memory of 4-byte elements; the address is read at use, so a scratch slot may grow between calls. */
    record DeviceArray(DeviceBuffer memory, long count) implements Buffer {}

    CudaGpuOps(int device, CudaKernels kernels, RnnSpec spec, long pinnedLimit) {
        this.spec = spec;
        this.pinnedCap = 2 * pinnedLimit;
        this.kernels = kernels;
        this.device = device;
        try {
            CudaErrors.cuda(cudart.cudaSetDevice(device), "cudaSetDevice(" + device + ")", spec);
            CudaErrors.cuda(cudart.cudaStreamCreate(stream), "cudaStreamCreate", spec);
            created = 1;
            CudaErrors.cublas(cublas.cublasCreate_v2(blas), "cublasCreate", spec);
            created = 2;
            CudaErrors.cublas(cublas.cublasSetStream_v2(blas, stream), "cublasSetStream", spec);
            // Plain FP32 (no TF32 tensor cores): F32 means F32, as on the native cuDNN path (CUDNN_FMA_MATH).
            CudaErrors.cublas(cublas.cublasSetMathMode(blas, cublas.CUBLAS_DEFAULT_MATH), "cublasSetMathMode", spec);
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    @Override
    public Buffer scratch(String slot, long count) {
        DeviceBuffer memory = scratch.computeIfAbsent(slot, DeviceBuffer::new);
        memory.ensure(4 * count, spec); // a regrown slot: cudaFree synchronizes the device, so no queued work sees it go
        return new DeviceArray(memory, count);
    }

    @Override
    public Buffer scratchInts(String slot, long count) { return scratch(slot, count); }

    // CUDA documents cudaMemcpyAsync between device and pageable host memory as "might be synchronous", not as done
    // with the host buffer on return: each staging buffer is kept until finish() has synchronized the stream.

    @Override
    public void upload(float[] src, Ref dst) {
        upload(dst, 4L * src.length, b -> b.asFloatBuffer().put(src), () -> new FloatPointer(src));
    }

    @Override
    public void upload(int[] src, Ref dst) {
        upload(dst, 4L * src.length, b -> b.asIntBuffer().put(src), () -> new IntPointer(src));
    }

    /** Stages {@code bytes} in a pinned region ({@code fill} writes them) or in {@code pageable}, then enqueues the copy. */
    private void upload(Ref dst, long bytes, Consumer<ByteBuffer> fill, Supplier<Pointer> pageable) {
        long offset = pinnedRegion(bytes);
        Pointer host;
        if (offset >= 0) {
            fill.accept(pinned.slice((int) offset, (int) bytes));
            host = pinned.addressAt(offset);
        } else {
            host = stage(pageable.get());
        }
        memcpy(address(dst), host, bytes, cudart.cudaMemcpyHostToDevice, "upload");
    }

    @Override
    public void download(Ref src, float[] dst) {
        long offset = pinnedRegion(4L * dst.length);
        if (offset >= 0) {
            memcpy(pinned.addressAt(offset), address(src), 4L * dst.length, cudart.cudaMemcpyDeviceToHost, "download");
            delivered.add(() -> pinned.slice((int) offset, 4 * dst.length).asFloatBuffer().get(dst));
        } else {
            FloatPointer host = stage(new FloatPointer(dst.length));
            memcpy(host, address(src), 4L * dst.length, cudart.cudaMemcpyDeviceToHost, "download");
            delivered.add(() -> host.get(dst));
        }
    }

    /**
     * The offset of a pinned region of {@code bytes} for this call, or -1 for pageable staging: a copy over the pinned
     * limit (half the cap), one that does not fit in what is left, or no pinned memory to be had. The buffer is
     * (re)allocated only while none of it is in use; {@link #finish} grows it to what the whole call would have
     * needed, pageable copies included, so the next call of the same shape fits.
     */
    private long pinnedRegion(long bytes) {
        if (bytes == 0 || bytes > pinnedCap / 2) return -1;
        pinnedWanted = align(pinnedWanted) + bytes;
        long start = align(pinnedUsed);
        if (start + bytes > pinnedCap) return -1;
        if (start + bytes > pinned.capacity() && (pinnedUsed > 0 || pinned.ensure(bytes) == null)) return -1;
        pinnedUsed = start + bytes;
        return start;
    }

    /** Regions start on 256-byte boundaries. */
    private static long align(long offset) { return (offset + 255) & ~255L; }

    private <P extends Pointer> P stage(P host) {
        staging.add(host);
        return host;
    }

    @Override
    public void copy(Ref src, Ref dst, long count) {
        memcpy(address(dst), address(src), 4 * count, cudart.cudaMemcpyDeviceToDevice, "copy");
    }

    /** See {@link RowMajorSgemm} for why the operands swap and the weights are transposed. */
    @Override
    public void gemm(int m, int n, int k, Ref a, int lda, Ref b, int ldb, float beta, Ref c, int ldc) {
        if (m == 0) return;
        RowMajorSgemm call = RowMajorSgemm.of(m, n, k, lda, ldb, ldc);
        Ref first = call.first() == RowMajorSgemm.Operand.A ? a : b;
        Ref second = call.second() == RowMajorSgemm.Operand.A ? a : b;
        try (PointerScope scope = new PointerScope()) {
            FloatPointer one = new FloatPointer(1).put(1f);
            FloatPointer betaHost = new FloatPointer(1).put(beta);
            CudaErrors.cublas(cublas.cublasSgemm_v2(blas, call.transa(), call.transb(), call.m(), call.n(), call.k(), one,
                    new FloatPointer(address(first)), call.lda(), new FloatPointer(address(second)), call.ldb(), betaHost,
                    new FloatPointer(address(c)), call.ldc()),
                    "cublasSgemm(" + m + "x" + k + " · (" + n + "x" + k + ")ᵀ)", spec);
        }
    }

    @Override
    public void launch(Kernel kernel, long threads, Object... args) {
        kernels.launch(kernel, stream, threads, spec, r -> address(r).address(), args);
    }

    /**
     * Synchronizes the stream, then fills the arrays of the downloads and frees the staging buffers. When the
     * synchronize fails, the downloads are dropped (their arrays stay as they were) but the staging buffers are kept
     * for the next successful synchronize or {@link #close()}: the stream's copies may still be using them.
     */
    @Override
    public void finish() {
        try {
            CudaErrors.cuda(cudart.cudaStreamSynchronize(stream), "cudaStreamSynchronize", spec);
        } catch (RuntimeException | Error e) {
            delivered.clear();
            throw e;
        }
        for (Runnable r : delivered) r.run();
        delivered.clear();
        freeStaging();
        // Nothing is in use any more: the buffer may grow to what this call wanted (within the cap).
        if (pinnedWanted > pinned.capacity()) pinned.ensure(Math.min(pinnedWanted, pinnedCap));
        pinnedUsed = 0;
        pinnedWanted = 0;
    }

    private void freeStaging() {
        for (Pointer p : staging) p.close();
        staging.clear();
    }

    private void memcpy(Pointer dst, Pointer src, long bytes, int kind, String what) {
        CudaErrors.cuda(cudart.cudaMemcpyAsync(dst, src, bytes, kind, stream), "cudaMemcpyAsync (" + what + ", " + bytes + " bytes)", spec);
    }

    /** The device address of {@code r}: the buffer's base plus 4 bytes per element of offset. */
    private static Pointer address(Ref r) {
        return elementAt(((DeviceArray) r.buffer()).memory().address(), r.offset());
    }

    /** A pointer {@code elements} 4-byte elements past {@code base}, with position 0 (so no call adds it again). */
    static Pointer elementAt(Pointer base, long elements) {
        return byteAt(base, 4 * elements);
    }

    /** A pointer {@code bytes} past {@code base}, with position 0 (so no call adds it again). */
    static Pointer byteAt(Pointer base, long bytes) {
        // getPointer(Pointer.class, i) is a new Pointer at address + i·sizeof(Pointer) = address + i bytes.
        return new Pointer(base).getPointer(Pointer.class, bytes);
    }

    @Override
    public void close() {
        // The stream, handle and scratch belong to our device; the closing thread may have another one current.
        if (created >= 1 || !scratch.isEmpty()) cudart.cudaSetDevice(device);
        if (created >= 1) cudart.cudaStreamSynchronize(stream);
        delivered.clear();
        freeStaging();
        pinned.close();
        for (DeviceBuffer b : scratch.values()) b.close();
        scratch.clear();
        if (created >= 2) cublas.cublasDestroy_v2(blas);
        if (created >= 1) cudart.cudaStreamDestroy(stream);
        created = 0;
    }
}
