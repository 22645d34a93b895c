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
 * Ragged lengths make every chunk of a call its own primitive shape. A service repeats such calls, so the second
 * identical call must find every chunk's primitive cached: with an LRU smaller than a call's chunk count (the first
 * capacity, 32, against ~45 chunks here) every lookup missed and each call rebuilt its primitives.
 */
class RaggedShapeCacheTest {

    @Test
    void aRepeatedRaggedCallCreatesNoPrimitive() {
        RnnSpec spec = RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(5).build();
        int n = 64;
        int t = 50;
        int[] lengths = new int[n];
        SplittableRandom r = new SplittableRandom(11);
        for (int i = 0; i < n; i++) lengths[i] = 1 + r.nextInt(t); // the benchmark's S2_RAGGED pattern
        long chunks = Arrays.stream(lengths).distinct().count();
        assertTrue(chunks > 32, "the pattern must need more shapes than the old capacity, has " + chunks);
        float[] x = new float[t * n * spec.inputSize()];
        RnnInput in = RnnInput.builder(x, Layout.TIME_MAJOR, t, n).sequenceLengths(lengths).build();
        try (engine eng = new engine(engine.kind.cpu, 0);
             NativeDirectionKernel k = new NativeDirectionKernel(eng, spec, 0, 0, RnnWeights.random(spec, 2).get(0, 0))) {
            LayerDriver driver = new LayerDriver(spec, eng, new DirectionKernel[] {k});
            driver.run(in);
            long first = k.primitivesCreated();
            assertEquals(chunks, first, "one primitive per distinct chunk");
            driver.run(in);
            driver.run(in);
            assertEquals(first, k.primitivesCreated(), "repeated calls must hit the cache for every chunk");
        }
    }
}
