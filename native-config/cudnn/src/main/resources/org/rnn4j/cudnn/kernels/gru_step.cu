// One composed GRU step for the rows still active, reset-before or linear-before-reset, ONNX clip and any
// activations. gx: W·x + Wb for this step, [N, 3H] gate order z,r,n. For linear-before-reset gh = R·h + Rb
// [N, 3H] and this kernel finishes the step. Reset-before needs R_n·(r ⊙ h): phase 0 computes z, r into zr
// [N, 2H] and writes rh = r ⊙ h; the host then runs one GEMM ghn = R_n·rh + Rb_n into gh's n block; phase 1
// finishes. hOut may alias h only in phase 1.
#include "activations.cuh"

extern "C" __global__ void rnn4j_gru_step(const float* __restrict__ gx, const float* __restrict__ gh,
                                          const float* h, float* hOut, float* __restrict__ zr,
                                          float* __restrict__ rh, int rows, int hidden, int resetBefore, int phase,
                                          float clip, int fAct, float fA, float fB, int gAct, float gA, float gB) {
    long i = (long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long) rows * hidden) return;
    long n = i / hidden;
    int k = (int) (i % hidden);
    long g = n * 3 * hidden;
    if (phase == 0) {
        float z = rnn4j_act(fAct, rnn4j_clip(gx[g + k] + gh[g + k], clip), fA, fB);
        float r = rnn4j_act(fAct, rnn4j_clip(gx[g + hidden + k] + gh[g + hidden + k], clip), fA, fB);
        zr[n * 2 * hidden + k] = z;
        zr[n * 2 * hidden + hidden + k] = r;
        if (resetBefore) rh[i] = r * h[i];
        return;
    }
    float z = zr[n * 2 * hidden + k];
    float r = zr[n * 2 * hidden + hidden + k];
    // Reset-before: gh's n block already holds R_n·(r ⊙ h) + Rb_n. Linear-before-reset: r ⊙ (R_n·h + Rb_n).
    float an = resetBefore ? gx[g + 2 * hidden + k] + gh[g + 2 * hidden + k]
                           : gx[g + 2 * hidden + k] + r * gh[g + 2 * hidden + k];
    float nt = rnn4j_act(gAct, rnn4j_clip(an, clip), gA, gB);
    hOut[i] = (1.0f - z) * nt + z * h[i];
}
