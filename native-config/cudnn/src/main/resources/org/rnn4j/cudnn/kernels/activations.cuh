// ONNX activations by code, shared by the composed cell kernels (kept in one place: the codes are
// org.rnn4j.cudnn.KernelPlan.activationCode). Included textually by KernelSources before a cell kernel.
__device__ __forceinline__ float rnn4j_act(int code, float x, float alpha, float beta) {
    switch (code) {
        case 0: return fmaxf(x, 0.0f);                                       // Relu
        case 1: return tanhf(x);                                             // Tanh
        case 2: return 1.0f / (1.0f + expf(-x));                             // Sigmoid
        case 3: return alpha * x + beta;                                     // Affine
        case 4: return x >= 0.0f ? x : alpha * x;                            // LeakyRelu
        case 5: return x > alpha ? x : 0.0f;                                 // ThresholdedRelu
        case 6: return alpha * tanhf(beta * x);                              // ScaledTanh
        case 7: return fminf(1.0f, fmaxf(0.0f, alpha * x + beta));           // HardSigmoid
        case 8: return x >= 0.0f ? x : alpha * (expf(x) - 1.0f);             // Elu
        case 9: return x / (1.0f + fabsf(x));                                // Softsign
        default: return x > 30.0f ? x : log1pf(expf(x));                     // Softplus
    }
}

__device__ __forceinline__ float rnn4j_clip(float x, float clip) {
    return clip > 0.0f ? fminf(clip, fmaxf(-clip, x)) : x;                   // clip <= 0: no clip
}
