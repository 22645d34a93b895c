package org.rnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;
import org.bytedeco.dnnl.engine;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.Layout;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Ragged lengths give a call one chunk per distinct length, and each chunk's (steps, rows) is a primitive shape. A
 * service repeats such calls, so a repeated call must find every shape cached. Two things keep the count of shapes
 * small enough for that however ragged the batch: rows are rounded up ({@link LayerDriver#paddedRows}) and steps are
 * split into powers of two ({@link NativeDirectionKernel}). Before both, a call with more distinct lengths than
 * the cache held (first 32, later 256 entries) rebuilt its primitives on every call.
 */
class RaggedShapeCacheTest {

    /** Runs {@code lengths} three times on a one-layer LSTM; returns primitives made by the first call. */
    private static long primitivesForRepeatedCalls(int[] lengths, int t) {
        RnnSpec spec = RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(5).build();
        int n = lengths.length;
        RnnInput in = RnnInput.builder(new float[t * n * spec.inputSize()], Layout.TIME_MAJOR, t, n).sequenceLengths(lengths).build();
        try (engine eng = new engine(engine.kind.cpu, 0);
             NativeDirectionKernel k = new NativeDirectionKernel(eng, spec, 0, 0, RnnWeights.random(spec, 2).get(0, 0), null)) {
            LayerDriver driver = new LayerDriver(spec, eng, new DirectionKernel[] {k});
            driver.run(in);
            long first = k.primitivesCreated();
            driver.run(in);
            driver.run(in);
            assertEquals(first, k.primitivesCreated(), "repeated calls must hit the cache for every chunk");
            return first;
        }
    }

    @Test
    void aRepeatedRaggedCallCreatesNoPrimitive() {
        int n = 64;
        int t = 50;
        int[] lengths = new int[n];
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < n; i++) lengths[i] = 1 + r.nextInt(t); // the benchmark's S2_RAGGED pattern
        long chunks = Arrays.stream(lengths).distinct().count();
        assertTrue(chunks > 32, "the pattern must need more shapes than the first capacity, has " + chunks);
        long made = primitivesForRepeatedCalls(lengths, t);
        assertTrue(made <= chunks, made + " primitives for " + chunks + " chunks");
    }

    @Test
    void aCallWithMoreDistinctLengthsThanTheOldCapacityReusesItsShapes() {
        int n = 300;
        int t = 300;
        int[] lengths = new int[n];
        for (int i = 0; i < n; i++) lengths[i] = i + 1; // 300 chunks of one step, 300 row counts
        long made = primitivesForRepeatedCalls(lengths, t);
        // rows 1..16 exact, then 8 values per power of two (18..32, 36..64, 72..128, 144..256) and 288, 300:
        // 16 + 4·8 + 2 = 50 shapes of one step, where unrounded rows would need 300
        assertEquals(50, made);
    }

    @Test
    void stepCountsAreSplitIntoPowersOfTwo() {
        int t = 200;
        int[] lengths = {200, 131, 77, 13}; // chunks of 13, 64, 54 and 69 steps
        long made = primitivesForRepeatedCalls(lengths, t);
        // 13 = 8+4+1 (rows 4), 64 (rows 3), 54 = 32+16+4+2 (rows 2), 69 = 64+4+1 (rows 1): 11 distinct (steps, rows)
        assertEquals(11, made);
    }
}
