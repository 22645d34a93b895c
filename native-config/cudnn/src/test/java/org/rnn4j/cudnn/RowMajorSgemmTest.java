package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.bytedeco.cuda.global.cublas;
import org.junit.jupiter.api.Test;

/**
 * The cuBLAS call {@link CudaGpuOps#gemm} makes, checked without a GPU: a Java model of cublasSgemm's documented
 * column-major semantics, fed the arguments {@link RowMajorSgemm} produces, must compute the row-major contract of
 * {@link GpuOps#gemm} (the one the emulated device implements) — with strides and offsets as the composed path uses
 * them (a weight block of a wider W, a gate block of gh).
 */
class RowMajorSgemmTest {

    @Test
    void operationCodesAreCublasOwn() {
        assertEquals(cublas.CUBLAS_OP_N, RowMajorSgemm.CUBLAS_OP_N);
        assertEquals(cublas.CUBLAS_OP_T, RowMajorSgemm.CUBLAS_OP_T);
    }

    @Test
    void theCublasCallComputesTheRowMajorContract() {
        SplittableRandom r = new SplittableRandom(3);
        int[][] shapes = {{1, 1, 1}, {3, 7, 5}, {13, 4, 33}, {2, 12, 3}};
        for (int[] sh : shapes) {
            int m = sh[0], n = sh[1], k = sh[2];
            int lda = k + 2, ldb = 2 * k + 1, ldc = n + 3; // strided: a column block of a wider matrix
            int aOff = 1, bOff = k, cOff = 2;
            float[] a = random(r, aOff + m * lda);
            float[] b = random(r, bOff + n * ldb);
            float[] c0 = random(r, cOff + m * ldc);
            for (float beta : new float[] {0f, 1f}) {
                float[] want = c0.clone();
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        double s = 0;
                        for (int x = 0; x < k; x++) s += (double) a[aOff + i * lda + x] * b[bOff + j * ldb + x];
                        int at = cOff + i * ldc + j;
                        want[at] = (float) (s + (beta == 0f ? 0 : beta * want[at]));
                    }
                }
                RowMajorSgemm call = RowMajorSgemm.of(m, n, k, lda, ldb, ldc);
                float[] first = call.first() == RowMajorSgemm.Operand.A ? a : b;
                int firstOff = call.first() == RowMajorSgemm.Operand.A ? aOff : bOff;
                float[] second = call.second() == RowMajorSgemm.Operand.A ? a : b;
                int secondOff = call.second() == RowMajorSgemm.Operand.A ? aOff : bOff;
                float[] got = c0.clone();
                columnMajorSgemm(call.transa(), call.transb(), call.m(), call.n(), call.k(), first, firstOff, call.lda(),
                        second, secondOff, call.ldb(), beta, got, cOff, call.ldc());
                assertArrayEquals(want, got, 1e-5f, "m=" + m + " n=" + n + " k=" + k + " beta=" + beta);
            }
        }
    }

    /**
     * cublasSgemm as documented: C = alpha·op(A)·op(B) + beta·C, all column-major (element (i, j) of X at
     * X[i + j·ldx]), op(A) m×k, op(B) k×n, C m×n; alpha = 1; beta = 0 means C is not read.
     */
    private static void columnMajorSgemm(int transa, int transb, int m, int n, int k, float[] a, int aOff, int lda,
                                         float[] b, int bOff, int ldb, float beta, float[] c, int cOff, int ldc) {
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = 0;
                for (int x = 0; x < k; x++) {
                    float opA = transa == RowMajorSgemm.CUBLAS_OP_N ? a[aOff + i + x * lda] : a[aOff + x + i * lda];
                    float opB = transb == RowMajorSgemm.CUBLAS_OP_N ? b[bOff + x + j * ldb] : b[bOff + j + x * ldb];
                    s += (double) opA * opB;
                }
                int at = cOff + i + j * ldc;
                c[at] = (float) (s + (beta == 0f ? 0 : beta * c[at]));
            }
        }
    }

    private static float[] random(SplittableRandom r, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) v[i] = (float) r.nextDouble(-1, 1);
        return v;
    }
}
