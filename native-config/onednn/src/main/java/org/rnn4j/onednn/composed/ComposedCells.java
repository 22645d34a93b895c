package org.rnn4j.onednn.composed;

import java.util.Arrays;
import java.util.List;

import org.bytedeco.dnnl.engine;
import org.bytedeco.javacpp.FloatPointer;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DataType;
import org.rnn4j.LayerWeights;
import org.rnn4j.NativeBackendException;
import org.rnn4j.RnnSpec;
import org.rnn4j.UnsupportedConfigurationException;
import org.rnn4j.nativecommon.NativeErrors;
import org.rnn4j.onednn.DirectionKernel;
import org.rnn4j.onednn.ShapeCache;

/**
 * Builds direction kernels for cells oneDNN's RNN primitives cannot run (clip, any ONNX activation, CIFG with any
 * gate activation, ...) out of matmul, eltwise and binary primitives. Stateless and thread-safe; each kernel it
 * returns is owned by the caller and must be closed once.
 *
 * <p>Per step: an LSTM needs 5 primitive calls (gates i, g, f, o as matmuls with fused post-ops, the cell update
 * folded into the forget gate's post-ops, then {@code h = o ⊙ h_act(c')}); each peephole adds one, projection one,
 * CIFG replaces a matmul by an eltwise; a GRU needs 4 and an RNN 1. ThresholdedRelu adds one call per use, Softsign
 * two. Only F32 is supported: BF16 and F16 throw {@link UnsupportedConfigurationException}.
 */
public final class ComposedCells {

    static final String BACKEND = "onednn";

    private ComposedCells() { }

    /**
     * A kernel for direction {@code direction} (which only selects the activations; the kernel always walks forward)
     * of layer {@code layer}, with weights checked against the spec before any native call.
     */
    public static DirectionKernel create(engine engine, RnnSpec spec, int layer, int direction, LayerWeights w) {
        return create(engine, spec, layer, direction, w, false);
    }

    /**
     * As {@link #create(engine, RnnSpec, int, int, LayerWeights)}; with {@code nanExact} every activation and clip
     * keeps NaN as the reference does (two extra primitives each, see {@code GateComposer}), for calls whose data
     * are not all finite.
     */
    public static DirectionKernel create(engine engine, RnnSpec spec, int layer, int direction, LayerWeights w,
                                         boolean nanExact) {
        return create(engine, spec, layer, direction, w, nanExact, null);
    }

    /**
     * As {@link #create(engine, RnnSpec, int, int, LayerWeights, boolean)}, keeping the kernel's step plans in
     * {@code plans} (a prepared RNN's shared cache, closed by its owner before the kernel), or in a cache of the
     * kernel's own when null.
     */
    public static DirectionKernel create(engine engine, RnnSpec spec, int layer, int direction, LayerWeights w,
                                         boolean nanExact, ShapeCache plans) {
        validate(engine, spec, layer, direction, w);
        if (spec.dataType() != DataType.F32) {
            throw new UnsupportedConfigurationException(BACKEND, spec, spec.dataType() + " with composed cells",
                    "the composed cell path computes in f32 only");
        }
        Cell cell = spec.cell();
        List<Activation> activations = spec.activationsOf(direction);
        int in = spec.layerInputSize(layer);
        int h = spec.hiddenSize();
        int s = spec.stateSize();
        int g = cell.gateCount();
        WeightStore store = new WeightStore(engine);
        try {
            FloatPointer wBase = store.copy(w.w());
            for (int k = 0; k < g; k++) store.addMatrix("W." + k, wBase, (long) k * h * in, in, h, 1, in);
            FloatPointer rBase = store.copy(w.r());
            for (int k = 0; k < g; k++) store.addMatrix("R." + k, rBase, (long) k * h * s, s, h, 1, s);
            FloatPointer wb = store.copy(w.wBias());
            float[] additiveRb = w.rBias();
            boolean lbr = cell instanceof Cell.Gru gru && gru.resetMode() == Cell.ResetMode.LINEAR_BEFORE_RESET;
            if (lbr) {
                // Rbn sits inside r ⊙ (Rn h + Rbn): it is the n-gate matmul's bias, not part of xW
                store.addRow("Rb.n", store.copy(w.rBias()), 2L * h, h);
                additiveRb = w.rBias().clone();
                Arrays.fill(additiveRb, 2 * h, 3 * h, 0f);
            }
            FloatPointer rb = store.copy(additiveRb);
            for (int k = 0; k < g; k++) {
                store.addRow("Wb." + k, wb, (long) k * h, h);
                store.addRow("Rb." + k, rb, (long) k * h, h);
                store.addSum("bias." + k, "Wb." + k, "Rb." + k);
            }
            if (cell instanceof Cell.Lstm lstm) {
                if (!lstm.peepholes().isEmpty()) {
                    FloatPointer p = store.copy(w.peephole());
                    store.addRow("peep.i", p, 0, h);
                    store.addRow("peep.f", p, h, h);
                    store.addRow("peep.o", p, 2L * h, h);
                }
                if (lstm.hasProjection()) store.addMatrix("P", store.copy(w.projection()), 0, h, s, 1, h);
            }
            return new ComposedKernel(engine, spec, layer, activations, store, nanExact, plans);
        } catch (RuntimeException | Error e) {
            store.close(); // an Error too: JavaCPP's OutOfMemoryError must not strand the copies made before it
            if (!(e instanceof RuntimeException r)) throw e;
            // an rnn4j exception (the step's own NativeBackendException included) or a Java bug keeps its type
            if (!NativeErrors.isNativeFailure(r)) throw r;
            throw new NativeBackendException(BACKEND, "preparing the composed " + cell.shortName() + " weights",
                    r.getMessage(), spec.caseName() + ", layer " + layer + ", direction " + direction, r);
        }
    }

    private static void validate(engine engine, RnnSpec spec, int layer, int direction, LayerWeights w) {
        if (engine == null || engine.isNull()) throw new IllegalArgumentException("engine: expected a oneDNN engine but was null");
        if (spec == null) throw new IllegalArgumentException("spec: expected non-null");
        if (w == null) throw new IllegalArgumentException("weights: expected non-null");
        if (layer < 0 || layer >= spec.layers()) {
            throw new IllegalArgumentException("layer: expected [0, " + spec.layers() + ") but was " + layer);
        }
        if (direction < 0 || direction >= spec.direction().count()) {
            throw new IllegalArgumentException("direction: expected [0, " + spec.direction().count() + ") but was " + direction);
        }
        Cell cell = spec.cell();
        long gh = (long) cell.gateCount() * spec.hiddenSize();
        long h = spec.hiddenSize();
        checkLength("W", w.w(), gh * spec.layerInputSize(layer));
        checkLength("R", w.r(), gh * spec.stateSize());
        checkLength("wBias", w.wBias(), gh);
        checkLength("rBias", w.rBias(), gh);
        if (cell instanceof Cell.Lstm lstm) {
            if (!lstm.peepholes().isEmpty()) checkLength("peephole", w.peephole(), 3 * h);
            if (lstm.hasProjection()) checkLength("projection", w.projection(), (long) spec.stateSize() * h);
        }
    }

    private static void checkLength(String name, float[] a, long expected) {
        if (a == null) throw new IllegalArgumentException(name + ": expected " + expected + " floats but was null");
        if (a.length != expected) {
            throw new IllegalArgumentException(name + ": expected " + expected + " floats but was " + a.length);
        }
    }
}
