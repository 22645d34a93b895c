package org.rnn4j.tests.reliability;

import static org.rnn4j.tests.reliability.Rejections.assertRejected;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.Direction;
import org.rnn4j.RnnSpec;

/**
 * Generated specs with exactly one bad field: {@link RnnSpec.Builder#build()} (or the cell's constructor) rejects
 * each with {@link IllegalArgumentException} or {@link NullPointerException} naming that field, before any backend
 * sees it.
 */
class InvalidSpecPropertiesTest {

    /** A builder recipe, the field it breaks and the exception that must follow. */
    record BadSpec(String field, Class<? extends RuntimeException> expected, Supplier<RnnSpec> build, String recipe) {
        @Override public String toString() { return field + ": " + recipe; }
    }

    @Property(tries = 3000)
    void everySpecWithOneBadFieldIsRejectedNamingIt(@ForAll("badSpecs") BadSpec c) {
        assertRejected(c.expected(), c.field(), c.toString(), c.build()::get);
    }

    @Provide
    Arbitrary<BadSpec> badSpecs() {
        Arbitrary<Integer> valid = Arbitraries.integers().between(1, 64);
        Arbitrary<Integer> nonPositive = Arbitraries.oneOf(Arbitraries.integers().between(-1000, 0),
                Arbitraries.of(Integer.MIN_VALUE, -1, 0));
        Arbitrary<Direction> dir = Arbitraries.of(Direction.class);
        Arbitrary<Cell> cells = Arbitraries.of(new Cell.Lstm(), new Cell.Lstm().withAllPeepholes(), new Cell.Lstm().withProjection(3),
                new Cell.Gru(Cell.ResetMode.RESET_BEFORE), new Cell.Gru(Cell.ResetMode.LINEAR_BEFORE_RESET),
                new Cell.Rnn(Activation.TANH), new Cell.Rnn(Activation.RELU));
        Arbitrary<Integer> which = Arbitraries.integers().between(0, 2);
        Arbitrary<BadSpec> sizes = Combinators.combine(cells, valid, valid, valid, dir, nonPositive, which).as((cell, i, h, l, d, bad, w) -> {
            String field = w == 0 ? "inputSize" : w == 1 ? "hiddenSize" : "layers";
            int ii = w == 0 ? bad : i;
            int hh = w == 1 ? bad : h;
            int ll = w == 2 ? bad : l;
            return new BadSpec(field, IllegalArgumentException.class,
                    () -> RnnSpec.builder(cell).inputSize(ii).hiddenSize(hh).layers(ll).direction(d).build(),
                    cell.shortName() + " i=" + ii + " h=" + hh + " l=" + ll + " " + d);
        });
        Arbitrary<Double> badClip = Arbitraries.oneOf(Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY,
                0.0, -0.0, -Double.MIN_VALUE), Arbitraries.doubles().between(-1e30, 0));
        Arbitrary<BadSpec> clips = Combinators.combine(cells, valid, valid, dir, badClip).as((cell, i, h, d, clip) ->
                new BadSpec("clip", IllegalArgumentException.class,
                        () -> RnnSpec.builder(cell).inputSize(i).hiddenSize(h).direction(d).clip(clip).build(),
                        cell.shortName() + " clip=" + clip));
        // One array past what Java can index: W = G·H·I or R = G·H·S elements.
        Arbitrary<Integer> huge = Arbitraries.integers().between(1 << 16, Integer.MAX_VALUE);
        Arbitrary<BadSpec> hugeDims = Combinators.combine(cells, huge, huge, dir).as((cell, i, h, d) ->
                new BadSpec(" of layer ", IllegalArgumentException.class,
                        () -> RnnSpec.builder(cell).inputSize(i).hiddenSize(h).direction(d).build(),
                        cell.shortName() + " i=" + i + " h=" + h));
        Arbitrary<BadSpec> activationCount = Combinators.combine(cells, dir, Arbitraries.integers().between(0, 9)).as((cell, d, n) -> {
            int ok1 = cell.activationsPerDirection();
            int count = n == ok1 || n == ok1 * d.count() ? n + 1 + ok1 * 2 : n;
            List<Activation> acts = new ArrayList<>();
            for (int k = 0; k < count; k++) acts.add(k == 0 && cell instanceof Cell.Rnn ? ((Cell.Rnn) cell).activation() : Activation.TANH);
            return new BadSpec("activations", IllegalArgumentException.class,
                    () -> RnnSpec.builder(cell).inputSize(2).hiddenSize(2).direction(d).activations(acts).build(),
                    cell.shortName() + " " + d + " with " + count + " activations");
        });
        Arbitrary<Double> nonFinite = Arbitraries.of(Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY);
        Arbitrary<BadSpec> activationParams = Combinators.combine(nonFinite, Arbitraries.integers().between(0, 3)).as((v, k) -> {
            String field = k % 2 == 0 ? "activation alpha" : "activation beta";
            Supplier<RnnSpec> s = () -> {
                Activation a = k == 0 ? Activation.leakyRelu(v) : k == 1 ? Activation.affine(1, v)
                        : k == 2 ? Activation.elu(v) : Activation.scaledTanh(1, v);
                return RnnSpec.builder(new Cell.Rnn(a)).inputSize(2).hiddenSize(2).build();
            };
            return new BadSpec(field, IllegalArgumentException.class, s, "activation parameter " + v);
        });
        Arbitrary<BadSpec> projection = Arbitraries.integers().between(Integer.MIN_VALUE, -1).map(p ->
                new BadSpec("projectionSize", IllegalArgumentException.class,
                        () -> RnnSpec.builder(new Cell.Lstm().withProjection(p)).inputSize(2).hiddenSize(2).build(), "projection " + p));
        Arbitrary<BadSpec> rnnActivation = dir.map(d -> new BadSpec("activations[0]", IllegalArgumentException.class,
                () -> RnnSpec.builder(new Cell.Rnn(Activation.TANH)).inputSize(2).hiddenSize(2).direction(d)
                        .activations(Activation.RELU).build(), "rnn_tanh given Relu, " + d));
        Arbitrary<BadSpec> nulls = Arbitraries.of(
                new BadSpec("cell", NullPointerException.class, () -> RnnSpec.builder(null).build(), "null cell"),
                new BadSpec("direction", NullPointerException.class,
                        () -> RnnSpec.builder(new Cell.Lstm()).direction(null).build(), "null direction"),
                new BadSpec("dataType", NullPointerException.class,
                        () -> RnnSpec.builder(new Cell.Lstm()).dataType((DataType) null).build(), "null dataType"),
                new BadSpec("peepholes", NullPointerException.class,
                        () -> RnnSpec.builder(new Cell.Lstm(null, Cell.Coupling.NONE, 0)).build(), "null peepholes"),
                new BadSpec("resetMode", NullPointerException.class, () -> RnnSpec.builder(new Cell.Gru(null)).build(), "null reset mode"),
                new BadSpec("activation", NullPointerException.class, () -> RnnSpec.builder(new Cell.Rnn(null)).build(), "null activation"));
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(5, sizes), net.jqwik.api.Tuple.of(3, clips), net.jqwik.api.Tuple.of(3, hugeDims),
                net.jqwik.api.Tuple.of(2, activationCount), net.jqwik.api.Tuple.of(1, activationParams),
                net.jqwik.api.Tuple.of(1, projection), net.jqwik.api.Tuple.of(1, rnnActivation), net.jqwik.api.Tuple.of(1, nulls));
    }
}
