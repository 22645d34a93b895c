package org.rnn4j.tests.reliability;

import static org.rnn4j.tests.reliability.Rejections.assertRejected;

import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.Activation;
import org.rnn4j.Backend;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.LayerWeights;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Requests too large to compute fail before anything is allocated, with {@link IllegalArgumentException} saying
 * what is too large: never an {@link OutOfMemoryError}, a negative array size or a native abort.
 */
class HugeRequestTest {

    @Test
    void weightsPastJavaArraysAreRejectedAtBuild() {
        assertRejected(IllegalArgumentException.class, "R of layer 0", "lstm h=2^20",
                () -> RnnSpec.builder(new Cell.Lstm()).inputSize(1).hiddenSize(1 << 20).build());
    }

    /** R alone is 4·23000² floats = 7.9 GiB: more than this JVM's heap may hold. */
    @Test
    void randomWeightsLargerThanTheHeapAreRejectedBeforeAllocating() {
        RnnSpec spec = RnnSpec.builder(new Cell.Lstm()).inputSize(1).hiddenSize(23_000).layers(8).build();
        assertRejected(IllegalArgumentException.class, "weights", spec.caseName(), () -> RnnWeights.random(spec, 1));
    }

    /** Y = T·N·C = 524,289 · 1 · 4096 floats, past 2^31, from an X of only 2 MiB. */
    @Test
    void anOutputPastJavaArraysIsRejectedBeforeTheCall() {
        RnnSpec spec = RnnSpec.builder(new Cell.Rnn(Activation.TANH)).inputSize(1).hiddenSize(2048)
                .direction(Direction.BIDIRECTIONAL_CONCAT).build();
        RnnWeights w = RnnWeights.random(spec, 1);
        int t = (1 << 19) + 1;
        for (Backend b : Subjects.apiBackends()) {
            try (PreparedRnn p = b.prepare(spec, w)) {
                assertRejected(IllegalArgumentException.class, "Y: [T=" + t, b.name(),
                        () -> p.forward(RnnInput.builder(new float[t], Layout.TIME_MAJOR, t, 1).build()));
            }
        }
    }

    /** Final h = [L·D, N, S] = [2200, 2^20, 1] floats, past 2^31, while X and Y are only 2^20 and 2^21 floats. */
    @Test
    void finalStatesPastJavaArraysAreRejectedBeforeTheCall() {
        int layers = 1100;
        RnnSpec spec = RnnSpec.builder(new Cell.Rnn(Activation.TANH)).inputSize(2).hiddenSize(1).layers(layers)
                .direction(Direction.BIDIRECTIONAL_CONCAT).build();
        float[] one = {0.5f};
        float[] two = {0.5f, -0.5f};
        LayerWeights part = LayerWeights.of(two, one, one, one); // I = 2 and D·S = 2: one part fits every layer
        RnnWeights w = RnnWeights.of(spec, Collections.nCopies(layers * 2, part));
        int n = 1 << 20;
        for (Backend b : List.of(Subjects.reference())) {
            try (PreparedRnn p = b.prepare(spec, w)) {
                assertRejected(IllegalArgumentException.class, "final h", b.name(),
                        () -> p.forward(RnnInput.builder(new float[2 * n], Layout.TIME_MAJOR, 1, n).build()));
            }
        }
    }
}
