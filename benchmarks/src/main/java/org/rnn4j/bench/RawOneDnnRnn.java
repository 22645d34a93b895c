package org.rnn4j.bench;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS_PEEPHOLE;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.gru_forward;
import org.bytedeco.dnnl.lbr_gru_forward;
import org.bytedeco.dnnl.lstm_forward;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;

/**
 * The floor rnn4j adds to: the same oneDNN RNN primitives, created once and executed with fixed, pre-built argument
 * maps and no input/output copies. Written independently of rnn4j's backend so the comparison is honest.
 * Not thread-safe; one instance per benchmark thread; {@link #close()} frees everything.
 */
final class RawOneDnnRnn implements AutoCloseable {
    enum Kind { LSTM, LSTM_PEEPHOLE, GRU, LBR_GRU }

    private final engine eng = new engine(engine.kind.cpu, 0);
    private final stream strm = new stream(eng);
    private final List<primitive> primitives = new ArrayList<>();
    private final List<IntMemoryMap> args = new ArrayList<>();
    private final List<Pointer> owned = new ArrayList<>();
    private final FloatPointer input;

    /** One primitive per layer (PyTorch stacking: layer l+1 reads both directions of layer l), all f32. */
    RawOneDnnRnn(Kind kind, int layers, boolean bidirectional, int steps, int batch, int inputSize, int hidden) {
        int d = bidirectional ? 2 : 1;
        int g = kind == Kind.GRU || kind == Kind.LBR_GRU ? 3 : 4;
        int biasGates = kind == Kind.LBR_GRU ? 4 : g;
        dnnl.rnn_direction dir = bidirectional ? dnnl.rnn_direction.bidirectional_concat : dnnl.rnn_direction.unidirectional_left2right;
        SplittableRandom rnd = new SplittableRandom(7);
        input = own(random(rnd, (long) steps * batch * inputSize));
        memory src = own(new memory(desc(memory.format_tag.tnc, steps, batch, inputSize), eng, input));
        int in = inputSize;
        for (int l = 0; l < layers; l++) {
            memory.desc srcD = desc(memory.format_tag.tnc, steps, batch, in);
            memory.desc dstD = desc(memory.format_tag.tnc, steps, batch, d * hidden);
            memory.desc wl = anyDesc(1, d, in, g, hidden);
            memory.desc wi = anyDesc(1, d, hidden, g, hidden);
            memory.desc bias = desc(memory.format_tag.ldgo, 1, d, biasGates, hidden);
            memory.desc none = new memory.desc();
            dnnl.prop_kind inference = dnnl.prop_kind.forward_inference;
            primitive p;
            memory.desc wlPd;
            memory.desc wiPd;
            memory.desc peepPd = null;
            if (kind == Kind.LSTM || kind == Kind.LSTM_PEEPHOLE) {
                memory.desc peep = kind == Kind.LSTM_PEEPHOLE ? desc(memory.format_tag.ldgo, 1, d, 3, hidden) : none;
                lstm_forward.primitive_desc pd = new lstm_forward.primitive_desc(eng, inference, dir, srcD, none, none,
                        wl, wi, peep, none, bias, dstD, none, none);
                p = own(new lstm_forward(pd));
                wlPd = pd.weights_layer_desc();
                wiPd = pd.weights_iter_desc();
                if (kind == Kind.LSTM_PEEPHOLE) peepPd = pd.weights_peephole_desc();
            } else if (kind == Kind.GRU) {
                gru_forward.primitive_desc pd = new gru_forward.primitive_desc(eng, inference, dir, srcD, none, wl, wi, bias, dstD, none);
                p = own(new gru_forward(pd));
                wlPd = pd.weights_layer_desc();
                wiPd = pd.weights_iter_desc();
            } else {
                lbr_gru_forward.primitive_desc pd = new lbr_gru_forward.primitive_desc(eng, inference, dir, srcD, none, wl, wi, bias, dstD, none);
                p = own(new lbr_gru_forward(pd));
                wlPd = pd.weights_layer_desc();
                wiPd = pd.weights_iter_desc();
            }
            memory dst = own(new memory(dstD, eng));
            IntMemoryMap m = own(new IntMemoryMap());
            m.put(DNNL_ARG_SRC_LAYER, src);
            m.put(DNNL_ARG_WEIGHTS_LAYER, reordered(rnd, desc(memory.format_tag.ldigo, 1, d, in, g, hidden), wlPd));
            m.put(DNNL_ARG_WEIGHTS_ITER, reordered(rnd, desc(memory.format_tag.ldigo, 1, d, hidden, g, hidden), wiPd));
            m.put(DNNL_ARG_BIAS, own(new memory(bias, eng, own(random(rnd, (long) d * biasGates * hidden)))));
            if (peepPd != null) m.put(DNNL_ARG_WEIGHTS_PEEPHOLE, reordered(rnd, desc(memory.format_tag.ldgo, 1, d, 3, hidden), peepPd));
            m.put(DNNL_ARG_DST_LAYER, dst);
            primitives.add(p);
            args.add(m);
            src = dst;
            in = d * hidden;
        }
    }

    /**
     * The raw primitive for a benchmark shape. Lengths are not a oneDNN concept: a ragged shape runs padded to T,
     * which is exactly what rnn4j must never be slower than. CIFG runs as a plain LSTM (rnn4j's CIFG is the LSTM
     * primitive with negated weights, so the plain primitive is its floor).
     */
    static RawOneDnnRnn forShape(BenchShape s, org.rnn4j.DataType type) {
        if (type != org.rnn4j.DataType.F32) throw new UnsupportedOperationException("raw-onednn baseline is f32 only");
        Kind kind;
        if (s.cell instanceof org.rnn4j.Cell.Gru) {
            kind = ((org.rnn4j.Cell.Gru) s.cell).resetMode() == org.rnn4j.Cell.ResetMode.RESET_BEFORE ? Kind.GRU : Kind.LBR_GRU;
        } else {
            kind = ((org.rnn4j.Cell.Lstm) s.cell).peepholes().isEmpty() ? Kind.LSTM : Kind.LSTM_PEEPHOLE;
        }
        return new RawOneDnnRnn(kind, s.layers, s.direction.isBidirectional(), s.steps, s.batch, s.input, s.hidden);
    }

    /** Runs every layer once and waits for the stream. */
    void run() {
        for (int i = 0; i < primitives.size(); i++) primitives.get(i).execute(strm, args.get(i));
        strm._wait();
    }

    private memory reordered(SplittableRandom rnd, memory.desc userDesc, memory.desc target) {
        memory user = own(new memory(userDesc, eng, own(random(rnd, userDesc.get_size() / 4))));
        memory packed = own(new memory(target, eng));
        reorder r = new reorder(user, packed);
        r.execute(strm, user, packed);
        strm._wait();
        r.close();
        return packed;
    }

    private static memory.desc desc(memory.format_tag tag, long... dims) {
        return new memory.desc(dims, memory.data_type.f32, tag);
    }

    private static memory.desc anyDesc(long... dims) {
        return new memory.desc(dims, memory.data_type.f32, memory.format_tag.any);
    }

    private static FloatPointer random(SplittableRandom rnd, long n) {
        FloatPointer p = new FloatPointer(n);
        for (long i = 0; i < n; i++) p.put(i, (float) rnd.nextDouble(-0.1, 0.1));
        return p;
    }

    private <T extends Pointer> T own(T p) {
        owned.add(p);
        return p;
    }

    @Override
    public void close() {
        for (int i = owned.size() - 1; i >= 0; i--) owned.get(i).close();
        owned.clear();
        strm.close();
        eng.close();
    }
}
