package org.rnn4j.tests.reliability;

import static org.rnn4j.tests.reliability.Rejections.assertRejected;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import org.rnn4j.Backend;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.LayerWeights;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.UnsupportedConfigurationException;

/**
 * Generated weights with one wrong tensor (length, missing, present where the cell has none, too few or too many
 * parts), and weights handed to the wrong spec: rejected with {@link IllegalArgumentException} naming the tensor,
 * by {@link RnnWeights#of} or by {@code prepare} on the reference and on oneDNN, before any native call.
 */
class InvalidWeightsPropertiesTest {
    private static final List<RnnSpec> SPECS = Subjects.specs();

    @Property(tries = 2000)
    void weightsWithOneWrongTensorAreRejectedNamingIt(@ForAll("specIndex") int s, @ForAll("tensor") int tensor,
                                                     @ForAll("delta") int delta, @ForAll("part") int partSeed) {
        RnnSpec spec = SPECS.get(s);
        List<LayerWeights> parts = new ArrayList<>(RnnWeights.random(spec, 7).parts());
        int p = Math.floorMod(partSeed, parts.size());
        LayerWeights w = parts.get(p);
        float[][] a = {w.w(), w.r(), w.wBias(), w.rBias(), w.peephole(), w.projection()};
        String[] names = {"W [", "R [", "W bias", "R bias", "peephole", "projection"};
        String caseName = spec.caseName() + " part " + p + " " + names[tensor] + " delta " + delta;
        if (a[tensor] == null) {
            a[tensor] = new float[Math.max(1, delta + 3)]; // a tensor the cell does not have
        } else if (delta == 0) {
            a[tensor] = null;
        } else {
            a[tensor] = Arrays.copyOf(a[tensor], Math.max(0, a[tensor].length + delta));
        }
        parts.set(p, new LayerWeights(a[0], a[1], a[2], a[3], a[4], a[5]));
        String where = "layer " + (p / spec.direction().count()) + " direction " + (p % spec.direction().count()) + " " + names[tensor];
        assertRejected(IllegalArgumentException.class, where, caseName, () -> RnnWeights.of(spec, parts));
    }

    @Property(tries = 500)
    void aWrongNumberOfPartsIsRejected(@ForAll("specIndex") int s, @ForAll("delta") int delta) {
        RnnSpec spec = SPECS.get(s);
        List<LayerWeights> parts = new ArrayList<>(RnnWeights.random(spec, 3).parts());
        int n = delta == 0 ? parts.size() + 1 : Math.max(0, parts.size() + delta);
        if (n == parts.size()) n++;
        while (parts.size() < n) parts.add(parts.get(0));
        while (parts.size() > n) parts.remove(parts.size() - 1);
        assertRejected(IllegalArgumentException.class, "weights: expected", spec.caseName() + " with " + n + " parts",
                () -> RnnWeights.of(spec, parts));
    }

    /** Weights of one spec prepared with another: {@code prepare} refuses on every backend, before native work. */
    @Property(tries = 500)
    void weightsOfAnotherSpecAreRejectedByPrepare(@ForAll("specIndex") int s, @ForAll("specIndex") int other) {
        RnnSpec spec = SPECS.get(s);
        RnnSpec wrong = s == other ? RnnSpec.builder(spec.cell()).inputSize(spec.inputSize() + 1).hiddenSize(spec.hiddenSize())
                .layers(spec.layers()).direction(spec.direction()).build() : SPECS.get(other);
        RnnWeights weights = RnnWeights.random(wrong, 1);
        for (Backend b : Subjects.apiBackends()) {
            assertRejected(IllegalArgumentException.class, "weights", b.name() + " " + spec.caseName() + " given weights of "
                    + wrong.caseName(), () -> b.prepare(spec, weights).close());
        }
    }

    @Test
    void nullSpecOrWeightsAreRejectedByPrepare() {
        RnnSpec spec = Subjects.plainLstm();
        RnnWeights weights = RnnWeights.random(spec, 1);
        for (Backend b : Subjects.apiBackends()) {
            assertRejected(NullPointerException.class, "spec", b.name(), () -> b.prepare(null, weights));
            assertRejected(NullPointerException.class, "weights", b.name(), () -> b.prepare(spec, null));
        }
        assertRejected(NullPointerException.class, "parts", "RnnWeights.of", () -> RnnWeights.of(spec, null));
        assertRejected(NullPointerException.class, "spec", "RnnWeights.of", () -> RnnWeights.of(null, List.of()));
    }

    /** BF16 is refused on this AVX2 CPU and for composed cells: the documented exception, at prepare. */
    @Test
    void bf16WhereOneDnnCannotRunItIsAnUnsupportedConfiguration() {
        Backend onednn = Subjects.onednn();
        RnnSpec composed = RnnSpec.builder(new Cell.Lstm().withProjection(2)).inputSize(3).hiddenSize(4).dataType(DataType.BF16).build();
        assertRejected(UnsupportedConfigurationException.class, "BF16", composed.caseName(),
                () -> onednn.prepare(composed, RnnWeights.random(composed, 1)).close());
    }

    @Provide Arbitrary<Integer> specIndex() { return Arbitraries.integers().between(0, SPECS.size() - 1); }

    @Provide Arbitrary<Integer> tensor() { return Arbitraries.integers().between(0, 5); }

    @Provide Arbitrary<Integer> delta() {
        return Arbitraries.oneOf(Arbitraries.integers().between(-40, 40), Arbitraries.of(-1, 1, 0, -100_000));
    }

    @Provide Arbitrary<Integer> part() { return Arbitraries.integers().between(0, 1000); }

}
