package org.rnn4j.onednn.composed;

import org.bytedeco.dnnl.global.dnnl.algorithm;

/** One oneDNN post-op appended to a primitive: applied to its result in order. Immutable. */
sealed interface PostOp permits PostOp.Eltwise, PostOp.Binary {

    /** {@code dst = alg(dst; alpha, beta)}. */
    record Eltwise(algorithm alg, float alpha, float beta) implements PostOp { }

    /** {@code dst = alg(dst, operand)}, operand broadcast where it has a 1. */
    record Binary(algorithm alg, Slot operand) implements PostOp { }

    static PostOp eltwise(algorithm alg, double alpha, double beta) { return new Eltwise(alg, (float) alpha, (float) beta); }

    static PostOp add(Slot s) { return new Binary(algorithm.binary_add, s); }

    static PostOp mul(Slot s) { return new Binary(algorithm.binary_mul, s); }
}
