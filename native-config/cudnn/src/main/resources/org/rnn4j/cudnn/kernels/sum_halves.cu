// BIDIRECTIONAL_SUM on the device: y[t, n, c] = yc[t, n, c] + yc[t, n, S + c] for the concatenated cuDNN output
// yc [rows, 2*S] (rows = maxT * N). One thread per output element.
extern "C" __global__ void rnn4j_sum_halves(const float* __restrict__ yc, float* __restrict__ y, int rows, int s) {
    long i = (long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long) rows * s) return;
    long row = i / s;
    int c = (int) (i % s);
    y[i] = yc[row * 2 * s + c] + yc[row * 2 * s + s + c];
}
