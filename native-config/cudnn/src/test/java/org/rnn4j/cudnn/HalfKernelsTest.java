package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The F16 kernels (half.cu, sum_directions.cu) as the tests' host build compiles them, bit for bit against Java's
 * {@link Half} through {@link HalfConversionCheck}, the same check {@link GpuSelfCheck} runs on the GPU (PTX
 * {@code cvt}); and that check itself catches a wrong kernel.
 */
class HalfKernelsTest {

    @BeforeAll
    static void emulator() { EmulatedGpu.assumeAvailable(); }

    @Test
    void packUnpackRoundAndDirectionSumAgreeWithJavaBitForBit() {
        try (EmulatedGpu gpu = new EmulatedGpu()) {
            assertEquals("", HalfConversionCheck.run(gpu));
        }
    }

    /** The inputs hold every half value except NaN's payloads, and the tie between each finite half and the next. */
    @Test
    void inputsCoverEveryHalfAndTheTies() {
        Set<Short> exact = new HashSet<>();
        int ties = 0;
        for (float f : HalfConversionCheck.inputs()) {
            if (Float.isNaN(f)) continue;
            short h = Half.fromFloat(f);
            float a = Half.toFloat(h);
            if (a == f) {
                exact.add(h);
                continue;
            }
            // The other neighbour: one half further from zero when |f| > |a|, else one nearer.
            float b = Half.toFloat((short) (Math.abs(f) > Math.abs(a) ? h + 1 : h - 1));
            if (f == (a + b) / 2) ties++;
        }
        assertEquals(0x10000 - 2 * 0x3ff, exact.size(), "distinct halves given exactly (every pattern but the NaNs)");
        // Each finite half but the largest, of either sign, has its tie with the next one away from zero (0x7bff per
        // sign, the zeros' included); a random float may land on a tie too.
        assertTrue(ties >= 2 * 0x7bff, "ties: " + ties);
    }

    /** A wrong kernel is reported with the count and the first elements: here HALF_ROUND leaves its floats as they are. */
    @Test
    void theCheckReportsAWrongKernel() {
        try (EmulatedGpu gpu = new EmulatedGpu()) {
            GpuOps skipsRound = (GpuOps) java.lang.reflect.Proxy.newProxyInstance(GpuOps.class.getClassLoader(),
                    new Class<?>[] {GpuOps.class}, (proxy, method, args) -> {
                        if (method.getName().equals("launch") && args[0] == GpuOps.Kernel.HALF_ROUND) return null;
                        try {
                            return method.invoke(gpu, args);
                        } catch (java.lang.reflect.InvocationTargetException e) {
                            throw e.getCause();
                        }
                    });
            String report = HalfConversionCheck.run(skipsRound);
            assertTrue(report.matches("\\d+ mismatches against Half, first: .*rounded to.*"), report);
        }
    }
}
