// ONNX activations by code, shared by the composed cell kernels (the codes are
// org.rnn4j.cudnn.KernelSources.activationCode). Written with comparisons rather than fmaxf/fminf so that a NaN
// pre-activation stays NaN exactly where rnn4j's float64 reference (java.lang.Math) keeps it.
#ifndef RNN4J_ACTIVATIONS_CUH
#define RNN4J_ACTIVATIONS_CUH

__device__ __forceinline__ float rnn4j_act(int code, float x, float alpha, float beta) {
    switch (code) {
        case 0: return x < 0.0f ? 0.0f : x;                                  // Relu
        case 1: return tanhf(x);                                             // Tanh
        case 2: return 1.0f / (1.0f + expf(-x));                             // Sigmoid
        case 3: return alpha * x + beta;                                     // Affine
        case 4: return x >= 0.0f ? x : alpha * x;                            // LeakyRelu
        case 5: return x > alpha ? x : 0.0f;                                 // ThresholdedRelu
        case 6: return alpha * tanhf(beta * x);                              // ScaledTanh
        case 7: { float v = alpha * x + beta; return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v); } // HardSigmoid
        case 8: return x >= 0.0f ? x : alpha * (expf(x) - 1.0f);             // Elu
        case 9: return x / (1.0f + fabsf(x));                                // Softsign
        default: return x > 30.0f ? x : log1pf(expf(x));                     // Softplus
    }
}

// ONNX clip of a gate pre-activation to [-clip, clip]; clip <= 0 means no clip. NaN passes through.
__device__ __forceinline__ float rnn4j_clip(float x, float clip) {
    if (clip <= 0.0f) return x;
    return x < -clip ? -clip : (x > clip ? clip : x);
}

#endif
