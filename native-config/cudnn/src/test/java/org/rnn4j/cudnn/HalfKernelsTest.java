package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The F16 kernels (half.cu, sum_directions.cu) as the tests' host build compiles them, bit for bit against Java's
 * {@link Half}: every half value, the ties between neighbours (round to even), overflow, subnormals, NaN. On the GPU
 * the conversions are PTX {@code cvt.rn.f16.f32} / {@code cvt.f32.f16}, which round the same way by definition; the
 * GPU self-check and suite cover that build.
 */
class HalfKernelsTest {

    @BeforeAll
    static void emulator() { EmulatedGpu.assumeAvailable(); }

    /** Every finite and special half, each tie with its upper neighbour, and random floats over the whole range. */
    private static float[] inputs() {
        List<Float> v = new ArrayList<>();
        for (int bits = 0; bits < 0x10000; bits++) {
            float f = Half.toFloat((short) bits);
            v.add(f);
            int next = (bits & 0x7fff) == 0x7bff || (bits & 0x7c00) == 0x7c00 ? -1 : bits + 1;
            if (next >= 0 && !Float.isNaN(f)) v.add((f + Half.toFloat((short) next)) / 2); // exactly between: a tie
        }
        SplittableRandom random = new SplittableRandom(11);
        for (int i = 0; i < 20_000; i++) v.add(Float.intBitsToFloat(random.nextInt()));
        v.add(65520f); // rounds up past the largest half (65504): infinity
        v.add(65519.99f);
        v.add(-1e-8f); // below half the smallest subnormal: -0
        float[] out = new float[v.size() + (v.size() & 1)]; // an even count: halves pack two to a float element
        for (int i = 0; i < v.size(); i++) out[i] = v.get(i);
        return out;
    }

    @Test
    void packUnpackAndRoundAgreeWithJavaBitForBit() {
        float[] x = inputs();
        int n = x.length;
        try (EmulatedGpu gpu = new EmulatedGpu()) {
            GpuOps.Buffer in = gpu.scratch("in", n);
            GpuOps.Buffer halves = gpu.scratch("halves", n / 2);
            GpuOps.Buffer widened = gpu.scratch("widened", n);
            gpu.upload(x, in.at(0));
            gpu.launch(GpuOps.Kernel.HALF_PACK, n, in.at(0), halves.at(0), n);
            gpu.launch(GpuOps.Kernel.HALF_UNPACK, n, halves.at(0), widened.at(0), n);
            gpu.launch(GpuOps.Kernel.HALF_ROUND, n, in.at(0), n);
            float[] packed = new float[n / 2];
            float[] back = new float[n];
            float[] rounded = new float[n];
            gpu.download(halves.at(0), packed);
            gpu.download(widened.at(0), back);
            gpu.download(in.at(0), rounded);
            gpu.finish();
            for (int i = 0; i < n; i++) {
                short expected = Half.fromFloat(x[i]);
                short got = half(packed, i);
                String what = "x[" + i + "] = " + x[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(x[i])) + ")";
                if (Float.isNaN(x[i])) {
                    assertEquals(0x7c00, got & 0x7c00, what + ": NaN packs to a NaN");
                    assertEquals(true, (got & 0x3ff) != 0, what + ": NaN packs to a NaN");
                    assertEquals(true, Float.isNaN(back[i]) && Float.isNaN(rounded[i]), what);
                    continue;
                }
                assertEquals(expected, got, what + ": packed");
                assertEquals(Float.floatToRawIntBits(Half.toFloat(expected)), Float.floatToRawIntBits(back[i]), what + ": unpacked");
                assertEquals(Float.floatToRawIntBits(Half.toFloat(expected)), Float.floatToRawIntBits(rounded[i]), what + ": rounded");
            }
        }
    }

    /** The F16 direction sum: halves widened, added in float, rounded to half; rows of ld with the second half at +cols. */
    @Test
    void halfDirectionSumRoundsTheFloatSumToHalf() {
        int rows = 3, cols = 4, ld = 2 * cols; // cols even: the second direction starts on a float element (cols / 2)
        SplittableRandom random = new SplittableRandom(5);
        float[] y = new float[rows * ld];
        for (int i = 0; i < y.length; i++) y[i] = Half.toFloat(Half.fromFloat((float) random.nextDouble(-4, 4)));
        float[] packedY = new float[y.length / 2];
        for (int i = 0; i < y.length; i += 2) {
            packedY[i / 2] = Float.intBitsToFloat((Half.fromFloat(y[i]) & 0xffff) | (Half.fromFloat(y[i + 1]) << 16));
        }
        try (EmulatedGpu gpu = new EmulatedGpu()) {
            GpuOps.Buffer in = gpu.scratch("y", packedY.length);
            GpuOps.Buffer out = gpu.scratch("sum", rows * cols / 2);
            gpu.upload(packedY, in.at(0));
            gpu.launch(GpuOps.Kernel.SUM_DIRECTIONS_HALF, (long) rows * cols, in.at(0), in.at(cols / 2), ld, out.at(0), rows, cols);
            float[] got = new float[rows * cols / 2];
            gpu.download(out.at(0), got);
            gpu.finish();
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < cols; c++) {
                    short expected = Half.fromFloat(y[r * ld + c] + y[r * ld + cols + c]);
                    assertEquals(expected, half(got, r * cols + c), "row " + r + ", column " + c);
                }
            }
        }
    }

    /** Half {@code i} of halves stored two per float (little-endian: the first in the low 16 bits). */
    private static short half(float[] packed, int i) {
        int bits = Float.floatToRawIntBits(packed[i / 2]);
        return (short) ((i & 1) == 0 ? bits : bits >>> 16);
    }
}
