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
#endif
