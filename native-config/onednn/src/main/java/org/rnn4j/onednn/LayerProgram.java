package org.rnn4j.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS_PEEPHOLE;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS_PROJECTION;

import java.util.ArrayList;
import java.util.List;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.rnn_primitive_desc_base;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.PointerScope;
import org.rnn4j.DataType;
import org.rnn4j.RnnSpec;
import org.rnn4j.UnsupportedConfigurationException;
import org.rnn4j.nativecommon.NativeResources;

/**
 * One layer of a spec on oneDNN, in one oneDNN direction mode, with its weights reordered once into the layouts
 * the primitive prefers ({@code format_tag.any}). Shapes (T, N) are bound later by {@link #newPrimitive}; weights are
 * shared read-only by every primitive and call. Thread-safe after construction; closed once by its owner.
 */
final class LayerProgram implements AutoCloseable {
    final RnnSpec spec;
    final engine eng;
    final PrimitiveDescs descs;
    private final NativeResources owned = new NativeResources();
    /** Prepared weights, index by {@link #WEIGHT_ARGS}; null where the cell has none (peephole, projection). */
    private final memory[] weights = new memory[WEIGHT_ARGS.length];
    /** Per slot, copies of the weights in other layouts some shapes want; guarded by itself. */
    @SuppressWarnings("unchecked")
    private final List<memory>[] relaid = new List[WEIGHT_ARGS.length];
    static final int[] WEIGHT_ARGS = {DNNL_ARG_WEIGHTS_LAYER, DNNL_ARG_WEIGHTS_ITER, DNNL_ARG_WEIGHTS_PEEPHOLE,
        DNNL_ARG_WEIGHTS_PROJECTION, DNNL_ARG_BIAS};

    LayerProgram(RnnSpec spec, engine eng, PrimitiveDescs descs, UserWeights user) {
        this.spec = spec;
        this.eng = eng;
        this.descs = descs;
        for (int k = 0; k < relaid.length; k++) relaid[k] = new ArrayList<>();
        try (PointerScope scope = new PointerScope()) {
            primitive_attr attr = descs.attr();
            rnn_primitive_desc_base pd = descs.create(attr, 1, 1, false, false);
            if (spec.dataType() != DataType.F32) {
                // This CPU has a low-precision RNN, but the f32 <-> bf16 reorders of X, Y and the states around it
                // are not written yet; refusing beats feeding f32 bytes to a bf16 primitive.
                throw new UnsupportedConfigurationException(OneDnnErrors.BACKEND, spec, spec.dataType() + " data path",
                        "oneDNN implements it on this CPU, but rnn4j's f32 <-> " + spec.dataType() + " I/O conversion is not implemented yet");
            }
            stream s = new stream(eng);
            weights[0] = reorderIn(s, user.layer, descs.userWeightsLayer(), pd.weights_layer_desc());
            weights[1] = reorderIn(s, user.iter, descs.userWeightsIter(), pd.weights_iter_desc());
            if (user.peephole != null) weights[2] = reorderIn(s, user.peephole, descs.userPeephole(), pd.weights_peephole_desc());
            if (user.projection != null) weights[3] = reorderIn(s, user.projection, descs.userProjection(), pd.weights_projection_desc());
            weights[4] = reorderIn(s, user.bias, descs.userBias(), pd.bias_desc());
            s._wait();
        } catch (RuntimeException | Error e) {
            owned.close();
            throw e;
        }
    }

    /** Copies a user-layout f32 array into native memory, then reorders it into {@code wanted} (also f32 → bf16). */
    private memory reorderIn(stream s, float[] data, memory.desc userDesc, memory.desc wanted) {
        memory user = new memory(userDesc, eng);
        new FloatPointer(user.get_data_handle()).capacity(data.length).put(data);
        if (userDesc.equals(wanted)) return owned.keep(user);
        memory target = owned.keep(new memory(wanted, eng));
        new reorder(user, target).execute(s, user, target);
        return target;
    }

    /**
     * A primitive for T steps and N sequences; its weights are this program's, in the layout the primitive wants for
     * this shape ({@link #weightIn}).
     */
    BoundPrimitive newPrimitive(int steps, int batch, boolean srcBatchMajor, boolean dstBatchMajor) {
        return newPrimitive(steps, batch, srcBatchMajor, dstBatchMajor, true, true);
    }

    /** As {@link #newPrimitive(int, int, boolean, boolean)}, with or without initial and final state arguments. */
    BoundPrimitive newPrimitive(int steps, int batch, boolean srcBatchMajor, boolean dstBatchMajor,
                                boolean srcStates, boolean dstStates) {
        return new BoundPrimitive(this, steps, batch, srcBatchMajor, dstBatchMajor, srcStates, dstStates);
    }

    memory weight(int slot) { return weights[slot]; }

    /**
     * The weights of {@code slot} in the layout {@code wanted}: the prepared ones when it is theirs, otherwise one
     * reordered copy per distinct layout, made on first request and shared by every later primitive that wants it
     * (on AVX2, every N &gt; 1 shape wants another layout than the N = 1 one the weights were prepared in; a copy per
     * shape cost about 45× the weights' size over one ragged call's chunks). Thread-safe; freed with this program.
     */
    memory weightIn(int slot, memory.desc wanted) {
        memory prepared = weights[slot];
        if (prepared == null) return null;
        try (PointerScope scope = new PointerScope()) {
            if (prepared.get_desc().equals(wanted)) return prepared;
            synchronized (relaid) {
                for (memory m : relaid[slot]) {
                    if (m.get_desc().equals(wanted)) return m;
                }
                stream s = new stream(eng);
                memory copy = owned.keep(new memory(wanted, eng));
                new reorder(prepared, copy).execute(s, prepared, copy);
                s._wait();
                relaid[slot].add(copy);
                return copy;
            }
        }
    }

    /** Number of weight copies in layouts other than the prepared ones (for tests). */
    int relaidCopies() {
        synchronized (relaid) {
            int n = 0;
            for (List<memory> l : relaid) n += l.size();
            return n;
        }
    }

    /** Throws the UnsupportedConfigurationException for a bf16/f16 spec this CPU's oneDNN cannot build. */
    static UnsupportedConfigurationException unsupportedType(RnnSpec spec) {
        String isa = String.valueOf(dnnl.get_effective_cpu_isa());
        if (spec.dataType() == DataType.BF16) {
            return new UnsupportedConfigurationException(OneDnnErrors.BACKEND, spec, "BF16 on this CPU",
                    "oneDNN found no bf16 RNN implementation for ISA " + isa + "; bf16 needs avx512_core or newer");
        }
        return new UnsupportedConfigurationException(OneDnnErrors.BACKEND, spec, spec.dataType() + " on this CPU",
                "oneDNN found no " + spec.dataType() + " RNN implementation for ISA " + isa);
    }

    @Override
    public void close() { owned.close(); }
}
