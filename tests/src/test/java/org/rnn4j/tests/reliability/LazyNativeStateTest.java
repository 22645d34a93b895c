package org.rnn4j.tests.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.rnn4j.Backend;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Native state that oneDNN builds lazily inside a forward call (a plan per batch size, per-call buffers) outlives
 * that call: many prepared RNNs alive together, driven through random shapes, still give a fresh prepared RNN's
 * results bit for bit. Regression test for plans freed by the call's JavaCPP {@code PointerScope} (a SIGSEGV).
 */
class LazyNativeStateTest {
    @Test
    void stateBuiltDuringOneCallServesLaterCalls() {
        Backend onednn = Subjects.onednn();
        List<PreparedRnn> prepared = new ArrayList<>();
        try {
            for (RnnSpec spec : Subjects.specs()) prepared.add(onednn.prepare(spec, RnnWeights.random(spec, 11)));
            SplittableRandom r = new SplittableRandom(1);
            for (int i = 0; i < 400; i++) {
                PreparedRnn p = prepared.get(r.nextInt(prepared.size()));
                int t = 1 + r.nextInt(6);
                int n = 1 + r.nextInt(5);
                p.forward(RnnInput.builder(Subjects.data(i, t * n * p.spec().inputSize()), r.nextBoolean() ? Layout.TIME_MAJOR
                        : Layout.BATCH_MAJOR, t, n).build());
            }
            for (PreparedRnn p : prepared) {
                RnnInput probe = RnnInput.builder(Subjects.data(5, 3 * 2 * p.spec().inputSize()), Layout.TIME_MAJOR, 3, 2)
                        .sequenceLengths(3, 1).build();
                RnnOutput got = p.forward(probe);
                try (PreparedRnn fresh = onednn.prepare(p.spec(), RnnWeights.random(p.spec(), 11))) {
                    RnnOutput want = fresh.forward(probe);
                    assertArrayEquals(want.y(), got.y(), p.spec().caseName() + " Y");
                    assertArrayEquals(want.hFinal(), got.hFinal(), p.spec().caseName() + " h");
                }
            }
        } finally {
            prepared.forEach(PreparedRnn::close);
        }
    }
}
