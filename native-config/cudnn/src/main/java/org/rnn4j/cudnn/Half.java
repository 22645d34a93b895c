package org.rnn4j.cudnn;

/**
 * IEEE 754 binary16 conversion for the F16 path (Java 17 has no {@code Float.floatToFloat16}). Round to nearest
 * even, overflow to infinity, subnormals kept, NaN stays NaN. Stateless and thread-safe.
 */
final class Half {
    private Half() {}

    static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        int sign = (bits >>> 16) & 0x8000;
        int exp = (bits >>> 23) & 0xff;
        int mant = bits & 0x7fffff;
        if (exp == 0xff) return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0)); // Inf / NaN
        int e = exp - 127 + 15; // rebias
        if (e >= 0x1f) return (short) (sign | 0x7c00); // too large: infinity
        if (e <= 0) {
            if (e < -10) return (short) sign; // below half the smallest subnormal: signed zero
            // Subnormal: shift the mantissa (with its implicit 1) right, rounding to nearest even.
            int m = mant | 0x800000;
            int shift = 14 - e;
            int half = m >>> shift;
            int rest = m & ((1 << shift) - 1);
            int mid = 1 << (shift - 1);
            if (rest > mid || (rest == mid && (half & 1) != 0)) half++;
            return (short) (sign | half);
        }
        int half = sign | (e << 10) | (mant >>> 13);
        int rest = mant & 0x1fff;
        // Round to nearest even; a carry into the exponent is correct (it may even produce infinity).
        if (rest > 0x1000 || (rest == 0x1000 && (half & 1) != 0)) half++;
        return (short) half;
    }

    static float toFloat(short h) {
        int bits = h & 0xffff;
        int sign = (bits & 0x8000) << 16;
        int exp = (bits >>> 10) & 0x1f;
        int mant = bits & 0x3ff;
        if (exp == 0x1f) return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
        if (exp == 0) {
            float v = mant * 0x1p-24f; // subnormal (or zero): mant · 2^-24
            return sign != 0 ? -v : v;
        }
        return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
    }

    /** Rounds each value in place to the nearest half (what F16 storage keeps), as a float. */
    static void round(float[] values) {
        for (int i = 0; i < values.length; i++) values[i] = toFloat(fromFloat(values[i]));
    }
}
