package org.rnn4j;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * One forward call's input: the sequence batch X, optional per-sequence lengths, optional initial states and the
 * outputs wanted. Immutable by contract (arrays and buffers are not copied; do not mutate them during a call).
 *
 * <p>Shapes: X {@code [T, N, I]} ({@link Layout#TIME_MAJOR}) or {@code [N, T, I]} ({@link Layout#BATCH_MAJOR});
 * lengths {@code int[N]} with {@code 0 ≤ len ≤ T} (absent: all T); initial h {@code [L·D, N, S]}; initial c
 * {@code [L·D, N, H]} (absent: zeros). Layer-direction index {@code l·D + d}, forward first. Y may go into a
 * caller's buffer instead of a new array ({@link Builder#yInto}).
 */
public final class RnnInput {
    private final FloatBuffer x;
    private final Layout layout;
    private final int steps;
    private final int batch;
    private final int[] sequenceLengths;
    private final float[] initialH;
    private final float[] initialC;
    private final Set<OutputKind> outputs;
    private final FloatBuffer yInto;

    private RnnInput(Builder b) {
        this.x = b.x;
        this.layout = b.layout;
        this.steps = b.steps;
        this.batch = b.batch;
        this.sequenceLengths = b.sequenceLengths;
        this.initialH = b.initialH;
        this.initialC = b.initialC;
        this.outputs = b.outputs == null ? null : Set.copyOf(b.outputs);
        this.yInto = b.yInto;
    }

    /** X as a buffer over exactly {@code T·N·I} floats (position 0). Read it with absolute gets or a duplicate. */
    public FloatBuffer x() { return x; }

    public Layout layout() { return layout; }

    /** T. */
    public int steps() { return steps; }

    /** N. */
    public int batch() { return batch; }

    /** A copy of the per-sequence lengths (validated at build time), or {@code null} when every sequence has T steps. */
    public int[] sequenceLengths() { return sequenceLengths == null ? null : sequenceLengths.clone(); }

    /** Length of sequence {@code n}. */
    public int lengthOf(int n) { return sequenceLengths == null ? steps : sequenceLengths[n]; }

    public float[] initialH() { return initialH; }

    public float[] initialC() { return initialC; }

    /** The caller's buffer that receives Y (position 0, exactly Y's size once checked), or {@code null}. */
    public FloatBuffer yInto() { return yInto; }

    /** The outputs asked for explicitly, or {@code null} for the default: every output the cell defines. */
    public Set<OutputKind> outputs() { return outputs; }

    /** Whether {@code kind} is computed for {@code spec}: asked for, or by default every output the cell defines. */
    public boolean wants(OutputKind kind, RnnSpec spec) {
        if (outputs != null) return outputs.contains(kind);
        return kind != OutputKind.C_FINAL || spec.cell() instanceof Cell.Lstm;
    }

    /**
     * Checks this input against {@code spec}; every backend calls it before any native work.
     *
     * @throws IllegalArgumentException naming the tensor, the expected and the actual size
     */
    public void requireCompatible(RnnSpec spec) {
        long xExpected = (long) steps * batch * spec.inputSize();
        if (x.remaining() != xExpected) {
            throw new IllegalArgumentException("X: expected T·N·I = " + steps + "·" + batch + "·" + spec.inputSize()
                    + " = " + xExpected + " floats but was " + x.remaining());
        }
        int ld = spec.layers() * spec.direction().count();
        long hExpected = (long) ld * batch * spec.stateSize();
        if (initialH != null && initialH.length != hExpected) {
            throw new IllegalArgumentException("initial h: expected [L·D=" + ld + ", N=" + batch + ", S=" + spec.stateSize()
                    + "] = " + hExpected + " floats but was " + initialH.length);
        }
        boolean lstm = spec.cell() instanceof Cell.Lstm;
        if (initialC != null && !lstm) {
            throw new IllegalArgumentException("initial c: expected none (a " + spec.cell().shortName() + " cell has no cell state) but got "
                    + initialC.length + " floats");
        }
        long cExpected = (long) ld * batch * spec.hiddenSize();
        if (initialC != null && initialC.length != cExpected) {
            throw new IllegalArgumentException("initial c: expected [L·D=" + ld + ", N=" + batch + ", H=" + spec.hiddenSize()
                    + "] = " + cExpected + " floats but was " + initialC.length);
        }
        if (outputs != null && outputs.contains(OutputKind.C_FINAL) && !lstm) {
            throw new IllegalArgumentException("outputs: C_FINAL is only defined for LSTM cells, not " + spec.cell().shortName());
        }
        // Final states [L·D, N, S] are arrays too; many layers can push them past 2^31 while X and Y stay small.
        if (hExpected > RnnSpec.MAX_ARRAY_ELEMENTS || cExpected > RnnSpec.MAX_ARRAY_ELEMENTS) {
            throw new IllegalArgumentException("final h/c: [L·D=" + ld + ", N=" + batch + ", " + Math.max(spec.stateSize(), spec.hiddenSize())
                    + "] needs " + Math.max(hExpected, cExpected) + " floats, more than the " + RnnSpec.MAX_ARRAY_ELEMENTS + " a Java array holds");
        }
        long yElements = (long) steps * batch * spec.outputSize();
        if (yInto != null) {
            if (!wants(OutputKind.Y, spec)) {
                throw new IllegalArgumentException("yInto: expected no buffer, since Y is not among the requested outputs " + outputs);
            }
            if (yInto.remaining() != yElements) {
                throw new IllegalArgumentException("yInto: expected T·N·C = " + steps + "·" + batch + "·" + spec.outputSize()
                        + " = " + yElements + " floats but the buffer has " + yInto.remaining());
            }
        }
        if (yElements > RnnSpec.MAX_ARRAY_ELEMENTS) {
            throw new IllegalArgumentException("Y: [T=" + steps + ", N=" + batch + ", C=" + spec.outputSize()
                    + "] needs " + yElements + " floats, more than the " + RnnSpec.MAX_ARRAY_ELEMENTS + " a Java array holds");
        }
    }

    public static Builder builder(float[] x, Layout layout, int steps, int batch) {
        return new Builder(FloatBuffer.wrap(Objects.requireNonNull(x, "x")), layout, steps, batch);
    }

    /** X from a (typically direct) buffer: its remaining floats, from its current position, are X. */
    public static Builder builder(FloatBuffer x, Layout layout, int steps, int batch) {
        return new Builder(Objects.requireNonNull(x, "x").slice(), layout, steps, batch);
    }

    /** Time-major input of T steps and N sequences with every output computed. */
    public static RnnInput of(float[] x, int steps, int batch) {
        return builder(x, Layout.TIME_MAJOR, steps, batch).build();
    }

    /** Single-threaded builder; {@link #build()} checks what can be checked without the spec. */
    public static final class Builder {
        private final FloatBuffer x;
        private final Layout layout;
        private final int steps;
        private final int batch;
        private int[] sequenceLengths;
        private float[] initialH;
        private float[] initialC;
        private EnumSet<OutputKind> outputs;
        private FloatBuffer yInto;

        private Builder(FloatBuffer x, Layout layout, int steps, int batch) {
            this.x = x;
            this.layout = Objects.requireNonNull(layout, "layout");
            if (steps <= 0) throw new IllegalArgumentException("steps (T): expected > 0 but was " + steps);
            if (batch <= 0) throw new IllegalArgumentException("batch (N): expected > 0 but was " + batch);
            this.steps = steps;
            this.batch = batch;
        }

        /** Per-sequence lengths, {@code int[N]}, each in {@code [0, T]}; copied. */
        public Builder sequenceLengths(int... lengths) {
            if (lengths == null) { this.sequenceLengths = null; return this; }
            if (lengths.length != batch) {
                throw new IllegalArgumentException("sequenceLengths: expected N = " + batch + " entries but was " + lengths.length);
            }
            for (int n = 0; n < lengths.length; n++) {
                if (lengths[n] < 0 || lengths[n] > steps) {
                    throw new IllegalArgumentException("sequenceLengths[" + n + "]: expected a value in [0, T=" + steps + "] but was " + lengths[n]);
                }
            }
            this.sequenceLengths = Arrays.copyOf(lengths, lengths.length);
            return this;
        }

        public Builder initialH(float[] h) { this.initialH = h; return this; }

        public Builder initialC(float[] c) { this.initialC = c; return this; }

        /** Restricts the computed outputs to {@code kinds} (default: all that the cell defines). */
        public Builder outputs(Set<OutputKind> kinds) {
            outputs = kinds.isEmpty() ? EnumSet.noneOf(OutputKind.class) : EnumSet.copyOf(kinds);
            return this;
        }

        /**
         * Writes Y into {@code y} — its remaining floats from its current position, in this input's layout — instead
         * of a new array; {@link RnnOutput#y()} is then {@code null}. Saves the per-call allocation; with a direct
         * buffer and a long time-major sequence oneDNN writes into it without an intermediate copy. The buffer is the
         * call's while it runs (do not share it between concurrent calls), and its contents are unspecified if
         * {@code forward} throws. Any byte order works; a direct buffer in {@link java.nio.ByteOrder#nativeOrder()}
         * ({@code ByteBuffer.allocateDirect(4 * n).order(ByteOrder.nativeOrder()).asFloatBuffer()}) is the one
         * oneDNN can write into directly.
         */
        public Builder yInto(FloatBuffer y) {
            Objects.requireNonNull(y, "yInto");
            if (y.isReadOnly()) throw new IllegalArgumentException("yInto: expected a writable buffer but it is read-only");
            this.yInto = y.slice();
            return this;
        }

        public RnnInput build() { return new RnnInput(this); }
    }
}
