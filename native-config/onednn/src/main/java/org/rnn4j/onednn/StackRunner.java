package org.rnn4j.onednn;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.stream;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.rnn4j.Cell;
import org.rnn4j.Direction;
import org.rnn4j.Layout;
import org.rnn4j.LayerWeights;
import org.rnn4j.OutputKind;
import org.rnn4j.RnnInput;
import org.rnn4j.RnnOutput;
import org.rnn4j.RnnSpec;
import org.rnn4j.RnnWeights;
import org.rnn4j.nativecommon.NativeResources;

/**
 * The fast path: every sequence runs all T steps, every direction is native, so each layer is one oneDNN primitive
 * call over the whole sequence (both directions at once), layers chained through native buffers with no copy in
 * between. Batch-major input and output are transposed while copying in and out (oneDNN's {@code ntc} is not
 * implemented for every cell). Thread-safe: per shape, a pool of
 * {@link StackContext}s (stream, buffers, bindings with fixed handles) serves concurrent calls.
 */
final class StackRunner implements AutoCloseable {
    private final RnnSpec spec;
    private final engine eng;
    private final List<LayerProgram> layers = new ArrayList<>();
    /**
     * From this many floats on, a time-major Y that goes into a caller's direct buffer is written there by the
     * primitive itself; below, re-pointing the destination (two JNI calls and oneDNN's handle update, ~1 µs at S1)
     * costs more than copying from the context's own buffer.
     */
    static final int IN_PLACE_MIN_FLOATS = 16 * 1024;
    /** Shared with the prepared RNN's other kernels; entries are {@link StackPlan}s owned by this runner. */
    private final ShapeCache plans;

    /**
     * A primitive set per shape and per use of states: calls that pass no initial state and want no final state run
     * primitives built without those arguments (no zero-fill, oneDNN's plain first-step kernel).
     */
    record ShapeKey(int steps, int batch, boolean srcStates, boolean dstStates) {}

    StackRunner(RnnSpec spec, RnnWeights weights, engine eng, ShapeCache plans) {
        this.spec = spec;
        this.eng = eng;
        this.plans = plans;
        dnnl.rnn_direction mode = modeOf(spec.direction());
        int dirs = spec.direction().count();
        try {
            for (int l = 0; l < spec.layers(); l++) {
                List<LayerWeights> parts = new ArrayList<>();
                for (int d = 0; d < dirs; d++) parts.add(weights.get(l, d));
                PrimitiveDescs descs = new PrimitiveDescs(eng, spec, l, 0, mode, dirs);
                layers.add(new LayerProgram(spec, eng, descs, new UserWeights(spec, l, parts)));
            }
        } catch (RuntimeException | Error e) {
            close();
            throw e;
        }
    }

    static dnnl.rnn_direction modeOf(Direction d) {
        switch (d) {
            case FORWARD: return dnnl.rnn_direction.unidirectional_left2right;
            case REVERSE: return dnnl.rnn_direction.unidirectional_right2left;
            case BIDIRECTIONAL_CONCAT: return dnnl.rnn_direction.bidirectional_concat;
            default: return dnnl.rnn_direction.bidirectional_sum;
        }
    }

    RnnOutput run(RnnInput input) {
        int t = input.steps();
        int n = input.batch();
        boolean srcStates = input.initialH() != null || input.initialC() != null;
        boolean dstStates = input.wants(OutputKind.H_FINAL, spec) || input.wants(OutputKind.C_FINAL, spec);
        ShapeKey key = new ShapeKey(t, n, srcStates, dstStates);
        ShapeCache.Lease<StackPlan> lease = plans.acquire(this, key, () -> new StackPlan(key));
        try {
            StackPlan plan = lease.value;
            StackContext ctx = plan.acquire();
            try {
                return ctx.run(input);
            } finally {
                plan.idle.add(ctx);
            }
        } finally {
            plans.release(lease);
        }
    }

    /** Frees the weights; the owner closes the shared cache (and with it this runner's plans) first. */
    @Override
    public void close() {
        for (LayerProgram p : layers) p.close();
        layers.clear();
    }

