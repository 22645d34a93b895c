package org.rnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.rnn4j.Activation;
import org.rnn4j.Availability;
import org.rnn4j.Backend;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.Direction;
import org.rnn4j.Layout;
import org.rnn4j.OutputKind;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.UnsupportedConfigurationException;

/** Probe, registration, lifetime, threading and refusal behaviour of the oneDNN backend. */
class OneDnnLifecycleTest {
    private final OneDnnBackend backend = new OneDnnBackend();

    private static RnnSpec lstm(int layers, Direction d) {
        return RnnSpec.builder(Cell.lstm()).inputSize(7).hiddenSize(13).layers(layers).direction(d).build();
    }

    @Test
    void probeIsAvailableAndNamesVersionAndIsa() {
        Availability a = backend.probe();
        assertTrue(a.available(), a.toString());
        assertTrue(a.details().contains("oneDNN 3."), a.details());
        assertTrue(a.details().contains("CPU ISA"), a.details());
        assertFalse(a.details().contains("N/A"), "an unknown git hash is left out: " + a.details());
        assertSame(a, backend.probe(), "probe caches its answer");
    }

    @Test
    void theVersionNamesTheGitHashOnlyWhenTheBuildRecordedOne() {
        assertEquals("oneDNN 3.11.0", OneDnnBackend.version(3, 11, 0, "N/A"));
        assertEquals("oneDNN 3.11.0", OneDnnBackend.version(3, 11, 0, ""));
        assertEquals("oneDNN 3.11.0", OneDnnBackend.version(3, 11, 0, null));
        assertEquals("oneDNN 3.11.0 (7c4a2d1)", OneDnnBackend.version(3, 11, 0, "7c4a2d1"));
    }

    @Test
    void registeredAsServiceWithNameRankAndNativeFlag() {
        Backend found = null;
        for (Backend b : ServiceLoader.load(Backend.class)) if (b.name().equals("onednn")) found = b;
        assertTrue(found instanceof OneDnnBackend, "onednn provider registered");
        assertEquals(100, found.rank());
        assertTrue(found.isNative());
    }

    @Test
    void closeIsIdempotentAndForwardAfterCloseThrows() {
        RnnSpec spec = lstm(2, Direction.BIDIRECTIONAL_CONCAT);
        PreparedRnn p = backend.prepare(spec, RnnWeights.random(spec, 3));
        RnnInput in = RnnInput.of(new float[2 * 3 * 7], 2, 3);
        p.forward(in);
        p.close();
        p.close();
        assertThrows(IllegalStateException.class, () -> p.forward(in));
    }

