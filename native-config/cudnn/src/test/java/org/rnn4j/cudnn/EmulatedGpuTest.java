package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The emulated device itself: the GEMM contract {@link CudaGpuOps} must also meet, and the traps it sets. */
class EmulatedGpuTest {

    @BeforeAll
    static void emulator() { EmulatedGpu.assumeAvailable(); }

    @Test
    void gemmIsRowMajorActivationsTimesTransposedWeightsWithStridesAndOffsets() {
        try (EmulatedGpu gpu = new EmulatedGpu()) {
            // A: 2 rows of k = 2 inside rows of stride 3, from offset 1. B: [n = 2, k = 2] as [out, in] with stride 2.
            GpuOps.Buffer a = gpu.scratch("a", 7);
            gpu.upload(new float[] {9, 1, 2, 9, 3, 4, 9}, a.at(0));
            GpuOps.Buffer b = gpu.scratch("b", 4);
            gpu.upload(new float[] {1, 10, 100, 1000}, b.at(0));
            GpuOps.Buffer c = gpu.scratch("c", 6);
            gpu.upload(new float[] {-1, -1, -1, -1, -1, -1}, c.at(0));
            // C rows of stride 3 from offset 1; beta = 1 adds the -1s.
            gpu.gemm(2, 2, 2, a.at(1), 3, b.at(0), 2, 1f, c.at(1), 3);
            float[] out = new float[6];
            gpu.download(c.at(0), out);
            // Row 0: [1, 2]·[1, 10] = 21, [1, 2]·[100, 1000] = 2100; row 1: [3, 4] → 43, 4300.
            assertArrayEquals(new float[] {-1, 20, 2099, -1, 42, 4299}, out);
        }
    }

    @Test
    void aGemmReachingPastItsBufferIsRefused() {
        try (EmulatedGpu gpu = new EmulatedGpu()) {
            GpuOps.Buffer a = gpu.scratch("a", 4);
            GpuOps.Buffer c = gpu.scratch("c", 4);
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> gpu.gemm(2, 2, 2, a.at(1), 2, a.at(0), 2, 0f, c.at(0), 2));
            assertTrue(e.getMessage().contains("gemm A") && e.getMessage().contains("outside"), e.getMessage());
        }
    }

    @Test
    void freshScratchHoldsNaNSoReadingUnwrittenDataShows() {
        try (EmulatedGpu gpu = new EmulatedGpu()) {
            float[] out = new float[3];
            gpu.download(gpu.scratch("s", 3).at(0), out);
            for (float v : out) assertTrue(Float.isNaN(v), "scratch value " + v);
        }
    }

    @Test
    void aKernelLaunchWithTheWrongArgumentsIsRefused() {
        try (EmulatedGpu gpu = new EmulatedGpu()) {
            GpuOps.Buffer x = gpu.scratch("x", 4);
            IllegalStateException count = assertThrows(IllegalStateException.class,
                    () -> gpu.launch(GpuOps.Kernel.REVERSE_SEQUENCES, 4, x.at(0), x.at(0)));
            assertTrue(count.getMessage().contains("expected 6 arguments but got 2"), count.getMessage());
            IllegalStateException type = assertThrows(IllegalStateException.class,
                    () -> gpu.launch(GpuOps.Kernel.REVERSE_SEQUENCES, 4, x.at(0), x.at(0), x.at(0), 1, 1, 4));
            assertTrue(type.getMessage().contains("int pointer expected"), type.getMessage());
        }
    }
}
