package org.rnn4j.onednn;

import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
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
import org.rnn4j.OutputKind;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.reference.ReferenceBackend;

/**
 * The whole-stack fast path keeps one primitive set per shape and per use of states (with or without initial h/c,
 * with or without final h/c), and writes a long time-major Y straight into a caller's direct buffer. One prepared RNN
 * is driven through every combination, with heap and direct X, Y returned or written into a direct or heap buffer,
 * at a small and a long shape, in an order that switches variant on every call, so a context that kept a stale
 * binding (the previous caller's Y buffer, a state argument its variant lacks) would show up as a wrong result.
 */
class StackVariantsTest {
    private static final OneDnnBackend ONEDNN = new OneDnnBackend();
    private static final ReferenceBackend REFERENCE = new ReferenceBackend();

    static Stream<Arguments> specs() {
        return Stream.of(
                RnnSpec.builder(Cell.lstm()).inputSize(7).hiddenSize(5).layers(2).direction(Direction.BIDIRECTIONAL_CONCAT).build(),
                RnnSpec.builder(Cell.lstm().withProjection(3).withPeepholes(Gate.FORGET)).inputSize(3).hiddenSize(7)
                        .layers(3).build(),
                RnnSpec.builder(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)).inputSize(5).hiddenSize(3).layers(2)
                        .direction(Direction.BIDIRECTIONAL_SUM).build(),
                RnnSpec.builder(Cell.rnn(Activation.TANH)).inputSize(1).hiddenSize(13).direction(Direction.REVERSE).build())
                .map(s -> Arguments.of(Named.of(s.caseName(), s)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specs")
    void everyStateVariantAndBufferKindAgreesWithTheReference(RnnSpec spec) {
        RnnWeights w = RnnWeights.random(spec, 17);
        SplittableRandom rnd = new SplittableRandom(spec.caseName().hashCode());
        boolean lstm = spec.cell() instanceof Cell.Lstm;
        List<Set<OutputKind>> outputs = List.of(EnumSet.of(OutputKind.Y), EnumSet.of(OutputKind.H_FINAL),
                lstm ? EnumSet.of(OutputKind.C_FINAL) : EnumSet.of(OutputKind.Y, OutputKind.H_FINAL),
                EnumSet.allOf(OutputKind.class));
        int ld = spec.layers() * spec.direction().count();
        int n = 37;
        int bigT = 16 * 1024 / (n * spec.inputSize()) + 1; // X of at least 16 Ki floats
        try (PreparedRnn ref = REFERENCE.prepare(spec, w); PreparedRnn dnn = ONEDNN.prepare(spec, w)) {
            int call = 0;
            for (int t : new int[] {5, bigT}) {
                for (int states = 0; states < 3; states++) {
                    for (Set<OutputKind> out : outputs) {
                        for (Layout layout : Layout.values()) {
                            boolean direct = call / 2 % 2 == 0; // X kinds not tied to the layout (call % 2)
                            float[] x = Agreement.uniform(rnd, t * n * spec.inputSize());
                            RnnInput.Builder b = direct
                                    ? RnnInput.builder(direct(x, call / 4 % 2 == 0 ? ByteOrder.nativeOrder() : ByteOrder.BIG_ENDIAN), layout, t, n)
                                    : RnnInput.builder(x, layout, t, n);
                            if (states >= 1) b.initialH(Agreement.uniform(rnd, ld * n * spec.stateSize()));
                            if (states >= 2 && lstm) b.initialC(Agreement.uniform(rnd, ld * n * spec.hiddenSize()));
                            if (!lstm && out.contains(OutputKind.C_FINAL)) continue;
                            b.outputs(out);
                            RnnInput plain = b.build();
                            // Y into a caller's buffer: none, direct (written in place when long), heap (copied),
                            // direct in the non-native byte order (ByteBuffer's default; must be copied, not written)
                            int yMode = out.contains(OutputKind.Y) ? (call / 2 + call) % 4 : 0; // not tied to the layout (call % 2)
                            FloatBuffer into = null;
                            if (yMode > 0) {
                                int yLength = t * n * spec.outputSize();
                                into = yMode == 1 ? direct(new float[yLength], ByteOrder.nativeOrder())
                                        : yMode == 3 ? direct(new float[yLength], ByteOrder.BIG_ENDIAN) : FloatBuffer.allocate(yLength);
                                b.yInto(into);
                            }
                            RnnInput in = b.build();
                            String name = spec.caseName() + " call " + call + " " + layout + (direct ? " direct" : " heap")
                                    + " states=" + states + " outputs=" + out + " yInto=" + new String[] {"-", "direct", "heap", "direct big-endian"}[yMode];
                            RnnOutput got = dnn.forward(in);
                            if (into != null) {
                                assertNull(got.y(), name + ": Y must go into the buffer");
                                float[] y = new float[into.remaining()];
                                into.duplicate().get(y);
                                got = new RnnOutput(y, got.hFinal(), got.cFinal(), got.layout(), got.steps(), got.batch(), got.outputSize());
                            }
                            Agreement.assertClose(name, ref.forward(plain), got, Agreement.tolerance(spec, t));
                            call++;
                        }
                    }
                }
            }
        }
    }

    private static FloatBuffer direct(float[] a, ByteOrder order) {
        FloatBuffer b = ByteBuffer.allocateDirect(a.length * Float.BYTES).order(order).asFloatBuffer();
        b.put(a).flip();
        return b;
    }
}
