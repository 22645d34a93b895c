package org.rnn4j.onnx;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.rnn4j.Activation;
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
 * One {@link OnnxRnnModel} with its input tensors bound: the rnn4j spec, weights and input they describe, and the
 * conversion of an {@link RnnOutput} back to the model's outputs. Immutable and thread-safe; may be run on several
 * backends, one {@code prepare} each.
 */
public final class OnnxBinding {
    private final OnnxRnnModel model;
    private final RnnSpec spec;
    private final RnnWeights weights;
    private final RnnInput input;

    private OnnxBinding(OnnxRnnModel model, RnnSpec spec, RnnWeights weights, RnnInput input) {
        this.model = model;
        this.spec = spec;
        this.weights = weights;
        this.input = input;
    }

    /** {@code bySlot}: the tensor of each node input slot, {@code null} where absent. */
    static OnnxBinding create(OnnxRnnModel model, OnnxTensor[] bySlot) {
        RecurrentOperator op = model.op();
        NodeAttributes a = model.attributes();
        for (int s = 0; s < bySlot.length; s++) {
            OnnxTensor t = bySlot[s];
            OnnxTensor.ElementType expected = s == RecurrentOperator.SEQUENCE_LENS ? OnnxTensor.ElementType.INT32 : OnnxTensor.ElementType.FLOAT;
            if (t != null && t.type() != expected) {
                throw new IllegalArgumentException(t.source() + ": expected data_type " + OnnxTensor.typeName(expected.onnxCode())
                        + " for " + op + " input " + op.inputSlots().get(s) + " but was " + OnnxTensor.typeName(t.type().onnxCode()));
            }
        }
        int dirs = a.direction().count();
        int gates = op.gates();
        OnnxTensor w = bySlot[RecurrentOperator.W];
        OnnxTensor r = bySlot[RecurrentOperator.R];
        OnnxTensor x = bySlot[RecurrentOperator.X];
        requireRank(w, 3, "[num_directions, G·hidden_size, input_size]");
        requireRank(r, 3, "[num_directions, G·hidden_size, hidden_size]");
        int hidden = a.hiddenSize().orElse(toInt(r.dim(2), r));
        int inputSize = toInt(w.dim(2), w);
        if (inputSize <= 0) throw new IllegalArgumentException(w.source() + ": input_size (dim 2) must be > 0 but was " + inputSize);
        long gh = (long) gates * hidden;
        requireDims(w, "[num_directions, " + gates + "·hidden_size, input_size]", dirs, gh, inputSize);
        requireDims(r, "[num_directions, " + gates + "·hidden_size, hidden_size]", dirs, gh, hidden);
        OnnxTensor b = bySlot[RecurrentOperator.B];
        if (b != null) requireDims(b, "[num_directions, 2·" + gates + "·hidden_size]", dirs, 2 * gh);
        OnnxTensor p = op == RecurrentOperator.LSTM ? bySlot[RecurrentOperator.P] : null;
        if (p != null) requireDims(p, "[num_directions, 3·hidden_size]", dirs, 3L * hidden);

        requireRank(x, 3, a.layout() == 0 ? "[seq_length, batch_size, input_size]" : "[batch_size, seq_length, input_size]");
        int steps = toInt(x.dim(a.layout() == 0 ? 0 : 1), x);
        int batch = toInt(x.dim(a.layout() == 0 ? 1 : 0), x);
        if (steps <= 0 || batch <= 0) {
            throw new IllegalArgumentException(x.source() + ": expected seq_length and batch_size > 0 but dims were "
                    + Arrays.toString(x.dims()));
        }
        requireDims(x, a.layout() == 0 ? "[seq_length, batch_size, input_size]" : "[batch_size, seq_length, input_size]",
                x.dim(0), x.dim(1), inputSize);

        Cell cell = cell(op, a, p != null);
        RnnSpec.Builder sb = RnnSpec.builder(cell).inputSize(inputSize).hiddenSize(hidden).direction(a.direction());
        if (a.activations() != null) sb.activations(a.activations());
        a.clip().ifPresent(sb::clip);
        RnnSpec spec;
        try {
            spec = sb.build();
        } catch (IllegalArgumentException e) {
            // The spec's own checks speak rnn4j; say which model they are about.
            throw new IllegalArgumentException(model.source() + ": the " + op + " node does not describe a valid layer: "
                    + e.getMessage(), e);
        }
        RnnWeights weights = RnnWeights.of(spec, OnnxLayouts.importWeights(op, dirs, hidden, inputSize, w.floats(), r.floats(),
                b == null ? null : b.floats(), p == null ? null : p.floats()));

        Layout layout = a.layout() == 0 ? Layout.TIME_MAJOR : Layout.BATCH_MAJOR;
        RnnInput.Builder ib = RnnInput.builder(x.floats(), layout, steps, batch);
        OnnxTensor lens = bySlot[RecurrentOperator.SEQUENCE_LENS];
        if (lens != null) {
            requireDims(lens, "[batch_size]", batch);
            for (int n = 0; n < batch; n++) {
                int len = lens.ints()[n];
                if (len < 0 || len > steps) {
                    throw new IllegalArgumentException(lens.source() + ": element " + n + " expected in [0, seq_length="
                            + steps + "] but was " + len);
                }
            }
            ib.sequenceLengths(lens.ints());
        }
        ib.initialH(state(bySlot[RecurrentOperator.INITIAL_H], a.layout(), dirs, batch, hidden));
        if (op == RecurrentOperator.LSTM) ib.initialC(state(bySlot[RecurrentOperator.INITIAL_C], a.layout(), dirs, batch, hidden));
        Set<OutputKind> wanted = EnumSet.noneOf(OutputKind.class);
        for (int k = 0; k < model.outputNames().size(); k++) wanted.add(kindOf(model.outputSlot(k)));
        ib.outputs(wanted);
        OnnxBinding binding = new OnnxBinding(model, spec, weights, ib.build());
        for (int k = 0; k < model.outputNames().size(); k++) {
            OnnxRnnModel.checkDeclaredShape(model.outputInfos().get(k), binding.outputDims(model.outputSlot(k)),
                    model.source() + ": graph output '" + model.outputNames().get(k) + "'");
        }
        return binding;
    }

