package org.rnn4j.onednn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.Gate;
import org.rnn4j.Layout;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.reference.ReferenceBackend;

/**
 * The layer driver runs a chunk of more than 16 (but not all) sequences with extra zero rows
 * ({@link LayerDriver#paddedRows}), and a native kernel splits a chunk's steps into powers of two. The module's
 * agreement grid stays at N ≤ 13, where neither rounding nor (mostly) splitting happens, so this grid uses batches of
 * 37 and 70 sequences with lengths including 0, chunks of 1 to 23 steps, on native and composed
 * cells, every direction, against the float64 reference.
 */
class RaggedPaddingAgreementTest {
    private static final OneDnnBackend ONEDNN = new OneDnnBackend();
    private static final ReferenceBackend REFERENCE = new ReferenceBackend();

    static Stream<Arguments> cases() {
        Cell.Lstm lstm = Cell.lstm();
        List<RnnSpec> specs = List.of(
                RnnSpec.builder(lstm).inputSize(7).hiddenSize(13).layers(2).direction(Direction.BIDIRECTIONAL_CONCAT).build(),
                RnnSpec.builder(lstm.withProjection(5).withPeepholes(Gate.FORGET)).inputSize(3).hiddenSize(7)
                        .direction(Direction.REVERSE).build(),
                RnnSpec.builder(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(13).hiddenSize(3)
                        .direction(Direction.BIDIRECTIONAL_SUM).build(),
                RnnSpec.builder(Cell.rnn(Activation.RELU)).inputSize(3).hiddenSize(13).layers(2).build(),
                // composed: clip, and an activation oneDNN's GRU cannot run
                RnnSpec.builder(lstm).inputSize(7).hiddenSize(7).clip(0.9).direction(Direction.BIDIRECTIONAL_SUM).build(),
                RnnSpec.builder(Cell.gru(Cell.ResetMode.RESET_BEFORE)).inputSize(3).hiddenSize(7)
                        .activations(Activation.hardSigmoid(0.2, 0.5), Activation.TANH).direction(Direction.REVERSE).build());
        List<Arguments> out = new ArrayList<>();
        for (int k = 0; k < specs.size(); k++) out.add(Arguments.of(Named.of(specs.get(k).caseName(), specs.get(k)), k + 1));
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesWithReference(RnnSpec spec, int seed) {
        RnnWeights w = RnnWeights.random(spec, seed);
        SplittableRandom rnd = new SplittableRandom(seed * 17L);
        try (PreparedRnn ref = REFERENCE.prepare(spec, w); PreparedRnn dnn = ONEDNN.prepare(spec, w)) {
            for (int[] shape : new int[][] {{37, 11}, {70, 45}}) {
                int n = shape[0];
                int t = shape[1];
                // T = 11: lengths spread over [0, T], many chunks of a step or two; T = 45: lengths from a few values,
                // chunks of 2, 5, 23 and 15 steps (split 2, 4+1, 16+4+2+1, 8+4+2+1); active counts above 16 in both
                int[] few = {0, 2, 7, 30, 45};
                int[] lengths = new int[n];
                for (int b = 0; b < n; b++) lengths[b] = t == 45 ? few[rnd.nextInt(few.length)] : rnd.nextInt(t + 1);
                lengths[rnd.nextInt(n)] = t;
                for (Layout layout : Layout.values()) {
                    int ld = spec.layers() * spec.direction().count();
                    RnnInput.Builder b = RnnInput.builder(Agreement.uniform(rnd, t * n * spec.inputSize()), layout, t, n)
                            .sequenceLengths(lengths)
                            .initialH(Agreement.uniform(rnd, ld * n * spec.stateSize()));
                    if (spec.cell() instanceof Cell.Lstm) b.initialC(Agreement.uniform(rnd, ld * n * spec.hiddenSize()));
                    RnnInput in = b.build();
                    String name = spec.caseName() + ",t" + t + ",n" + n + "," + layout + ",lens=" + Arrays.toString(lengths);
                    Agreement.assertClose(name, ref.forward(in), dnn.forward(in), Agreement.tolerance(spec, t));
                }
            }
        }
    }
}
