// One composed vanilla RNN step for the rows still active (rows are sorted by length, longest first):
// h = f(clip(gx + Wb + gh + Rb)) with any ONNX activation. gx: this step's W·x, [rows, H] (from the all-steps
// cuBLAS GEMM); gh: R·h of this step, [rows, H]. h is written in place (each thread reads only gx, gh), and to y
// (this step's output rows) unless y is NULL.
#include "activations.cuh"

extern "C" __global__ void rnn4j_rnn_step(const float* __restrict__ gx, const float* __restrict__ gh,
                                          const float* __restrict__ wb, const float* __restrict__ rb,
                                          float* __restrict__ h, float* __restrict__ y, int rows, int hidden, float clip,
                                          int act, float alpha, float beta) {
    long i = (long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long) rows * hidden) return;
    int k = (int) (i % hidden);
    float hNew = rnn4j_act(act, rnn4j_clip(gx[i] + wb[k] + gh[i] + rb[k], clip), alpha, beta);
    h[i] = hNew;
    if (y) y[i] = hNew;
}
