package org.rnn4j.testkit;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.SplittableRandom;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.Direction;
import org.rnn4j.Gate;
import org.rnn4j.Layout;
import org.rnn4j.OutputKind;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnSpec;

/**
 * The cross-backend grid: every cell variant × direction × layers {1, 2} × length pattern, with T, N, I, H drawn
 * from the odd sizes {1, 3, 7, 13, 33} by rotation so every size appears in every position. Deterministic.
 */
public final class CaseGrid {
    public static final int[] SIZES = {1, 3, 7, 13, 33};
    /** How many {@link #mixed} cases each backend's suite runs, per data type. */
    public static final int MIXED_F32 = 160;
    public static final int MIXED_F16 = 48;
    /** What {@link #mixed} draws activations from: an RNN's; an LSTM's or GRU's gates ([0, 1]); the others (bounded). */
    private static final Activation[] RNN_ACTIVATIONS = {Activation.TANH, Activation.RELU, Activation.SIGMOID,
        Activation.leakyRelu(0.1), Activation.SOFTSIGN, Activation.affine(0.5, 0.1), Activation.scaledTanh(1.2, 0.8),
        Activation.hardSigmoid(0.2, 0.5)};
    private static final Activation[] GATE_ACTIVATIONS = {Activation.SIGMOID, Activation.hardSigmoid(0.2, 0.5),
        Activation.hardSigmoid(0.25, 0.45)};
    private static final Activation[] BOUNDED_ACTIVATIONS = {Activation.TANH, Activation.SOFTSIGN,
        Activation.scaledTanh(1.5, 0.7), Activation.scaledTanh(0.8, 1.3)};
    /** Variant name of the LSTM whose projection size is chosen per case (about H/2). */
    private static final String PROJECTED = "lstm_projected";

    /** A named variant of a cell with optional clip and activations (the part of a spec that is not a size). */
    public record Variant(String name, Cell cell, Double clip, List<Activation> activations) {
        static Variant of(Cell cell) { return new Variant(cell.shortName(), cell, null, null); }
    }

