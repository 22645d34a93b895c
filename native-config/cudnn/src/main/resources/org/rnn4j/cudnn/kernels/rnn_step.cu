// One composed vanilla RNN step for the rows still active: h' = f(clip(W·x + Wb + R·h + Rb)) with any ONNX
// activation. gx, gh: [N, H] (gx from the all-steps cuBLAS GEMM, gh from this step's GEMM).
#include "activations.cuh"

extern "C" __global__ void rnn4j_rnn_step(const float* __restrict__ gx, const float* __restrict__ gh,
                                          float* __restrict__ h, int rows, int hidden, float clip,
                                          int act, float alpha, float beta) {
    long i = (long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long) rows * hidden) return;
    h[i] = rnn4j_act(act, rnn4j_clip(gx[i] + gh[i], clip), alpha, beta);
}
