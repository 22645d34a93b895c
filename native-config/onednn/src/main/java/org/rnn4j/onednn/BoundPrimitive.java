package org.rnn4j.onednn;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST_ITER_C;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST_LAYER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SCRATCHPAD;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_ITER;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_ITER_C;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC_LAYER;

import java.util.concurrent.ConcurrentLinkedQueue;
import org.bytedeco.dnnl.dnnl_exec_arg_t;
import org.bytedeco.dnnl.dnnl_memory;
import org.bytedeco.dnnl.dnnl_primitive;
import org.bytedeco.dnnl.dnnl_stream;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.rnn_primitive_desc_base;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.javacpp.FloatPointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.rnn4j.nativecommon.NativeResources;

/**
 * A layer's RNN primitive bound to one shape (T steps, N sequences, sequence layouts), with the weights it reads
 * and a pool of {@link Binding}s: the per-call argument sets. Thread-safe: any number of threads may each take a
 * binding and execute at once (user-mode scratchpad, one per binding). Freed by {@link #close()} once no call uses it.
 */
final class BoundPrimitive implements ShapeCache.Entry {
    static final int SRC_LAYER = 0, SRC_ITER = 1, SRC_ITER_C = 2, DST_LAYER = 3, DST_ITER = 4, DST_ITER_C = 5;
    private static final int[] IO_ARGS = {DNNL_ARG_SRC_LAYER, DNNL_ARG_SRC_ITER, DNNL_ARG_SRC_ITER_C, DNNL_ARG_DST_LAYER,
        DNNL_ARG_DST_ITER, DNNL_ARG_DST_ITER_C};

    final int steps;
    final int batch;
    private final LayerProgram program;
    private final NativeResources owned = new NativeResources();
    private final memory.desc[] ioDescs = new memory.desc[IO_ARGS.length];
    private final memory[] weights = new memory[LayerProgram.WEIGHT_ARGS.length];
    private final memory.desc scratchpadDesc;
    /** Bytes of one binding's private scratchpad (oneDNN's workspace for all T·N of the shape). */
    private final long scratchpadBytes;
    private volatile int bindings;
    private final primitive prim;
    private final dnnl_primitive primHandle;
    private final ConcurrentLinkedQueue<Binding> idle = new ConcurrentLinkedQueue<>();
    private final ConcurrentLinkedQueue<Binding> all = new ConcurrentLinkedQueue<>();

    BoundPrimitive(LayerProgram program, int steps, int batch, boolean srcBatchMajor, boolean dstBatchMajor,
                   boolean srcStates, boolean dstStates) {
        this.program = program;
        this.steps = steps;
        this.batch = batch;
        try (PointerScope scope = new PointerScope()) {
            rnn_primitive_desc_base pd = program.descs.create(program.descs.attr(), steps, batch, srcBatchMajor, dstBatchMajor,
                    srcStates, dstStates);
            ioDescs[SRC_LAYER] = owned.keep(pd.src_layer_desc());
            ioDescs[DST_LAYER] = owned.keep(pd.dst_layer_desc());
            if (srcStates) ioDescs[SRC_ITER] = owned.keep(pd.src_iter_desc());
            if (dstStates) ioDescs[DST_ITER] = owned.keep(pd.dst_iter_desc());
            if (program.descs.lstm) {
                if (srcStates) ioDescs[SRC_ITER_C] = owned.keep(pd.src_iter_c_desc());
                if (dstStates) ioDescs[DST_ITER_C] = owned.keep(pd.dst_iter_c_desc());
            }
            memory.desc[] wanted = {pd.weights_layer_desc(), pd.weights_iter_desc(),
                program.descs.peephole ? pd.weights_peephole_desc() : null,
                program.descs.projection ? pd.weights_projection_desc() : null, pd.bias_desc()};
            // Shared with every primitive of the program that wants the same layout (owned by the program).
            for (int k = 0; k < weights.length; k++) {
                if (wanted[k] != null) weights[k] = program.weightIn(k, wanted[k]);
            }
            scratchpadDesc = owned.keep(pd.scratchpad_desc());
            scratchpadBytes = scratchpadDesc.get_size();
            prim = owned.keep(new primitive(pd));
            primHandle = owned.keep(prim.get());
        } catch (RuntimeException | Error e) {
            owned.close(); // an Error too: JavaCPP's OutOfMemoryError must not strand what was built before it
            if (!(e instanceof RuntimeException r)) throw e;
            throw r instanceof org.rnn4j.RnnException ? r
                    : OneDnnErrors.translate("creating the " + program.spec.cell().shortName() + " primitive (T=" + steps
                    + ", N=" + batch + ")", r, program.spec);
        }
    }

