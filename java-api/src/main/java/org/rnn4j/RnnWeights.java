package org.rnn4j;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;

/**
 * All weights of a spec, one {@link LayerWeights} per (layer, direction), checked against the spec at
 * construction. Immutable by contract (arrays are not copied); safe to share between threads and backends.
 */
public final class RnnWeights {
    private final RnnSpec spec;
    private final List<LayerWeights> parts;

    private RnnWeights(RnnSpec spec, List<LayerWeights> parts) {
        this.spec = spec;
        this.parts = parts;
    }

    /**
     * @param parts {@code layers × directions} entries, index {@code layer · D + direction} (forward first)
     * @throws IllegalArgumentException naming the tensor, expected and actual size on any mismatch
     */
    public static RnnWeights of(RnnSpec spec, List<LayerWeights> parts) {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(parts, "parts");
        int d = spec.direction().count();
        int expectedParts = spec.layers() * d;
        if (parts.size() != expectedParts) {
            throw new IllegalArgumentException("weights: expected " + expectedParts + " (layer, direction) parts ("
                    + spec.layers() + " layers × " + d + " directions) but was " + parts.size());
        }
        for (int i = 0; i < parts.size(); i++) {
            check(spec, i / d, i % d, Objects.requireNonNull(parts.get(i), "weights part " + i));
        }
        return new RnnWeights(spec, List.copyOf(parts));
    }

    private static void check(RnnSpec spec, int layer, int dir, LayerWeights p) {
        String where = "layer " + layer + " direction " + dir + " ";
        int g = spec.cell().gateCount();
        int h = spec.hiddenSize();
        int s = spec.stateSize();
        requireLength(where + "W [G·H=" + g * h + ", I=" + spec.layerInputSize(layer) + "]", p.w(), (long) g * h * spec.layerInputSize(layer));
        requireLength(where + "R [G·H=" + g * h + ", S=" + s + "]", p.r(), (long) g * h * s);
        requireLength(where + "W bias [G·H]", p.wBias(), (long) g * h);
        requireLength(where + "R bias [G·H]", p.rBias(), (long) g * h);
        boolean peep = spec.cell() instanceof Cell.Lstm && !((Cell.Lstm) spec.cell()).peepholes().isEmpty();
        boolean proj = spec.cell() instanceof Cell.Lstm && ((Cell.Lstm) spec.cell()).hasProjection();
        if (peep) {
            requireLength(where + "peephole [3, H=" + h + "]", p.peephole(), 3L * h);
        } else if (p.peephole() != null) {
            throw new IllegalArgumentException(where + "peephole: expected none (the cell has no peepholes) but got "
                    + p.peephole().length + " values");
        }
        if (proj) {
            requireLength(where + "projection [P=" + s + ", H=" + h + "]", p.projection(), (long) s * h);
        } else if (p.projection() != null) {
            throw new IllegalArgumentException(where + "projection: expected none (the cell has no projection) but got "
                    + p.projection().length + " values");
        }
    }

    private static void requireLength(String what, float[] a, long expected) {
        if (a == null) throw new IllegalArgumentException(what + ": expected " + expected + " values but was null");
        if (a.length != expected) {
            throw new IllegalArgumentException(what + ": expected " + expected + " values but was " + a.length);
        }
    }

    public RnnSpec spec() { return spec; }

    /**
     * Checks that these weights fit {@code other}: same cell, sizes, layers and direction. Activations, clip and
     * data type do not change the weights, so one set of weights serves e.g. an F32 and a BF16 spec.
     *
     * @throws IllegalArgumentException naming both specs when they differ in shape
     */
    public void requireCompatible(RnnSpec other) {
        Objects.requireNonNull(other, "spec");
        boolean same = spec.cell().equals(other.cell()) && spec.inputSize() == other.inputSize()
                && spec.hiddenSize() == other.hiddenSize() && spec.layers() == other.layers()
                && spec.direction() == other.direction();
        if (!same) {
            throw new IllegalArgumentException("weights: expected weights for " + other.caseName()
                    + " but they were built for " + spec.caseName());
        }
    }

    /** Weights of {@code layer}, direction {@code dir} (0 forward, 1 reverse; a REVERSE layer has only 0). */
    public LayerWeights get(int layer, int dir) { return parts.get(layer * spec.direction().count() + dir); }

    /** All parts, index {@code layer · D + direction}. */
    public List<LayerWeights> parts() { return parts; }

    /**
     * Random weights, uniform in {@code ±1/sqrt(H)} (PyTorch's default initialisation), reproducible from
     * {@code seed}. For demos, tests and benchmarks.
     */
    public static RnnWeights random(RnnSpec spec, long seed) {
        requireFitsHeap(spec);
        SplittableRandom rnd = new SplittableRandom(seed);
        double bound = 1.0 / Math.sqrt(spec.hiddenSize());
        int g = spec.cell().gateCount();
        int h = spec.hiddenSize();
        int s = spec.stateSize();
        boolean peep = spec.cell() instanceof Cell.Lstm && !((Cell.Lstm) spec.cell()).peepholes().isEmpty();
        boolean proj = spec.cell() instanceof Cell.Lstm && ((Cell.Lstm) spec.cell()).hasProjection();
        List<LayerWeights> parts = new ArrayList<>();
        for (int l = 0; l < spec.layers(); l++) {
            for (int d = 0; d < spec.direction().count(); d++) {
                parts.add(new LayerWeights(
                        uniform(rnd, g * h * spec.layerInputSize(l), bound),
                        uniform(rnd, g * h * s, bound),
                        uniform(rnd, g * h, bound),
                        uniform(rnd, g * h, bound),
                        peep ? uniform(rnd, 3 * h, bound) : null,
                        proj ? uniform(rnd, s * h, bound) : null));
            }
        }
        return of(spec, parts);
    }

    /** Fails before allocating when the weights cannot fit the heap at all (an OutOfMemoryError helps no one). */
    private static void requireFitsHeap(RnnSpec spec) {
        long floats = 0;
        int g = spec.cell().gateCount();
        for (int l = 0; l < spec.layers(); l++) {
            long perDirection = (long) g * spec.hiddenSize() * (spec.layerInputSize(l) + spec.stateSize() + 2L) + 3L * spec.hiddenSize()
                    + (long) spec.stateSize() * spec.hiddenSize();
            floats += perDirection * spec.direction().count();
        }
        long bytes = floats * Float.BYTES;
        if (bytes > Runtime.getRuntime().maxMemory()) {
            throw new IllegalArgumentException("weights: " + spec.caseName() + " needs " + floats + " floats (" + (bytes >> 20)
                    + " MiB), more than this JVM's maximum heap of " + (Runtime.getRuntime().maxMemory() >> 20) + " MiB");
        }
    }

    private static float[] uniform(SplittableRandom rnd, int n, double bound) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) rnd.nextDouble(-bound, bound);
        return a;
    }
}
