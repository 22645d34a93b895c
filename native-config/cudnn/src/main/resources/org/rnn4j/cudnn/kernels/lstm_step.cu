// One composed LSTM step (peepholes on any subset, CIFG either coupling, ONNX clip, any activations) for the rows
// still active. gx: this step's W·x, [rows, 4H] gate order i,f,g,o (cuBLAS computed it for all steps at once);
// gh: R·h, [rows, 4H]; wb, rb: [4H]. peep: [3, H] rows i,f,o, used for the gates in peepMask (bits 1 i, 2 f, 4 o):
// an absent gate adds nothing — not 0·c, which is NaN once c is infinite (the reference adds no term either).
// coupling: 0 none, 1 f = 1 - i, 2 i = 1 - f. Updates c in place and writes the unprojected h (a projection is a
// GEMM after this kernel), also to y (this step's output rows) unless y is NULL. Each thread touches only element i.
#include "activations.cuh"

extern "C" __global__ void rnn4j_lstm_step(const float* __restrict__ gx, const float* __restrict__ gh,
                                           const float* __restrict__ wb, const float* __restrict__ rb,
                                           const float* __restrict__ peep, int peepMask, float* __restrict__ c,
                                           float* __restrict__ h, float* __restrict__ y, int rows, int hidden,
                                           int coupling, float clip,
                                           int fAct, float fA, float fB, int gAct, float gA, float gB,
                                           int hAct, float hA, float hB) {
    long i = (long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long) rows * hidden) return;
    long n = i / hidden;
    int k = (int) (i % hidden);
    long g = n * 4 * hidden;
    float cOld = c[i];
    float ai = gx[g + k] + wb[k] + gh[g + k] + rb[k];
    float af = gx[g + hidden + k] + wb[hidden + k] + gh[g + hidden + k] + rb[hidden + k];
    float ag = gx[g + 2 * hidden + k] + wb[2 * hidden + k] + gh[g + 2 * hidden + k] + rb[2 * hidden + k];
    float ao = gx[g + 3 * hidden + k] + wb[3 * hidden + k] + gh[g + 3 * hidden + k] + rb[3 * hidden + k];
    if (peepMask & 1) ai += peep[k] * cOld;
    if (peepMask & 2) af += peep[hidden + k] * cOld;
    float it = rnn4j_act(fAct, rnn4j_clip(ai, clip), fA, fB);
    float ft = rnn4j_act(fAct, rnn4j_clip(af, clip), fA, fB);
    if (coupling == 1) ft = 1.0f - it;
    if (coupling == 2) it = 1.0f - ft;
    float gt = rnn4j_act(gAct, rnn4j_clip(ag, clip), gA, gB);
    float cNew = ft * cOld + it * gt;
    // The output peephole sees the new cell (ONNX).
    if (peepMask & 4) ao += peep[2 * hidden + k] * cNew;
    float ot = rnn4j_act(fAct, rnn4j_clip(ao, clip), fA, fB);
    c[i] = cNew;
    float hNew = ot * rnn4j_act(hAct, cNew, hA, hB);
    h[i] = hNew;
    if (y) y[i] = hNew;
}