    /** A binding for one call; give it back with {@link #release(Binding)}. */
    Binding acquire() {
        Binding b = idle.poll();
        if (b != null) return b;
        synchronized (owned) {
            b = new Binding();
            all.add(b);
            bindings++;
            return b;
        }
    }

    void release(Binding b) { idle.add(b); }

    /** The scratchpads of every binding made so far (they live until close); the weights belong to the program. */
    @Override
    public long nativeBytes() { return Scratchpad.bytesFor(scratchpadBytes) * bindings; }

    @Override
    public void close() {
        for (Binding b : all) {
            b.resources.close();
            b.scratchpad.close();
        }
        all.clear();
        idle.clear();
        owned.close();
    }

    /**
     * The argument set of one execution: memory objects for the sequence and state arguments (data handles set per
     * call or once by the owner), shared weights, and a private scratchpad. Used by one thread at a time.
     */
    final class Binding {
        private final NativeResources resources = new NativeResources();
        private final Scratchpad scratchpad;
        private final dnnl_memory[] io = new dnnl_memory[IO_ARGS.length];
        private final dnnl_exec_arg_t args;
        private final int argCount;

        private Binding() {
            scratchpad = new Scratchpad(scratchpadBytes);
            try (PointerScope scope = new PointerScope()) {
                int n = 0;
                dnnl_exec_arg_t a = resources.keep(new dnnl_exec_arg_t(IO_ARGS.length + weights.length + 1));
                for (int k = 0; k < IO_ARGS.length; k++) {
                    if (ioDescs[k] == null) continue;
                    memory m = resources.keep(new memory(ioDescs[k], program.eng, new Pointer()));
                    io[k] = resources.keep(m.get());
                    a.position(n++).arg(IO_ARGS[k]).memory(io[k]);
                }
                for (int k = 0; k < weights.length; k++) {
                    if (weights[k] == null) continue;
                    a.position(n++).arg(LayerProgram.WEIGHT_ARGS[k]).memory(resources.keep(weights[k].get()));
                }
                memory scratch = resources.keep(new memory(scratchpadDesc, program.eng, scratchpad.pointer()));
                a.position(n++).arg(DNNL_ARG_SCRATCHPAD).memory(resources.keep(scratch.get()));
                args = a.position(0);
                argCount = n;
            } catch (RuntimeException | Error e) {
                resources.close();
                scratchpad.close();
                if (!(e instanceof RuntimeException r)) throw e;
                throw OneDnnErrors.translate("binding arguments", r, program.spec);
            }
        }

        /** Points argument {@code slot} (SRC_LAYER, …) at {@code data}, from its position on; the slot must exist. */
        void bind(int slot, FloatPointer data) {
            if (io[slot] == null) throw new IllegalStateException("argument " + slot + " is not part of this primitive");
            long pos = data.position();
            // A void* parameter would add the position in bytes, not floats: hand over the element's address instead.
            Pointer at = pos == 0 ? data : new FloatPointer(data).position(0).getPointer(pos);
            OneDnnErrors.check(dnnl.dnnl_memory_set_data_handle(io[slot], at), "setting a data handle", program.spec);
        }

        void execute(dnnl_stream s) {
            OneDnnErrors.check(dnnl.dnnl_primitive_execute(primHandle, s, argCount, args), "executing the "
                    + program.spec.cell().shortName() + " primitive (T=" + steps + ", N=" + batch + ")", program.spec);
            OneDnnErrors.check(dnnl.dnnl_stream_wait(s), "waiting for the stream", program.spec);
            if (Scratchpad.checking()) {
                scratchpad.check("the " + program.spec.cell().shortName() + " primitive (T=" + steps + ", N=" + batch + ")");
            }
        }
    }
}
