package org.rnn4j;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What a recurrent layer stack computes: immutable, validated at {@link Builder#build()}, free of native state,
 * safe to share between threads.
 *
 * <p>{@code activations} is always resolved: {@code cell.activationsPerDirection() × direction.count()} entries,
 * forward direction first (the ONNX convention), the same list for every layer.
 */
public record RnnSpec(Cell cell, int inputSize, int hiddenSize, int layers, Direction direction,
                      OptionalDouble clip, List<Activation> activations, DataType dataType) {

    /** Largest element count of one weight or tensor array (Java arrays are int-indexed). */
    public static final long MAX_ARRAY_ELEMENTS = Integer.MAX_VALUE - 8;

    public RnnSpec {
        Objects.requireNonNull(cell, "cell");
        Objects.requireNonNull(direction, "direction");
        Objects.requireNonNull(clip, "clip");
        Objects.requireNonNull(dataType, "dataType");
        activations = copyOfActivations(activations);
        requirePositive("inputSize", inputSize);
        requirePositive("hiddenSize", hiddenSize);
        requirePositive("layers", layers);
        if (clip.isPresent() && !(clip.getAsDouble() > 0 && Double.isFinite(clip.getAsDouble()))) {
            throw new IllegalArgumentException("clip: expected a finite number > 0 but was " + clip.getAsDouble());
        }
        int expected = cell.activationsPerDirection() * direction.count();
        if (activations.size() != expected) {
            throw new IllegalArgumentException("activations: expected " + expected + " (" + cell.activationsPerDirection()
                    + " per direction × " + direction.count() + " directions) but was " + activations.size());
        }
        if (cell instanceof Cell.Rnn && !activations.get(0).equals(((Cell.Rnn) cell).activation())) {
            throw new IllegalArgumentException("activations[0]: expected the RNN cell's activation "
                    + ((Cell.Rnn) cell).activation() + " but was " + activations.get(0));
        }
        for (int l = 0; l < Math.min(layers, 2); l++) { // layers 1.. all have the same shapes
            long gateRows = (long) cell.gateCount() * hiddenSize;
            long in = layerInputSize(cell, inputSize, hiddenSize, l, direction);
            requireArraySize("W of layer " + l + " [G·H=" + gateRows + ", " + in + "]", gateRows, in);
            requireArraySize("R of layer " + l + " [G·H=" + gateRows + ", " + cell.stateSize(hiddenSize) + "]", gateRows,
                    cell.stateSize(hiddenSize));
        }
    }

    /**
     * An immutable copy; a null list or element is a {@link NullPointerException} naming {@code activations} and the
     * element's index ({@link List#copyOf} would throw one without a message).
     */
    private static List<Activation> copyOfActivations(List<Activation> activations) {
        Objects.requireNonNull(activations, "activations");
        for (int i = 0; i < activations.size(); i++) {
            if (activations.get(i) == null) {
                throw new NullPointerException("activations[" + i + "]: expected an Activation but was null (in "
                        + activations + ")");
            }
        }
        return List.copyOf(activations);
    }

    private static void requirePositive(String field, int value) {
        if (value <= 0) throw new IllegalArgumentException(field + ": expected > 0 but was " + value);
    }

    private static void requireArraySize(String what, long rows, long cols) {
        // rows·cols can pass Long.MAX_VALUE (G·H and I each near 2^31): compare without multiplying.
        if (rows > MAX_ARRAY_ELEMENTS / cols) {
            throw new IllegalArgumentException(what + ": expected at most " + MAX_ARRAY_ELEMENTS + " elements but needs "
                    + java.math.BigInteger.valueOf(rows).multiply(java.math.BigInteger.valueOf(cols)));
        }
    }

    private static long layerInputSize(Cell cell, int inputSize, int hiddenSize, int layer, Direction direction) {
        return layer == 0 ? inputSize : (long) cell.stateSize(hiddenSize) * direction.outputMultiplier();
    }

    /** Width of the recurrent state h (and of Y per direction): P for LSTMP, else H. */
    public int stateSize() { return cell.stateSize(hiddenSize); }

    /** Input channels of layer {@code l}: I for the first layer, the previous layer's output width after it. */
    public int layerInputSize(int layer) {
        if (layer < 0 || layer >= layers) throw new IndexOutOfBoundsException("layer: expected [0, " + layers + ") but was " + layer);
        return (int) layerInputSize(cell, inputSize, hiddenSize, layer, direction);
    }

    /** Channels of Y: {@code stateSize × 2} for bidirectional concat, else {@code stateSize}. */
    public int outputSize() { return stateSize() * direction.outputMultiplier(); }

    /** Activations of direction {@code d} (0 forward, 1 reverse; a REVERSE layer uses index 0). */
    public List<Activation> activationsOf(int d) {
        int k = cell.activationsPerDirection();
        return activations.subList(d * k, (d + 1) * k);
    }

    /** Case name in the benchdnn style, e.g. {@code lstm_peephole,l2,i13,h33,bidi_concat}. */
    public String caseName() {
        StringBuilder b = new StringBuilder(cell.shortName()).append(",l").append(layers)
                .append(",i").append(inputSize).append(",h").append(hiddenSize)
                .append(',').append(direction.shortName());
        clip.ifPresent(c -> b.append(",clip=").append(c));
        if (!activations.equals(defaultActivations(cell, direction))) b.append(",act=").append(activations);
        if (dataType != DataType.F32) b.append(',').append(dataType.name().toLowerCase(java.util.Locale.ROOT));
        return b.toString();
    }


    private static List<Activation> defaultActivations(Cell cell, Direction direction) {
        List<Activation> all = new ArrayList<>();
        for (int d = 0; d < direction.count(); d++) all.addAll(cell.defaultActivations());
        return all;
    }

    public static Builder builder(Cell cell) { return new Builder(cell); }

    /** Mutable, single-threaded builder; {@link #build()} validates every field. */
    public static final class Builder {
        private final Cell cell;
        private int inputSize;
        private int hiddenSize;
        private int layers = 1;
        private Direction direction = Direction.FORWARD;
        private OptionalDouble clip = OptionalDouble.empty();
        private List<Activation> activations;
        private DataType dataType = DataType.F32;

        private Builder(Cell cell) { this.cell = Objects.requireNonNull(cell, "cell"); }

        public Builder inputSize(int v) { this.inputSize = v; return this; }

        public Builder hiddenSize(int v) { this.hiddenSize = v; return this; }

        public Builder layers(int v) { this.layers = v; return this; }

        public Builder direction(Direction v) { this.direction = Objects.requireNonNull(v, "direction"); return this; }

        /** Clamps every gate pre-activation to {@code [-clip, clip]} (ONNX {@code clip}). */
        public Builder clip(double v) {
            if (Double.isNaN(v)) throw new IllegalArgumentException("clip: expected a finite number > 0 but was NaN");
            this.clip = OptionalDouble.of(v);
            return this;
        }

        public Builder noClip() { this.clip = OptionalDouble.empty(); return this; }

        /**
         * Activations in ONNX order, {@code activationsPerDirection × directions}, forward first; or, as a shorthand
         * that ONNX files do not have (the importer refuses it there), one direction's worth applied to every direction.
         */
        public Builder activations(List<Activation> v) { this.activations = copyOfActivations(v); return this; }

        public Builder activations(Activation... v) {
            return activations(Arrays.asList(Objects.requireNonNull(v, "activations")));
        }

        public Builder dataType(DataType v) { this.dataType = Objects.requireNonNull(v, "dataType"); return this; }

        public RnnSpec build() {
            List<Activation> resolved;
            if (activations == null) {
                resolved = defaultActivations(cell, direction);
            } else if (activations.size() == cell.activationsPerDirection() && direction.count() == 2) {
                resolved = new ArrayList<>(activations);
                resolved.addAll(activations);
            } else {
                resolved = activations;
            }
            return new RnnSpec(cell, inputSize, hiddenSize, layers, direction, clip, resolved, dataType);
        }
    }
}
