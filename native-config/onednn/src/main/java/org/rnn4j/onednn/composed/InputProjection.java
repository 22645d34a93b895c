package org.rnn4j.onednn.composed;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.global.dnnl.scratchpad_mode;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;

/**
 * The input projection of all steps at once, {@code xW [T·N, G·H] = x [T·N, I'] · Wᵀ + (Wb + Rb)}, as one matmul
 * whose row count is a runtime dimension, so one primitive serves every T and N. Immutable after construction and
 * shared by all threads (user scratchpad); closed with its kernel.
 */
final class InputProjection implements AutoCloseable {

    private final NativeScope scope = new NativeScope();
    private final engine eng;
    private final long inputSize;
    private final long gateWidth;
    private final matmul primitive;
    private final memory weights;
    private final memory bias;
    final memory.desc scratchpad;
    final long scratchpadBytes;

    InputProjection(engine eng, WeightStore store, long inputSize, long gateWidth) {
        this.eng = eng;
        this.inputSize = inputSize;
        this.gateWidth = gateWidth;
        long rt = dnnl.DNNL_RUNTIME_DIM_VAL;
        memory.desc src = scope.add(new memory.desc(new long[] {rt, inputSize}, memory.data_type.f32, new long[] {inputSize, 1}));
        memory.desc dst = scope.add(new memory.desc(new long[] {rt, gateWidth}, memory.data_type.f32, new long[] {gateWidth, 1}));
        memory.desc wAny = scope.add(new memory.desc(new long[] {inputSize, gateWidth}, memory.data_type.f32, memory.format_tag.any));
        this.bias = store.source("bias");
        memory.desc biasDesc = scope.add(bias.get_desc());
        primitive_attr attr = scope.add(new primitive_attr());
        attr.set_scratchpad_mode(scratchpad_mode.user);
        matmul.primitive_desc pd = scope.add(new matmul.primitive_desc(eng, src, wAny, biasDesc, dst, attr, false));
        memory.desc wDesc = scope.add(pd.weights_desc());
        this.weights = store.layout("W", wDesc);
        memory.desc sp = scope.add(pd.scratchpad_desc());
        this.scratchpadBytes = sp.get_size();
        this.scratchpad = scratchpadBytes > 0 ? sp : null;
        this.primitive = scope.add(new matmul(pd));
    }

    /**
     * Runs the projection of {@code rows = T·N} input rows at byte address {@code x} into {@code xw}.
     *
     * @param scratchpadMemory the caller's scratchpad for this primitive, or null when it needs none
     */
    void run(stream s, long rows, Pointer x, Pointer xw, memory scratchpadMemory) {
        try (memory.desc srcDesc = new memory.desc(new long[] {rows, inputSize}, memory.data_type.f32, new long[] {inputSize, 1});
             memory.desc dstDesc = new memory.desc(new long[] {rows, gateWidth}, memory.data_type.f32, new long[] {gateWidth, 1});
             memory src = new memory(srcDesc, eng, x);
             memory dst = new memory(dstDesc, eng, xw);
             IntMemoryMap args = new IntMemoryMap()) {
            args.put(dnnl.DNNL_ARG_SRC, src);
            args.put(dnnl.DNNL_ARG_WEIGHTS, weights);
            args.put(dnnl.DNNL_ARG_BIAS, bias);
            args.put(dnnl.DNNL_ARG_DST, dst);
            if (scratchpadMemory != null) args.put(dnnl.DNNL_ARG_SCRATCHPAD, scratchpadMemory);
            primitive.execute(s, args);
        }
    }

    @Override
    public void close() {
        scope.close();
    }
}
