package org.rnn4j.onednn;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.gru_forward;
import org.bytedeco.dnnl.lbr_gru_forward;
import org.bytedeco.dnnl.lstm_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.rnn_primitive_desc_base;
import org.bytedeco.dnnl.vanilla_rnn_forward;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.memory.data_type;
import org.bytedeco.dnnl.memory.format_tag;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.NativeBackendException;
import org.rnn4j.RnnSpec;

/**
 * Builds the memory descriptors and primitive descriptor of one layer's RNN primitive, by cell kind. Immutable and
 * thread-safe; every descriptor it returns is a fresh JavaCPP object the caller owns (create them in a
 * {@code PointerScope}).
 *
 * <p>User I/O is f32 (or bf16 inside a bf16 primitive), {@code tnc} or {@code ntc} for sequences and {@code ldnc}
 * for states; weights are {@code format_tag.any} so the primitive picks its layout; bias and peephole are f32
 * {@code ldgo} as oneDNN requires for every data type.
 */
final class PrimitiveDescs {
    private final engine eng;
    private final RnnSpec spec;
    private final Cell cell;
    private final Activation rnnActivation;
    private final dnnl.rnn_direction direction;
    final int directions;
    final int inputSize;
    final int stateSize;
    final int hiddenSize;
    final int gates;
    final int biasGates;
    final boolean peephole;
    final boolean projection;
    final boolean lstm;
    private final data_type dt;

    PrimitiveDescs(engine eng, RnnSpec spec, int layer, int directionIndex, dnnl.rnn_direction direction, int directions) {
        this.eng = eng;
        this.spec = spec;
        this.cell = spec.cell();
        this.direction = direction;
        this.directions = directions;
        this.inputSize = spec.layerInputSize(layer);
        this.stateSize = spec.stateSize();
        this.hiddenSize = spec.hiddenSize();
        this.gates = cell.gateCount();
        boolean lbr = cell instanceof Cell.Gru && ((Cell.Gru) cell).resetMode() == Cell.ResetMode.LINEAR_BEFORE_RESET;
        this.biasGates = lbr ? 4 : gates;
        this.lstm = cell instanceof Cell.Lstm;
        this.peephole = lstm && !((Cell.Lstm) cell).peepholes().isEmpty();
        this.projection = lstm && ((Cell.Lstm) cell).hasProjection();
        this.rnnActivation = cell instanceof Cell.Rnn ? spec.activationsOf(directionIndex).get(0) : null;
        this.dt = spec.dataType() == DataType.F32 ? data_type.f32 : spec.dataType() == DataType.BF16 ? data_type.bf16 : data_type.f16;
    }

    /** Attributes of every primitive: a user-provided scratchpad, so calls on many threads never share one. */
    primitive_attr attr() {
        primitive_attr attr = new primitive_attr();
        attr.set_scratchpad_mode(dnnl.scratchpad_mode.user);
        return attr;
    }

    private static memory.desc md(data_type t, format_tag tag, long... dims) { return new memory.desc(dims, t, tag); }

    memory.desc srcLayer(int steps, int batch, boolean batchMajor) {
        return batchMajor ? md(dt, format_tag.ntc, batch, steps, inputSize) : md(dt, format_tag.tnc, steps, batch, inputSize);
    }

    /** Output channels of the primitive: 2S for bidirectional concat, S otherwise. */
    int dstChannels() { return direction == dnnl.rnn_direction.bidirectional_concat ? 2 * stateSize : stateSize; }

    memory.desc dstLayer(int steps, int batch, boolean batchMajor) {
        int c = dstChannels();
        return batchMajor ? md(dt, format_tag.ntc, batch, steps, c) : md(dt, format_tag.tnc, steps, batch, c);
    }

    memory.desc iter(int batch) { return md(dt, format_tag.ldnc, 1, directions, batch, stateSize); }

    /** The cell state stays f32 even in a bf16 primitive (oneDNN allows it; it keeps c exact to f32). */
    memory.desc iterC(int batch) { return md(data_type.f32, format_tag.ldnc, 1, directions, batch, hiddenSize); }

    memory.desc userWeightsLayer() { return md(data_type.f32, format_tag.ldigo, 1, directions, inputSize, gates, hiddenSize); }

    memory.desc userWeightsIter() { return md(data_type.f32, format_tag.ldigo, 1, directions, stateSize, gates, hiddenSize); }

    memory.desc userBias() { return md(data_type.f32, format_tag.ldgo, 1, directions, biasGates, hiddenSize); }

    memory.desc userPeephole() { return md(data_type.f32, format_tag.ldgo, 1, directions, 3, hiddenSize); }

    memory.desc userProjection() { return md(data_type.f32, format_tag.ldio, 1, directions, hiddenSize, stateSize); }