    private static Cell cell(RecurrentOperator op, NodeAttributes a, boolean peepholes) {
        switch (op) {
            case RNN:
                return new Cell.Rnn(a.activations() == null ? Activation.TANH : a.activations().get(0));
            case LSTM: {
                Cell.Lstm lstm = new Cell.Lstm().withCoupling(a.inputForget() ? Cell.Coupling.FORGET_FROM_INPUT : Cell.Coupling.NONE);
                return peepholes ? lstm.withAllPeepholes() : lstm;
            }
            default:
                return new Cell.Gru(a.linearBeforeReset() ? Cell.ResetMode.LINEAR_BEFORE_RESET : Cell.ResetMode.RESET_BEFORE);
        }
    }

    /** ONNX initial state ({@code [D,N,H]} layout 0, {@code [N,D,H]} layout 1) as rnn4j {@code [D,N,H]}. */
    private static float[] state(OnnxTensor t, int layout, int dirs, int batch, int hidden) {
        if (t == null) return null;
        if (layout == 0) {
            requireDims(t, "[num_directions, batch_size, hidden_size]", dirs, batch, hidden);
            return t.floats();
        }
        requireDims(t, "[batch_size, num_directions, hidden_size]", batch, dirs, hidden);
        return OnnxLayouts.swapLeadingAxes(t.floats(), batch, dirs, hidden);
    }

    private static OutputKind kindOf(int slot) {
        return slot == RecurrentOperator.Y ? OutputKind.Y : slot == RecurrentOperator.Y_H ? OutputKind.H_FINAL : OutputKind.C_FINAL;
    }

    private static void requireRank(OnnxTensor t, int rank, String shape) {
        if (t.rank() != rank) {
            throw new IllegalArgumentException(t.source() + ": expected rank " + rank + " " + shape + " but dims were "
                    + Arrays.toString(t.dims()));
        }
    }

    private static void requireDims(OnnxTensor t, String shape, long... expected) {
        if (!Arrays.equals(t.dims(), expected)) {
            throw new IllegalArgumentException(t.source() + ": expected dims " + Arrays.toString(expected) + " " + shape
                    + " but was " + Arrays.toString(t.dims()));
        }
    }

    private static int toInt(long v, OnnxTensor t) {
        if (v > Integer.MAX_VALUE) throw new IllegalArgumentException(t.source() + ": dimension " + v + " is too large");
        return (int) v;
    }

    /** ONNX dims of node output {@code slot}: Y {@code [T,D,N,H]} / {@code [N,T,D,H]}; Y_h, Y_c {@code [D,N,H]} / {@code [N,D,H]}. */
    private long[] outputDims(int slot) {
        long t = input.steps();
        long n = input.batch();
        long d = spec.direction().count();
        long h = spec.hiddenSize();
        boolean layout0 = input.layout() == Layout.TIME_MAJOR;
        if (slot == RecurrentOperator.Y) return layout0 ? new long[] {t, d, n, h} : new long[] {n, t, d, h};
        return layout0 ? new long[] {d, n, h} : new long[] {n, d, h};
    }

    /** The spec the node describes (one layer; ONNX has no stacking). */
    public RnnSpec spec() { return spec; }

    /** The weights in canonical gate order. */
    public RnnWeights weights() { return weights; }

    /** X, sequence lengths and initial states in rnn4j layout, asking only for the outputs the graph wants. */
    public RnnInput input() { return input; }

    /** Names of the graph outputs, in order. */
    public List<String> outputNames() { return model.outputNames(); }

    /** Prepares the spec on {@code backend}, runs it once, closes it and returns the graph outputs in order. */
    public List<OnnxTensor> run(Backend backend) {
        try (PreparedRnn prepared = backend.prepare(spec, weights)) {
            return outputs(prepared.forward(input));
        }
    }

    /** Converts a forward result of {@link #input()} into the graph outputs, ONNX shapes, in graph order. */
    public List<OnnxTensor> outputs(RnnOutput out) {
        int steps = input.steps();
        int batch = input.batch();
        int dirs = spec.direction().count();
        int hidden = spec.hiddenSize();
        boolean layout0 = input.layout() == Layout.TIME_MAJOR;
        List<OnnxTensor> result = new ArrayList<>();
        for (int k = 0; k < model.outputNames().size(); k++) {
            int slot = model.outputSlot(k);
            float[] ours = slot == RecurrentOperator.Y ? out.y() : slot == RecurrentOperator.Y_H ? out.hFinal() : out.cFinal();
            if (ours == null) {
                throw new IllegalStateException("backend returned no " + kindOf(slot) + " for graph output '"
                        + model.outputNames().get(k) + "' although it was asked for");
            }
            float[] onnx;
            if (slot == RecurrentOperator.Y) {
                onnx = layout0 ? OnnxLayouts.timeMajorYToOnnx(ours, steps, batch, dirs, hidden) : ours.clone();
            } else {
                onnx = layout0 ? ours.clone() : OnnxLayouts.swapLeadingAxes(ours, dirs, batch, hidden);
            }
            result.add(OnnxTensor.ofFloats(model.outputNames().get(k), onnx, outputDims(slot)));
        }
        return result;
    }
}
