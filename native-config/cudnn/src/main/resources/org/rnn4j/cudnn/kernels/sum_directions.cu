// BIDIRECTIONAL_SUM on the device: out[r, c] = fwd[r·ld + c] + bwd[r·ld + c] for r < rows, c < cols, out packed
// [rows, cols]. The native path reads the two halves of cuDNN's y [maxT·N, 2·S] (ld = 2·S, bwd = y + S); the
// composed path the last layer's two direction outputs [maxT·N, S] (ld = S). Half the bytes then go to the host.
// Float: one IEEE single addition, the value the host would compute. Half (the native path's F16 y): both halves
// widened to float, added, rounded to the nearest half (ties to even), so Y holds half values as cuDNN's own y does.

#include "half.cuh"

extern "C" __global__ void rnn4j_sum_directions(const float* __restrict__ fwd, const float* __restrict__ bwd, int ld,
                                                float* __restrict__ out, int rows, int cols) {
    long i = (long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long) rows * cols) return;
    long at = (i / cols) * ld + i % cols;
    out[i] = fwd[at] + bwd[at];
}

extern "C" __global__ void rnn4j_sum_directions_half(const unsigned short* __restrict__ fwd,
                                                     const unsigned short* __restrict__ bwd, int ld,
                                                     unsigned short* __restrict__ out, int rows, int cols) {
    long i = (long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long) rows * cols) return;
    long at = (i / cols) * ld + i % cols;
    out[i] = rnn4j_f2h(rnn4j_h2f(fwd[at]) + rnn4j_h2f(bwd[at]));
}
