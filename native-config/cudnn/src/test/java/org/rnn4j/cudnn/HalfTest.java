package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** binary16 conversion: known encodings, rounding to nearest even, range ends, and an exact round trip. */
class HalfTest {

    private static int bits(float f) { return Half.fromFloat(f) & 0xffff; }

    @Test
    void knownEncodings() {
        assertEquals(0x3c00, bits(1f));
        assertEquals(0xc000, bits(-2f));
        assertEquals(0x0000, bits(0f));
        assertEquals(0x8000, bits(-0f));
        assertEquals(0x7bff, bits(65504f), "largest finite half");
        assertEquals(0x0001, bits(0x1p-24f), "smallest subnormal");
        assertEquals(0x0400, bits(0x1p-14f), "smallest normal");
        assertEquals(0x2e66, bits(0.1f), "0.1 rounds to nearest");
        assertEquals(0x7c00, bits(Float.POSITIVE_INFINITY));
        assertTrue(Float.isNaN(Half.toFloat(Half.fromFloat(Float.NaN))));
    }

    @Test
    void overflowAndUnderflowFollowRoundToNearestEven() {
        assertEquals(0x7c00, bits(65520f), "halfway above the largest finite rounds up to infinity");
        assertEquals(0x7bff, bits(65519f));
        assertEquals(0x0000, bits(0x1p-25f), "exactly half the smallest subnormal ties to even zero");
        assertEquals(0x0001, bits(0x1.8p-25f));
        assertEquals(0x3c00, bits(1f + 0x1p-11f), "tie between 1 and 1+2^-10 goes to the even 1");
        assertEquals(0x3c02, bits(1f + 3 * 0x1p-11f), "tie between 1+2^-10 and 1+2^-9 goes to the even one");
    }

    @Test
    void everyHalfSurvivesARoundTrip() {
        for (int h = 0; h < 0x10000; h++) {
            float f = Half.toFloat((short) h);
            if (Float.isNaN(f)) continue;
            assertEquals(h, bits(f), "half 0x" + Integer.toHexString(h) + " = " + f);
        }
    }

    @Test
    void relativeErrorIsAtMostHalfAnUlp() {
        // Normal range: |fl(x) − x| ≤ 2^-11 · |x| (unit roundoff of binary16).
        for (float x = 1e-4f; x < 6e4f; x *= 1.0137f) {
            float back = Half.toFloat(Half.fromFloat(x));
            assertTrue(Math.abs(back - x) <= 0x1p-11 * x * 1.0000001, "x=" + x + " back=" + back);
        }
    }
}
