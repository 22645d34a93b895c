// IEEE binary16 <-> float on the device for F16 data, as PTX cvt instructions: widening is exact, narrowing rounds
// to the nearest half (ties to even), overflows to infinity and keeps NaN a NaN. Halves travel as their 16 bits
// (unsigned short), so no CUDA header is needed under NVRTC.
#ifndef RNN4J_HALF_CUH
#define RNN4J_HALF_CUH

#ifndef RNN4J_HOST_BUILD // the tests' host build (cuda_shim.h) defines these two with the compiler's _Float16
__device__ __forceinline__ float rnn4j_h2f(unsigned short h) {
    float f;
    asm("cvt.f32.f16 %0, %1;" : "=f"(f) : "h"(h));
    return f;
}

__device__ __forceinline__ unsigned short rnn4j_f2h(float f) {
    unsigned short h;
    asm("cvt.rn.f16.f32 %0, %1;" : "=h"(h) : "f"(f));
    return h;
}
#endif

#endif
