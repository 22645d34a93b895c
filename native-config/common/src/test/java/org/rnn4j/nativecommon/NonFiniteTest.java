package org.rnn4j.nativecommon;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import org.junit.jupiter.api.Test;

class NonFiniteTest {
    private static final float[] SPECIALS = {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
            Float.intBitsToFloat(0x7fc0_1234), Float.intBitsToFloat(0xff80_0001)};
    private static final float[] FINITE = {0f, -0f, 1f, -1f, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE,
            Float.MIN_NORMAL, Math.nextDown(Float.POSITIVE_INFINITY), 3.4e38f};

    @Test
    void everyFiniteExtremeIsFinite() {
        assertFalse(NonFinite.any(FINITE));
        assertFalse(NonFinite.any(FloatBuffer.wrap(FINITE)));
        assertFalse(NonFinite.any((float[]) null));
        assertFalse(NonFinite.any(new float[0]));
    }

    @Test
    void oneSpecialAnywhereIsFoundInArraysAndBothKindsOfBuffer() {
        for (float special : SPECIALS) {
            for (int at = 0; at < 37; at++) {
                float[] a = new float[37];
                a[at] = special;
                assertTrue(NonFinite.any(a), special + " at " + at);
                assertTrue(NonFinite.any(FloatBuffer.wrap(a)), special + " at " + at + " (heap buffer)");
                FloatBuffer direct = ByteBuffer.allocateDirect(4 * a.length).order(ByteOrder.nativeOrder()).asFloatBuffer();
                direct.put(a).flip();
                assertTrue(NonFinite.any(direct), special + " at " + at + " (direct buffer)");
                assertEquals(0, direct.position(), "the scan must not move the buffer");
            }
        }
    }

    @Test
    void onlyTheRemainingPartOfABufferCounts() {
        float[] a = {Float.NaN, 1f, 2f, 3f};
        FloatBuffer b = FloatBuffer.wrap(a);
        b.position(1);
        assertFalse(NonFinite.any(b));
        assertFalse(NonFinite.any(FloatBuffer.wrap(a, 0, 4).slice().position(1)));
        assertTrue(NonFinite.any(FloatBuffer.wrap(a, 0, 2)));
    }
}
