package org.rnn4j.onednn.composed;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.FloatPointer;
import org.junit.jupiter.api.Test;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.LayerWeights;
import org.rnn4j.RnnSpec;
import org.rnn4j.UnsupportedConfigurationException;
import org.rnn4j.onednn.DirectionKernel;
import org.rnn4j.onednn.ShapeCache;

/** Threading, lifetime, in-place states, empty runs, batch-size cache and argument checks of the kernel. */
class KernelContractTest extends OnCpu {


    private static final RnnSpec PEEPHOLE_CLIP = RnnSpec.builder(Cell.lstm().withAllPeepholes().withProjection(7))
            .inputSize(13).hiddenSize(7).clip(0.5).activations(Activation.SIGMOID, Activation.SOFTSIGN, Activation.TANH).build();

    @Test
    void fourThreadsAtOnceGiveBitIdenticalResultsToOneThread() throws Exception {
        RnnSpec spec = PEEPHOLE_CLIP;
        LayerWeights w = KernelHarness.randomWeights(spec, 0, 11);
        int steps = 13;
        int batch = 7;
        KernelHarness.Inputs in = KernelHarness.randomInputs(spec, 0, steps, batch, 12);
        try (DirectionKernel k = ComposedCells.create(eng, spec, 0, 0, w)) {
            KernelHarness.Outputs alone = KernelHarness.run(k, strm, spec, in, steps, batch);
            ExecutorService pool = Executors.newFixedThreadPool(4);
            CyclicBarrier together = new CyclicBarrier(4);
            try {
                List<Future<List<KernelHarness.Outputs>>> futures = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    futures.add(pool.submit(() -> {
                        List<KernelHarness.Outputs> mine = new ArrayList<>();
                        try (stream own = new stream(eng)) {
                            together.await();
                            for (int r = 0; r < 20; r++) mine.add(KernelHarness.run(k, own, spec, in, steps, batch));
                        }
                        return mine;
                    }));
                }
                for (Future<List<KernelHarness.Outputs>> f : futures) {
                    for (KernelHarness.Outputs o : f.get()) {
                        assertArrayEquals(alone.y(), o.y(), "y differs between concurrent and single-threaded runs");
                        assertArrayEquals(alone.hT(), o.hT(), "hT differs between concurrent and single-threaded runs");
                        assertArrayEquals(alone.cT(), o.cT(), "cT differs between concurrent and single-threaded runs");
                    }
                }
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void closeFreesEverythingOnceAndTwiceIsHarmless() {
        RnnSpec spec = PEEPHOLE_CLIP;
        DirectionKernel k = ComposedCells.create(eng, spec, 0, 0, KernelHarness.randomWeights(spec, 0, 3));
        KernelHarness.run(k, strm, spec, KernelHarness.randomInputs(spec, 0, 3, 3, 4), 3, 3);
        KernelHarness.run(k, strm, spec, KernelHarness.randomInputs(spec, 0, 3, 1, 4), 3, 1);
        k.close();
        k.close();
        assertThrows(IllegalStateException.class,
                () -> KernelHarness.run(k, strm, spec, KernelHarness.randomInputs(spec, 0, 3, 3, 4), 3, 3));
    }

    @Test
    void zeroStepsCopiesTheInitialStates() {
        RnnSpec spec = PEEPHOLE_CLIP;
        KernelHarness.Inputs in = KernelHarness.randomInputs(spec, 0, 0, 3, 5);
        try (DirectionKernel k = ComposedCells.create(eng, spec, 0, 0, KernelHarness.randomWeights(spec, 0, 5))) {
            KernelHarness.Outputs out = KernelHarness.run(k, strm, spec, in, 0, 3);
            assertArrayEquals(in.h0(), out.hT());
            assertArrayEquals(in.c0(), out.cT());
        }
    }

    @Test
    void initialStatesMayShareMemoryWithFinalStates() {
        RnnSpec spec = PEEPHOLE_CLIP;
        LayerWeights w = KernelHarness.randomWeights(spec, 0, 6);
        for (int steps : new int[] {1, 2, 7}) {
            KernelHarness.Inputs in = KernelHarness.randomInputs(spec, 0, steps, 3, 7);
            Float64Recurrence.Result want = Float64Recurrence.run(spec, 0, 0, w, in.x(), steps, 3, in.h0(), in.c0());
            try (DirectionKernel k = ComposedCells.create(eng, spec, 0, 0, w);
                 FloatPointer x = new FloatPointer(in.x());
                 FloatPointer h = new FloatPointer(in.h0());
                 FloatPointer c = new FloatPointer(in.c0());
                 FloatPointer y = new FloatPointer((long) steps * 3 * spec.stateSize())) {
                k.run(strm, x, steps, 3, h, c, y, h, c);
                float[] hT = new float[in.h0().length];
                float[] cT = new float[in.c0().length];
                h.get(hT);
                c.get(cT);
                ComposedCellsTest.assertClose("in-place t" + steps, "hT", want.hT(), hT);
                ComposedCellsTest.assertClose("in-place t" + steps, "cT", want.cT(), cT);
            }
        }
    }

    @Test
    void moreBatchSizesThanTheCacheHoldsStayCorrect() {
        RnnSpec spec = RnnSpec.builder(Cell.gru(Cell.ResetMode.RESET_BEFORE)).inputSize(3).hiddenSize(7).clip(0.8).build();
        LayerWeights w = KernelHarness.randomWeights(spec, 0, 8);
        int capacity = 4;
        ShapeCache plans = new ShapeCache(capacity, Long.MAX_VALUE);
        DirectionKernel k = ComposedCells.create(eng, spec, 0, 0, w, false, plans);
        try {
            for (int round = 0; round < 2; round++) {
                for (int batch = 1; batch <= capacity + 3; batch++) {
                    KernelHarness.Inputs in = KernelHarness.randomInputs(spec, 0, 3, batch, batch);
                    Float64Recurrence.Result want = Float64Recurrence.run(spec, 0, 0, w, in.x(), 3, batch, in.h0(), null);
                    ComposedCellsTest.assertClose("gru,n" + batch, "y", want.y(), KernelHarness.run(k, strm, spec, in, 3, batch).y());
                }
            }
            assertEquals(capacity, plans.size());
            assertEquals(2L * (capacity + 3), plans.created(), "cyclic use of more batch sizes than fit misses every time");
        } finally {
            plans.close(); // the plans before the kernel's weights, as a prepared RNN does
            k.close();
        }
    }

    @Test
    void plainLstmStepIsFivePrimitiveCalls() {
        RnnSpec spec = RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(7).build();
        try (ComposedKernel k = (ComposedKernel) ComposedCells.create(eng, spec, 0, 0, KernelHarness.randomWeights(spec, 0, 9))) {
            assertEquals(5, k.stepPrimitives(3).size(), k.stepPrimitives(3).toString());
        }
    }

    /** oneDNN silently falls back to a slow reference implementation for unsupported layouts or post-ops. */
    @Test
    void noStepPrimitiveFallsBackToTheReferenceImplementation() {
        List<RnnSpec> specs = List.of(PEEPHOLE_CLIP,
                RnnSpec.builder(Cell.lstm().withCoupling(Cell.Coupling.FORGET_FROM_INPUT)).inputSize(7).hiddenSize(13)
                        .activations(Activation.thresholdedRelu(0.1), Activation.scaledTanh(1.3, 0.6), Activation.SOFTPLUS).build(),
                RnnSpec.builder(Cell.lstm().withCoupling(Cell.Coupling.INPUT_FROM_FORGET)).inputSize(7).hiddenSize(13).clip(1).build(),
                RnnSpec.builder(Cell.gru(Cell.ResetMode.RESET_BEFORE)).inputSize(7).hiddenSize(13).clip(1)
                        .activations(Activation.SOFTSIGN, Activation.elu(0.8)).build(),
                RnnSpec.builder(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(7).hiddenSize(13).build(),
                RnnSpec.builder(Cell.rnn(Activation.hardSigmoid(0.3, 0.45))).inputSize(7).hiddenSize(13).clip(1).build());
        for (RnnSpec spec : specs) {
            for (boolean nanExact : new boolean[] {false, true}) {
                try (ComposedKernel k = (ComposedKernel) ComposedCells.create(eng, spec, 0, 0,
                        KernelHarness.randomWeights(spec, 0, 9), nanExact)) {
                    for (String p : k.stepPrimitives(7)) {
                        assertTrue(!p.contains("=ref"), spec.caseName() + (nanExact ? " (NaN-exact): " : ": ") + p
                                + " in " + k.stepPrimitives(7));
                    }
                }
            }
        }
    }

    @Test
    void bf16IsRefusedNamingTheFeature() {
        RnnSpec spec = RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(7).dataType(DataType.BF16).build();
        UnsupportedConfigurationException e = assertThrows(UnsupportedConfigurationException.class,
                () -> ComposedCells.create(eng, spec, 0, 0, KernelHarness.randomWeights(spec, 0, 1)));
        assertEquals("BF16 with composed cells", e.feature());
    }

    @Test
    void wrongShapesAreRejectedBeforeAnyNativeCall() {
        RnnSpec spec = RnnSpec.builder(Cell.lstm().withAllPeepholes()).inputSize(3).hiddenSize(7).build();
        LayerWeights good = KernelHarness.randomWeights(spec, 0, 1);
        LayerWeights shortR = new LayerWeights(good.w(), new float[5], good.wBias(), good.rBias(), good.peephole(), null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ComposedCells.create(eng, spec, 0, 0, shortR));
        assertTrue(e.getMessage().startsWith("R: expected 196 floats but was 5"), e.getMessage());
        LayerWeights noPeephole = LayerWeights.of(good.w(), good.r(), good.wBias(), good.rBias());
        assertThrows(IllegalArgumentException.class, () -> ComposedCells.create(eng, spec, 0, 0, noPeephole));
        assertThrows(IllegalArgumentException.class, () -> ComposedCells.create(eng, spec, 1, 0, good));
        assertThrows(IllegalArgumentException.class, () -> ComposedCells.create(eng, spec, 0, 1, good));
        try (DirectionKernel k = ComposedCells.create(eng, spec, 0, 0, good);
             FloatPointer small = new FloatPointer(4)) {
            IllegalArgumentException run = assertThrows(IllegalArgumentException.class,
                    () -> k.run(strm, small, 2, 3, small, small, small, small, small));
            assertTrue(run.getMessage().startsWith("x: expected at least 18 floats"), run.getMessage());
            assertThrows(IllegalArgumentException.class, () -> k.run(strm, small, 1, 0, small, small, small, small, small));
        }
    }
}
