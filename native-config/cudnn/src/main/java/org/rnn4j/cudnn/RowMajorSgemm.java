package org.rnn4j.cudnn;

/**
 * How {@link GpuOps#gemm}'s row-major contract, {@code C[m, n] = A[m, k] · B[n, k]ᵀ + beta · C}, maps onto cuBLAS's
 * column-major {@code cublasSgemm}: a row-major matrix with row stride ld is the column-major transpose with leading
 * dimension ld, so the call computes {@code Cᵀ = B · Aᵀ}, i.e. {@code sgemm(OP_T, OP_N, n, m, k, B, ldb, A, lda, C,
 * ldc)}. Pure Java (the cublasOperation_t values are spelled out and checked against the bindings by a test);
 * immutable.
 *
 * @param first the matrix cuBLAS calls A (rnn4j's B, the weights); {@code second} is cuBLAS's B (rnn4j's A)
 */
record RowMajorSgemm(int transa, int transb, int m, int n, int k, int lda, int ldb, int ldc, Operand first, Operand second) {
    static final int CUBLAS_OP_N = 0;
    static final int CUBLAS_OP_T = 1;

    /** Which of the row-major call's operands fills a cuBLAS slot. */
    enum Operand { A, B }

    /** The cuBLAS arguments for the row-major {@code gemm(m, n, k, A, lda, B, ldb, beta, C, ldc)}. */
    static RowMajorSgemm of(int m, int n, int k, int lda, int ldb, int ldc) {
        return new RowMajorSgemm(CUBLAS_OP_T, CUBLAS_OP_N, n, m, k, ldb, lda, ldc, Operand.B, Operand.A);
    }
}
