// The composed GRU step for the rows still active, ONNX clip and any activations, in one or two kernels.
// gx: this step's W·x, [rows, 3H] gate order z,r,n; wb, rb: [3H]; gh: [rows, 3H].
//  - linear-before-reset: gh = R·h (all three blocks); rnn4j_gru_step finishes the step.
//  - reset-before: the host computes gh's z and r blocks (R_zr·h), runs rnn4j_gru_reset (rh = r ⊙ h), then one
//    GEMM R_n·rh into gh's n block, then rnn4j_gru_step.
// h is updated in place (each thread reads and writes only element i of h) and written to y (this step's output
// rows) unless y is NULL.
#include "activations.cuh"

extern "C" __global__ void rnn4j_gru_reset(const float* __restrict__ gx, const float* __restrict__ gh,
                                           const float* __restrict__ wb, const float* __restrict__ rb,
                                           const float* __restrict__ h, float* __restrict__ rh, int rows,
                                           int hidden, float clip, int fAct, float fA, float fB) {
    long i = (long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long) rows * hidden) return;
    long g = i / hidden * 3 * hidden;
    int k = (int) (i % hidden);
    float r = rnn4j_act(fAct, rnn4j_clip(gx[g + hidden + k] + wb[hidden + k] + gh[g + hidden + k] + rb[hidden + k], clip), fA, fB);
    rh[i] = r * h[i];
}

extern "C" __global__ void rnn4j_gru_step(const float* __restrict__ gx, const float* __restrict__ gh,
                                          const float* __restrict__ wb, const float* __restrict__ rb,
                                          float* __restrict__ h, float* __restrict__ y, int rows, int hidden,
                                          int linearBeforeReset,
                                          float clip, int fAct, float fA, float fB, int gAct, float gA, float gB) {
    long i = (long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long) rows * hidden) return;
    long g = i / hidden * 3 * hidden;
    int k = (int) (i % hidden);
    float z = rnn4j_act(fAct, rnn4j_clip(gx[g + k] + wb[k] + gh[g + k] + rb[k], clip), fA, fB);
    float xn = gx[g + 2 * hidden + k] + wb[2 * hidden + k];
    float hn = gh[g + 2 * hidden + k] + rb[2 * hidden + k];
    float an;
    if (linearBeforeReset) {
        float r = rnn4j_act(fAct, rnn4j_clip(gx[g + hidden + k] + wb[hidden + k] + gh[g + hidden + k] + rb[hidden + k], clip), fA, fB);
        an = xn + r * hn;     // r ⊙ (R_n·h + Rb_n)
    } else {
        an = xn + hn;         // gh's n block already holds R_n·(r ⊙ h)
    }
    float n = rnn4j_act(gAct, rnn4j_clip(an, clip), gA, gB);
    float hNew = (1.0f - z) * n + z * h[i];
    h[i] = hNew;
    if (y) y[i] = hNew;
}
