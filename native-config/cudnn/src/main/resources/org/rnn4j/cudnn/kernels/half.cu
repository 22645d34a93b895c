// F16 data converted on the device, so that the host only ever copies floats (a Java loop converting each element
// cost ten times the bulk copy of the same floats). Native path: X and the initial states go up as floats and are
// packed into cuDNN's half tensors; y and the final states are widened before they come down. Composed path (which
// computes in float on half-rounded data): the data is rounded to half values in place.
#include "half.cuh"

extern "C" __global__ void rnn4j_half_pack(const float* __restrict__ in, unsigned short* __restrict__ out, int count) {
    long i = (long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < count) out[i] = rnn4j_f2h(in[i]);
}

extern "C" __global__ void rnn4j_half_unpack(const unsigned short* __restrict__ in, float* __restrict__ out, int count) {
    long i = (long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < count) out[i] = rnn4j_h2f(in[i]);
}

extern "C" __global__ void rnn4j_half_round(float* __restrict__ data, int count) {
    long i = (long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i < count) data[i] = rnn4j_h2f(rnn4j_f2h(data[i]));
}
