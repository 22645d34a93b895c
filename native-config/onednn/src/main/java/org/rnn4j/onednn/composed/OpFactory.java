package org.rnn4j.onednn.composed;

import org.rnn4j.nativecommon.NativeResources;
import java.util.ArrayList;
import java.util.List;

import org.bytedeco.dnnl.binary;
import org.bytedeco.dnnl.eltwise_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.global.dnnl.scratchpad_mode;
import org.bytedeco.dnnl.matmul;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.primitive_desc;

/**
 * Creates the primitives of one step program (matmul, eltwise, binary, each with post-ops and a user scratchpad)
 * and appends them, in call order, to the program. Used by one thread while a plan is built; everything it makes
 * belongs to the plan's {@link NativeResources}.
 */
final class OpFactory {

    private final engine eng;
    private final NativeResources scope;
    private final WeightStore weights;
    private final List<StepOp> ops = new ArrayList<>();
    private final List<Slot> scratch = new ArrayList<>();

    OpFactory(engine eng, NativeResources scope, WeightStore weights) {
        this.eng = eng;
        this.scope = scope;
        this.weights = weights;
    }

    List<StepOp> ops() { return ops; }

    List<Slot> scratchSlots() { return scratch; }

    memory.desc desc(long rows, long cols, long rowStride) {
        return scope.keep(new memory.desc(new long[] {rows, cols}, memory.data_type.f32, new long[] {rowStride, 1}));
    }

    Slot scratch(String name, long rows, long cols) {
        return addScratch(name, desc(rows, cols, cols), rows, cols);
    }

    /**
     * A per-context {@code s8} scratch tensor holding a 0/1 condition for {@link #select} (its arena share is sized
     * in floats like every scratch slot, which over-allocates but keeps one layout rule).
     */
    Slot mask(String name, long rows, long cols) {
        return addScratch(name, scope.keep(new memory.desc(new long[] {rows, cols}, memory.data_type.s8, new long[] {cols, 1})),
                rows, cols);
    }

    private Slot addScratch(String name, memory.desc d, long rows, long cols) {
        Slot s = Slot.scratch(name, d, rows, cols);
        scratch.add(s);
        return s;
    }

    Slot bound(String name, int index, long rows, long cols, long rowStride) {
        return Slot.bound(name, index, desc(rows, cols, rowStride), rows, cols);
    }

    /** A constant row registered in the weight store, read as it is ({@code [1, n]}, broadcast over rows). */
    Slot row(String weightName) {
        memory m = weights.source(weightName);
        return Slot.constant(weightName, m, scope.keep(m.get_desc()));
    }

    /** {@code dst = src · weight (+ bias)}, then {@code post}; the weight is reordered into the layout the primitive prefers. */
    void matmul(String what, Slot src, String weightName, Slot bias, Slot dst, List<PostOp> post) {
        memory.desc wAny = scope.keep(new memory.desc(new long[] {src.cols, dst.cols}, memory.data_type.f32,
                memory.format_tag.any));
        primitive_attr attr = attr(post);
        matmul.primitive_desc pd = bias == null
                ? scope.keep(new matmul.primitive_desc(eng, src.desc, wAny, dst.desc, attr, false))
                : scope.keep(new matmul.primitive_desc(eng, src.desc, wAny, bias.desc, dst.desc, attr, false));
        memory.desc wDesc = scope.keep(pd.weights_desc());
        Slot w = Slot.constant(weightName, weights.layout(weightName, wDesc), wDesc);
        List<Integer> ids = new ArrayList<>(List.of(dnnl.DNNL_ARG_SRC, dnnl.DNNL_ARG_WEIGHTS, dnnl.DNNL_ARG_DST));
        List<Slot> slots = new ArrayList<>(List.of(src, w, dst));
        if (bias != null) {
            ids.add(dnnl.DNNL_ARG_BIAS);
            slots.add(bias);
        }
        finish(what, pd, scope.keep(new matmul(pd)), ids, slots, post);
    }

