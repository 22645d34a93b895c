// One composed LSTM step (peepholes on any subset, CIFG either coupling, ONNX clip, any activations) for the
// rows still active at this step. gx: x-projection of this step incl. Wb, [N, 4H] gate order i,f,g,o (cuBLAS
// computed it for all steps at once); gh: R·h incl. Rb, [N, 4H]. peep [3, H] (i,f,o; zero rows for absent gates).
// coupling: 0 none, 1 f = 1 - i, 2 i = 1 - f. Writes the new c and the unprojected h (projection is a GEMM after).
#include "activations.cuh"

extern "C" __global__ void rnn4j_lstm_step(const float* __restrict__ gx, const float* __restrict__ gh,
                                           const float* __restrict__ peep, float* __restrict__ c,
                                           float* __restrict__ h, int rows, int hidden, int coupling, float clip,
                                           int fAct, float fA, float fB, int gAct, float gA, float gB,
                                           int hAct, float hA, float hB) {
    long i = (long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long) rows * hidden) return;
    long n = i / hidden;
    int k = (int) (i % hidden);
    long g = n * 4 * hidden;
    float cOld = c[i];
    float ai = gx[g + k] + gh[g + k] + (peep ? peep[k] * cOld : 0.0f);
    float af = gx[g + hidden + k] + gh[g + hidden + k] + (peep ? peep[hidden + k] * cOld : 0.0f);
    float ag = gx[g + 2 * hidden + k] + gh[g + 2 * hidden + k];
    float it = rnn4j_act(fAct, rnn4j_clip(ai, clip), fA, fB);
    float ft = rnn4j_act(fAct, rnn4j_clip(af, clip), fA, fB);
    if (coupling == 1) ft = 1.0f - it;
    if (coupling == 2) it = 1.0f - ft;
    float gt = rnn4j_act(gAct, rnn4j_clip(ag, clip), gA, gB);
    float cNew = ft * cOld + it * gt;
    // The output peephole sees the new cell (ONNX).
    float ao = gx[g + 3 * hidden + k] + gh[g + 3 * hidden + k] + (peep ? peep[2 * hidden + k] * cNew : 0.0f);
    float ot = rnn4j_act(fAct, rnn4j_clip(ao, clip), fA, fB);
    c[i] = cNew;
    h[i] = ot * rnn4j_act(hAct, cNew, hA, hB);
}
