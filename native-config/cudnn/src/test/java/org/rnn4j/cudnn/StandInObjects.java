package org.rnn4j.cudnn;

import org.bytedeco.cuda.cublas.cublasContext;
import org.bytedeco.cuda.cudart.CUevent_st;
import org.bytedeco.cuda.cudart.CUstream_st;
import org.bytedeco.cuda.global.cublas;
import org.bytedeco.cuda.global.cudart;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * Thin owners of raw CUDA objects for {@link HostCudaStreamChecks}, which must make the calls itself (rightly and
 * wrongly) rather than through rnn4j's classes: device memory, pinned memory, a stream, an event, a cuBLAS handle. Each
 * is freed by {@code close()}; a failing status is an {@link AssertionError} naming the call.
 */
final class StandInObjects {
    private StandInObjects() {}

    static void ok(int status, String what) {
        if (status != 0) throw new AssertionError(what + ": status " + status);
    }

    /** Device memory of 4-byte elements; filled and read with synchronous cudaMemcpy. */
    static final class Dev implements AutoCloseable {
        final Pointer p = new Pointer();
        final int n;

        Dev(int n) {
            this.n = n;
            ok(cudart.cudaMalloc(p, 4L * n), "cudaMalloc");
        }

        void fill(float[] v) {
            try (FloatPointer h = new FloatPointer(v)) {
                ok(cudart.cudaMemcpy(p, h, 4L * v.length, cudart.cudaMemcpyHostToDevice), "cudaMemcpy H2D");
            }
        }

        void fillInts(int[] v) {
            try (IntPointer h = new IntPointer(v)) {
                ok(cudart.cudaMemcpy(p, h, 4L * v.length, cudart.cudaMemcpyHostToDevice), "cudaMemcpy H2D");
            }
        }

        float[] read() {
            try (FloatPointer h = new FloatPointer(n)) {
                ok(cudart.cudaMemcpy(h, p, 4L * n, cudart.cudaMemcpyDeviceToHost), "cudaMemcpy D2H");
                float[] v = new float[n];
                h.get(v);
                return v;
            }
        }

        @Override
        public void close() {
            if (!p.isNull()) ok(cudart.cudaFree(p), "cudaFree");
            p.setNull();
        }
    }

    /** Pinned host memory of floats (cudaMallocHost). */
    static final class Pinned implements AutoCloseable {
        final Pointer p = new Pointer();
        final FloatPointer f;
        final int n;

        Pinned(int n) {
            this.n = n;
            ok(cudart.cudaMallocHost(p, 4L * n), "cudaMallocHost");
            f = new FloatPointer(p).capacity(n);
        }

        void put(float[] v) { f.position(0).put(v); }

        float get(int i) { return f.get(i); }

        float[] all() {
            float[] v = new float[n];
            f.position(0).get(v);
            return v;
        }

        @Override
        public void close() {
            if (!p.isNull()) ok(cudart.cudaFreeHost(p), "cudaFreeHost");
            p.setNull();
        }
    }

    static final class Stream implements AutoCloseable {
        final CUstream_st s = new CUstream_st();

        Stream() { ok(cudart.cudaStreamCreate(s), "cudaStreamCreate"); }

        void sync() { ok(cudart.cudaStreamSynchronize(s), "cudaStreamSynchronize"); }

        @Override
        public void close() {
            if (!s.isNull()) ok(cudart.cudaStreamDestroy(s), "cudaStreamDestroy");
            s.setNull();
        }
    }

    static final class Event implements AutoCloseable {
        final CUevent_st e = new CUevent_st();

        Event(int flags) { ok(cudart.cudaEventCreateWithFlags(e, flags), "cudaEventCreateWithFlags"); }

        @Override
        public void close() { ok(cudart.cudaEventDestroy(e), "cudaEventDestroy"); }
    }

    /** A cuBLAS handle on a stream. */
    static final class Blas implements AutoCloseable {
        final cublasContext h = new cublasContext();

        Blas(Stream s) {
            ok(cublas.cublasCreate_v2(h), "cublasCreate");
            ok(cublas.cublasSetStream_v2(h, s.s), "cublasSetStream");
        }

        /** C[n] = x[n] · one[1]: a column-major n×1 times 1×1 GEMM, so C is a copy of x. */
        void copyOf(Dev x, Dev one, Dev c, int n) {
            try (FloatPointer alpha = new FloatPointer(1).put(1f); FloatPointer beta = new FloatPointer(1).put(0f)) {
                gemm(x, one, c, n, alpha, beta);
            }
        }

        void gemm(Dev x, Dev one, Dev c, int n, FloatPointer alpha, FloatPointer beta) {
            ok(cublas.cublasSgemm_v2(h, cublas.CUBLAS_OP_N, cublas.CUBLAS_OP_N, n, 1, 1, alpha, new FloatPointer(x.p), n,
                    new FloatPointer(one.p), 1, beta, new FloatPointer(c.p), n), "cublasSgemm");
        }

        @Override
        public void close() { ok(cublas.cublasDestroy_v2(h), "cublasDestroy"); }
    }
}