    /** The primitives of every layer for one shape, and the pool of contexts that run them. */
    final class StackPlan implements ShapeCache.Entry {
        final ShapeKey key;
        final List<BoundPrimitive> prims = new ArrayList<>();
        final ConcurrentLinkedQueue<StackContext> idle = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<StackContext> all = new ConcurrentLinkedQueue<>();
        private final AtomicLong contextBytes = new AtomicLong();

        StackPlan(ShapeKey key) {
            this.key = key;
            try {
                for (int l = 0; l < layers.size(); l++) {
                    prims.add(layers.get(l).newPrimitive(key.steps, key.batch, false, false, key.srcStates, key.dstStates));
                }
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        StackContext acquire() {
            StackContext c = idle.poll();
            if (c == null) {
                c = new StackContext(this);
                all.add(c);
                contextBytes.addAndGet(c.bufferBytes);
            }
            return c;
        }

        /** Every context's buffers, and the primitives' scratchpads (one per context). */
        @Override
        public long nativeBytes() {
            long bytes = contextBytes.get();
            for (BoundPrimitive p : prims) bytes += p.nativeBytes();
            return bytes;
        }

        @Override
        public void close() {
            for (StackContext c : all) c.close();
            all.clear();
            idle.clear();
            for (BoundPrimitive p : prims) p.close();
            prims.clear();
        }
    }

    /**
     * Everything one call needs, made once per pooled context: a stream, native buffers for X, Y, the states and
     * the layer-to-layer activations, and one binding per layer whose data handles point into them. Used by one
     * thread at a time.
     */
    final class StackContext implements AutoCloseable {
        private final NativeResources owned = new NativeResources();
        private final StackPlan plan;
        private final List<BoundPrimitive.Binding> bindings = new ArrayList<>();
        private final dnnl_stream streamHandle;
        private final FloatBuffer x;
        private final FloatBuffer y;
        private final FloatBuffer hx;
        private final FloatBuffer hy;
        private final FloatBuffer cx;
        private final FloatBuffer cy;
        private final FloatPointer yPointer;
        private final FloatPointer hxPointer;
        private final FloatPointer cxPointer;
        /** Whether the last layer currently writes into a caller's buffer instead of {@link #y}. */
        private boolean yBorrowed;
        /** Bytes of the buffers above. */
        private long bufferBytes;

        StackContext(StackPlan plan) {
            this.plan = plan;
            int t = plan.key.steps;
            int n = plan.key.batch;
            int dirs = spec.direction().count();
            int s = spec.stateSize();
            int h = spec.hiddenSize();
            int out = spec.outputSize();
            boolean lstm = spec.cell() instanceof Cell.Lstm;
            boolean statesIn = plan.key.srcStates;
            boolean statesOut = plan.key.dstStates;
            try (PointerScope scope = new PointerScope()) {
                stream st = owned.keep(new stream(eng));
                streamHandle = owned.keep(st.get());
                FloatPointer xp = buffer((long) t * n * spec.inputSize());
                FloatPointer yp = buffer((long) t * n * out);
                FloatPointer[] between = {spec.layers() > 1 ? buffer((long) t * n * out) : null,
                    spec.layers() > 2 ? buffer((long) t * n * out) : null};
                long ld = (long) spec.layers() * dirs;
                FloatPointer hxp = statesIn ? buffer(ld * n * s) : null;
                FloatPointer hyp = statesOut ? buffer(ld * n * s) : null;
                FloatPointer cxp = statesIn && lstm ? buffer(ld * n * h) : null;
                FloatPointer cyp = statesOut && lstm ? buffer(ld * n * h) : null;
                for (int l = 0; l < plan.prims.size(); l++) {
                    BoundPrimitive.Binding b = plan.prims.get(l).acquire();
                    bindings.add(b);
                    long stateOff = (long) l * dirs * n;
                    b.bind(BoundPrimitive.SRC_LAYER, l == 0 ? xp : between[(l - 1) % 2]);
                    b.bind(BoundPrimitive.DST_LAYER, l == plan.prims.size() - 1 ? yp : between[l % 2]);
                    if (statesIn) b.bind(BoundPrimitive.SRC_ITER, view(hxp, stateOff * s));
                    if (statesOut) b.bind(BoundPrimitive.DST_ITER, view(hyp, stateOff * s));
                    if (statesIn && lstm) b.bind(BoundPrimitive.SRC_ITER_C, view(cxp, stateOff * h));
                    if (statesOut && lstm) b.bind(BoundPrimitive.DST_ITER_C, view(cyp, stateOff * h));
                }
                yPointer = yp;
                hxPointer = hxp;
                cxPointer = cxp;
                x = xp.asBuffer();
                y = yp.asBuffer();
                hx = statesIn ? hxp.asBuffer() : null;
                hy = statesOut ? hyp.asBuffer() : null;
                cx = cxp != null ? cxp.asBuffer() : null;
                cy = cyp != null ? cyp.asBuffer() : null;
            } catch (RuntimeException | Error e) {
                close();
                throw e;
            }
        }

        private FloatPointer buffer(long floats) {
            FloatPointer p = owned.keep(new FloatPointer(floats));
            bufferBytes += floats * Float.BYTES;
            Pointer.memset(p, 0, floats * Float.BYTES);
            return p;
        }

        private FloatPointer view(FloatPointer base, long offset) {
            return base.getPointer(offset);
        }

        RnnOutput run(RnnInput input) {
            boolean batchMajor = input.layout() == Layout.BATCH_MAJOR;
            int t = input.steps();
            int n = input.batch();
            x.clear();
            if (batchMajor) {
                Transpose.batchToTime(input.x(), x, n, t, spec.inputSize());
            } else {
                x.put(input.x().duplicate());
            }
            if (hx != null) fillState(hx, hxPointer, input.initialH());
            if (cx != null) fillState(cx, cxPointer, input.initialC());
            FloatBuffer into = input.yInto();
            // oneDNN writes native-order floats: a direct buffer in the other byte order (the JDK's default for
            // ByteBuffer.allocateDirect(…).asFloatBuffer() is big-endian) gets Y through the Java copy below
            boolean inPlace = into != null && !batchMajor && into.isDirect() && into.order() == ByteOrder.nativeOrder()
                    && into.remaining() >= IN_PLACE_MIN_FLOATS;
            BoundPrimitive.Binding last = bindings.get(bindings.size() - 1);
            if (inPlace) {
                // the last layer writes Y straight into the caller's buffer (re-pointed every call)
                last.bind(BoundPrimitive.DST_LAYER, new FloatPointer(into));
                yBorrowed = true;
            } else if (yBorrowed) {
                last.bind(BoundPrimitive.DST_LAYER, yPointer);
                yBorrowed = false;
            }
            for (BoundPrimitive.Binding b : bindings) b.execute(streamHandle);
            float[] yOut = null;
            float[] hOut = null;
            float[] cOut = null;
            if (inPlace) {
                // Y is already where the caller wants it
            } else if (into != null && !batchMajor) {
                into.duplicate().put(y.duplicate().clear()); // no array in between
            } else if (input.wants(OutputKind.Y, spec)) {
                // a batch-major yInto gets this array copied over by AbstractPreparedRnn
                yOut = new float[y.capacity()];
                if (batchMajor) {
                    Transpose.timeToBatch(y, yOut, t, n, spec.outputSize());
                } else {
                    y.get(0, yOut);
                }
            }
            if (hy != null && input.wants(OutputKind.H_FINAL, spec)) {
                hOut = new float[hy.capacity()];
                hy.get(0, hOut);
            }
            if (cy != null && input.wants(OutputKind.C_FINAL, spec)) {
                cOut = new float[cy.capacity()];
                cy.get(0, cOut);
            }
            return new RnnOutput(yOut, hOut, cOut, input.layout(), input.steps(), input.batch(), spec.outputSize());
        }

        /** The caller's initial state, or zeros when absent (ONNX and PyTorch default). */
        private void fillState(FloatBuffer target, FloatPointer pointer, float[] initial) {
            if (initial != null) {
                target.clear();
                target.put(initial);
            } else {
                Pointer.memset(pointer, 0, (long) target.capacity() * Float.BYTES);
            }
        }

        @Override
        public void close() {
            for (int l = 0; l < bindings.size(); l++) plan.prims.get(l).release(bindings.get(l));
            bindings.clear();
            owned.close();
        }
    }
}
