// REVERSE per length on the device: out[t, n, :] = in[len[n] - 1 - t, n, :] for t < len[n], zero otherwise.
// Sequence-major [maxT, N, C]. Mirrors a direction's input projection before its steps and its output after.
extern "C" __global__ void rnn4j_reverse_sequences(const float* __restrict__ in, float* __restrict__ out,
                                                   const int* __restrict__ len, int maxT, int n, int c) {
    long i = (long) blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (long) maxT * n * c) return;
    int ch = (int) (i % c);
    long tn = i / c;
    int b = (int) (tn % n);
    int t = (int) (tn / n);
    int l = len[b];
    out[i] = t < l ? in[((long) (l - 1 - t) * n + b) * c + ch] : 0.0f;
}
