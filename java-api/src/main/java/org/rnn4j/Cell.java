package org.rnn4j;

import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * The recurrent cell of a layer. Immutable and thread-safe; invalid combinations cannot be constructed.
 *
 * <p>Canonical gate order of weights (see {@link RnnWeights}): RNN one gate; LSTM {@code i, f, g, o};
 * GRU {@code z, r, n}.
 */
public sealed interface Cell permits Cell.Rnn, Cell.Lstm, Cell.Gru {

    /** G: gates per direction, i.e. the row blocks of W and R. */
    int gateCount();

    /** How many activation functions the ONNX operator takes per direction (RNN 1, LSTM 3, GRU 2). */
    int activationsPerDirection();

    /** ONNX default activations for one direction. */
    List<Activation> defaultActivations();

    /** Short name used in case names and messages, e.g. {@code lstm_peephole}. */
    String shortName();

    /** Width of the recurrent state h: the projection size for LSTMP, else the hidden size. */
    default int stateSize(int hiddenSize) { return hiddenSize; }

    /** Vanilla (Elman) RNN: {@code h' = f(W x + R h + Wb + Rb)}. */
    record Rnn(Activation activation) implements Cell {
        public Rnn {
            Objects.requireNonNull(activation, "activation");
        }

        @Override public int gateCount() { return 1; }

        @Override public int activationsPerDirection() { return 1; }

        @Override public List<Activation> defaultActivations() { return List.of(activation); }

        @Override public String shortName() { return "rnn_" + activation.kind().onnxName().toLowerCase(java.util.Locale.ROOT); }
    }

    /** How the input and forget gates of an LSTM are tied together. */
    enum Coupling {
        /** Independent input and forget gates. */
        NONE,
        /** {@code f = 1 - i} (ONNX {@code input_forget = 1}); the forget rows of the weights are ignored. */
        FORGET_FROM_INPUT,
        /** {@code i = 1 - f} (the CIFG of Greff et al.); the input-gate rows of the weights are ignored. */
        INPUT_FROM_FORGET
    }

    /**
     * LSTM with optional peepholes on any subset of {i, f, o}, optional input/forget coupling and optional output
     * projection ({@code projectionSize = 0} means none).
     */
    record Lstm(Set<Gate> peepholes, Coupling coupling, int projectionSize) implements Cell {
        public Lstm {
            Objects.requireNonNull(peepholes, "peepholes");
            Objects.requireNonNull(coupling, "coupling");
            if (projectionSize < 0) {
                throw new IllegalArgumentException("projectionSize: expected 0 (none) or > 0 but was " + projectionSize);
            }
            peepholes = peepholes.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(peepholes));
        }

        /** Plain LSTM. */
        public Lstm() { this(Set.of(), Coupling.NONE, 0); }

        public Lstm withPeepholes(Gate... gates) {
            return new Lstm(gates.length == 0 ? Set.of() : EnumSet.of(gates[0], gates), coupling, projectionSize);
        }

        public Lstm withAllPeepholes() { return new Lstm(EnumSet.allOf(Gate.class), coupling, projectionSize); }

        public Lstm withCoupling(Coupling newCoupling) { return new Lstm(peepholes, newCoupling, projectionSize); }

        public Lstm withProjection(int size) { return new Lstm(peepholes, coupling, size); }

        public boolean hasPeephole(Gate gate) { return peepholes.contains(gate); }

        public boolean hasProjection() { return projectionSize > 0; }

        @Override public int gateCount() { return 4; }

        @Override public int activationsPerDirection() { return 3; }

        @Override public List<Activation> defaultActivations() { return List.of(Activation.SIGMOID, Activation.TANH, Activation.TANH); }

        @Override public int stateSize(int hiddenSize) { return projectionSize > 0 ? projectionSize : hiddenSize; }

        @Override public String shortName() {
            StringBuilder b = new StringBuilder("lstm");
            if (!peepholes.isEmpty()) {
                b.append(peepholes.size() == 3 ? "_peephole" : "_peephole_");
                if (peepholes.size() < 3) for (Gate g : peepholes) b.append(Character.toLowerCase(g.name().charAt(0)));
            }
            if (coupling == Coupling.FORGET_FROM_INPUT) b.append("_cifg_f");
            if (coupling == Coupling.INPUT_FROM_FORGET) b.append("_cifg_i");
            if (projectionSize > 0) b.append("_p").append(projectionSize);
            return b.toString();
        }
    }

    /** Where a GRU applies the reset gate. */
    enum ResetMode {
        /** {@code n = g(Wn x + Rn (r ⊙ h) + Wbn + Rbn)} (ONNX {@code linear_before_reset = 0}). */
        RESET_BEFORE,
        /** {@code n = g(Wn x + Wbn + r ⊙ (Rn h + Rbn))} (ONNX 1; PyTorch and cuDNN). */
        LINEAR_BEFORE_RESET
    }

    /** GRU: {@code h' = (1 - z) ⊙ n + z ⊙ h}. */
    record Gru(ResetMode resetMode) implements Cell {
        public Gru {
            Objects.requireNonNull(resetMode, "resetMode");
        }

        @Override public int gateCount() { return 3; }

        @Override public int activationsPerDirection() { return 2; }

        @Override public List<Activation> defaultActivations() { return List.of(Activation.SIGMOID, Activation.TANH); }

        @Override public String shortName() { return resetMode == ResetMode.RESET_BEFORE ? "gru" : "gru_lbr"; }
    }

    static Rnn rnn(Activation activation) { return new Rnn(activation); }

    static Lstm lstm() { return new Lstm(); }

    static Gru gru(ResetMode mode) { return new Gru(mode); }
}
