package org.rnn4j.testkit;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.Direction;
import org.rnn4j.Gate;
import org.rnn4j.Layout;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;

/**
 * The cross-backend grid: every cell variant × direction × layers {1, 2} × length pattern, with T, N, I, H drawn
 * from the odd sizes {1, 3, 7, 13, 33} by rotation so every size appears in every position. Deterministic.
 */
public final class CaseGrid {
    public static final int[] SIZES = {1, 3, 7, 13, 33};
    /** Variant name of the LSTM whose projection size is chosen per case (about H/2). */
    private static final String PROJECTED = "lstm_projected";

    /** A named variant of a cell with optional clip and activations (the part of a spec that is not a size). */
    public record Variant(String name, Cell cell, Double clip, List<Activation> activations) {
        static Variant of(Cell cell) { return new Variant(cell.shortName(), cell, null, null); }
    }

    /** One comparison: a spec, a call shape and a reproducible input. */
    public record Case(String name, RnnSpec spec, int steps, int batch, int[] lengths, Layout layout, boolean initialStates, long seed) {
        @Override public String toString() { return name; }

        /** Random input in [−1, 1] (and initial states if asked), reproducible from the seed. */
        public RnnInput input() {
            SplittableRandom r = new SplittableRandom(seed);
            RnnInput.Builder b = RnnInput.builder(uniform(r, steps * batch * spec.inputSize()), layout, steps, batch)
                    .sequenceLengths(lengths);
            if (initialStates) {
                int ld = spec.layers() * spec.direction().count();
                b.initialH(uniform(r, ld * batch * spec.stateSize()));
                if (spec.cell() instanceof Cell.Lstm) b.initialC(uniform(r, ld * batch * spec.hiddenSize()));
            }
            return b.build();
        }
    }

