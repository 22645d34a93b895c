// Lets the composed path's CUDA C++ kernels compile as host C++ for the emulated device of the tests: the CUDA
// qualifiers vanish and the built-in thread coordinates become globals that the launch loop sets.
#ifndef RNN4J_CUDA_SHIM_H
#define RNN4J_CUDA_SHIM_H
#include <cmath>
#include <math.h>

struct rnn4j_uint3 { unsigned int x, y, z; };
static rnn4j_uint3 threadIdx, blockIdx, blockDim;

#define __global__
#define __device__
#define __forceinline__ inline

// The kernels' half conversions (half.cuh) are PTX cvt instructions on the device; here the compiler's IEEE
// binary16 type (GCC 12+), rounding to nearest even as cvt.rn.f16.f32 does.
#define RNN4J_HOST_BUILD 1
#include <cstring>
inline float rnn4j_h2f(unsigned short h) {
    _Float16 v;
    std::memcpy(&v, &h, sizeof v);
    return (float) v;
}
inline unsigned short rnn4j_f2h(float f) {
    _Float16 v = (_Float16) f;
    unsigned short h;
    std::memcpy(&h, &v, sizeof h);
    return h;
}

/**
 * One 1-D launch of `threads` threads in blocks of 256 (rnn4j's launch shape): sets the coordinates and calls
 * `body` per thread, highest thread first, so a kernel that reads another thread's output would not pass.
 */
template <class Body> void rnn4j_each_thread(long long threads, Body body) {
    const unsigned block = 256;
    blockDim = {block, 1, 1};
    for (long long t = threads - 1; t >= 0; t--) {
        blockIdx = {(unsigned) (t / block), 0, 0};
        threadIdx = {(unsigned) (t % block), 0, 0};
        body();
    }
}
#endif
