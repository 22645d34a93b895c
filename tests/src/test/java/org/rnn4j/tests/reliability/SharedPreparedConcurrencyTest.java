package org.rnn4j.tests.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.rnn4j.Backend;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * 16 threads share one prepared oneDNN RNN per spec (native stack path, ragged lengths through the layer driver,
 * composed cells with clip) and call it with mixed batch sizes, lengths and layouts: every result is bit-identical
 * to the same call made on one thread before.
 */
class SharedPreparedConcurrencyTest {
    static final int THREADS = 16;
    static final int CALLS = Subjects.count(10_000, 100_000);

    /** One call and its single-threaded result. */
    record Call(String name, RnnInput input, RnnOutput expected) {}

    @Test
    void sixteenThreadsOnOnePreparedRnnAgreeBitForBitWithOneThread() throws Exception {
        for (Backend subject : Subjects.natives()) sixteenThreads(subject);
    }

    private static void sixteenThreads(Backend subject) throws Exception {
        List<RnnSpec> specs = List.of(Subjects.plainLstm(), Subjects.bidiGru(), Subjects.composedClipLstm(), Subjects.projectedLstm());
        AtomicInteger done = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(THREADS);
        try {
            for (RnnSpec spec : specs) {
                RnnWeights w = RnnWeights.random(spec, 3);
                // expected results from a separate instance, so that the shared one builds its lazy paths
                // (ragged, NaN-exact) while 16 threads call it
                List<Call> calls;
                try (PreparedRnn solo = subject.prepare(spec, w)) {
                    calls = calls(solo, spec);
                }
                try (PreparedRnn p = subject.prepare(spec, w)) {
                    int perThread = perThread(specs.size());
                    List<Future<?>> futures = new ArrayList<>();
                    for (int th = 0; th < THREADS; th++) {
                        long seed = th;
                        futures.add(pool.submit(() -> {
                            SplittableRandom r = new SplittableRandom(seed);
                            for (int k = 0; k < perThread; k++) {
                                Call c = calls.get(r.nextInt(calls.size()));
                                RnnOutput got = p.forward(c.input());
                                assertArrayEquals(c.expected().y(), got.y(), c.name() + " Y");
                                assertArrayEquals(c.expected().hFinal(), got.hFinal(), c.name() + " h");
                                assertArrayEquals(c.expected().cFinal(), got.cFinal(), c.name() + " c");
                                done.incrementAndGet();
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : futures) f.get();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(perThread(specs.size()) * THREADS * specs.size(), done.get());
        assertTrue(done.get() >= CALLS, "at least " + CALLS + " calls, ran " + done.get());
        System.out.println("[reliability] concurrency on " + subject.name() + ": " + done.get() + " calls on " + THREADS
                + " threads, " + specs.size() + " specs");
    }

    /** Batch sizes 1..9, T 1..7, both layouts, full and ragged lengths, with and without initial states. */
    /** Calls per thread and spec, rounded up so that the total is at least {@link #CALLS}. */
    private static int perThread(int specs) {
        return (CALLS + specs * THREADS - 1) / (specs * THREADS);
    }

    private static List<Call> calls(PreparedRnn p, RnnSpec spec) {
        List<Call> calls = new ArrayList<>();
        SplittableRandom r = new SplittableRandom(spec.caseName().hashCode());
        int ld = spec.layers() * spec.direction().count();
        for (int k = 0; k < 24; k++) {
            int t = 1 + r.nextInt(7);
            int n = 1 + r.nextInt(9);
            Layout layout = k % 2 == 0 ? Layout.TIME_MAJOR : Layout.BATCH_MAJOR;
            float[] x = Subjects.data(k, t * n * spec.inputSize());
            if (k % 6 == 5) x[r.nextInt(x.length)] = Float.NaN; // clipped specs: the NaN-exact path, concurrently
            RnnInput.Builder b = RnnInput.builder(x, layout, t, n);
            if (k % 3 == 1) {
                int[] lengths = new int[n];
                for (int j = 0; j < n; j++) lengths[j] = r.nextInt(t + 1);
                b.sequenceLengths(lengths);
            }
            if (k % 4 == 2) b.initialH(Subjects.data(100 + k, ld * n * spec.stateSize()));
            RnnInput in = b.build();
            calls.add(new Call(spec.caseName() + " call " + k + " t" + t + " n" + n + " " + layout, in, p.forward(in)));
        }
        return calls;
    }
}
