package org.rnn4j;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.EnumSet;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rnn4j.reference.ReferenceBackend;

/** Y written into a caller's buffer ({@link RnnInput.Builder#yInto}) equals the Y returned as an array. */
class OutputBufferTest {
    private static final RnnSpec SPEC = RnnSpec.builder(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(3)
            .hiddenSize(4).layers(2).direction(Direction.BIDIRECTIONAL_CONCAT).build();

    private static float[] data(int n) {
        SplittableRandom r = new SplittableRandom(n);
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-1, 1);
        return a;
    }

    @Test
    void heapAndDirectBuffersReceiveExactlyTheArrayResult() {
        int t = 5;
        int n = 3;
        float[] x = data(t * n * 3);
        int yLength = t * n * SPEC.outputSize();
        try (PreparedRnn p = new ReferenceBackend().prepare(SPEC, RnnWeights.random(SPEC, 4))) {
            for (Layout layout : Layout.values()) {
                RnnOutput plain = p.forward(RnnInput.builder(x, layout, t, n).sequenceLengths(5, 0, 3).build());
                FloatBuffer heap = FloatBuffer.allocate(yLength + 2);
                heap.position(1).limit(yLength + 1); // Y is the remaining floats; the ones around it stay untouched
                FloatBuffer direct = ByteBuffer.allocateDirect(4 * yLength).order(ByteOrder.nativeOrder()).asFloatBuffer();
                for (FloatBuffer into : new FloatBuffer[] {heap, direct}) {
                    FloatBuffer whole = into.duplicate().clear();
                    for (int i = 0; i < whole.capacity(); i++) whole.put(i, Float.NaN);
                    RnnOutput out = p.forward(RnnInput.builder(x, layout, t, n).sequenceLengths(5, 0, 3).yInto(into).build());
                    assertNull(out.y(), "Y went into the buffer");
                    assertArrayEquals(plain.hFinal(), out.hFinal(), "final h is still returned");
                    float[] got = new float[yLength];
                    into.duplicate().position(into.position()).get(got);
                    assertArrayEquals(plain.y(), got, layout + (into.isDirect() ? " direct" : " heap"));
                }
                FloatBuffer whole = heap.duplicate().clear();
                assertTrue(Float.isNaN(whole.get(0)) && Float.isNaN(whole.get(yLength + 1)), "floats outside Y untouched");
                assertEquals(1, heap.position(), "the caller's buffer position is unchanged");
            }
        }
    }

    @Test
    void badBuffersAreRejectedNamingTheArgument() {
        RnnInput.Builder b = RnnInput.builder(new float[2 * 3 * 3], Layout.TIME_MAJOR, 2, 3);
        IllegalArgumentException readOnly = assertThrows(IllegalArgumentException.class,
                () -> b.yInto(FloatBuffer.allocate(48).asReadOnlyBuffer()));
        assertTrue(readOnly.getMessage().startsWith("yInto: expected a writable buffer"), readOnly.getMessage());
        try (PreparedRnn p = new ReferenceBackend().prepare(SPEC, RnnWeights.random(SPEC, 4))) {
            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> p.forward(RnnInput.builder(new float[18], Layout.TIME_MAJOR, 2, 3).yInto(FloatBuffer.allocate(47)).build()));
            assertEquals("yInto: expected T·N·C = 2·3·8 = 48 floats but the buffer has 47", size.getMessage());
            IllegalArgumentException notWanted = assertThrows(IllegalArgumentException.class,
                    () -> p.forward(RnnInput.builder(new float[18], Layout.TIME_MAJOR, 2, 3).yInto(FloatBuffer.allocate(48))
                            .outputs(EnumSet.of(OutputKind.H_FINAL)).build()));
            assertTrue(notWanted.getMessage().startsWith("yInto: expected no buffer, since Y is not among the requested outputs"),
                    notWanted.getMessage());
        }
    }
}
