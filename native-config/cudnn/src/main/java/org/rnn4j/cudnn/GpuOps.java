package org.rnn4j.cudnn;

/**
 * The device operations the composed GPU path is written against: float and int buffers, row-major GEMM, kernel
 * launches and copies, all queued in order on one stream. {@link CudaGpuOps} implements them with the CUDA runtime,
 * cuBLAS and NVRTC-compiled kernels; the tests implement them on the host (the kernels' own CUDA C++ sources
 * compiled as C++), so the composed driver is checked against the float64 reference without a GPU. One instance (a
 * per-call context, made by a {@link GpuDevice}) serves one call at a time.
 */
interface GpuOps extends AutoCloseable {

    /** Device memory of {@code count} 4-byte elements (floats, or ints for sequence lengths). */
    interface Buffer {
        long count();

        /** A device pointer {@code offset} elements into this buffer, as a kernel argument. */
        default Ref at(long offset) { return new Ref(this, offset); }
    }

    /** A device pointer: {@code buffer} plus an element offset. */
    record Ref(Buffer buffer, long offset) {
        public Ref {
            if (offset < 0 || offset > buffer.count()) {
                throw new IllegalArgumentException("offset " + offset + " outside a buffer of " + buffer.count() + " elements");
            }
        }

        Ref plus(long elements) { return new Ref(buffer, offset + elements); }
    }

    /**
     * The GPU path's kernels (the composed path's; the sum of BIDIRECTIONAL_SUM's two directions and the F16
     * conversions, which the native path launches too): file and entry point in {@code org/rnn4j/cudnn/kernels/}.
     */
    enum Kernel {
        RNN_STEP("rnn_step.cu", "rnn4j_rnn_step"),
        LSTM_STEP("lstm_step.cu", "rnn4j_lstm_step"),
        GRU_RESET("gru_step.cu", "rnn4j_gru_reset"),
        GRU_STEP("gru_step.cu", "rnn4j_gru_step"),
        REVERSE_SEQUENCES("reverse_sequences.cu", "rnn4j_reverse_sequences"),
        SUM_DIRECTIONS("sum_directions.cu", "rnn4j_sum_directions"),
        /** The native path's F16 y (IEEE halves); the composed path's buffers are float. */
        SUM_DIRECTIONS_HALF("sum_directions.cu", "rnn4j_sum_directions_half"),
        /** Native F16: floats from the host → cuDNN's halves. */
        HALF_PACK("half.cu", "rnn4j_half_pack"),
        /** Native F16: cuDNN's halves → floats for the host. */
        HALF_UNPACK("half.cu", "rnn4j_half_unpack"),
        /** Composed F16: floats rounded in place to the nearest half value. */
        HALF_ROUND("half.cu", "rnn4j_half_round");

        final String file;
        final String entry;

        Kernel(String file, String entry) {
            this.file = file;
            this.entry = entry;
        }
    }

    /**
     * A scratch buffer of at least {@code count} elements owned by this instance, reused across calls: {@code slot}
     * names it (one buffer per slot); contents are undefined on return.
     */
    Buffer scratch(String slot, long count);

    /** Like {@link #scratch} for int elements (sequence lengths). */
    Buffer scratchInts(String slot, long count);

    /**
     * Queues a copy of {@code src} to {@code dst} (host to device); later work on this context sees it. The caller
     * may reuse {@code src} at once (the implementation stages it and keeps the staging until {@link #finish}).
     */
    void upload(float[] src, Ref dst);

    /** Like {@link #upload(float[], Ref)} for int elements. */
    void upload(int[] src, Ref dst);

    /** Queues a copy of {@code dst.length} elements from {@code src} to the host; complete after {@link #finish}. */
    void download(Ref src, float[] dst);

    /** Device-to-device copy of {@code count} elements. */
    void copy(Ref src, Ref dst, long count);

    /**
     * Row-major {@code C[m, n] = A[m, k] · B[n, k]ᵀ + beta · C} with leading dimensions (row strides) {@code lda},
     * {@code ldb}, {@code ldc}: A is activations, B a weight matrix stored as rnn4j stores it ([out, in]). With
     * {@code beta == 0} C is not read. Nothing happens when {@code m == 0}.
     */
    void gemm(int m, int n, int k, Ref a, int lda, Ref b, int ldb, float beta, Ref c, int ldc);

    /**
     * Runs {@code kernel} with one thread per element, {@code threads} in all (nothing when 0). {@code args} in the
     * kernel's parameter order: {@link Ref} for a pointer, {@code null} for a NULL pointer, {@link Integer},
     * {@link Float}.
     */
    void launch(Kernel kernel, long threads, Object... args);

    /** Waits until everything queued has completed; then the downloads' arrays hold their values. */
    void finish();

    /** Waits for the stream, then frees this context's scratch buffers and handles; once. */
    @Override
    void close();
}