    private static float[] uniform(SplittableRandom r, int n) {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) a[i] = (float) r.nextDouble(-1, 1);
        return a;
    }

    /** Every cell variant the API can describe, with the non-default activation and clip cases. */
    public static List<Variant> variants() {
        Cell.Lstm lstm = new Cell.Lstm();
        return List.of(
                Variant.of(Cell.rnn(Activation.TANH)),
                Variant.of(Cell.rnn(Activation.RELU)),
                Variant.of(Cell.rnn(Activation.SIGMOID)),
                Variant.of(Cell.rnn(Activation.leakyRelu(0.1))),
                Variant.of(Cell.rnn(Activation.SOFTSIGN)),
                Variant.of(lstm),
                Variant.of(lstm.withAllPeepholes()),
                Variant.of(lstm.withPeepholes(Gate.FORGET)),
                Variant.of(lstm.withPeepholes(Gate.INPUT, Gate.OUTPUT)),
                Variant.of(lstm.withCoupling(Cell.Coupling.FORGET_FROM_INPUT)),
                Variant.of(lstm.withCoupling(Cell.Coupling.INPUT_FROM_FORGET).withAllPeepholes()),
                new Variant(PROJECTED, lstm, null, null),
                new Variant("lstm,clip=0.5", lstm, 0.5, null),
                new Variant("lstm,act=hardsigmoid:scaledtanh:softsign", lstm, null,
                        List.of(Activation.hardSigmoid(0.2, 0.5), Activation.scaledTanh(1.5, 0.7), Activation.SOFTSIGN)),
                Variant.of(Cell.gru(Cell.ResetMode.RESET_BEFORE)),
                Variant.of(Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET)),
                new Variant("gru_lbr,clip=0.3", Cell.gru(Cell.ResetMode.LINEAR_BEFORE_RESET), 0.3, null),
                // Gate activations (RNN aside) stay in [0, 1]: with an unbounded z the GRU blend (1−z)·n + z·h is
                // no longer convex, the state diverges, and float32 and float64 overflow at different steps.
                new Variant("gru,act=hardsigmoid:elu", Cell.gru(Cell.ResetMode.RESET_BEFORE), null,
                        List.of(Activation.hardSigmoid(0.25, 0.5), Activation.elu(0.7))),
                new Variant("lstm,act=sigmoid:softplus:thresholdedrelu", lstm, null,
                        List.of(Activation.SIGMOID, Activation.SOFTPLUS, Activation.thresholdedRelu(0.1))),
                Variant.of(Cell.rnn(Activation.affine(0.5, 0.1))));
    }

    /** The full F32 grid. */
    public static List<Case> f32() {
        List<Case> cases = new ArrayList<>();
        int k = 0;
        for (Variant v : variants()) {
            for (Direction d : Direction.values()) {
                for (int layers = 1; layers <= 2; layers++) {
                    for (String lengths : new String[] {"equal", "ragged", "with0"}) {
                        cases.add(make(v, d, layers, lengths, k++, DataType.F32));
                    }
                }
            }
        }
        return cases;
    }

    /** An F16 grid: every variant in every direction, one layer count each, ragged lengths with a zero. */
    public static List<Case> f16() {
        List<Case> cases = new ArrayList<>();
        int k = 3;
        for (Variant v : variants()) {
            for (Direction d : Direction.values()) cases.add(make(v, d, 1 + k % 2, "with0", k++, DataType.F16));
        }
        return cases;
    }

    /** A smaller BF16 grid: the natively supported cells in every direction, one layer count each. */
    public static List<Case> bf16() {
        List<Case> cases = new ArrayList<>();
        int k = 7;
        for (Variant v : variants()) {
            if (v.clip() != null || v.activations() != null) continue;
            for (Direction d : Direction.values()) cases.add(make(v, d, 1 + k % 2, "ragged", k++, DataType.BF16));
        }
        return cases;
    }

    private static Case make(Variant v, Direction d, int layers, String lengthPattern, int k, DataType type) {
        int t = SIZES[k % 5];
        int n = SIZES[(k / 5 + 2 * k + 1) % 5];
        int i = SIZES[(k / 25 + 3 * k + 2) % 5];
        int h = SIZES[(k / 3 + k + 3) % 5];
        Cell cell = v.cell();
        if (v.name().equals(PROJECTED)) {
            // Projection to a size different from H (and from I) exercises the S ≠ H shapes.
            h = Math.max(h, 3);
            cell = ((Cell.Lstm) cell).withProjection(Math.max(1, h / 2));
        }
        RnnSpec.Builder b = RnnSpec.builder(cell).inputSize(i).hiddenSize(h).layers(layers).direction(d).dataType(type);
        if (v.clip() != null) b.clip(v.clip());
        if (v.activations() != null) b.activations(v.activations());
        RnnSpec spec = b.build();
        int[] lengths = lengths(lengthPattern, t, n, k);
        Layout layout = k % 3 == 2 ? Layout.BATCH_MAJOR : Layout.TIME_MAJOR;
        boolean initial = k % 2 == 1;
        String name = (v.name().equals(PROJECTED) ? cell.shortName() : v.name()) + ",l" + layers + ",t" + t + ",n" + n + ",i" + i + ",h" + h
                + "," + d.shortName() + (lengths == null ? "" : ",lens=" + join(lengths))
                + (layout == Layout.BATCH_MAJOR ? ",ntc" : "") + (initial ? ",h0" : "")
                + (type == DataType.F32 ? "" : "," + type.name().toLowerCase(java.util.Locale.ROOT));
        return new Case(name, spec, t, n, lengths, layout, initial, 1000L + k);
    }

    private static int[] lengths(String pattern, int t, int n, int k) {
        if (pattern.equals("equal")) return null;
        int[] lens = new int[n];
        SplittableRandom r = new SplittableRandom(k);
        for (int j = 0; j < n; j++) lens[j] = 1 + r.nextInt(t);
        lens[r.nextInt(n)] = t;
        if (pattern.equals("with0")) lens[n == 1 ? 0 : (k % n == 0 ? 1 : 0)] = 0;
        return lens;
    }

    private static String join(int[] a) {
        StringBuilder s = new StringBuilder();
        for (int v : a) s.append(s.length() == 0 ? "" : ":").append(v);
        return s.toString();
    }
}
