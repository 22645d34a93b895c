package org.rnn4j.onednn;

import java.util.ArrayList;
import java.util.EnumSet;
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
 * Every native cell × direction × layer count against the float64 reference, with random weights (so gate order,
 * transposition and bias placement are visible), odd sizes, both layouts, initial states and three length patterns
 * (all T, ragged, ragged with a zero).
 */
class OneDnnAgreementTest {
    private static final OneDnnBackend ONEDNN = new OneDnnBackend();
    private static final ReferenceBackend REFERENCE = new ReferenceBackend();
    private static final int[] SIZES = {1, 3, 7, 13};

    static List<Cell> nativeCells() {
        Cell.Lstm lstm = Cell.lstm();
        return List.of(
                Cell.rnn(Activation.TANH), Cell.rnn(Activation.RELU), Cell.rnn(Activation.leakyRelu(0.1)),
                Cell.rnn(Activation.SIGMOID),
                lstm, lstm.withAllPeepholes(), lstm.withPeepholes(Gate.FORGET, Gate.OUTPUT),
                lstm.withCoupling(Cell.Coupling.FORGET_FROM_INPUT).withAllPeepholes(),
                lstm.withCoupling(Cell.Coupling.INPUT_FROM_FORGET).withPeepholes(Gate.FORGET),
                lstm.withProjection(5), lstm.withProjection(2).withPeepholes(Gate.INPUT),
                Cell.gru(Cell.ResetMode.RESET_BEFORE), Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET));
    }

    static Stream<Arguments> cases() {
        List<Arguments> out = new ArrayList<>();
        int k = 0;
        for (Cell cell : nativeCells()) {
            for (Direction dir : Direction.values()) {
                for (int layers = 1; layers <= 2; layers++) {
                    int i = SIZES[k % SIZES.length];
                    int h = SIZES[(k / 2 + 1) % SIZES.length];
                    k++;
                    RnnSpec spec = RnnSpec.builder(cell).inputSize(i).hiddenSize(h).layers(layers).direction(dir).build();
                    out.add(Arguments.of(Named.of(spec.caseName(), spec), k));
                }
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void agreesWithReference(RnnSpec spec, int seed) {
        RnnWeights w = RnnWeights.random(spec, seed);
        SplittableRandom rnd = new SplittableRandom(seed * 31L);
        int t = 1 + seed % 7;
        int n = SIZES[seed % SIZES.length];
        int[][] patterns = {null, ragged(rnd, n, t, false), ragged(rnd, n, t, true)};
        try (PreparedRnn ref = REFERENCE.prepare(spec, w); PreparedRnn dnn = ONEDNN.prepare(spec, w)) {
            for (int[] lengths : patterns) {
                for (Layout layout : Layout.values()) {
                    boolean states = rnd.nextBoolean();
                    int ld = spec.layers() * spec.direction().count();
                    RnnInput.Builder b = RnnInput.builder(Agreement.uniform(rnd, t * n * spec.inputSize()), layout, t, n)
                            .sequenceLengths(lengths);
                    if (states) {
                        b.initialH(Agreement.uniform(rnd, ld * n * spec.stateSize()));
                        if (spec.cell() instanceof Cell.Lstm) b.initialC(Agreement.uniform(rnd, ld * n * spec.hiddenSize()));
                    }
                    RnnInput in = b.build();
                    String name = spec.caseName() + ",t" + t + ",n" + n + "," + layout + (states ? ",states" : "")
                            + (lengths == null ? "" : ",lens=" + java.util.Arrays.toString(lengths));
                    Agreement.assertClose(name, ref.forward(in), dnn.forward(in), Agreement.tolerance(spec, t));
                }
            }
        }
    }

    /** Lengths in [1, T] (or [0, T] with at least one 0 when {@code withZero}), not all equal to T. */
    static int[] ragged(SplittableRandom rnd, int n, int t, boolean withZero) {
        int[] len = new int[n];
        for (int b = 0; b < n; b++) len[b] = withZero ? rnd.nextInt(t + 1) : 1 + rnd.nextInt(t);
        if (withZero) len[rnd.nextInt(n)] = 0;
        return len;
    }

    static EnumSet<Direction> all() { return EnumSet.allOf(Direction.class); }
}
