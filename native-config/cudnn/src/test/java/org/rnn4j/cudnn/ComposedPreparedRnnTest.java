package org.rnn4j.cudnn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.Gate;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.testkit.Compare;
import org.rnn4j.testkit.Tolerance;

/**
 * The composed path's prepared RNN — the class the cuDNN backend returns for composed specs — through the public
 * {@link PreparedRnn} API on the emulated device: validation before device work, Y into a caller's buffer, the
 * context pool under concurrency, and close freeing weights, contexts and the device exactly once.
 */
class ComposedPreparedRnnTest {
    private static final RnnSpec SPEC = RnnSpec.builder(new Cell.Lstm().withPeepholes(Gate.INPUT, Gate.OUTPUT))
            .inputSize(5).hiddenSize(6).layers(2).direction(Direction.BIDIRECTIONAL_SUM).build();
    private static final RnnWeights WEIGHTS = RnnWeights.random(SPEC, 21);

    @BeforeAll
    static void emulator() { EmulatedGpu.assumeAvailable(); }

    @Test
    void forwardMatchesTheReferenceAndCanWriteYIntoTheCallersBuffer() {
        RnnInput in = input(6, 3, new int[] {6, 0, 4});
        RnnOutput want = ComposedStackTest.reference(SPEC, WEIGHTS, in);
        try (PreparedRnn rnn = new ComposedPreparedRnn("cudnn", SPEC, WEIGHTS, new EmulatedDevice())) {
            Compare.assertOutputsClose("composed prepared", want, rnn.forward(in), Tolerance.of(SPEC, 6));
            FloatBuffer y = ByteBuffer.allocateDirect(4 * want.y().length).order(ByteOrder.nativeOrder()).asFloatBuffer();
            RnnInput into = RnnInput.builder(in.x(), in.layout(), 6, 3).sequenceLengths(6, 0, 4)
                    .initialH(in.initialH()).initialC(in.initialC()).yInto(y).build();
            rnn.forward(into);
            float[] got = new float[want.y().length];
            y.get(0, got);
            Compare.assertClose("composed prepared, Y into a direct buffer", "Y", want.y(), got, Tolerance.of(SPEC, 6));
        }
    }

    @Test
    void badInputIsRefusedBeforeAnyDeviceWork() {
        EmulatedDevice device = new EmulatedDevice();
        try (PreparedRnn rnn = new ComposedPreparedRnn("cudnn", SPEC, WEIGHTS, device)) {
            int launches = device.launches();
            int binds = device.binds.get();
            RnnInput shortX = RnnInput.builder(new float[7], Layout.TIME_MAJOR, 2, 1).build();
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rnn.forward(shortX));
            assertTrue(e.getMessage().contains("x"), e.getMessage());
            assertEquals(launches, device.launches(), "kernel launches after a refused call");
            assertEquals(binds, device.binds.get(), "device bound for a refused call");
        }
    }

    @Test
    void concurrentCallsShareOnePreparedRnnAndCloseFreesEverythingOnce() throws Exception {
        EmulatedDevice device = new EmulatedDevice();
        PreparedRnn rnn = new ComposedPreparedRnn("cudnn", SPEC, WEIGHTS, device);
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 3; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    start.await();
                    for (int call = 0; call < 6; call++) {
                        RnnInput in = input(2 + (call + thread) % 4, 1 + call % 3, null);
                        Compare.assertOutputsClose("thread " + thread + " call " + call,
                                ComposedStackTest.reference(SPEC, WEIGHTS, in), rnn.forward(in), Tolerance.of(SPEC, in.steps()));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdown();
        }
        int contexts = device.contexts.size();
        assertTrue(contexts >= 1 && contexts <= 3, "contexts grow to the peak concurrency (3), were " + contexts);
        rnn.close();
        rnn.close();
        assertEquals(1, device.closes.get(), "device closes");
        assertEquals(0, device.outstanding(), "weight buffers left allocated");
        for (EmulatedGpu gpu : device.contexts) assertEquals(1, gpu.closes(), "context closes");
        assertThrows(IllegalStateException.class, () -> rnn.forward(input(2, 1, null)));
    }

    @Test
    void aFailedPrepareClosesTheDevice() {
        EmulatedDevice device = new EmulatedDevice() {
            @Override public EmulatedGpu newContext() { throw new IllegalStateException("no stream for you"); }
        };
        assertThrows(IllegalStateException.class, () -> new ComposedPreparedRnn("cudnn", SPEC, WEIGHTS, device));
        assertEquals(1, device.closes.get(), "device closes after a failed prepare");
    }

    private static RnnInput input(int steps, int batch, int[] lengths) {
        java.util.SplittableRandom r = new java.util.SplittableRandom(steps * 31L + batch);
        int ld = SPEC.layers() * SPEC.direction().count();
        return RnnInput.builder(values(r, steps * batch * SPEC.inputSize()), Layout.BATCH_MAJOR, steps, batch)
                .sequenceLengths(lengths).initialH(values(r, ld * batch * SPEC.stateSize()))
                .initialC(values(r, ld * batch * SPEC.hiddenSize())).build();
    }

    private static float[] values(java.util.SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-1, 1);
        return a;
    }
}
