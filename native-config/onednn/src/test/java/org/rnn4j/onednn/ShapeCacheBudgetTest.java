package org.rnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.Layout;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/** The byte budget of a prepared RNN's shape cache, set by {@value ShapeCache#BUDGET_PROPERTY}. */
class ShapeCacheBudgetTest {
    private final OneDnnBackend backend = new OneDnnBackend();

    private static <T> T withBudget(String mib, Supplier<T> body) {
        String old = System.getProperty(ShapeCache.BUDGET_PROPERTY);
        System.setProperty(ShapeCache.BUDGET_PROPERTY, mib);
        try {
            return body.get();
        } finally {
            if (old == null) System.clearProperty(ShapeCache.BUDGET_PROPERTY); else System.setProperty(ShapeCache.BUDGET_PROPERTY, old);
        }
    }

    private static RnnInput input(RnnSpec spec, int t, int n) {
        float[] x = new float[t * n * spec.inputSize()];
        SplittableRandom r = new SplittableRandom(t);
        for (int i = 0; i < x.length; i++) x[i] = (float) (r.nextDouble() * 2 - 1);
        return RnnInput.builder(x, Layout.TIME_MAJOR, t, n).build();
    }

    /** Runs T = 1…5 at N = 3 on a fresh prepared LSTM; returns {cache entries, Y of T = 5}. */
    private Object[] runSteps1To5() {
        RnnSpec spec = RnnSpec.builder(Cell.lstm()).inputSize(7).hiddenSize(13).build();
        try (OneDnnPreparedRnn p = (OneDnnPreparedRnn) backend.prepare(spec, RnnWeights.random(spec, 4))) {
            RnnOutput last = null;
            for (int t = 1; t <= 5; t++) last = p.forward(input(spec, t, 3));
            return new Object[] {p.shapes().size(), last.y(), p.shapes().bytes()};
        }
    }

    @Test
    void aZeroBudgetKeepsOneShapeAndComputesTheSame() {
        Object[] kept = runSteps1To5();
        Object[] starved = withBudget("0", this::runSteps1To5);
        assertEquals(5, kept[0], "the default budget keeps every small shape");
        assertEquals(1, starved[0], "a zero budget keeps only the shape in use");
        assertArrayEquals((float[]) kept[1], (float[]) starved[1], "eviction must not change results");
    }

    @Test
    void cachedShapesAreWeighedByTheirBuffersAndScratchpads() {
        RnnSpec spec = RnnSpec.builder(Cell.lstm()).inputSize(33).hiddenSize(33).build();
        int t = 50;
        int n = 16;
        try (OneDnnPreparedRnn p = (OneDnnPreparedRnn) backend.prepare(spec, RnnWeights.random(spec, 4))) {
            p.forward(input(spec, t, n));
            // the context alone holds X and Y, T·N·(I + H) floats; oneDNN's scratchpad keeps the T·N·4H gates
            long floor = (long) t * n * (33 + 33) * Float.BYTES + (long) t * n * 4 * 33 * Float.BYTES;
            assertTrue(p.shapes().bytes() >= floor, p.shapes().bytes() + " bytes, expected at least " + floor);
        }
    }

    @Test
    void aBadBudgetIsRefusedAtPrepareByName() {
        RnnSpec spec = RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(3).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> withBudget("half", () -> backend.prepare(spec, RnnWeights.random(spec, 1))));
        assertEquals(ShapeCache.BUDGET_PROPERTY + ": expected an integer number of MiB in [0, " + (Long.MAX_VALUE >> 20)
                + "] but was \"half\"", e.getMessage());
    }
}