    @Test
    void manyThreadsOnOnePreparedRnnAgreeWithOneThread() throws Exception {
        RnnSpec spec = lstm(2, Direction.BIDIRECTIONAL_SUM);
        try (PreparedRnn p = backend.prepare(spec, RnnWeights.random(spec, 5))) {
            SplittableRandom rnd = new SplittableRandom(9);
            List<RnnInput> inputs = new ArrayList<>();
            List<RnnOutput> expected = new ArrayList<>();
            for (int k = 0; k < 6; k++) {
                int t = 1 + k % 3;
                int n = 1 + k % 4;
                RnnInput.Builder b = RnnInput.builder(Agreement.uniform(rnd, t * n * 7), Layout.TIME_MAJOR, t, n);
                if (k % 2 == 1) b.sequenceLengths(OneDnnAgreementTest.ragged(rnd, n, t, true));
                inputs.add(b.build());
                expected.add(p.forward(inputs.get(k)));
            }
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int th = 0; th < 8; th++) {
                    futures.add(pool.submit(() -> {
                        for (int rep = 0; rep < 25; rep++) {
                            for (int k = 0; k < inputs.size(); k++) {
                                RnnOutput o = p.forward(inputs.get(k));
                                // Same shape, same primitive family: bit-identical results are expected.
                                assertArrayEquals(expected.get(k).y(), o.y(), "call " + k);
                                assertArrayEquals(expected.get(k).hFinal(), o.hFinal(), "call " + k);
                                assertArrayEquals(expected.get(k).cFinal(), o.cFinal(), "call " + k);
                            }
                        }
                        return null;
                    }));
                }
                for (Future<?> f : futures) f.get();
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void computesOnlyTheOutputsAskedFor() {
        RnnSpec spec = lstm(1, Direction.FORWARD);
        try (PreparedRnn p = backend.prepare(spec, RnnWeights.random(spec, 2))) {
            RnnOutput o = p.forward(RnnInput.builder(new float[2 * 7], Layout.TIME_MAJOR, 2, 1)
                    .outputs(Set.of(OutputKind.H_FINAL)).build());
            assertNull(o.y());
            assertNull(o.cFinal());
            assertEquals(13, o.hFinal().length);
        }
    }

    @Test
    void bf16IsRefusedAtPrepareWhenTheCpuLacksIt() {
        RnnSpec spec = RnnSpec.builder(Cell.lstm()).inputSize(8).hiddenSize(8).dataType(DataType.BF16).build();
        UnsupportedConfigurationException e = assertThrows(UnsupportedConfigurationException.class,
                () -> backend.prepare(spec, RnnWeights.random(spec, 1)));
        assertTrue(e.feature().startsWith("BF16"), e.getMessage());
    }

    @Test
    void f16IsRefusedAtPrepare() {
        RnnSpec spec = RnnSpec.builder(Cell.gru(Cell.ResetMode.RESET_BEFORE)).inputSize(8).hiddenSize(8).dataType(DataType.F16).build();
        assertThrows(UnsupportedConfigurationException.class, () -> backend.prepare(spec, RnnWeights.random(spec, 1)));
    }

    @Test
    void compositionIsNeededOnlyForClipAndNonNativeActivations() {
        assertFalse(NativeSupport.needsComposition(lstm(2, Direction.BIDIRECTIONAL_CONCAT)));
        assertFalse(NativeSupport.needsComposition(RnnSpec.builder(Cell.rnn(Activation.leakyRelu(0.2))).inputSize(3).hiddenSize(3).build()));
        assertFalse(NativeSupport.needsComposition(RnnSpec.builder(Cell.lstm().withCoupling(Cell.Coupling.INPUT_FROM_FORGET))
                .inputSize(3).hiddenSize(3).build()));
        assertTrue(NativeSupport.needsComposition(RnnSpec.builder(Cell.lstm()).inputSize(3).hiddenSize(3).clip(1).build()));
        assertTrue(NativeSupport.needsComposition(RnnSpec.builder(Cell.rnn(Activation.SOFTSIGN)).inputSize(3).hiddenSize(3).build()));
        assertTrue(NativeSupport.needsComposition(RnnSpec.builder(Cell.gru(Cell.ResetMode.RESET_BEFORE)).inputSize(3).hiddenSize(3)
                .activations(Activation.hardSigmoid(0.2, 0.5), Activation.TANH).build()));
        assertTrue(NativeSupport.needsComposition(RnnSpec.builder(Cell.lstm().withCoupling(Cell.Coupling.FORGET_FROM_INPUT))
                .inputSize(3).hiddenSize(3).activations(Activation.hardSigmoid(0.2, 0.5), Activation.TANH, Activation.TANH).build()));
    }

    @Test
    void peepholesOnSomeGatesRouteNonFiniteCallsToTheNanExactPath() {
        java.util.function.Function<Cell.Lstm, Boolean> loses =
                cell -> NativeSupport.losesNaN(RnnSpec.builder(cell).inputSize(3).hiddenSize(3).build());
        assertFalse(loses.apply(Cell.lstm()));
        assertFalse(loses.apply(new Cell.Lstm().withAllPeepholes()));
        assertTrue(loses.apply(new Cell.Lstm().withPeepholes(org.rnn4j.Gate.FORGET)));
        assertTrue(loses.apply(new Cell.Lstm().withPeepholes(org.rnn4j.Gate.INPUT, org.rnn4j.Gate.FORGET)));
        // the coupled input slot reads the forget gate's row, so f and o cover every slot; i alone does not
        assertFalse(loses.apply(new Cell.Lstm().withPeepholes(org.rnn4j.Gate.FORGET, org.rnn4j.Gate.OUTPUT)
                .withCoupling(Cell.Coupling.INPUT_FROM_FORGET)));
        assertTrue(loses.apply(new Cell.Lstm().withPeepholes(org.rnn4j.Gate.INPUT, org.rnn4j.Gate.OUTPUT)
                .withCoupling(Cell.Coupling.INPUT_FROM_FORGET)));
    }
}