    /**
     * One comparison: a spec, a call shape and a reproducible input. {@code initialH}/{@code initialC}: whether the
     * call passes initial states (c only for an LSTM); {@code outputs}: the outputs asked for, or null for the
     * default (every output the cell defines).
     */
    public record Case(String name, RnnSpec spec, int steps, int batch, int[] lengths, Layout layout, boolean initialH,
                       boolean initialC, Set<OutputKind> outputs, long seed) {
        @Override public String toString() { return name; }

        /** Random input in [−1, 1] (and initial states if asked), reproducible from the seed. */
        public RnnInput input() {
            SplittableRandom r = new SplittableRandom(seed);
            RnnInput.Builder b = RnnInput.builder(uniform(r, steps * batch * spec.inputSize()), layout, steps, batch)
                    .sequenceLengths(lengths);
            int ld = spec.layers() * spec.direction().count();
            if (initialH) b.initialH(uniform(r, ld * batch * spec.stateSize()));
            if (initialC) b.initialC(uniform(r, ld * batch * spec.hiddenSize()));
            if (outputs != null) b.outputs(outputs);
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

    /**
     * Mixed cases: each draws every option independently (cell, peephole subset, coupling, projection of any size
     * including P ≥ H, clip, activations that may differ between the two directions, direction, 1–3 layers, sizes,
     * lengths including all-zero, layout, initial h and c separately, and which outputs are asked for), so the
     * combinations the grid's one-option-at-a-time variants never meet are checked too. Gate activations stay in
     * [0, 1] and the others bounded, for the reason the grid gives. Deterministic: case {@code k} of a data type is
     * always the same.
     */
    public static List<Case> mixed(int count, DataType type) {
        List<Case> cases = new ArrayList<>();
        for (int k = 0; k < count; k++) cases.add(mixedCase(k, type));
        return cases;
    }

    private static Case mixedCase(int k, DataType type) {
        SplittableRandom r = new SplittableRandom(0x5EED0000L + 7919L * k + type.ordinal());
        int t = pick(r, SIZES);
        int n = pick(r, SIZES);
        int i = pick(r, SIZES);
        int h = pick(r, SIZES);
        Direction d = pick(r, Direction.values());
        int layers = 1 + r.nextInt(3);
        int kind = r.nextInt(6); // 0 RNN, 1–3 LSTM (the most options), 4–5 GRU
        Cell cell;
        List<Activation> acts = new ArrayList<>();
        boolean ownActivations = r.nextBoolean();
        if (kind == 0) {
            Activation a = pick(r, RNN_ACTIVATIONS);
            cell = Cell.rnn(a);
            acts.add(a);
            if (d.count() == 2) acts.add(pick(r, RNN_ACTIVATIONS));
        } else if (kind <= 3) {
            Cell.Lstm lstm = new Cell.Lstm();
            List<Gate> peep = new ArrayList<>();
            for (Gate g : Gate.values()) if (r.nextBoolean()) peep.add(g);
            lstm = lstm.withPeepholes(peep.toArray(new Gate[0])).withCoupling(pick(r, Cell.Coupling.values()));
            if (r.nextInt(3) == 0) lstm = lstm.withProjection(pick(r, SIZES));
            cell = lstm;
            for (int dir = 0; dir < d.count(); dir++) {
                acts.addAll(List.of(pick(r, GATE_ACTIVATIONS), pick(r, BOUNDED_ACTIVATIONS),
                        pick(r, BOUNDED_ACTIVATIONS)));
            }
        } else {
            cell = Cell.gru(kind == 4 ? Cell.ResetMode.RESET_BEFORE : Cell.ResetMode.LINEAR_BEFORE_RESET);
            for (int dir = 0; dir < d.count(); dir++) {
                acts.addAll(List.of(pick(r, GATE_ACTIVATIONS), pick(r, BOUNDED_ACTIVATIONS)));
            }
        }
        RnnSpec.Builder b = RnnSpec.builder(cell).inputSize(i).hiddenSize(h).layers(layers).direction(d).dataType(type);
        Double clip = r.nextInt(3) == 0 ? new double[] {0.3, 0.5, 2.0}[r.nextInt(3)] : null;
        if (clip != null) b.clip(clip);
        if (ownActivations || kind == 0) b.activations(acts);
        RnnSpec spec = b.build();

        int pattern = r.nextInt(12); // 0–2 equal, 3–6 ragged, 7–10 with a zero (N > 1), 11 all zero
        int[] lengths = pattern < 3 ? null
                : pattern == 11 ? new int[n]
                : lengths(pattern < 7 || n == 1 ? "ragged" : "with0", t, n, k);
        Layout layout = r.nextBoolean() ? Layout.BATCH_MAJOR : Layout.TIME_MAJOR;
        boolean lstm = cell instanceof Cell.Lstm;
        boolean h0 = r.nextBoolean();
        boolean c0 = lstm && r.nextBoolean();
        Set<OutputKind> outputs = null;
        if (r.nextBoolean()) {
            outputs = EnumSet.noneOf(OutputKind.class);
            while (outputs.isEmpty()) {
                if (r.nextBoolean()) outputs.add(OutputKind.Y);
                if (r.nextBoolean()) outputs.add(OutputKind.H_FINAL);
                if (lstm && r.nextBoolean()) outputs.add(OutputKind.C_FINAL);
            }
        }
        String name = "mix" + k + "," + cell.shortName() + (clip == null ? "" : ",clip=" + clip)
                + (isDefault(spec) ? "" : ",act=" + actNames(spec.activations())) + shapeName(spec, t, n, lengths, layout)
                + (h0 ? ",h0" : "") + (c0 ? ",c0" : "") + (outputs == null ? "" : ",out=" + outputNames(outputs))
                + typeName(type);
        return new Case(name, spec, t, n, lengths, layout, h0, c0, outputs, 5000L + k);
    }

    private static int pick(SplittableRandom r, int[] from) { return from[r.nextInt(from.length)]; }

    private static <T> T pick(SplittableRandom r, T[] from) { return from[r.nextInt(from.length)]; }

    private static boolean isDefault(RnnSpec spec) {
        for (int d = 0; d < spec.direction().count(); d++) {
            if (!spec.activationsOf(d).equals(spec.cell().defaultActivations())) return false;
        }
        return true;
    }

    /** E.g. {@code hardsigmoid_0.2_0.5:tanh:softsign}: no commas, which separate a case name's fields. */
    private static String actNames(List<Activation> acts) {
        StringBuilder s = new StringBuilder();
        for (Activation a : acts) {
            s.append(s.length() == 0 ? "" : ":")
                    .append(a.toString().toLowerCase(Locale.ROOT).replace("(", "_").replace(", ", "_").replace(")", ""));
        }
        return s.toString();
    }

    private static String outputNames(Set<OutputKind> outputs) {
        StringBuilder s = new StringBuilder();
        for (OutputKind o : outputs) {
            s.append(s.length() == 0 ? "" : "+").append(o == OutputKind.Y ? "y" : o == OutputKind.H_FINAL ? "h" : "c");
        }
        return s.toString();
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
        String name = (v.name().equals(PROJECTED) ? cell.shortName() : v.name()) + shapeName(spec, t, n, lengths, layout)
                + (initial ? ",h0" : "") + typeName(type);
        return new Case(name, spec, t, n, lengths, layout, initial, initial && cell instanceof Cell.Lstm, null, 1000L + k);
    }

    /** A case name's shape fields, e.g. {@code ,l2,t7,n3,i13,h33,bidi_concat,lens=5:0:2,ntc}. */
    private static String shapeName(RnnSpec spec, int t, int n, int[] lengths, Layout layout) {
        return ",l" + spec.layers() + ",t" + t + ",n" + n + ",i" + spec.inputSize() + ",h" + spec.hiddenSize() + ","
                + spec.direction().shortName() + (lengths == null ? "" : ",lens=" + join(lengths))
                + (layout == Layout.BATCH_MAJOR ? ",ntc" : "");
    }

    private static String typeName(DataType type) {
        return type == DataType.F32 ? "" : "," + type.name().toLowerCase(Locale.ROOT);
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
