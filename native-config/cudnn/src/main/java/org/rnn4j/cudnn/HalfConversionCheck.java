package org.rnn4j.cudnn;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * F16's conversion kernels checked bit for bit against Java's {@link Half} on any {@link GpuOps}: {@code half.cu}'s
 * pack, unpack and in-place round, and {@code sum_directions.cu}'s half variant, over every half value, each tie
 * between neighbours (round to even), overflow, subnormals, NaN and random floats. {@code HalfKernelsTest} runs it on
 * the emulated device (the kernels' host build, g++ {@code _Float16}); {@link GpuSelfCheck} runs it on the GPU, where
 * the conversions are PTX {@code cvt.rn.f16.f32} and {@code cvt.f32.f16}. Not part of the library API.
 */
final class HalfConversionCheck {
    private HalfConversionCheck() {}

    /** Every finite and special half, each tie with its upper neighbour, random floats, and the overflow edges. */
    static float[] inputs() {
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

    /** "" when every kernel agrees with {@link Half}; otherwise how many elements disagree, and the first few. */
    static String run(GpuOps gpu) {
        Mismatches bad = new Mismatches();
        conversions(gpu, bad);
        directionSum(gpu, bad);
        return bad.toString();
    }

    /** HALF_PACK, then HALF_UNPACK of its halves, and HALF_ROUND in place, on {@link #inputs()}. */
    private static void conversions(GpuOps gpu, Mismatches bad) {
        float[] x = inputs();
        int n = x.length;
        GpuOps.Buffer in = gpu.scratch("half-check in", n);
        GpuOps.Buffer halves = gpu.scratch("half-check halves", n / 2);
        GpuOps.Buffer widened = gpu.scratch("half-check widened", n);
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
            short got = half(packed, i);
            String what = "x[" + i + "] = " + x[i] + " (0x" + Integer.toHexString(Float.floatToRawIntBits(x[i])) + ")";
            if (Float.isNaN(x[i])) {
                // Which NaN is not specified (payloads may change), only that it stays one.
                bad.check((got & 0x7c00) == 0x7c00 && (got & 0x3ff) != 0, what + ": packed to 0x" + hex(got) + ", not a NaN");
                bad.check(Float.isNaN(back[i]), what + ": unpacked to " + back[i]);
                bad.check(Float.isNaN(rounded[i]), what + ": rounded to " + rounded[i]);
                continue;
            }
            short expected = Half.fromFloat(x[i]);
            int want = Float.floatToRawIntBits(Half.toFloat(expected));
            bad.check(got == expected, what + ": packed to 0x" + hex(got) + ", expected 0x" + hex(expected));
            bad.check(Float.floatToRawIntBits(back[i]) == want, what + ": unpacked to " + back[i] + ", expected " + Half.toFloat(expected));
            bad.check(Float.floatToRawIntBits(rounded[i]) == want, what + ": rounded to " + rounded[i] + ", expected " + Half.toFloat(expected));
        }
    }

    /**
     * SUM_DIRECTIONS_HALF as the native path launches it on cuDNN's y: rows of {@code ld = 2·cols} halves, the second
     * direction at {@code +cols}; each sum is the two halves widened, added in float and rounded to half.
     */
    private static void directionSum(GpuOps gpu, Mismatches bad) {
        int rows = 33, cols = 14, ld = 2 * cols; // cols even: the second direction starts on a float element (cols / 2)
        SplittableRandom random = new SplittableRandom(5);
        float[] y = new float[rows * ld];
        for (int i = 0; i < y.length; i++) y[i] = Half.toFloat(Half.fromFloat((float) random.nextDouble(-4, 4)));
        float[] packedY = new float[y.length / 2];
        for (int i = 0; i < y.length; i += 2) {
            packedY[i / 2] = Float.intBitsToFloat((Half.fromFloat(y[i]) & 0xffff) | (Half.fromFloat(y[i + 1]) << 16));
        }
        GpuOps.Buffer in = gpu.scratch("half-check y", packedY.length);
        GpuOps.Buffer out = gpu.scratch("half-check sum", rows * cols / 2);
        gpu.upload(packedY, in.at(0));
        gpu.launch(GpuOps.Kernel.SUM_DIRECTIONS_HALF, (long) rows * cols, in.at(0), in.at(cols / 2), ld, out.at(0), rows, cols);
        float[] got = new float[rows * cols / 2];
        gpu.download(out.at(0), got);
        gpu.finish();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < cols; c++) {
                short expected = Half.fromFloat(y[r * ld + c] + y[r * ld + cols + c]);
                short actual = half(got, r * cols + c);
                bad.check(actual == expected, "direction sum row " + r + ", column " + c + ": 0x" + hex(actual) + ", expected 0x" + hex(expected));
            }
        }
    }

    /** Half {@code i} of halves stored two per float (little-endian: the first in the low 16 bits). */
    private static short half(float[] packed, int i) {
        int bits = Float.floatToRawIntBits(packed[i / 2]);
        return (short) ((i & 1) == 0 ? bits : bits >>> 16);
    }

    private static String hex(short h) { return Integer.toHexString(h & 0xffff); }

    /** A count of failed checks and the first few descriptions. */
    private static final class Mismatches {
        private static final int SHOWN = 5;
        private final List<String> first = new ArrayList<>();
        private int count;

        void check(boolean ok, String what) {
            if (ok) return;
            count++;
            if (first.size() < SHOWN) first.add(what);
        }

        @Override
        public String toString() {
            return count == 0 ? "" : count + " mismatches against Half, first: " + String.join("; ", first);
        }
    }
}
