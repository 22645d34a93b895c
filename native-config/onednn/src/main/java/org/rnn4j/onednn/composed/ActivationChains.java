package org.rnn4j.onednn.composed;

import java.util.List;

import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.rnn4j.Activation;

/**
 * How each ONNX activation maps onto oneDNN eltwise algorithms (definitions: {@link Activation#apply}). Stateless.
 *
 * <p>Most activations are a chain of eltwise operations and can ride as post-ops on the primitive that produced the
 * pre-activation. ThresholdedRelu and Softsign need the pre-activation twice ({@code x·[x>α]}, {@code x/(1+|x|)}), so
 * they cannot: for them {@link #fused} returns null and the caller materialises the pre-activation first.
 */
final class ActivationChains {

    private ActivationChains() { }

    /** The eltwise chain computing {@code a}, or null when {@code a} needs two operands. */
    static List<PostOp> fused(Activation a) {
        double alpha = a.alpha();
        double beta = a.beta();
        switch (a.kind()) {
            case RELU: return List.of(PostOp.eltwise(algorithm.eltwise_relu, 0, 0));
            case TANH: return List.of(PostOp.eltwise(algorithm.eltwise_tanh, 0, 0));
            case SIGMOID: return List.of(PostOp.eltwise(algorithm.eltwise_logistic, 0, 0));
            // alpha·x + beta
            case AFFINE: return List.of(PostOp.eltwise(algorithm.eltwise_linear, alpha, beta));
            // oneDNN relu's alpha is the negative slope
            case LEAKY_RELU: return List.of(PostOp.eltwise(algorithm.eltwise_relu, alpha, 0));
            // alpha·tanh(beta·x)
            case SCALED_TANH: return List.of(PostOp.eltwise(algorithm.eltwise_linear, beta, 0),
                    PostOp.eltwise(algorithm.eltwise_tanh, 0, 0), PostOp.eltwise(algorithm.eltwise_linear, alpha, 0));
            // max(0, min(1, alpha·x + beta)), the same parameters in oneDNN
            case HARD_SIGMOID: return List.of(PostOp.eltwise(algorithm.eltwise_hardsigmoid, alpha, beta));
            case ELU: return List.of(PostOp.eltwise(algorithm.eltwise_elu, alpha, 0));
            // oneDNN 3.x soft_relu is (1/alpha)·ln(1 + e^(alpha·x)); alpha = 1 is ONNX Softplus
            case SOFTPLUS: return List.of(PostOp.eltwise(algorithm.eltwise_soft_relu, 1, 0));
            case THRESHOLDED_RELU:
            case SOFTSIGN:
                return null;
            default: throw new AssertionError(a.kind());
        }
    }
}