    /**
     * {@code dst = alg(src; alpha, beta)}, then {@code post}. With post-ops this runs as a binary primitive
     * multiplying by exactly 1 with the eltwise as its first post-op: oneDNN's eltwise primitive falls back to its
     * reference implementation when given post-ops (measured on AVX2, oneDNN 3.11), the binary one does not.
     */
    void eltwise(String what, algorithm alg, double alpha, double beta, Slot src, Slot dst, List<PostOp> post) {
        if (!post.isEmpty()) {
            List<PostOp> all = new ArrayList<>();
            all.add(PostOp.eltwise(alg, alpha, beta));
            all.addAll(post);
            binary(what, algorithm.binary_mul, src, row(weights.scalar(1f)), dst, all);
            return;
        }
        eltwise_forward.primitive_desc pd = scope.keep(new eltwise_forward.primitive_desc(eng, prop_kind.forward_inference,
                alg, src.desc, dst.desc, (float) alpha, (float) beta, attr(post), false));
        finish(what, pd, scope.keep(new eltwise_forward(pd)), new ArrayList<>(List.of(dnnl.DNNL_ARG_SRC, dnnl.DNNL_ARG_DST)),
                new ArrayList<>(List.of(src, dst)), post);
    }

    /** {@code dst = alg(src0, src1)}, then {@code post}. */
    void binary(String what, algorithm alg, Slot src0, Slot src1, Slot dst, List<PostOp> post) {
        binary.primitive_desc pd = scope.keep(new binary.primitive_desc(eng, alg, src0.desc, src1.desc, dst.desc, attr(post), false));
        finish(what, pd, scope.keep(new binary(pd)),
                new ArrayList<>(List.of(dnnl.DNNL_ARG_SRC_0, dnnl.DNNL_ARG_SRC_1, dnnl.DNNL_ARG_DST)),
                new ArrayList<>(List.of(src0, src1, dst)), post);
    }

    /** {@code dst = condition ? ifTrue : ifFalse} element by element ({@code condition} an {@code s8} mask), then {@code post}. */
    void select(String what, Slot condition, Slot ifTrue, Slot ifFalse, Slot dst, List<PostOp> post) {
        binary.primitive_desc pd = scope.keep(new binary.primitive_desc(eng, algorithm.binary_select, ifTrue.desc,
                ifFalse.desc, condition.desc, dst.desc, attr(post), false));
        finish(what, pd, scope.keep(new binary(pd)),
                new ArrayList<>(List.of(dnnl.DNNL_ARG_SRC_0, dnnl.DNNL_ARG_SRC_1, dnnl.DNNL_ARG_SRC_2, dnnl.DNNL_ARG_DST)),
                new ArrayList<>(List.of(ifTrue, ifFalse, condition, dst)), post);
    }

    private primitive_attr attr(List<PostOp> post) {
        primitive_attr attr = scope.keep(new primitive_attr());
        attr.set_scratchpad_mode(scratchpad_mode.user);
        if (!post.isEmpty()) {
            post_ops po = scope.keep(new post_ops());
            for (PostOp p : post) {
                if (p instanceof PostOp.Eltwise e) {
                    po.append_eltwise(e.alg(), e.alpha(), e.beta());
                } else {
                    PostOp.Binary b = (PostOp.Binary) p;
                    po.append_binary(b.alg(), b.operand().desc);
                }
            }
            attr.set_post_ops(po);
        }
        return attr;
    }

    private void finish(String what, primitive_desc pd, primitive prim, List<Integer> ids, List<Slot> slots, List<PostOp> post) {
        for (int i = 0; i < post.size(); i++) {
            if (post.get(i) instanceof PostOp.Binary b) {
                ids.add((dnnl.DNNL_ARG_ATTR_MULTIPLE_POST_OP_BASE * (i + 1)) | dnnl.DNNL_ARG_SRC_1);
                slots.add(b.operand());
            }
        }
        memory.desc sp = scope.keep(pd.scratchpad_desc());
        long bytes = sp.get_size();
        String impl;
        try (org.bytedeco.javacpp.BytePointer info = pd.impl_info_str()) {
            impl = info.getString();
        }
        ops.add(new StepOp(what, impl, prim, bytes > 0 ? sp : null, bytes, ids.stream().mapToInt(Integer::intValue).toArray(),
                slots.toArray(new Slot[0])));
    }
}
