package org.rnn4j.tests.reliability;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.rnn4j.tests.reliability.Rejections.assertRejected;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.rnn4j.Backend;
import org.rnn4j.Cell;
import org.rnn4j.Layout;
import org.rnn4j.OutputKind;
import org.rnn4j.PreparedRnn;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;

/**
 * Generated forward calls with exactly one bad argument (X size, T, N, sequence lengths, initial h or c, asked-for
 * outputs) on prepared RNNs of the reference and oneDNN: each is rejected with {@link IllegalArgumentException}
 * naming the argument, nothing native runs, and the prepared RNN keeps computing the same results afterwards.
 */
class InvalidInputPropertiesTest {
    private static final List<PreparedRnn> PREPARED = new ArrayList<>();
    private static final List<RnnOutput> BEFORE = new ArrayList<>();

    @BeforeContainer
    static void prepare() {
        for (Backend b : Subjects.apiBackends()) {
            for (RnnSpec spec : Subjects.specs()) {
                PreparedRnn p = b.prepare(spec, RnnWeights.random(spec, 11));
                PREPARED.add(p);
                BEFORE.add(p.forward(probe(spec)));
            }
        }
    }

    @AfterContainer
    static void checkStillWorkingAndClose() {
        try {
            for (int i = 0; i < PREPARED.size(); i++) {
                PreparedRnn p = PREPARED.get(i);
                RnnOutput after = p.forward(probe(p.spec()));
                String name = p.backend() + " " + p.spec().caseName() + " after the rejected calls";
                assertArrayEquals(BEFORE.get(i).y(), after.y(), name);
                assertArrayEquals(BEFORE.get(i).hFinal(), after.hFinal(), name);
            }
        } finally {
            PREPARED.forEach(PreparedRnn::close);
            PREPARED.clear();
            BEFORE.clear();
        }
    }

    private static RnnInput probe(RnnSpec spec) {
        return RnnInput.builder(Subjects.data(5, 3 * 2 * spec.inputSize()), Layout.TIME_MAJOR, 3, 2).sequenceLengths(3, 1).build();
    }

    /** One bad forward call: which argument, and how far off. */
    record BadCall(int subject, String argument, int t, int n, int off, Layout layout) {}

    @Property(tries = 3000)
    void everyCallWithOneBadArgumentIsRejectedNamingIt(@ForAll("badCalls") BadCall c) {
        PreparedRnn p = PREPARED.get(c.subject() % PREPARED.size());
        RnnSpec spec = p.spec();
        int t = c.t();
        int n = c.n();
        int i = spec.inputSize();
        int ld = spec.layers() * spec.direction().count();
        String name = p.backend() + " " + spec.caseName() + " " + c;
        switch (c.argument()) {
            case "X": {
                int size = Math.max(0, t * n * i + (c.off() == 0 ? 1 : c.off()));
                FloatBuffer x = c.off() % 2 == 0 ? FloatBuffer.allocate(size) : java.nio.ByteBuffer.allocateDirect(size * 4).asFloatBuffer();
                assertRejected(IllegalArgumentException.class, "X: expected", name,
                        () -> p.forward(RnnInput.builder(x, c.layout(), t, n).build()));
                break;
            }
            case "steps (T)":
                assertRejected(IllegalArgumentException.class, "steps (T)", name,
                        () -> RnnInput.builder(new float[1], c.layout(), -Math.abs(c.off()), n));
                break;
            case "batch (N)":
                assertRejected(IllegalArgumentException.class, "batch (N)", name,
                        () -> RnnInput.builder(new float[1], c.layout(), t, -Math.abs(c.off())));
                break;
            case "sequenceLengths[": {
                int[] lengths = new int[n];
                java.util.Arrays.fill(lengths, t);
                lengths[Math.floorMod(c.off(), n)] = c.off() < 0 ? c.off() : t + 1 + c.off();
                assertRejected(IllegalArgumentException.class, "sequenceLengths[", name,
                        () -> RnnInput.builder(new float[t * n * i], c.layout(), t, n).sequenceLengths(lengths));
                break;
            }
            case "sequenceLengths: expected N": {
                int count = n + (c.off() == 0 ? 1 : c.off());
                int[] lengths = new int[Math.max(0, count)];
                assertRejected(IllegalArgumentException.class, "sequenceLengths: expected N", name,
                        () -> RnnInput.builder(new float[t * n * i], c.layout(), t, n).sequenceLengths(lengths));
                break;
            }
            case "initial h": {
                int size = Math.max(0, ld * n * spec.stateSize() + (c.off() == 0 ? 1 : c.off()));
                assertRejected(IllegalArgumentException.class, "initial h", name,
                        () -> p.forward(RnnInput.builder(new float[t * n * i], c.layout(), t, n).initialH(new float[size]).build()));
                break;
            }
            case "initial c": {
                boolean lstm = spec.cell() instanceof Cell.Lstm;
                int size = Math.max(0, ld * n * spec.hiddenSize() + (lstm && c.off() == 0 ? 1 : c.off()));
                assertRejected(IllegalArgumentException.class, "initial c", name,
                        () -> p.forward(RnnInput.builder(new float[t * n * i], c.layout(), t, n).initialC(new float[size]).build()));
                break;
            }
            case "outputs": {
                if (spec.cell() instanceof Cell.Lstm) {
                    assertRejected(NullPointerException.class, "input", name, () -> p.forward(null));
                } else {
                    assertRejected(IllegalArgumentException.class, "outputs", name,
                            () -> p.forward(RnnInput.builder(new float[t * n * i], c.layout(), t, n)
                                    .outputs(EnumSet.of(OutputKind.C_FINAL)).build()));
                }
                break;
            }
            default: throw new AssertionError(c.argument());
        }
    }

    @Provide
    Arbitrary<BadCall> badCalls() {
        Arbitrary<String> argument = Arbitraries.of("X", "steps (T)", "batch (N)", "sequenceLengths[", "sequenceLengths: expected N",
                "initial h", "initial c", "outputs");
        Arbitrary<Integer> off = Arbitraries.oneOf(Arbitraries.integers().between(-9, 9),
                Arbitraries.integers().between(-1_000_000, 1_000_000), Arbitraries.of(Integer.MIN_VALUE + 1, -1, 1));
        return net.jqwik.api.Combinators.combine(Arbitraries.integers().between(0, 999), argument, Arbitraries.integers().between(1, 6),
                Arbitraries.integers().between(1, 5), off, Arbitraries.of(Layout.class)).as(BadCall::new);
    }
}