    /**
     * The primitive descriptor for T steps, N sequences.
     *
     * @throws org.rnn4j.UnsupportedConfigurationException if oneDNN has no implementation (e.g. bf16 on this CPU)
     * @throws NativeBackendException for any other oneDNN failure, with the status and the spec's case name
     */
    rnn_primitive_desc_base create(primitive_attr attr, int steps, int batch, boolean srcBatchMajor, boolean dstBatchMajor) {
        return create(attr, steps, batch, srcBatchMajor, dstBatchMajor, true, true);
    }

    /**
     * As {@link #create(primitive_attr, int, int, boolean, boolean)}; without {@code srcStates} the primitive takes no
     * initial h/c (oneDNN starts from zeros), without {@code dstStates} it writes no final h/c. Leaving them out saves
     * the zero-fill and lets oneDNN run its plain first-step kernel instead of the one that fuses the state input.
     */
    rnn_primitive_desc_base create(primitive_attr attr, int steps, int batch, boolean srcBatchMajor, boolean dstBatchMajor,
                                   boolean srcStates, boolean dstStates) {
        rnn_primitive_desc_base pd;
        try {
            pd = build(attr, steps, batch, srcBatchMajor, dstBatchMajor, srcStates, dstStates);
        } catch (RuntimeException e) {
            throw OneDnnErrors.translate("creating the " + cell.shortName() + " primitive descriptor (T=" + steps
                    + ", N=" + batch + ")", e, spec);
        }
        if (!pd.asBoolean()) {
            if (dt != data_type.f32) throw LayerProgram.unsupportedType(spec);
            throw new NativeBackendException(OneDnnErrors.BACKEND, "creating the " + cell.shortName()
                    + " primitive descriptor (T=" + steps + ", N=" + batch + ")", OneDnnErrors.describeStatus(3), spec.caseName(), null);
        }
        return pd;
    }

    private rnn_primitive_desc_base build(primitive_attr attr, int t, int n, boolean srcNtc, boolean dstNtc,
                                          boolean srcStates, boolean dstStates) {
        dnnl.prop_kind prop = dnnl.prop_kind.forward_inference;
        memory.desc src = srcLayer(t, n, srcNtc);
        memory.desc dst = dstLayer(t, n, dstNtc);
        memory.desc wl = md(dt, format_tag.any, 1, directions, inputSize, gates, hiddenSize);
        memory.desc wi = md(dt, format_tag.any, 1, directions, stateSize, gates, hiddenSize);
        memory.desc bias = userBias();
        // an empty descriptor is oneDNN's "no such argument"
        memory.desc hIn = srcStates ? iter(n) : new memory.desc();
        memory.desc hOut = dstStates ? iter(n) : new memory.desc();
        if (cell instanceof Cell.Rnn) {
            dnnl.algorithm alg;
            float alpha = 0f;
            switch (rnnActivation.kind()) {
                case TANH: alg = dnnl.algorithm.eltwise_tanh; break;
                case SIGMOID: alg = dnnl.algorithm.eltwise_logistic; break;
                case RELU: alg = dnnl.algorithm.eltwise_relu; break;
                case LEAKY_RELU: alg = dnnl.algorithm.eltwise_relu; alpha = (float) rnnActivation.alpha(); break;
                default: throw new IllegalStateException("composed activation reached the native path: " + rnnActivation);
            }
            return new vanilla_rnn_forward.primitive_desc(eng, prop, alg, direction, src, hIn, wl, wi, bias, dst, hOut, alpha, attr, true);
        }
        if (lstm) {
            memory.desc cIn = srcStates ? iterC(n) : new memory.desc();
            memory.desc cOut = dstStates ? iterC(n) : new memory.desc();
            memory.desc peep = peephole ? userPeephole() : new memory.desc();
            if (projection) {
                memory.desc proj = md(dt, format_tag.any, 1, directions, hiddenSize, stateSize);
                return new lstm_forward.primitive_desc(eng, prop, direction, src, hIn, cIn, wl, wi, peep, proj, bias,
                        dst, hOut, cOut, attr, true);
            }
            if (peephole) {
                return new lstm_forward.primitive_desc(eng, prop, direction, src, hIn, cIn, wl, wi, peep, bias,
                        dst, hOut, cOut, attr, true);
            }
            return new lstm_forward.primitive_desc(eng, prop, direction, src, hIn, cIn, wl, wi, bias, dst, hOut, cOut, attr, true);
        }
        if (biasGates == 4) {
            return new lbr_gru_forward.primitive_desc(eng, prop, direction, src, hIn, wl, wi, bias, dst, hOut, attr, true);
        }
        return new gru_forward.primitive_desc(eng, prop, direction, src, hIn, wl, wi, bias, dst, hOut, attr, true);
    }
}
