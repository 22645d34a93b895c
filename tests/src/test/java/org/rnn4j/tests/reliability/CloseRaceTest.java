package org.rnn4j.tests.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.rnn4j.Backend;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.spi.AbstractPreparedRnn;

/**
 * {@code close()} racing in-flight {@code forward} calls on oneDNN: every call either returns the correct result
 * or throws {@link IllegalStateException}; close is idempotent; concurrent closers all return only after the
 * native release has happened.
 */
class CloseRaceTest {
    static final int ROUNDS = Subjects.count(1_000, 10_000);

    /** Wraps a prepared RNN to observe the moment its native release completes. */
    static final class ReleaseProbe extends AbstractPreparedRnn {
        final PreparedRnn delegate;
        final AtomicInteger releases = new AtomicInteger();

        ReleaseProbe(PreparedRnn delegate) {
            super(delegate.spec(), delegate.backend());
            this.delegate = delegate;
        }

        @Override protected RnnOutput compute(RnnInput input) { return delegate.forward(input); }

        @Override protected void release() {
            delegate.close();
            releases.incrementAndGet();
        }
    }

    @Test
    void closeRacingForwardNeverCrashesAndClosersReturnAfterRelease() throws Exception {
        for (Backend subject : Subjects.natives()) closeRacingForward(subject);
    }

    private static void closeRacingForward(Backend subject) throws Exception {
        List<RnnSpec> specs = List.of(Subjects.plainLstm(), Subjects.composedClipLstm());
        List<RnnInput> inputs = new ArrayList<>();
        List<RnnOutput> expected = new ArrayList<>();
        for (RnnSpec spec : specs) {
            RnnInput in = RnnInput.builder(Subjects.data(1, 4 * 3 * spec.inputSize()), Layout.TIME_MAJOR, 4, 3)
                    .sequenceLengths(4, 2, 4).build();
            inputs.add(in);
            try (PreparedRnn p = subject.prepare(spec, RnnWeights.random(spec, 9))) {
                expected.add(p.forward(in));
            }
        }
        int completed = 0;
        int rejected = 0;
        for (int round = 0; round < ROUNDS; round++) {
            int s = round % specs.size();
            RnnSpec spec = specs.get(s);
            ReleaseProbe p = new ReleaseProbe(subject.prepare(spec, RnnWeights.random(spec, 9)));
            AtomicInteger ok = new AtomicInteger();
            AtomicInteger closedSeen = new AtomicInteger();
            List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
            CountDownLatch start = new CountDownLatch(1);
            AtomicBoolean stop = new AtomicBoolean();
            List<Thread> threads = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                threads.add(new Thread(() -> {
                    await(start);
                    while (!stop.get()) {
                        try {
                            RnnOutput out = p.forward(inputs.get(s));
                            assertArrayEquals(expected.get(s).y(), out.y(), spec.caseName() + " Y of an in-flight call");
                            ok.incrementAndGet();
                        } catch (IllegalStateException e) {
                            closedSeen.incrementAndGet();
                            return;
                        } catch (Throwable t) {
                            failures.add(t);
                            return;
                        }
                    }
                }));
            }
            int delay = round % 7;
            for (int k = 0; k < 3; k++) {
                threads.add(new Thread(() -> {
                    await(start);
                    spin(delay);
                    p.close();
                    if (p.releases.get() != 1) failures.add(new AssertionError("close() returned before the release ran"));
                }));
            }
            threads.forEach(Thread::start);
            start.countDown();
            for (Thread t : threads) t.join(60_000);
            stop.set(true);
            for (Throwable t : failures) throw new AssertionError("round " + round + " " + spec.caseName() + ": " + t, t);
            assertTrue(p.releases.get() == 1, "released exactly once");
            p.close();
            assertTrue(p.releases.get() == 1, "a later close() is a no-op");
            assertThrows(IllegalStateException.class, () -> p.forward(inputs.get(s)));
            assertThrows(IllegalStateException.class, () -> p.delegate.forward(inputs.get(s)));
            completed += ok.get();
            rejected += closedSeen.get();
        }
        System.out.println("[reliability] close races: " + ROUNDS + " rounds, " + completed + " in-flight calls completed, "
                + rejected + " rejected with IllegalStateException");
    }

    private static void await(CountDownLatch l) {
        try {
            l.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void spin(int rounds) {
        for (int i = 0; i < rounds; i++) Thread.onSpinWait();
        if (rounds > 3) Thread.yield();
    }
}
