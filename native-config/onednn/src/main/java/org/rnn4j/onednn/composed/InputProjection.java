package org.rnn4j.onednn.composed;

import org.rnn4j.nativecommon.NativeResources;
import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.global.dnnl.scratchpad_mode;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.stream;

/**
 * The input projection of all steps at once, per gate k: {@code xW[k] [T·N, H] = x [T·N, I'] · W_kᵀ + (Wb_k + Rb_k)},
 * stored gate-major so that each step's slice of a gate is dense. One matmul primitive (row count a runtime
 * dimension, so it serves every T and N) runs once per gate. Immutable after construction and shared by all
 * threads (user scratchpad); closed with its kernel.
 */
final class InputProjection implements AutoCloseable {

    private final NativeResources scope = new NativeResources();
    private final engine eng;
    private final long inputSize;
    private final long hidden;
    private final memory[] weights;
    private final memory[] biases;
    private final matmul primitive;
    final memory.desc scratchpad;
    final long scratchpadBytes;

    InputProjection(engine eng, WeightStore store, int gates, long inputSize, long hidden) {
        this.eng = eng;
        this.inputSize = inputSize;
        this.hidden = hidden;
        this.weights = new memory[gates];
        this.biases = new memory[gates];
        try {
            long rt = dnnl.DNNL_RUNTIME_DIM_VAL;
            memory.desc src = scope.keep(new memory.desc(new long[] {rt, inputSize}, memory.data_type.f32, new long[] {inputSize, 1}));
            memory.desc dst = scope.keep(new memory.desc(new long[] {rt, hidden}, memory.data_type.f32, new long[] {hidden, 1}));
            memory.desc wAny = scope.keep(new memory.desc(new long[] {inputSize, hidden}, memory.data_type.f32, memory.format_tag.any));
            for (int k = 0; k < gates; k++) biases[k] = store.source("bias." + k);
            memory.desc biasDesc = scope.keep(biases[0].get_desc());
            primitive_attr attr = scope.keep(new primitive_attr());
            attr.set_scratchpad_mode(scratchpad_mode.user);
            matmul.primitive_desc pd = scope.keep(new matmul.primitive_desc(eng, src, wAny, biasDesc, dst, attr, false));
            memory.desc wDesc = scope.keep(pd.weights_desc());
            for (int k = 0; k < gates; k++) weights[k] = store.layout("W." + k, wDesc);
            memory.desc sp = scope.keep(pd.scratchpad_desc());
            scratchpadBytes = sp.get_size();
            scratchpad = scratchpadBytes > 0 ? sp : null;
            primitive = scope.keep(new matmul(pd));
        } catch (RuntimeException | Error e) {
            scope.close();
            throw e;
        }
    }

    /**
     * Projects {@code rows = T·N} input rows at byte address {@code x} into the gate-major buffer at {@code xw}
     * ({@code G × rows × H} floats).
     *
     * @param scratchpadMemory the caller's scratchpad for this primitive, or null when it needs none
     */
    void run(stream s, long rows, long x, long xw, memory scratchpadMemory) {
        try (memory.desc srcDesc = new memory.desc(new long[] {rows, inputSize}, memory.data_type.f32, new long[] {inputSize, 1});
             memory.desc dstDesc = new memory.desc(new long[] {rows, hidden}, memory.data_type.f32, new long[] {hidden, 1});
             memory src = new memory(srcDesc, eng, new Address().at(x));
             memory dst = new memory(dstDesc, eng, new Address().at(xw));
             IntMemoryMap args = new IntMemoryMap()) {
            Address gateAddress = new Address();
            for (int k = 0; k < weights.length; k++) {
                dst.set_data_handle(gateAddress.at(xw + k * rows * hidden * Float.BYTES));
                args.put(dnnl.DNNL_ARG_SRC, src);
                args.put(dnnl.DNNL_ARG_WEIGHTS, weights[k]);
                args.put(dnnl.DNNL_ARG_BIAS, biases[k]);
                args.put(dnnl.DNNL_ARG_DST, dst);
                if (scratchpadMemory != null) args.put(dnnl.DNNL_ARG_SCRATCHPAD, scratchpadMemory);
                primitive.execute(s, args);
            }
        }
    }

    @Override
    public void close() {
        scope.close();
    }
}
