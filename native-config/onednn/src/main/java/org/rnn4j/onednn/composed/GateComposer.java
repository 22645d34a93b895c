package org.rnn4j.onednn.composed;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;

import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.rnn4j.Activation;

/**
 * Composes a gate ({@code act(clip(R·h [+ bias] [⊙ extra] + xW [+ p⊙c]))}) and an activation with trailing post-ops
 * out of oneDNN primitives, fusing as much as possible into post-ops. Used by one thread while a plan is built.
 *
 * <p>NaN-exact mode: oneDNN's clip, ReLU and HardSigmoid are built on max/min, which return the non-NaN operand, so
 * a NaN pre-activation comes out as a number where the reference (and ONNX) keep NaN. In this mode every gate and
 * activation materialises its pre-activation {@code p}, computes a mask {@code p = p}, and selects
 * {@code p = p ? act(clip(p)) : act(NaN)} — two extra primitives per activation, used only for calls whose data
 * hold NaN or ±Inf (see {@code OneDnnPreparedRnn}).
 */
final class GateComposer {

    private final OpFactory f;
    private final WeightStore weights;
    private final OptionalDouble clip;
    private final long batch;
    private final long hidden;
    private final boolean nanExact;

    GateComposer(OpFactory f, WeightStore weights, OptionalDouble clip, long batch, long hidden, boolean nanExact) {
        this.f = f;
        this.nanExact = nanExact;
        this.weights = weights;
        this.clip = clip;
        this.batch = batch;
        this.hidden = hidden;
    }

    OpFactory factory() { return f; }

    /** Whether this plan keeps NaN and infinities exactly as the reference does (see the class comment). */
    boolean nanExact() { return nanExact; }

    /**
     * Writes {@code tail(act(clip(src · weight [+ bias] [post-ops beforeInput] + xw [+ peepholeCell ⊙ peephole])))}
     * into {@code dst}.
     *
     * @param peepholeCell the cell state the peephole reads, or null for none
     */
    void gate(String name, Slot src, String weight, Slot bias, List<PostOp> beforeInput, Slot xw,
              Slot peepholeCell, String peephole, Activation act, Slot dst, List<PostOp> tail) {
        List<PostOp> chain = nanExact ? null : ActivationChains.fused(act);
        Slot preDst = chain != null ? dst : f.scratch(name + ".pre", batch, hidden);
        List<PostOp> post = new ArrayList<>();
        if (peepholeCell != null) {
            // The peephole term goes into a scratch tensor that the matmul adds as a binary post-op. Not into the
            // destination with a sum post-op: oneDNN 3.11's brgemm matmul then writes past its declared scratchpad
            // for one row and K > 1024 (reliability.md, bug 29).
            Slot peep = f.scratch(name + ".peep", batch, hidden);
            f.binary(name + ".peephole", algorithm.binary_mul, peepholeCell, f.row(peephole), peep, List.of());
            post.add(PostOp.add(peep));
        }
        post.addAll(beforeInput);
        post.add(PostOp.add(xw));
        if (nanExact) {
            f.matmul(name, src, weight, bias, preDst, post);
            Slot clipped = preDst;
            if (clip.isPresent()) {
                clipped = f.scratch(name + ".clipped", batch, hidden);
                double c = clip.getAsDouble();
                f.eltwise(name + ".clip", algorithm.eltwise_clip, -c, c, preDst, clipped, List.of());
            }
            keepNaN(name, act, preDst, clipped, dst, tail);
            return;
        }
        clip.ifPresent(c -> post.add(PostOp.eltwise(algorithm.eltwise_clip, -c, c)));
        if (chain != null) {
            post.addAll(chain);
            post.addAll(tail);
            f.matmul(name, src, weight, bias, dst, post);
        } else {
            f.matmul(name, src, weight, bias, preDst, post);
            activate(name, act, preDst, dst, tail);
        }
    }

    /** Writes {@code tail(act(src))} into {@code dst}; {@code dst} must not be {@code src}. */
    void activate(String name, Activation act, Slot src, Slot dst, List<PostOp> tail) {
        if (nanExact) {
            keepNaN(name, act, src, src, dst, tail);
            return;
        }
        apply(name, act, src, dst, tail);
    }

    /**
     * {@code dst = tail(pre = pre ? act(value) : act(NaN))}, where {@code value} is {@code pre} or its clipped copy
     * and {@code act(NaN)} is NaN for every activation but ThresholdedRelu, whose {@code x > α} is false for NaN.
     */
    private void keepNaN(String name, Activation act, Slot pre, Slot value, Slot dst, List<PostOp> tail) {
        Slot notNaN = f.mask(name + ".notNaN", pre.rows, pre.cols);
        f.binary(name + ".notNaN", algorithm.binary_eq, pre, pre, notNaN, List.of());
        Slot activated = f.scratch(name + ".act", pre.rows, pre.cols);
        apply(name, act, value, activated, List.of());
        Slot ofNaN = act.kind() == Activation.Kind.THRESHOLDED_RELU ? f.row(weights.scalar(0f)) : pre;
        f.select(name + ".keepNaN", notNaN, activated, ofNaN, dst, tail);
    }

    private void apply(String name, Activation act, Slot src, Slot dst, List<PostOp> tail) {
        List<PostOp> chain = ActivationChains.fused(act);
        if (chain != null) {
            PostOp.Eltwise first = (PostOp.Eltwise) chain.get(0);
            List<PostOp> post = new ArrayList<>(chain.subList(1, chain.size()));
            post.addAll(tail);
            f.eltwise(name + "." + act.kind(), first.alg(), first.alpha(), first.beta(), src, dst, post);
            return;
        }
        switch (act.kind()) {
            case THRESHOLDED_RELU: {
                if (nanExact) {
                    // [x > alpha] ? x : 0, which unlike x · [x > alpha] gives 0 (not NaN = 0 · −∞) for −∞
                    Slot above = f.mask(name + ".above", src.rows, src.cols);
                    f.binary(name + ".above", algorithm.binary_gt, src, f.row(weights.scalar((float) act.alpha())), above, List.of());
                    f.select(name + ".ThresholdedRelu", above, src, f.row(weights.scalar(0f)), dst, tail);
                    return;
                }
                // x · [x > alpha]: the comparison yields 1 or 0, the post-op multiplies by x again; 0 · x is −0 for
                // x < 0, so adding +0 (1·y + 0) makes it +0 as in x > alpha ? x : 0 (the reference, ONNX)
                Slot alpha = f.row(weights.scalar((float) act.alpha()));
                List<PostOp> post = new ArrayList<>(List.of(PostOp.mul(src), PostOp.eltwise(algorithm.eltwise_linear, 1, 0)));
                post.addAll(tail);
                f.binary(name + ".ThresholdedRelu", algorithm.binary_gt, src, alpha, dst, post);
                return;
            }
            case SOFTSIGN: {
                // x / (1 + |x|)
                Slot denominator = f.scratch(name + ".softsign", src.rows, src.cols);
                f.eltwise(name + ".abs", algorithm.eltwise_abs, 0, 0, src, denominator,
                        List.of(PostOp.eltwise(algorithm.eltwise_linear, 1, 1)));
                f.binary(name + ".Softsign", algorithm.binary_div, src, denominator, dst, tail);
                return;
            }
            default:
                throw new AssertionError(act.kind());
        }
    }
}
