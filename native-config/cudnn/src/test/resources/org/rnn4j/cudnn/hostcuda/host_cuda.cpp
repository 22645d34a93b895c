// A host stand-in for the CUDA libraries rnn4j's cuDNN backend calls through the JavaCPP `cuda` preset: the CUDA
// runtime and driver, cuBLAS, NVRTC and cuDNN's RNN forward, implemented on the CPU from their documented contracts.
// The tests load it into a child JVM ahead of the real libraries (LD_PRELOAD; the stubs beside it carry the sonames
// and symbol versions the JNI libraries link against), so the backend's own Java code — descriptors, weight
// upload through cudnnGetRNNWeightParams, padded sequence I/O, cuBLAS's column-major GEMM, NVRTC, module loading
// and cuLaunchKernel's argument array — runs end to end on a machine without a GPU.
//
// What it checks that a GPU would not report this plainly: every "device" pointer is checked against the live
// allocations (size included) and every host pointer against them too, each descriptor against what cuDNN's API
// reference requires, and misuse is printed as a "hostcuda VIOLATION" line besides returning an error status.
// Work enqueued on a stream runs only when the host synchronizes with it, and two streams touching one allocation
// without an event between them are reported (see "streams" below). New allocations and the workspace are filled
// with NaN bytes. At exit it prints the objects still alive and the work still queued.
//
// What it cannot check: the real libraries' numerics and speed, and their undocumented limits. Its cuDNN weight
// space has a layout of its own (pseudo-layers last to first, biases before matrices, gaps between regions), so the
// caller must use the addresses cudnnGetRNNWeightParams returns, as with the real library.
#include <malloc.h>
#include <algorithm>
#include <atomic>
#include <climits>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <type_traits>
#include <utility>
#include <vector>
#include "cuda_shim.h"
#include "kernels.inc" // #include of every kernel source, written by the test

namespace {

std::recursive_mutex lock;
#define GUARD std::lock_guard<std::recursive_mutex> guard(lock)

int violations = 0;

/** Reports misuse; the caller returns an error status as well. */
void violation(const std::string& what) {
    violations++;
    std::fprintf(stderr, "hostcuda VIOLATION: %s\n", what.c_str());
    std::fflush(stderr);
}

// ---- configuration: the child JVM's environment picks the versions and the device (defaults in brackets) ----

int envInt(const char* name, int fallback) {
    const char* v = std::getenv(name);
    return v != nullptr && *v != 0 ? std::atoi(v) : fallback;
}

// The default models the -redist jar's 13.1 runtime and NVRTC on a machine whose driver is 13.0: CUDA's minor
// version compatibility runs that runtime and its cubins, but the driver JIT-compiles only PTX of 13.0 or older.
const int DRIVER_VERSION = envInt("RNN4J_HOSTCUDA_DRIVER", 13000);   // cuDriverGetVersion [13000]
const int RUNTIME_VERSION = envInt("RNN4J_HOSTCUDA_RUNTIME", 13010); // cudaRuntimeGetVersion [13010]
const int NVRTC_VERSION = 13010;                                     // nvrtcVersion: 13.1
const int DEVICE_ARCH = envInt("RNN4J_HOSTCUDA_ARCH", 90);          // compute capability, 10·major + minor [90]
const int CUDNN_CUDART = envInt("RNN4J_HOSTCUDA_CUDNN_CUDART", 13000); // cudnnGetCudartVersion [13000]
const int DEVICE_COUNT = envInt("RNN4J_HOSTCUDA_DEVICES", 1);       // cudaGetDeviceCount, all alike [1]
/**
 * The calling thread's current device (cudaSetDevice; 0 until then, as in CUDA). Streams, handles, modules and
 * allocations belong to the device current at their creation and must be destroyed with it current: cuModuleUnload
 * documents unloading "from the current context", and rnn4j holds the other frees to the same rule.
 */
thread_local int currentDevice = 0;
/** What nvrtcGetSupportedArchs reports (ascending): the architectures of CUDA 13.0 (nvcc --list-gpu-code). */
const std::vector<int> NVRTC_ARCHS = {75, 80, 86, 87, 88, 89, 90, 100, 103, 110, 120, 121};

// ---- device memory: host heap blocks, tracked ----

std::map<uintptr_t, size_t> allocations; // base → bytes
std::map<uintptr_t, int> allocationDevice; // base → device current at cudaMalloc

/** The allocation holding [p, p + bytes), or false. */
bool onDevice(const void* p, size_t bytes) {
    uintptr_t a = (uintptr_t) p;
    auto it = allocations.upper_bound(a);
    if (it == allocations.begin()) return false;
    --it;
    return a >= it->first && a + bytes <= it->first + it->second;
}

bool touchesDevice(const void* p, size_t bytes) {
    uintptr_t a = (uintptr_t) p;
    for (auto& e : allocations) {
        if (a < e.first + e.second && a + std::max<size_t>(bytes, 1) > e.first) return true;
    }
    return false;
}

/** Checks a device range; logs and returns false when it is not inside one allocation. */
bool device(const void* p, size_t bytes, const std::string& what) {
    if (p != nullptr && onDevice(p, bytes)) return true;
    violation(what + ": " + std::to_string(bytes) + " bytes at " + std::to_string((uintptr_t) p)
              + " are not inside one device allocation");
    return false;
}

bool host(const void* p, size_t bytes, const std::string& what) {
    if (p != nullptr && !touchesDevice(p, bytes)) return true;
    violation(what + ": " + std::to_string(bytes) + " bytes at " + std::to_string((uintptr_t) p)
              + (p == nullptr ? " (NULL)" : " overlap device memory") + " where host memory is expected");
    return false;
}

// ---- live objects of each kind, so a destroyed or foreign handle is caught ----

struct Registry {
    const char* kind;
    bool perDevice; // belongs to a device (stream, handle, module), not just to the host (descriptor, program)
    std::set<void*> live;
    long created = 0;
    std::map<void*, int> device; // the device current at creation
    void* add(void* p) { live.insert(p); created++; device[p] = currentDevice; return p; }
    bool has(const void* p) const { return live.count(const_cast<void*>(p)) != 0; }
    bool remove(void* p, const std::string& op) {
        auto d = device.find(p);
        if (d != device.end()) {
            if (perDevice && d->second != currentDevice) {
                violation(op + ": " + kind + " of device " + std::to_string(d->second) + " destroyed while device "
                          + std::to_string(currentDevice) + " is current on this thread (cudaSetDevice first)");
            }
            device.erase(d);
        }
        if (live.erase(p)) return true;
        violation(op + ": " + kind + " " + std::to_string((uintptr_t) p) + " is not alive (destroyed twice, or never created)");
        return false;
    }
};

Registry streams{"stream", true}, blasHandles{"cuBLAS handle", true}, modules{"module", true},
        programs{"NVRTC program", false}, dnnHandles{"cuDNN handle", true}, rnnDescs{"RNN descriptor", false},
        dataDescs{"RNN data descriptor", false}, tensorDescs{"tensor descriptor", false}, dropoutDescs{"dropout descriptor", false};

// ---- pinned host memory (cudaMallocHost, cudaHostAlloc) ----

std::map<uintptr_t, size_t> pinned; // base → bytes

/** The base of the pinned block p lies in, or 0 (pageable memory). */
uintptr_t pinnedBlock(const void* p) {
    uintptr_t a = (uintptr_t) p;
    auto it = pinned.upper_bound(a);
    if (it == pinned.begin()) return 0;
    --it;
    return a < it->first + it->second ? it->first : 0;
}

/** Host memory for a copy: not device memory, and a range that starts in a pinned block ends inside it. */
bool hostRange(const void* p, size_t bytes, const std::string& what) {
    if (!host(p, bytes, what)) return false;
    uintptr_t block = pinnedBlock(p);
    if (block == 0 || (uintptr_t) p + bytes <= block + pinned[block]) return true;
    violation(what + ": " + std::to_string(bytes) + " bytes at " + std::to_string((uintptr_t) p)
              + " run past the end of their pinned block (" + std::to_string(pinned[block]) + " bytes)");
    return false;
}

// ---- streams: work runs when the host waits for it ----
//
// CUDA returns from every call that enqueues work on a stream (cuLaunchKernel, cublasSgemm, cudnnRNNForward,
// cudaMemcpyAsync, cudaMemsetAsync) without saying when the work runs; only a synchronizing call tells the host it
// has. The stand-in takes the latest schedule a GPU may choose: a stream is a queue that runs, in order, when the host
// waits on it (cudaStreamSynchronize; cudaEventSynchronize up to the event; cudaDeviceSynchronize, cudaFree,
// cudaMemcpy and cudaMemset for the whole device; cudaStreamDestroy, whose work still completes; process exit).
// What the API takes by value is captured at the call (kernel argument values, alpha and beta, descriptors and the
// host seqLengthArray); device memory and host memory, pinned or pageable, are read and written when the work runs.
// For pageable memory that is the pessimistic reading of "might be synchronous".
//
// Streams are ordered only by events. Each stream keeps a vector clock: for every other stream, the last of its
// operations that work enqueued here from now on follows (cudaEventRecord there, cudaStreamWaitEvent here). Work
// that touches an allocation which a still-pending, unordered operation of another stream touches too, one of the
// two writing, is a data race on a GPU, and is reported when the second one is enqueued.

const int READ = 1, WRITE = 2;

struct Touch { uintptr_t base; int mode; };

struct Event;

struct Op {
    enum Kind { WORK, COPY, RECORD, WAIT } kind = WORK;
    long long seq = 0;
    std::string name;
    std::vector<Touch> touches;
    std::function<void()> work;                     // WORK
    char* dst = nullptr;                            // COPY
    const char* src = nullptr;
    size_t bytes = 0;
    int direction = 0;                              // 1 host to device, 2 device to host, 3 device to device
    bool pinnedHost = false, hostGone = false;
    std::vector<char> source;                       // to the device: the host bytes at the call
    Event* event = nullptr;                         // RECORD
    void* waitFor = nullptr;                        // WAIT: that stream's operations up to waitSeq run first
    long long waitSeq = 0;
    char* host() const { return direction == 1 ? (char*) src : direction == 2 ? dst : nullptr; }
    bool pageable() const { return kind == COPY && direction != 3 && !pinnedHost; }
};

/** The operations of one stream that last read and last wrote an allocation. */
struct LastUse { long long readSeq = 0, writeSeq = 0; std::string reader, writer; };

struct Queue {
    int device = 0;
    std::deque<std::unique_ptr<Op>> ops;
    long long done = 0;                 // its last operation that has run
    std::map<void*, long long> after;   // stream → its last operation that work enqueued here follows
    std::map<uintptr_t, LastUse> uses;  // allocation → last readers and writers
};

struct Event {
    bool timing = true, destroyed = false, completed = false;
    int records = 0;                    // its RECORD operations still queued; freed after the last one
    long long seq = 0;                  // the latest cudaEventRecord's operation (0: never recorded)
    void* stream = nullptr;
    std::map<void*, long long> after;   // the recording stream's clock then, itself included
    std::chrono::steady_clock::time_point at;
};

std::map<void*, Queue> queues;          // by stream; nullptr is the legacy default stream
long long lastSeq = 0;
std::atomic<size_t> pendingPageable{0}; // copies with pageable host memory; read without the lock by operator delete[]
Registry events{"event", true};

std::string hex(const void* p) {
    char b[32];
    std::snprintf(b, sizeof b, "%#llx", (unsigned long long) (uintptr_t) p);
    return b;
}

/** The base of the allocation holding p, or 0. */
uintptr_t allocationOf(const void* p) {
    uintptr_t a = (uintptr_t) p;
    auto it = allocations.upper_bound(a);
    if (it == allocations.begin()) return 0;
    --it;
    return a < it->first + it->second ? it->first : 0;
}

/** Records that an operation reads and/or writes the allocation holding p (one entry per allocation). */
void touch(std::vector<Touch>& touches, const void* p, int mode) {
    uintptr_t base = allocationOf(p);
    if (base == 0) return;
    for (Touch& t : touches) if (t.base == base) { t.mode |= mode; return; }
    touches.push_back({base, mode});
}

void drain(void* s, long long upTo);

void execute(Op& op) {
    switch (op.kind) {
        case Op::WORK: op.work(); break;
        case Op::COPY:
            if (op.pageable() && !op.hostGone) pendingPageable--;
            if (op.hostGone) break; // reported when the host memory went
            if (op.direction == 1 && std::memcmp(op.src, op.source.data(), op.bytes) != 0) {
                violation(op.name + ": host source of a pending copy modified before the stream was synchronized ("
                          + std::to_string(op.bytes) + " bytes at " + hex(op.src) + ")");
            }
            std::memmove(op.dst, op.src, op.bytes);
            break;
        case Op::RECORD: {
            Event* e = op.event;
            e->records--;
            if (e->seq == op.seq) { e->completed = true; e->at = std::chrono::steady_clock::now(); }
            if (e->destroyed && e->records == 0) delete e;
            break;
        }
        case Op::WAIT: drain(op.waitFor, op.waitSeq); break;
    }
}

/** Runs stream s's queued operations up to (and including) sequence number upTo. */
void drain(void* s, long long upTo) {
    auto it = queues.find(s);
    if (it == queues.end()) return;
    Queue& q = it->second;
    while (!q.ops.empty() && q.ops.front()->seq <= upTo) {
        std::unique_ptr<Op> op = std::move(q.ops.front());
        q.ops.pop_front();
        q.done = op->seq;
        execute(*op);
    }
}

/** Runs the legacy stream and every stream of device (of all devices when device < 0). */
void drainDevice(int device) {
    drain(nullptr, LLONG_MAX);
    for (auto& e : queues) {
        if (e.first != nullptr && (device < 0 || e.second.device == device)) drain(e.first, LLONG_MAX);
    }
}

bool pending(void* s) {
    auto it = queues.find(s);
    return it != queues.end() && !it->second.ops.empty();
}

/** Appends op to stream s, after reporting any unordered conflicting use of its allocations by another stream. */
Op* enqueue(void* s, std::unique_ptr<Op> op) {
    // The legacy default stream waits for every other stream and they for it: running what the other side has
    // queued first is one schedule that allows, and leaves no work unordered with it.
    if (s == nullptr) {
        for (auto& e : queues) if (e.first != nullptr) drain(e.first, LLONG_MAX);
    } else {
        drain(nullptr, LLONG_MAX);
    }
    Queue& q = queues[s];
    op->seq = ++lastSeq;
    for (const Touch& t : op->touches) {
        for (auto& other : queues) {
            if (other.first == s) continue;
            auto u = other.second.uses.find(t.base);
            if (u == other.second.uses.end()) continue;
            auto a = q.after.find(other.first);
            long long ordered = std::max(other.second.done, a == q.after.end() ? 0LL : a->second);
            const std::string* them = nullptr;
            bool theyWrite = false;
            if (u->second.writeSeq > ordered) { them = &u->second.writer; theyWrite = true; }
            else if ((t.mode & WRITE) && u->second.readSeq > ordered) them = &u->second.reader;
            if (them == nullptr) continue;
            violation("cross-stream hazard: " + op->name + " on stream " + hex(s) + ((t.mode & WRITE) ? " writes" : " reads")
                      + " device allocation " + hex((void*) t.base) + " (" + std::to_string(allocations[t.base]) + " bytes), which "
                      + *them + " on stream " + hex(other.first) + (theyWrite ? " writes" : " reads")
                      + " and has not yet run, with nothing ordering the two (cudaEventRecord there after it, "
                        "cudaStreamWaitEvent here)");
        }
    }
    for (const Touch& t : op->touches) {
        LastUse& u = q.uses[t.base];
        if (t.mode & READ) { u.readSeq = op->seq; u.reader = op->name; }
        if (t.mode & WRITE) { u.writeSeq = op->seq; u.writer = op->name; }
    }
    if (op->pageable()) pendingPageable++;
    q.ops.push_back(std::move(op));
    return q.ops.back().get();
}

/** A copy's direction checked (host side not device memory, device side inside one allocation); nullptr if wrong. */
std::unique_ptr<Op> copyOp(const char* function, void* dst, const void* src, size_t bytes, int kind) {
    std::string f = function;
    bool ok;
    switch (kind) {
        case 1: ok = hostRange(src, bytes, f + " host-to-device source") & device(dst, bytes, f + " host-to-device destination"); break;
        case 2: ok = device(src, bytes, f + " device-to-host source") & hostRange(dst, bytes, f + " device-to-host destination"); break;
        case 3: ok = device(src, bytes, f + " device-to-device source") & device(dst, bytes, f + " device-to-device destination"); break;
        default: violation(f + ": kind " + std::to_string(kind) + " (rnn4j names the direction)"); ok = false;
    }
    if (!ok) return nullptr;
    auto op = std::make_unique<Op>();
    op->kind = Op::COPY;
    op->dst = (char*) dst;
    op->src = (const char*) src;
    op->bytes = bytes;
    op->direction = kind;
    op->name = f + (kind == 1 ? " host-to-device" : kind == 2 ? " device-to-host" : " device-to-device");
    if (kind != 3) {
        op->pinnedHost = pinnedBlock(op->host()) != 0;
        op->name += op->pinnedHost ? " (pinned)" : " (pageable)";
    }
    if (kind != 1) touch(op->touches, src, READ);
    if (kind != 2) touch(op->touches, dst, WRITE);
    if (kind == 1) op->source.assign(op->src, op->src + bytes);
    return op;
}

/** Host memory [from, to) is being freed without a synchronize: no queued copy may still use it. */
void hostGone(uintptr_t from, uintptr_t to, bool pinnedMemory, const char* how) {
    for (auto& e : queues) {
        for (auto& op : e.second.ops) {
            if (op->kind != Op::COPY || op->direction == 3 || op->pinnedHost != pinnedMemory || op->hostGone) continue;
            uintptr_t a = (uintptr_t) op->host();
            if (a >= to || a + op->bytes <= from) continue;
            violation(std::string(how) + " while a cudaMemcpyAsync " + (op->direction == 2 ? "to" : "from") + " it ("
                      + std::to_string(op->bytes) + " bytes) is pending on stream " + hex(e.first)
                      + ": its stream was not synchronized");
            op->hostGone = true;
            if (op->pageable()) pendingPageable--;
        }
    }
}

/** Pageable host memory at p is being freed (operator delete[]). */
void hostMemoryFreed(void* p) {
    if (p == nullptr || pendingPageable.load() == 0) return;
    GUARD;
    hostGone((uintptr_t) p, (uintptr_t) p + malloc_usable_size(p), false, "host memory freed");
}

size_t queuedOps(bool copies) {
    size_t n = 0;
    for (auto& e : queues) for (auto& op : e.second.ops) if ((op->kind == Op::COPY) == copies) n++;
    return n;
}

struct Report {
    ~Report() {
        GUARD;
        std::fprintf(stderr, "hostcuda EXIT: allocations %zu, pinned %zu, copies %zu, work %zu, streams %zu, events %zu, "
                     "cublas %zu, modules %zu, programs %zu, cudnn %zu, rnn %zu, rnndata %zu, tensor %zu, dropout %zu, violations %d\n",
                     allocations.size(), pinned.size(), queuedOps(true), queuedOps(false), streams.live.size(), events.live.size(),
                     blasHandles.live.size(), modules.live.size(), programs.live.size(), dnnHandles.live.size(),
                     rnnDescs.live.size(), dataDescs.live.size(), tensorDescs.live.size(), dropoutDescs.live.size(), violations);
        drainDevice(-1); // the process's queued work completes before it ends
        pendingPageable = 0; // the queues are destroyed next: later frees must not look at them
    }
} report;

/**
 * The tests' control values (cudaDeviceSetLimit / cudaDeviceGetLimit): FAULT arms the k-th fallible call from then
 * on to fail, once; LIVE counts live objects (queued operations included); DWELL (µs) keeps each cudnnRNNForward
 * call that much longer on its thread, with the lock released, so that concurrent use of one handle or RNN
 * descriptor shows; VIOLATIONS counts the reports. CALLS reads how many fallible calls were made since it was last
 * set: set to 0 it starts counting afresh, set to 1 it prints the count per function to stderr ("hostcuda CALLS").
 * PAGEABLE reads how many of the cudaMemcpyAsync calls counted copied to or from pageable host memory.
 */
const int FAULT_LIMIT = 0x52344A, LIVE_LIMIT = 0x52344B, DWELL_LIMIT = 0x52344C, VIOLATIONS_LIMIT = 0x52344D,
          CALLS_LIMIT = 0x52344E, PAGEABLE_LIMIT = 0x52344F;
long long dwellMicros = 0;
long long faultAt = 0, faultCalls = 0;
std::map<std::string, long long> callCounts; // fallible calls by function, since CALLS was last set to 0
long long pageableAsyncCopies = 0;

bool fault(const char* function) {
    callCounts[function]++;
    if (faultAt == 0 || ++faultCalls < faultAt) return false;
    faultAt = 0;
    std::fprintf(stderr, "hostcuda FAULT injected into %s\n", function);
    return true;
}

size_t liveObjects() {
    size_t n = allocations.size() + pinned.size() + queuedOps(true) + queuedOps(false);
    for (Registry* r : {&streams, &events, &blasHandles, &modules, &programs, &dnnHandles, &rnnDescs, &dataDescs, &tensorDescs, &dropoutDescs}) n += r->live.size();
    return n;
}

bool stream(void* s, const std::string& op) {
    if (s == nullptr || streams.has(s)) return true;
    violation(op + ": stream " + std::to_string((uintptr_t) s) + " is not alive");
    return false;
}

// ---- half precision (IEEE binary16), round to nearest even ----

float halfToFloat(uint16_t h) {
    uint32_t sign = (uint32_t) (h >> 15) << 31, exp = (h >> 10) & 31, man = h & 1023, bits;
    if (exp == 31) bits = sign | 0x7f800000u | (man << 13);
    else if (exp != 0) bits = sign | ((exp + 112) << 23) | (man << 13);
    else if (man == 0) bits = sign;
    else { float f = std::ldexp((float) man, -24); return sign ? -f : f; }
    float f;
    std::memcpy(&f, &bits, 4);
    return f;
}

uint16_t floatToHalf(float f) {
    uint32_t x;
    std::memcpy(&x, &f, 4);
    uint16_t sign = (uint16_t) ((x >> 16) & 0x8000);
    uint32_t abs = x & 0x7fffffffu;
    if (abs > 0x7f800000u) return sign | 0x7e00;                  // NaN
    if (abs >= 0x477ff000u) return sign | 0x7c00;                 // rounds to ±Inf
    if (abs < 0x38800000u) {                                      // subnormal or zero in half
        float a;
        std::memcpy(&a, &abs, 4);
        return sign | (uint16_t) std::nearbyint(a * 16777216.0f); // units of 2^-24, ties to even
    }
    uint32_t mant = abs + 0xfff + ((abs >> 13) & 1);              // round to nearest even at bit 13
    return sign | (uint16_t) ((mant - 0x38000000u) >> 13);
}

double load(const void* base, size_t index, bool half) {
    if (half) return halfToFloat(((const uint16_t*) base)[index]);
    return ((const float*) base)[index];
}

void store(void* base, size_t index, double v, bool half) {
    if (half) ((uint16_t*) base)[index] = floatToHalf((float) v);
    else ((float*) base)[index] = (float) v;
}

/** v as the storage type holds it. */
double stored(double v, bool half) { return half ? halfToFloat(floatToHalf((float) v)) : (double) (float) v; }

} // namespace

// ============================================================ CUDA runtime (libcudart.so.13)

extern "C" {

/** A runtime of a newer major than the driver finds no device: cudaErrorInsufficientDriver, as CUDA reports it. */
int cudaGetDeviceCount(int* count) {
    if (DRIVER_VERSION / 1000 < RUNTIME_VERSION / 1000) { *count = 0; return 35; }
    *count = DEVICE_COUNT;
    return 0;
}

int cudaSetDevice(int device) {
    GUARD;
    if (fault("cudaSetDevice")) return 2;
    if (device >= 0 && device < DEVICE_COUNT) { currentDevice = device; return 0; }
    violation("cudaSetDevice(" + std::to_string(device) + "): the stand-in has " + std::to_string(DEVICE_COUNT) + " device(s)");
    return 101; // cudaErrorInvalidDevice
}

int cudaGetDeviceProperties(void* prop, int device) {
    if (device < 0 || device >= DEVICE_COUNT) return 101;
    // cudaDeviceProp of CUDA 13: char name[256] at 0, int major at 360, int minor at 364 (offsets of the header).
    std::memset(prop, 0, 256);
    std::strcpy((char*) prop, "rnn4j host stand-in");
    int major = DEVICE_ARCH / 10, minor = DEVICE_ARCH % 10;
    std::memcpy((char*) prop + 360, &major, 4);
    std::memcpy((char*) prop + 364, &minor, 4);
    return 0;
}

int cudaRuntimeGetVersion(int* version) { *version = RUNTIME_VERSION; return 0; }

int cudaDriverGetVersion(int* version) { *version = DRIVER_VERSION; return 0; }

const char* cudaGetErrorName(int error) {
    switch (error) {
        case 0: return "cudaSuccess";
        case 1: return "cudaErrorInvalidValue";
        case 2: return "cudaErrorMemoryAllocation";
        case 35: return "cudaErrorInsufficientDriver";
        case 101: return "cudaErrorInvalidDevice";
        case 400: return "cudaErrorInvalidResourceHandle";
        case 600: return "cudaErrorNotReady";
        default: return "cudaErrorUnknown";
    }
}

int cudaMalloc(void** p, size_t bytes) {
    GUARD;
    if (fault("cudaMalloc")) return 2; // cudaErrorMemoryAllocation
    if (bytes == 0) { *p = nullptr; return 0; }
    void* block = std::malloc(bytes);
    if (block == nullptr) return 2;
    std::memset(block, 0xff, bytes); // NaN in float and in half: what nobody wrote shows
    allocations[(uintptr_t) block] = bytes;
    allocationDevice[(uintptr_t) block] = currentDevice;
    *p = block;
    return 0;
}

/** Synchronizes the device first, as CUDA documents, so that no queued work still uses the memory. */
int cudaFree(void* p) {
    GUARD;
    if (p == nullptr) return 0;
    auto it = allocations.find((uintptr_t) p);
    if (it == allocations.end()) {
        violation("cudaFree(" + std::to_string((uintptr_t) p) + "): not the start of a live allocation (double free?)");
        return 1;
    }
    int owner = allocationDevice[(uintptr_t) p];
    if (owner != currentDevice) {
        violation("cudaFree(" + std::to_string((uintptr_t) p) + "): memory of device " + std::to_string(owner)
                  + " freed while device " + std::to_string(currentDevice) + " is current on this thread (cudaSetDevice first)");
    }
    drainDevice(currentDevice);
    for (auto& e : queues) {
        for (auto& op : e.second.ops) {
            bool uses = false;
            for (const Touch& t : op->touches) uses |= t.base == (uintptr_t) p;
            if (!uses) continue;
            // The stand-in's devices share one memory; a GPU's would not, and the other device's work would fault.
            violation("cudaFree(" + std::to_string((uintptr_t) p) + "): " + op->name + " queued on a stream of device "
                      + std::to_string(e.second.device) + " still uses it");
            drain(e.first, LLONG_MAX);
            break;
        }
    }
    for (auto& e : queues) e.second.uses.erase((uintptr_t) p); // a later cudaMalloc may return the same address
    std::free(p);
    allocations.erase(it);
    allocationDevice.erase((uintptr_t) p);
    return 0;
}

int cudaStreamCreateWithFlags(void** s, unsigned flags) {
    GUARD;
    if (fault("cudaStreamCreate")) return 2;
    if (flags > 1) { violation("cudaStreamCreateWithFlags: flags " + std::to_string(flags)); return 1; }
    *s = streams.add(new char[16]);
    queues[*s].device = currentDevice;
    return 0;
}

int cudaStreamCreate(void** s) { return cudaStreamCreateWithFlags(s, 0); }

/** CUDA returns at once and completes the stream's work later; the stand-in runs it here. */
int cudaStreamDestroy(void* s) {
    GUARD;
    if (!streams.remove(s, "cudaStreamDestroy")) return 400;
    drain(s, LLONG_MAX);
    queues.erase(s);
    delete[] (char*) s;
    return 0;
}

int cudaStreamSynchronize(void* s) {
    GUARD;
    if (fault("cudaStreamSynchronize")) return 2;
    if (!stream(s, "cudaStreamSynchronize")) return 400;
    if (s == nullptr) drainDevice(currentDevice); // the legacy stream follows all blocking streams' earlier work
    else drain(s, LLONG_MAX);
    return 0;
}

/** cudaErrorNotReady while work is queued, which then runs: a polling loop must end, as on a GPU. */
int cudaStreamQuery(void* s) {
    GUARD;
    if (!stream(s, "cudaStreamQuery")) return 400;
    if (!pending(s)) return 0;
    drain(s, LLONG_MAX);
    return 600;
}

int cudaDeviceSynchronize() {
    GUARD;
    if (fault("cudaDeviceSynchronize")) return 2;
    drainDevice(currentDevice);
    return 0;
}

// ---- events ----

static Event* liveEvent(void* e, const char* op) {
    if (events.has(e)) return (Event*) e;
    violation(std::string(op) + ": event " + std::to_string((uintptr_t) e) + " is not alive");
    return nullptr;
}

/** cudaEventDefault, cudaEventBlockingSync, cudaEventDisableTiming (no interprocess events). */
int cudaEventCreateWithFlags(void** e, unsigned flags) {
    GUARD;
    if (fault("cudaEventCreate")) return 2;
    if (flags > 3) { violation("cudaEventCreateWithFlags: flags " + std::to_string(flags) + " (the stand-in has no interprocess events)"); return 1; }
    Event* ev = new Event();
    ev->timing = (flags & 2) == 0;
    *e = events.add(ev);
    return 0;
}

int cudaEventCreate(void** e) { return cudaEventCreateWithFlags(e, 0); }

/** CUDA lets an event be destroyed while recorded work is queued; it is freed once that has run. */
int cudaEventDestroy(void* e) {
    GUARD;
    if (!events.has(e)) { violation("cudaEventDestroy: event " + std::to_string((uintptr_t) e) + " is not alive"); return 400; }
    events.remove(e, "cudaEventDestroy");
    Event* ev = (Event*) e;
    ev->destroyed = true;
    if (ev->records == 0) delete ev;
    return 0;
}

int cudaEventRecord(void* e, void* s) {
    GUARD;
    if (fault("cudaEventRecord")) return 2;
    Event* ev = liveEvent(e, "cudaEventRecord");
    if (ev == nullptr || !stream(s, "cudaEventRecord")) return 400;
    int streamDevice = s == nullptr ? currentDevice : streams.device[s];
    if (events.device[e] != streamDevice) {
        violation("cudaEventRecord: an event of device " + std::to_string(events.device[e]) + " on a stream of device " + std::to_string(streamDevice));
        return 400;
    }
    auto op = std::make_unique<Op>();
    op->kind = Op::RECORD;
    op->event = ev;
    op->name = "cudaEventRecord";
    Op* queued = enqueue(s, std::move(op));
    ev->records++;
    ev->seq = queued->seq;
    ev->stream = s;
    ev->completed = false;
    ev->after = queues[s].after;
    ev->after[s] = queued->seq;
    return 0;
}

int cudaEventRecordWithFlags(void* e, void* s, unsigned flags) {
    if (flags != 0) {
        GUARD;
        violation("cudaEventRecordWithFlags: flags " + std::to_string(flags) + " (cudaEventRecordExternal is for graphs)");
        return 1;
    }
    return cudaEventRecord(e, s);
}

/** Work enqueued on s from now on follows the event's latest record; an event never recorded orders nothing. */
int cudaStreamWaitEvent(void* s, void* e, unsigned flags) {
    GUARD;
    if (fault("cudaStreamWaitEvent")) return 2;
    Event* ev = liveEvent(e, "cudaStreamWaitEvent");
    if (ev == nullptr || !stream(s, "cudaStreamWaitEvent")) return 400;
    if (flags != 0) { violation("cudaStreamWaitEvent: flags " + std::to_string(flags)); return 1; }
    if (ev->seq == 0 || ev->completed) return 0;
    auto op = std::make_unique<Op>();
    op->kind = Op::WAIT;
    op->name = "cudaStreamWaitEvent";
    op->waitFor = ev->stream;
    op->waitSeq = ev->seq;
    enqueue(s, std::move(op));
    Queue& q = queues[s];
    for (auto& a : ev->after) q.after[a.first] = std::max(q.after[a.first], a.second);
    return 0;
}

int cudaEventSynchronize(void* e) {
    GUARD;
    if (fault("cudaEventSynchronize")) return 2;
    Event* ev = liveEvent(e, "cudaEventSynchronize");
    if (ev == nullptr) return 400;
    if (ev->seq != 0 && !ev->completed) drain(ev->stream, ev->seq);
    return 0;
}

/** cudaErrorNotReady while the recorded work is queued, which then runs (see cudaStreamQuery). */
int cudaEventQuery(void* e) {
    GUARD;
    Event* ev = liveEvent(e, "cudaEventQuery");
    if (ev == nullptr) return 400;
    if (ev->seq == 0 || ev->completed) return 0;
    drain(ev->stream, ev->seq);
    return 600;
}

/**
 * Milliseconds between the host clock readings taken when each event's record ran in its stream's order, so the
 * time between two events around an operation is the stand-in's compute time for it.
 */
int cudaEventElapsedTime(float* ms, void* start, void* end) {
    GUARD;
    Event* a = liveEvent(start, "cudaEventElapsedTime start");
    Event* b = liveEvent(end, "cudaEventElapsedTime end");
    if (a == nullptr || b == nullptr || ms == nullptr) return 400;
    if (!a->timing || !b->timing || a->seq == 0 || b->seq == 0) return 400; // cudaErrorInvalidResourceHandle
    if (!a->completed || !b->completed) return 600;                          // cudaErrorNotReady
    *ms = std::chrono::duration<float, std::milli>(b->at - a->at).count();
    return 0;
}

// ---- pinned host memory ----

int cudaHostAlloc(void** p, size_t bytes, unsigned flags) {
    GUARD;
    if (fault("cudaHostAlloc")) return 2;
    if (flags > 1) {
        violation("cudaHostAlloc: flags " + std::to_string(flags) + " (the stand-in has cudaHostAllocDefault and cudaHostAllocPortable)");
        return 1;
    }
    if (bytes == 0) { *p = nullptr; return 0; }
    void* block = std::malloc(bytes);
    if (block == nullptr) return 2;
    std::memset(block, 0xff, bytes);
    pinned[(uintptr_t) block] = bytes;
    *p = block;
    return 0;
}

int cudaMallocHost(void** p, size_t bytes) { return cudaHostAlloc(p, bytes, 0); }

/** CUDA documents no synchronization here, so the stand-in does none: a copy still queued on the memory is reported. */
int cudaFreeHost(void* p) {
    GUARD;
    if (p == nullptr) return 0;
    auto it = pinned.find((uintptr_t) p);
    if (it == pinned.end()) {
        violation("cudaFreeHost(" + std::to_string((uintptr_t) p) + "): not the start of live pinned memory (double free?)");
        return 1;
    }
    hostGone(it->first, it->first + it->second, true, "pinned memory freed by cudaFreeHost");
    pinned.erase(it);
    std::free(p);
    return 0;
}

// ---- copies and memset ----

int cudaMemcpyAsync(void* dst, const void* src, size_t bytes, int kind, void* s) {
    GUARD;
    if (fault("cudaMemcpyAsync")) return 2;
    if (!stream(s, "cudaMemcpyAsync")) return 400;
    if (bytes == 0) return 0;
    std::unique_ptr<Op> op = copyOp("cudaMemcpyAsync", dst, src, bytes, kind);
    if (op == nullptr) return 1;
    if (op->pageable()) pageableAsyncCopies++;
    enqueue(s, std::move(op));
    return 0;
}

/** On the legacy stream: after all earlier work of the device, and done on return. */
int cudaMemcpy(void* dst, const void* src, size_t bytes, int kind) {
    GUARD;
    if (fault("cudaMemcpy")) return 2;
    if (bytes == 0) return 0;
    if (copyOp("cudaMemcpy", dst, src, bytes, kind) == nullptr) return 1;
    drainDevice(currentDevice);
    std::memmove(dst, src, bytes);
    return 0;
}

int cudaMemsetAsync(void* p, int value, size_t bytes, void* s) {
    GUARD;
    if (fault("cudaMemsetAsync")) return 2;
    if (!stream(s, "cudaMemsetAsync")) return 400;
    if (bytes == 0) return 0;
    if (!device(p, bytes, "cudaMemsetAsync")) return 1;
    auto op = std::make_unique<Op>();
    op->name = "cudaMemsetAsync";
    touch(op->touches, p, WRITE);
    op->work = [p, value, bytes] { std::memset(p, value, bytes); };
    enqueue(s, std::move(op));
    return 0;
}

int cudaMemset(void* p, int value, size_t bytes) {
    GUARD;
    if (fault("cudaMemset")) return 2;
    if (bytes == 0) return 0;
    if (!device(p, bytes, "cudaMemset")) return 1;
    drainDevice(currentDevice);
    std::memset(p, value, bytes);
    return 0;
}

/** The tests' control channel (FAULT_LIMIT and the others above). */
int cudaDeviceSetLimit(int limit, size_t value) {
    GUARD;
    if (limit == DWELL_LIMIT) { dwellMicros = (long long) value; return 0; }
    if (limit == CALLS_LIMIT && value == 0) { callCounts.clear(); pageableAsyncCopies = 0; return 0; }
    if (limit == CALLS_LIMIT && value == 1) {
        std::string line = "hostcuda CALLS:";
        for (auto& e : callCounts) line += " " + e.first + "=" + std::to_string(e.second);
        std::fprintf(stderr, "%s, pageable async copies=%lld\n", line.c_str(), pageableAsyncCopies);
        std::fflush(stderr);
        return 0;
    }
    if (limit != FAULT_LIMIT) { violation("cudaDeviceSetLimit: rnn4j sets no limit"); return 1; }
    faultAt = (long long) value;
    faultCalls = 0;
    return 0;
}

int cudaDeviceGetLimit(size_t* value, int limit) {
    GUARD;
    if (limit == FAULT_LIMIT) *value = (size_t) faultAt;
    else if (limit == LIVE_LIMIT) *value = liveObjects();
    else if (limit == VIOLATIONS_LIMIT) *value = (size_t) violations;
    else if (limit == CALLS_LIMIT) {
        long long total = 0;
        for (auto& e : callCounts) total += e.second;
        *value = (size_t) total;
    }
    else if (limit == PAGEABLE_LIMIT) *value = (size_t) pageableAsyncCopies;
    else { violation("cudaDeviceGetLimit: rnn4j reads no limit"); return 1; }
    return 0;
}

} // extern "C"

/**
 * Interposed (exported as _ZdaPv@GLIBCXX_3.4, see hostcuda.map): JavaCPP allocates host arrays with new[] and frees
 * them with delete[], so this is where a staging buffer freed under a pending copy shows. Otherwise libstdc++'s.
 */
void operator delete[](void* p) noexcept {
    hostMemoryFreed(p);
    std::free(p);
}

// ============================================================ CUDA driver (libcuda.so.1): modules and launches

namespace {

/**
 * Converts one kernelParams entry to the kernel's parameter type, at the launch (CUDA copies the values then, so
 * the caller may reuse the holders at once). A pointer must be device memory; by the C++ signature, const T* is
 * read and T* read and written.
 */
template <class T> struct Param { static T get(void* p, const char*, std::vector<Touch>&) { return *(T*) p; } };
template <class T> struct Param<T*> {
    static T* get(void* p, const char* kernel, std::vector<Touch>& touches) {
        T* v = *(T**) p;
        if (v == nullptr) return v;
        if (onDevice(v, 0)) {
            touch(touches, v, std::is_const<T>::value ? READ : READ | WRITE);
        } else {
            violation(std::string(kernel) + ": a pointer argument is not device memory");
            touches.push_back({0, 0}); // the launch is refused: run later, the kernel would write memory nobody owns
        }
        return v;
    }
};

struct Function {
    std::string name;
    /** The launch with its argument values captured, to run later; the allocations it uses go to touches. */
    std::function<void()> (*bind)(void**, long long, const char*, std::vector<Touch>&);
};

template <class... P, std::size_t... I>
std::function<void()> bindThreads(void (*kernel)(P...), void** params, long long threads, const char* name,
                                  std::vector<Touch>& touches, std::index_sequence<I...>) {
    auto args = std::make_tuple(Param<P>::get(params[I], name, touches)...);
    return [kernel, args, threads] { rnn4j_each_thread(threads, [&] { std::apply(kernel, args); }); };
}

template <class... P>
std::function<void()> bindAll(void (*kernel)(P...), void** params, long long threads, const char* name, std::vector<Touch>& touches) {
    return bindThreads(kernel, params, threads, name, touches, std::index_sequence_for<P...>{});
}

#define RNN4J_ENTRY(k) {#k, [](void** p, long long n, const char* name, std::vector<Touch>& t) { return bindAll(k, p, n, name, t); }},

const std::vector<Function> FUNCTIONS = {
#include "entries.inc" // RNN4J_ENTRY(rnn4j_x) for every entry point, written by the test
};

struct Module { std::vector<std::string> entries; };

/** The stand-in NVRTC's cubin: ELF magic, uint32 size, uint32 arch, this marker, NUL-terminated entry names, "". */
const char CUBIN_MAGIC[4] = {0x7f, 'E', 'L', 'F'};
const char* const CUBIN_MARKER = "rnn4j host stand-in cubin";

} // namespace

extern "C" {

int cuGetErrorName(int error, const char** name) {
    switch (error) {
        case 0: *name = "CUDA_SUCCESS"; return 0;
        case 1: *name = "CUDA_ERROR_INVALID_VALUE"; return 0;
        case 2: *name = "CUDA_ERROR_OUT_OF_MEMORY"; return 0;
        case 200: *name = "CUDA_ERROR_INVALID_IMAGE"; return 0;
        case 209: *name = "CUDA_ERROR_NO_BINARY_FOR_GPU"; return 0;
        case 218: *name = "CUDA_ERROR_INVALID_PTX"; return 0;
        case 222: *name = "CUDA_ERROR_UNSUPPORTED_PTX_VERSION"; return 0;
        case 400: *name = "CUDA_ERROR_INVALID_HANDLE"; return 0;
        case 500: *name = "CUDA_ERROR_NOT_FOUND"; return 0;
        default: *name = nullptr; return 1;
    }
}

int cuDriverGetVersion(int* version) { *version = DRIVER_VERSION; return 0; }

/**
 * Loads an image of the stand-in NVRTC the way the driver treats the real ones: a cubin (ELF magic) only on a
 * device it was built for — same major, minor not above the device's, CUDA's binary compatibility rule — and PTX
 * through the "JIT", which needs a target not above the device and PTX not newer than this driver (PTX of a newer
 * NVRTC is what minor-version compatibility does not cover: CUDA_ERROR_UNSUPPORTED_PTX_VERSION).
 */
int cuModuleLoadData(void** module, const void* image) {
    GUARD;
    if (fault("cuModuleLoadData")) return 2; // CUDA_ERROR_OUT_OF_MEMORY
    const char* bytes = (const char*) image;
    Module* m = new Module();
    if (std::memcmp(bytes, CUBIN_MAGIC, 4) == 0) {
        uint32_t size, arch;
        std::memcpy(&size, bytes + 4, 4);
        std::memcpy(&arch, bytes + 8, 4);
        if (std::strcmp(bytes + 12, CUBIN_MARKER) != 0) {
            delete m;
            violation("cuModuleLoadData: an ELF image that is not a cubin of the stand-in NVRTC (truncated at a NUL?)");
            return 200; // CUDA_ERROR_INVALID_IMAGE
        }
        if ((int) arch / 10 != DEVICE_ARCH / 10 || (int) arch % 10 > DEVICE_ARCH % 10) {
            delete m;
            violation("cuModuleLoadData: a cubin for sm_" + std::to_string(arch) + " cannot run on this sm_"
                      + std::to_string(DEVICE_ARCH) + " device");
            return 209; // CUDA_ERROR_NO_BINARY_FOR_GPU
        }
        for (size_t at = 12 + std::strlen(CUBIN_MARKER) + 1; at < size && bytes[at] != 0; at += std::strlen(bytes + at) + 1) {
            m->entries.push_back(bytes + at);
        }
    } else {
        std::string text(bytes);
        int nvrtc = 0, target = 0;
        if (text.rfind("// rnn4j host stand-in PTX", 0) != 0
            || std::sscanf(text.c_str() + text.find("// NVRTC "), "// NVRTC %d", &nvrtc) != 1
            || std::sscanf(text.c_str() + text.find(".target sm_"), ".target sm_%d", &target) != 1) {
            delete m;
            violation("cuModuleLoadData: the image is neither a cubin nor PTX from the stand-in NVRTC");
            return 218; // CUDA_ERROR_INVALID_PTX
        }
        if (nvrtc > DRIVER_VERSION) {
            delete m;
            violation("cuModuleLoadData: PTX from NVRTC " + std::to_string(nvrtc) + " cannot be JIT-compiled by driver "
                      + std::to_string(DRIVER_VERSION) + " (minor-version compatibility covers cubins, not PTX)");
            return 222; // CUDA_ERROR_UNSUPPORTED_PTX_VERSION
        }
        if (target > DEVICE_ARCH) {
            delete m;
            violation("cuModuleLoadData: PTX for sm_" + std::to_string(target) + " on an sm_" + std::to_string(DEVICE_ARCH) + " device");
            return 218;
        }
        const std::string tag = ".visible .entry ";
        for (size_t at = text.find(tag); at != std::string::npos; at = text.find(tag, at + 1)) {
            size_t from = at + tag.size();
            m->entries.push_back(text.substr(from, text.find('\n', from) - from));
        }
    }
    *module = modules.add(m);
    return 0;
}

int cuModuleGetFunction(void** function, void* module, const char* name) {
    GUARD;
    if (fault("cuModuleGetFunction")) return 2;
    if (!modules.has(module)) { violation("cuModuleGetFunction: module is not loaded"); return 400; }
    Module* m = (Module*) module;
    if (std::find(m->entries.begin(), m->entries.end(), name) == m->entries.end()) {
        violation(std::string("cuModuleGetFunction: the module has no entry ") + name);
        return 500;
    }
    for (const Function& f : FUNCTIONS) {
        if (f.name == name) { *function = (void*) &f; return 0; }
    }
    return 500;
}

int cuModuleUnload(void* module) {
    GUARD;
    if (!modules.remove(module, "cuModuleUnload")) return 400;
    delete (Module*) module;
    return 0;
}

int cuLaunchKernel(void* function, unsigned gx, unsigned gy, unsigned gz, unsigned bx, unsigned by, unsigned bz,
                   unsigned shared, void* s, void** params, void** extra) {
    GUARD;
    if (fault("cuLaunchKernel")) return 2;
    const Function* f = nullptr;
    for (const Function& g : FUNCTIONS) if ((const void*) &g == function) f = &g;
    if (f == nullptr) { violation("cuLaunchKernel: not a function from cuModuleGetFunction"); return 400; }
    if (!stream(s, "cuLaunchKernel")) return 400;
    if (gy != 1 || gz != 1 || by != 1 || bz != 1 || bx != 256 || shared != 0 || extra != nullptr || params == nullptr) {
        violation("cuLaunchKernel(" + f->name + "): rnn4j's kernels take 1-D blocks of 256 threads, no shared memory "
                  "and kernelParams (not extra)");
        return 1;
    }
    auto op = std::make_unique<Op>();
    op->name = "cuLaunchKernel(" + f->name + ")";
    op->work = f->bind(params, (long long) gx * bx, f->name.c_str(), op->touches);
    for (const Touch& t : op->touches) if (t.base == 0) return 1; // CUDA_ERROR_INVALID_VALUE; reported above
    enqueue(s, std::move(op));
    return 0;
}

} // extern "C"

// ============================================================ cuBLAS (libcublas.so.13)

namespace {
struct BlasHandle { void* stream = nullptr; int mathMode = 0; };
}

extern "C" {

int cublasCreate_v2(void** handle) {
    GUARD;
    if (fault("cublasCreate")) return 3; // CUBLAS_STATUS_ALLOC_FAILED
    *handle = blasHandles.add(new BlasHandle());
    return 0;
}

int cublasDestroy_v2(void* handle) {
    GUARD;
    if (!blasHandles.remove(handle, "cublasDestroy")) return 1; // CUBLAS_STATUS_NOT_INITIALIZED
    delete (BlasHandle*) handle;
    return 0;
}

int cublasSetStream_v2(void* handle, void* s) {
    GUARD;
    if (fault("cublasSetStream")) return 3;
    if (!blasHandles.has(handle)) { violation("cublasSetStream: handle is not alive"); return 1; }
    if (!stream(s, "cublasSetStream")) return 7; // CUBLAS_STATUS_INVALID_VALUE
    ((BlasHandle*) handle)->stream = s;
    return 0;
}

int cublasSetMathMode(void* handle, int mode) {
    GUARD;
    if (!blasHandles.has(handle)) { violation("cublasSetMathMode: handle is not alive"); return 1; }
    ((BlasHandle*) handle)->mathMode = mode;
    return 0;
}

const char* cublasGetStatusName(int status) {
    switch (status) {
        case 0: return "CUBLAS_STATUS_SUCCESS";
        case 1: return "CUBLAS_STATUS_NOT_INITIALIZED";
        case 3: return "CUBLAS_STATUS_ALLOC_FAILED";
        case 7: return "CUBLAS_STATUS_INVALID_VALUE";
        case 13: return "CUBLAS_STATUS_EXECUTION_FAILED";
        default: return "CUBLAS_STATUS_INTERNAL_ERROR";
    }
}

/**
 * Column-major C[m×n] = alpha·op(A)·op(B) + beta·C as cuBLAS documents it (op: 0 N, 1 T), alpha and beta read from
 * host memory (the default pointer mode), accumulated in double. beta = 0 ignores C's old contents (NaN included).
 */
int cublasSgemm_v2(void* handle, int transa, int transb, int m, int n, int k, const float* alpha, const float* a,
                   int lda, const float* b, int ldb, const float* beta, float* c, int ldc) {
    GUARD;
    if (fault("cublasSgemm")) return 13; // CUBLAS_STATUS_EXECUTION_FAILED
    if (!blasHandles.has(handle)) { violation("cublasSgemm: handle is not alive"); return 1; }
    BlasHandle* h = (BlasHandle*) handle;
    if (!stream(h->stream, "cublasSgemm (the handle's stream)")) return 7;
    if (m < 0 || n < 0 || k < 0 || (transa != 0 && transa != 1) || (transb != 0 && transb != 1)) return 7;
    int aRows = transa ? k : m, aCols = transa ? m : k, bRows = transb ? n : k, bCols = transb ? k : n;
    if (lda < std::max(1, aRows) || ldb < std::max(1, bRows) || ldc < std::max(1, m)) {
        violation("cublasSgemm: leading dimension below the column height");
        return 7;
    }
    if (h->mathMode != 0) violation("cublasSgemm: math mode " + std::to_string(h->mathMode) + " (rnn4j wants plain FP32)");
    if (!host(alpha, 4, "cublasSgemm alpha") || !host(beta, 4, "cublasSgemm beta")) return 7;
    if (m == 0 || n == 0) return 0;
    bool ok = device(c, 4 * ((size_t) (n - 1) * ldc + m), "cublasSgemm C");
    if (k > 0) {
        ok &= device(a, 4 * ((size_t) (aCols - 1) * lda + aRows), "cublasSgemm A");
        ok &= device(b, 4 * ((size_t) (bCols - 1) * ldb + bRows), "cublasSgemm B");
    }
    if (!ok) return 7;
    // Enqueued on the handle's stream as it is now; alpha and beta are read here (host pointer mode), A, B and C
    // when the GEMM runs.
    float alphaValue = *alpha, betaValue = *beta;
    auto op = std::make_unique<Op>();
    op->name = "cublasSgemm";
    if (k > 0) {
        touch(op->touches, a, READ);
        touch(op->touches, b, READ);
    }
    touch(op->touches, c, betaValue == 0.0f ? WRITE : READ | WRITE);
    op->work = [=] {
        for (int col = 0; col < n; col++) {
            for (int row = 0; row < m; row++) {
                double s = 0;
                for (int x = 0; x < k; x++) {
                    double av = transa ? a[(size_t) row * lda + x] : a[(size_t) x * lda + row];
                    double bv = transb ? b[(size_t) x * ldb + col] : b[(size_t) col * ldb + x];
                    s += av * bv;
                }
                float& out = c[(size_t) col * ldc + row];
                out = (float) (betaValue == 0.0f ? alphaValue * s : alphaValue * s + (double) betaValue * out);
            }
        }
    };
    enqueue(h->stream, std::move(op));
    return 0;
}

} // extern "C"

// ============================================================ NVRTC (libnvrtc.so.13)

namespace {
struct Program {
    std::string source, name, ptx, cubin, log;
    std::map<std::string, std::string> headers;
    bool compiled = false;
};
}

extern "C" {

const char* nvrtcGetErrorString(int result) {
    switch (result) {
        case 0: return "NVRTC_SUCCESS";
        case 1: return "NVRTC_ERROR_OUT_OF_MEMORY";
        case 3: return "NVRTC_ERROR_INVALID_INPUT";
        case 4: return "NVRTC_ERROR_INVALID_PROGRAM";
        case 5: return "NVRTC_ERROR_INVALID_OPTION";
        case 6: return "NVRTC_ERROR_COMPILATION";
        case 11: return "NVRTC_ERROR_INTERNAL_ERROR";
        default: return "NVRTC_ERROR unknown";
    }
}

int nvrtcVersion(int* major, int* minor) {
    *major = NVRTC_VERSION / 1000;
    *minor = NVRTC_VERSION % 1000 / 10;
    return 0;
}

int nvrtcGetNumSupportedArchs(int* count) {
    GUARD;
    if (fault("nvrtcGetNumSupportedArchs")) return 11; // NVRTC_ERROR_INTERNAL_ERROR
    *count = (int) NVRTC_ARCHS.size();
    return 0;
}

int nvrtcGetSupportedArchs(int* archs) {
    GUARD;
    if (fault("nvrtcGetSupportedArchs")) return 11;
    std::copy(NVRTC_ARCHS.begin(), NVRTC_ARCHS.end(), archs);
    return 0;
}

int nvrtcCreateProgram(void** prog, const char* src, const char* name, int numHeaders, const char* const* headers,
                       const char* const* includeNames) {
    GUARD;
    if (fault("nvrtcCreateProgram")) return 1;
    if (src == nullptr || numHeaders < 0) return 3;
    Program* p = new Program();
    p->source = src;
    p->name = name == nullptr ? "default_program" : name;
    for (int i = 0; i < numHeaders; i++) p->headers[includeNames[i]] = headers[i];
    *prog = programs.add(p);
    return 0;
}

/**
 * "Compiles" by checking what NVRTC would need: every #include "…" is among the headers given, the options name one
 * architecture NVRTC supports — real (sm_XY: a cubin and PTX) or virtual (compute_XY: PTX only) — and C++17. The
 * images list the source's extern "C" __global__ entry points; the PTX names the NVRTC version that wrote it.
 */
int nvrtcCompileProgram(void* prog, int numOptions, const char* const* options) {
    GUARD;
    if (fault("nvrtcCompileProgram")) return 1;
    if (!programs.has(prog)) { violation("nvrtcCompileProgram: program is not alive"); return 4; }
    Program* p = (Program*) prog;
    int arch = 0;
    bool real = false, std17 = false;
    for (int i = 0; i < numOptions; i++) {
        std::string o = options[i];
        const std::string sm = "--gpu-architecture=sm_", compute = "--gpu-architecture=compute_";
        if (o.rfind(sm, 0) == 0) { real = true; arch = std::atoi(o.c_str() + sm.size()); }
        else if (o.rfind(compute, 0) == 0) { real = false; arch = std::atoi(o.c_str() + compute.size()); }
        else if (o == "-std=c++17") std17 = true;
        else { p->log = "unknown option " + o; return 5; }
    }
    if (arch == 0 || !std17) { p->log = "expected --gpu-architecture=sm_XY or compute_XY, and -std=c++17"; return 5; }
    if (std::find(NVRTC_ARCHS.begin(), NVRTC_ARCHS.end(), arch) == NVRTC_ARCHS.end()) {
        p->log = "nvrtc: error: invalid value for --gpu-architecture (-arch): " + std::to_string(arch) + " is not supported";
        return 5; // NVRTC_ERROR_INVALID_OPTION
    }
    const std::string inc = "#include \"";
    for (size_t at = p->source.find(inc); at != std::string::npos; at = p->source.find(inc, at + 1)) {
        size_t from = at + inc.size();
        std::string header = p->source.substr(from, p->source.find('"', from) - from);
        if (!p->headers.count(header)) { p->log = p->name + ": cannot open source file \"" + header + "\""; return 6; }
    }
    std::vector<std::string> entries;
    const std::string global = "extern \"C\" __global__ void ";
    for (size_t at = p->source.find(global); at != std::string::npos; at = p->source.find(global, at + 1)) {
        size_t from = at + global.size();
        entries.push_back(p->source.substr(from, p->source.find('(', from) - from));
    }
    p->ptx = "// rnn4j host stand-in PTX of " + p->name + "\n// NVRTC " + std::to_string(NVRTC_VERSION) + "\n.version "
             + std::to_string(NVRTC_VERSION / 1000 - 4) + "." + std::to_string(NVRTC_VERSION % 1000 / 10) + "\n.target sm_"
             + std::to_string(arch) + "\n.address_size 64\n";
    for (const std::string& e : entries) p->ptx += ".visible .entry " + e + "\n";
    p->cubin.clear();
    if (real) {
        p->cubin.assign(CUBIN_MAGIC, 4);
        p->cubin.append(8, '\0'); // size and arch, filled in below
        p->cubin += CUBIN_MARKER;
        p->cubin += '\0';
        for (const std::string& e : entries) { p->cubin += e; p->cubin += '\0'; }
        p->cubin += '\0';
        uint32_t size = (uint32_t) p->cubin.size(), a = (uint32_t) arch;
        std::memcpy(&p->cubin[4], &size, 4);
        std::memcpy(&p->cubin[8], &a, 4);
    }
    p->compiled = true;
    return 0;
}

int nvrtcGetPTXSize(void* prog, size_t* size) {
    GUARD;
    if (fault("nvrtcGetPTXSize")) return 11; // NVRTC_ERROR_INTERNAL_ERROR
    if (!programs.has(prog) || !((Program*) prog)->compiled) { violation("nvrtcGetPTXSize: no compiled program"); return 4; }
    *size = ((Program*) prog)->ptx.size() + 1;
    return 0;
}

int nvrtcGetPTX(void* prog, char* ptx) {
    GUARD;
    if (fault("nvrtcGetPTX")) return 11;
    if (!programs.has(prog) || !((Program*) prog)->compiled) { violation("nvrtcGetPTX: no compiled program"); return 4; }
    std::memcpy(ptx, ((Program*) prog)->ptx.c_str(), ((Program*) prog)->ptx.size() + 1);
    return 0;
}

/** 0 after a compile for a virtual architecture, as NVRTC documents. */
int nvrtcGetCUBINSize(void* prog, size_t* size) {
    GUARD;
    if (fault("nvrtcGetCUBINSize")) return 11;
    if (!programs.has(prog) || !((Program*) prog)->compiled) { violation("nvrtcGetCUBINSize: no compiled program"); return 4; }
    *size = ((Program*) prog)->cubin.size();
    return 0;
}

int nvrtcGetCUBIN(void* prog, char* cubin) {
    GUARD;
    if (fault("nvrtcGetCUBIN")) return 11;
    if (!programs.has(prog) || !((Program*) prog)->compiled) { violation("nvrtcGetCUBIN: no compiled program"); return 4; }
    Program* p = (Program*) prog;
    if (p->cubin.empty()) { violation("nvrtcGetCUBIN: compiled for a virtual architecture, there is no cubin"); return 3; }
    std::memcpy(cubin, p->cubin.data(), p->cubin.size());
    return 0;
}

int nvrtcGetProgramLogSize(void* prog, size_t* size) {
    GUARD;
    if (!programs.has(prog)) return 4;
    *size = ((Program*) prog)->log.size() + 1;
    return 0;
}

int nvrtcGetProgramLog(void* prog, char* log) {
    GUARD;
    if (!programs.has(prog)) return 4;
    std::memcpy(log, ((Program*) prog)->log.c_str(), ((Program*) prog)->log.size() + 1);
    return 0;
}

int nvrtcDestroyProgram(void** prog) {
    GUARD;
    if (!programs.remove(*prog, "nvrtcDestroyProgram")) return 4;
    delete (Program*) *prog;
    *prog = nullptr;
    return 0;
}

} // extern "C"

// ============================================================ cuDNN 9 (libcudnn_graph / _ops / _adv .so.9)

namespace {

// cuDNN 9 status codes (cudnn_graph.h)
const int OK = 0, BAD_PARAM = 2000, NOT_SUPPORTED = 3000, EXECUTION_FAILED = 5000;
const int FLOAT = 0, HALF = 2;
const int RNN_RELU = 0, RNN_TANH = 1, LSTM = 2, GRU = 3;
const int SEQ_MAJOR_UNPACKED = 0, SEQ_MAJOR_PACKED = 1, BATCH_MAJOR_UNPACKED = 2;

/**
 * An object one call at a time may use: cuDNN documents its thread safety per handle (no handle used by two threads
 * at once); for descriptors it documents nothing, and rnn4j reads that as the same rule. A cudnnRNNForward call
 * marks its handle and RNN descriptor busy while it stays in flight (DWELL, with the lock released; the computation
 * itself runs later, on the stream), and any other use meanwhile is reported.
 */
struct Busy { int calls = 0; };

/** Reports use of o by another call while it is busy; true when it is idle. */
bool idle(const Busy& o, const char* kind, const char* op) {
    if (o.calls == 0) return true;
    violation(std::string(op) + ": the " + kind + " is in use by a cudnnRNNForward on another thread at the same time");
    return false;
}

struct Handle : Busy { void* stream = nullptr; };
struct Dropout { bool set = false; float p = 0; };
struct Tensor { bool set = false; int dataType = 0, nbDims = 0; int dims[8] = {}, strides[8] = {}; };
struct RnnData { bool set = false; int dataType = 0, layout = 0, maxSeqLength = 0, batch = 0, vectorSize = 0; std::vector<int> lengths; double fill = 0; };
struct Rnn : Busy {
    bool set = false;
    int algo, cellMode, biasMode, dirMode, inputMode, dataType, mathPrec, mathType, inputSize, hiddenSize, projSize, numLayers;
    unsigned auxFlags;
    int dirs() const { return dirMode == 1 ? 2 : 1; }
    int gates() const { return cellMode == LSTM ? 4 : cellMode == GRU ? 3 : 1; }
    bool projected() const { return cellMode == LSTM && projSize < hiddenSize; }
    int ids() const { return 2 * gates() + (projected() ? 1 : 0); }
    int layerInput(int layer) const { return layer == 0 ? inputSize : dirs() * projSize; }
    size_t elementBytes() const { return dataType == HALF ? 2 : 4; }
};

/** Where one (pseudoLayer, linLayerID) lives in the weight space (byte offsets; bias −1 when there is none). */
struct Region { long long matrix, bias; int rows, cols; };

/**
 * The stand-in's own weight space layout: pseudo-layers from last to first; within one, all biases (IDs in reverse
 * order) and then all matrices, each region 64-byte aligned with a 32-byte gap after it.
 */
std::map<std::pair<int, int>, Region> layoutOf(const Rnn& r, size_t* total) {
    std::map<std::pair<int, int>, Region> regions;
    size_t at = 0;
    auto take = [&](size_t bytes) { at = (at + 63) / 64 * 64; size_t here = at; at += bytes + 32; return (long long) here; };
    int g = r.gates();
    for (int pseudo = r.numLayers * r.dirs() - 1; pseudo >= 0; pseudo--) {
        int layer = pseudo / r.dirs();
        for (int id = r.ids() - 1; id >= 0; id--) {
            Region& reg = regions[{pseudo, id}];
            if (id == 2 * g) { reg.rows = r.projSize; reg.cols = r.hiddenSize; reg.bias = -1; continue; }
            reg.rows = r.hiddenSize;
            reg.cols = id < g ? r.layerInput(layer) : r.projSize;
            reg.bias = take(r.hiddenSize * r.elementBytes());
        }
        for (int id = 0; id < r.ids(); id++) {
            Region& reg = regions[{pseudo, id}];
            reg.matrix = take((size_t) reg.rows * reg.cols * r.elementBytes());
        }
    }
    *total = at;
    return regions;
}

size_t workspaceBytes(const Rnn& r, const RnnData& x) {
    // room for every step's gate pre-activations of one layer, in float
    return 4 * (size_t) x.maxSeqLength * x.batch * r.gates() * r.hiddenSize * r.dirs() + 256;
}

bool tensorIs(const Tensor* t, int a, int b, int c) {
    return t->set && t->nbDims == 3 && t->dims[0] == a && t->dims[1] == b && t->dims[2] == c && t->strides[2] == 1
           && t->strides[1] == c && t->strides[0] == b * c;
}

/** Element index of step t of sequence n in an RNN data tensor (packed: lengths non-increasing, checked at set). */
size_t slot(const RnnData& d, int t, int n) {
    switch (d.layout) {
        case SEQ_MAJOR_UNPACKED: return ((size_t) t * d.batch + n) * d.vectorSize;
        case BATCH_MAJOR_UNPACKED: return ((size_t) n * d.maxSeqLength + t) * d.vectorSize;
        default: {
            size_t before = 0;
            for (int s = 0; s < t; s++) for (int m = 0; m < d.batch; m++) if (d.lengths[m] > s) before++;
            return (before + n) * d.vectorSize;
        }
    }
}

size_t dataBytes(const RnnData& d, size_t elementBytes) {
    if (d.layout == SEQ_MAJOR_PACKED) {
        size_t steps = 0;
        for (int len : d.lengths) steps += len;
        return steps * d.vectorSize * elementBytes;
    }
    return (size_t) d.maxSeqLength * d.batch * d.vectorSize * elementBytes;
}

double sigmoid(double v) { return 1 / (1 + std::exp(-v)); }

/**
 * cudnnRNNForward's documented equations (cuDNN API reference, cudnnRNNMode_t), in double:
 *   RNN:  h = act(W x + bW + R h' + bR), act = ReLU (fmax(x, 0): NaN → 0) or tanh
 *   LSTM: i, f, o = σ(W_g x + bW_g + R_g h' + bR_g), c~ = tanh(W_c x + bW_c + R_c h' + bR_c),
 *         c = f·c' + i·c~, h = o·tanh(c); with projection h = P·h (recurrent and output)
 *   GRU:  r, z = σ(…), n = tanh(W_n x + bW_n + r·(R_n h' + bR_n)), h = (1 − z)·n + z·h'
 * linLayerIDs: LSTM 0..3 i, f, c~, o on x and 4..7 on h, 8 the projection; GRU 0..2 r, z, n on x and 3..5 on h;
 * RNN 0 on x, 1 on h. Each sequence runs for its own length; the backward direction from its last step. With half
 * data every stored h and c is rounded to half after each step.
 */
void forward(const Rnn& r, const RnnData& xd, const RnnData& yd, const void* x, void* y, const void* hx, void* hy,
             const void* cx, void* cy, const unsigned char* w, void* work, size_t workBytes) {
    bool half = r.dataType == HALF;
    size_t total;
    auto regions = layoutOf(r, &total);
    int H = r.hiddenSize, S = r.projSize, N = xd.batch, T = xd.maxSeqLength, D = r.dirs(), g = r.gates();
    std::memset(work, 0xff, workBytes);
    auto matrix = [&](int pseudo, int id) { return w + regions[{pseudo, id}].matrix; };
    auto bias = [&](int pseudo, int id) { return w + regions[{pseudo, id}].bias; };
    // layer input per (t, n): vectors of width C
    std::vector<double> in((size_t) T * N * r.inputSize, 0.0);
    int C = r.inputSize;
    for (int n = 0; n < N; n++)
        for (int t = 0; t < xd.lengths[n]; t++)
            for (int k = 0; k < C; k++) in[((size_t) t * N + n) * C + k] = load(x, slot(xd, t, n) + k, half);
    for (int layer = 0; layer < r.numLayers; layer++) {
        std::vector<double> out((size_t) T * N * D * S, 0.0);
        for (int dir = 0; dir < D; dir++) {
            int pseudo = layer * D + dir;
            for (int n = 0; n < N; n++) {
                std::vector<double> h(S, 0.0), c(H, 0.0);
                size_t hAt = ((size_t) pseudo * N + n) * S, cAt = ((size_t) pseudo * N + n) * H;
                if (hx) for (int k = 0; k < S; k++) h[k] = load(hx, hAt + k, half);
                if (cx && r.cellMode == LSTM) for (int k = 0; k < H; k++) c[k] = load(cx, cAt + k, half);
                int len = xd.lengths[n];
                for (int step = 0; step < len; step++) {
                    int t = dir == 0 ? step : len - 1 - step;
                    const double* xt = &in[((size_t) t * N + n) * C];
                    // a[gate][k] = W_g x + bW_g, b[gate][k] = R_g h' + bR_g
                    std::vector<double> a((size_t) g * H), b((size_t) g * H);
                    for (int gate = 0; gate < g; gate++) {
                        const unsigned char* wm = matrix(pseudo, gate);
                        const unsigned char* rm = matrix(pseudo, g + gate);
                        for (int k = 0; k < H; k++) {
                            double sa = load(bias(pseudo, gate), k, half), sb = load(bias(pseudo, g + gate), k, half);
                            for (int j = 0; j < C; j++) sa += load(wm, (size_t) k * C + j, half) * xt[j];
                            for (int j = 0; j < S; j++) sb += load(rm, (size_t) k * S + j, half) * h[j];
                            a[(size_t) gate * H + k] = sa;
                            b[(size_t) gate * H + k] = sb;
                        }
                    }
                    std::vector<double> full(H);
                    for (int k = 0; k < H; k++) {
                        if (r.cellMode == RNN_RELU || r.cellMode == RNN_TANH) {
                            double v = a[k] + b[k];
                            // ReLU as max(0, x) with fmax's rule (the non-NaN operand wins): NaN becomes 0, the
                            // pessimistic reading, which rnn4j must (and does, CudnnPlan.losesNaN) route around
                            full[k] = r.cellMode == RNN_RELU ? std::fmax(v, 0.0) : std::tanh(v);
                        } else if (r.cellMode == LSTM) {
                            double i = sigmoid(a[k] + b[k]), f = sigmoid(a[H + k] + b[H + k]);
                            double cand = std::tanh(a[2 * H + k] + b[2 * H + k]), o = sigmoid(a[3 * H + k] + b[3 * H + k]);
                            c[k] = stored(f * c[k] + i * cand, half);
                            full[k] = o * std::tanh(c[k]);
                        } else {
                            double rr = sigmoid(a[k] + b[k]), z = sigmoid(a[H + k] + b[H + k]);
                            double nn = std::tanh(a[2 * H + k] + rr * b[2 * H + k]);
                            full[k] = (1 - z) * nn + z * h[k];
                        }
                    }
                    if (r.projected()) {
                        const unsigned char* pm = matrix(pseudo, 2 * g);
                        for (int k = 0; k < S; k++) {
                            double s = 0;
                            for (int j = 0; j < H; j++) s += load(pm, (size_t) k * H + j, half) * full[j];
                            h[k] = stored(s, half);
                        }
                    } else {
                        for (int k = 0; k < S; k++) h[k] = stored(full[k], half);
                    }
                    for (int k = 0; k < S; k++) out[((size_t) t * N + n) * D * S + dir * S + k] = h[k];
                }
                if (hy) for (int k = 0; k < S; k++) store(hy, hAt + k, h[k], half);
                if (cy && r.cellMode == LSTM) for (int k = 0; k < H; k++) store(cy, cAt + k, c[k], half);
            }
        }
        in.swap(out);
        C = D * S;
    }
    for (int n = 0; n < N; n++) {
        for (int t = 0; t < (yd.layout == SEQ_MAJOR_PACKED ? yd.lengths[n] : T); t++) {
            size_t at = slot(yd, t, n);
            for (int k = 0; k < C; k++) {
                double v = t < yd.lengths[n] ? in[((size_t) t * N + n) * C + k] : yd.fill;
                store(y, at + k, v, half);
            }
        }
    }
}

template <class T> T* live(Registry& reg, void* p, const char* op) {
    if (reg.has(p)) return (T*) p;
    violation(std::string(op) + ": " + reg.kind + " " + std::to_string((uintptr_t) p) + " is not alive");
    return nullptr;
}

} // namespace

extern "C" {

size_t cudnnGetVersion() { return 91900; }

size_t cudnnGetCudartVersion() { return (size_t) CUDNN_CUDART; }

const char* cudnnGetErrorString(int status) {
    switch (status) {
        case OK: return "CUDNN_STATUS_SUCCESS";
        case BAD_PARAM: return "CUDNN_STATUS_BAD_PARAM";
        case NOT_SUPPORTED: return "CUDNN_STATUS_NOT_SUPPORTED";
        case EXECUTION_FAILED: return "CUDNN_STATUS_EXECUTION_FAILED";
        default: return "CUDNN_STATUS_INTERNAL_ERROR";
    }
}

/**
 * NVIDIA's cuDNN guide: when threads create their own handles, make one synchronous cudnnCreate first. The stand-in
 * keeps the process's first cudnnCreate running 50 ms (lock released) and reports any other cudnnCreate meanwhile.
 */
bool firstHandleCreated = false;
int handlesBeingCreated = 0;

int cudnnCreate(void** h) {
    std::unique_lock<std::recursive_mutex> guard(lock);
    if (fault("cudnnCreate")) return EXECUTION_FAILED;
    if (!firstHandleCreated && handlesBeingCreated > 0) {
        violation("cudnnCreate: called while the process's first cudnnCreate is still running on another thread "
                  "(create the first handle synchronously, then one per thread)");
    }
    handlesBeingCreated++;
    if (!firstHandleCreated) {
        guard.unlock();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        guard.lock();
    }
    handlesBeingCreated--;
    firstHandleCreated = true;
    *h = dnnHandles.add(new Handle());
    return OK;
}

int cudnnDestroy(void* h) {
    GUARD;
    if (dnnHandles.has(h) && !idle(*(Handle*) h, "handle", "cudnnDestroy")) return BAD_PARAM;
    if (!dnnHandles.remove(h, "cudnnDestroy")) return BAD_PARAM;
    delete (Handle*) h;
    return OK;
}

int cudnnSetStream(void* h, void* s) {
    GUARD;
    if (fault("cudnnSetStream")) return EXECUTION_FAILED;
    Handle* handle = live<Handle>(dnnHandles, h, "cudnnSetStream");
    if (handle == nullptr || !idle(*handle, "handle", "cudnnSetStream") || !stream(s, "cudnnSetStream")) return BAD_PARAM;
    handle->stream = s;
    return OK;
}

int cudnnCreateDropoutDescriptor(void** d) { GUARD; if (fault("cudnnCreateDropoutDescriptor")) return EXECUTION_FAILED; *d = dropoutDescs.add(new Dropout()); return OK; }

int cudnnDestroyDropoutDescriptor(void* d) {
    GUARD;
    if (!dropoutDescs.remove(d, "cudnnDestroyDropoutDescriptor")) return BAD_PARAM;
    delete (Dropout*) d;
    return OK;
}

int cudnnSetDropoutDescriptor(void* d, void* h, float p, void* states, size_t stateBytes, unsigned long long seed) {
    GUARD;
    if (fault("cudnnSetDropoutDescriptor")) return EXECUTION_FAILED;
    Dropout* dd = live<Dropout>(dropoutDescs, d, "cudnnSetDropoutDescriptor");
    if (dd == nullptr || live<Handle>(dnnHandles, h, "cudnnSetDropoutDescriptor") == nullptr) return BAD_PARAM;
    if (p != 0 && (states == nullptr || stateBytes == 0)) {
        violation("cudnnSetDropoutDescriptor: dropout > 0 needs RNG states");
        return BAD_PARAM;
    }
    dd->set = true;
    dd->p = p;
    return OK;
}

int cudnnCreateTensorDescriptor(void** d) { GUARD; if (fault("cudnnCreateTensorDescriptor")) return EXECUTION_FAILED; *d = tensorDescs.add(new Tensor()); return OK; }

int cudnnDestroyTensorDescriptor(void* d) {
    GUARD;
    if (!tensorDescs.remove(d, "cudnnDestroyTensorDescriptor")) return BAD_PARAM;
    delete (Tensor*) d;
    return OK;
}

int cudnnSetTensorNdDescriptor(void* d, int dataType, int nbDims, const int* dims, const int* strides) {
    GUARD;
    if (fault("cudnnSetTensorNdDescriptor")) return EXECUTION_FAILED;
    Tensor* t = live<Tensor>(tensorDescs, d, "cudnnSetTensorNdDescriptor");
    if (t == nullptr || nbDims < 3 || nbDims > 8) return BAD_PARAM; // cuDNN wants 3 to 8 dimensions here
    for (int i = 0; i < nbDims; i++) if (dims[i] <= 0 || strides[i] <= 0) return BAD_PARAM;
    t->set = true;
    t->dataType = dataType;
    t->nbDims = nbDims;
    std::copy(dims, dims + nbDims, t->dims);
    std::copy(strides, strides + nbDims, t->strides);
    return OK;
}

int cudnnGetTensorNdDescriptor(void* d, int requested, int* dataType, int* nbDims, int* dims, int* strides) {
    GUARD;
    Tensor* t = live<Tensor>(tensorDescs, d, "cudnnGetTensorNdDescriptor");
    if (t == nullptr || !t->set) return BAD_PARAM;
    *dataType = t->dataType;
    *nbDims = t->nbDims;
    for (int i = 0; i < std::min(requested, t->nbDims); i++) { dims[i] = t->dims[i]; strides[i] = t->strides[i]; }
    return OK;
}

int cudnnCreateRNNDescriptor(void** d) { GUARD; if (fault("cudnnCreateRNNDescriptor")) return EXECUTION_FAILED; *d = rnnDescs.add(new Rnn()); return OK; }

int cudnnDestroyRNNDescriptor(void* d) {
    GUARD;
    if (rnnDescs.has(d) && !idle(*(Rnn*) d, "RNN descriptor", "cudnnDestroyRNNDescriptor")) return BAD_PARAM;
    if (!rnnDescs.remove(d, "cudnnDestroyRNNDescriptor")) return BAD_PARAM;
    delete (Rnn*) d;
    return OK;
}

int cudnnSetRNNDescriptor_v8(void* d, int algo, int cellMode, int biasMode, int dirMode, int inputMode, int dataType,
                             int mathPrec, int mathType, int inputSize, int hiddenSize, int projSize, int numLayers,
                             void* dropout, unsigned auxFlags) {
    GUARD;
    if (fault("cudnnSetRNNDescriptor_v8")) return EXECUTION_FAILED;
    Rnn* r = live<Rnn>(rnnDescs, d, "cudnnSetRNNDescriptor_v8");
    if (r == nullptr || !idle(*r, "RNN descriptor", "cudnnSetRNNDescriptor_v8")) return BAD_PARAM;
    Dropout* dd = live<Dropout>(dropoutDescs, dropout, "cudnnSetRNNDescriptor_v8 dropoutDesc");
    if (dd == nullptr || !dd->set) return BAD_PARAM;
    std::string why;
    if (algo < 0 || algo > 3) why = "algo";
    else if (cellMode < 0 || cellMode > 3) why = "cellMode";
    else if (biasMode < 0 || biasMode > 3) why = "biasMode";
    else if (biasMode != 2) why = "biasMode other than CUDNN_RNN_DOUBLE_BIAS (the stand-in models double bias only)";
    else if (dirMode != 0 && dirMode != 1) why = "dirMode";
    else if (inputMode != 0) why = "inputMode other than CUDNN_LINEAR_INPUT";
    else if (dataType != FLOAT && dataType != HALF) why = "dataType";
    else if (mathPrec != FLOAT) why = "mathPrec (the stand-in models float math)";
    else if (mathType < 0 || mathType > 3) why = "mathType";
    else if (dataType == FLOAT && mathType == 1) why = "CUDNN_TENSOR_OP_MATH with float data (TF32 is CUDNN_TENSOR_OP_MATH_ALLOW_CONVERSION)";
    else if (inputSize <= 0 || hiddenSize <= 0 || numLayers <= 0) why = "sizes must be positive";
    else if (projSize <= 0 || projSize > hiddenSize) why = "projSize must be in [1, hiddenSize]";
    else if (projSize != hiddenSize && cellMode != LSTM) why = "projSize < hiddenSize needs CUDNN_LSTM";
    else if ((auxFlags & ~1u) != 0) why = "auxFlags";
    if (!why.empty()) {
        violation("cudnnSetRNNDescriptor_v8: " + why);
        return BAD_PARAM;
    }
    *r = Rnn{{}, true, algo, cellMode, biasMode, dirMode, inputMode, dataType, mathPrec, mathType, inputSize, hiddenSize,
             projSize, numLayers, auxFlags};
    return OK;
}

int cudnnGetRNNWeightSpaceSize(void* h, void* d, size_t* size) {
    GUARD;
    if (fault("cudnnGetRNNWeightSpaceSize")) return EXECUTION_FAILED;
    Rnn* r = live<Rnn>(rnnDescs, d, "cudnnGetRNNWeightSpaceSize");
    Handle* handle = live<Handle>(dnnHandles, h, "cudnnGetRNNWeightSpaceSize");
    if (handle == nullptr || r == nullptr || !r->set) return BAD_PARAM;
    if (!idle(*handle, "handle", "cudnnGetRNNWeightSpaceSize") || !idle(*r, "RNN descriptor", "cudnnGetRNNWeightSpaceSize")) return BAD_PARAM;
    layoutOf(*r, size);
    return OK;
}

int cudnnGetRNNWeightParams(void* h, void* d, int pseudoLayer, size_t weightSpaceSize, const void* weightSpace,
                            int linLayerID, void* mDesc, void** mAddr, void* bDesc, void** bAddr) {
    GUARD;
    if (fault("cudnnGetRNNWeightParams")) return EXECUTION_FAILED;
    Rnn* r = live<Rnn>(rnnDescs, d, "cudnnGetRNNWeightParams");
    Handle* handle = live<Handle>(dnnHandles, h, "cudnnGetRNNWeightParams");
    if (handle == nullptr || r == nullptr || !r->set) return BAD_PARAM;
    if (!idle(*handle, "handle", "cudnnGetRNNWeightParams") || !idle(*r, "RNN descriptor", "cudnnGetRNNWeightParams")) return BAD_PARAM;
    size_t total;
    auto regions = layoutOf(*r, &total);
    if (pseudoLayer < 0 || pseudoLayer >= r->numLayers * r->dirs() || linLayerID < 0 || linLayerID >= r->ids()) {
        violation("cudnnGetRNNWeightParams: pseudoLayer " + std::to_string(pseudoLayer) + " / linLayerID "
                  + std::to_string(linLayerID) + " out of range");
        return BAD_PARAM;
    }
    if (weightSpaceSize < total || !device(weightSpace, total, "cudnnGetRNNWeightParams weightSpace")) return BAD_PARAM;
    Region reg = regions[{pseudoLayer, linLayerID}];
    const unsigned char* base = (const unsigned char*) weightSpace;
    int dt = r->dataType;
    if (mDesc) {
        Tensor* m = live<Tensor>(tensorDescs, mDesc, "cudnnGetRNNWeightParams mDesc");
        if (m == nullptr) return BAD_PARAM;
        *m = Tensor{true, dt, 3, {1, reg.rows, reg.cols}, {reg.rows * reg.cols, reg.cols, 1}};
    }
    if (mAddr) *mAddr = (void*) (base + reg.matrix);
    if (bDesc) {
        Tensor* b = live<Tensor>(tensorDescs, bDesc, "cudnnGetRNNWeightParams bDesc");
        if (b == nullptr) return BAD_PARAM;
        if (reg.bias >= 0) *b = Tensor{true, dt, 3, {1, reg.rows, 1}, {reg.rows, 1, 1}};
        else b->set = false;
    }
    if (bAddr) *bAddr = reg.bias >= 0 ? (void*) (base + reg.bias) : nullptr;
    return OK;
}

int cudnnCreateRNNDataDescriptor(void** d) { GUARD; if (fault("cudnnCreateRNNDataDescriptor")) return EXECUTION_FAILED; *d = dataDescs.add(new RnnData()); return OK; }

int cudnnDestroyRNNDataDescriptor(void* d) {
    GUARD;
    if (!dataDescs.remove(d, "cudnnDestroyRNNDataDescriptor")) return BAD_PARAM;
    delete (RnnData*) d;
    return OK;
}

int cudnnSetRNNDataDescriptor(void* d, int dataType, int layout, int maxSeqLength, int batch, int vectorSize,
                              const int* lengths, void* paddingFill) {
    GUARD;
    if (fault("cudnnSetRNNDataDescriptor")) return EXECUTION_FAILED;
    RnnData* rd = live<RnnData>(dataDescs, d, "cudnnSetRNNDataDescriptor");
    if (rd == nullptr) return BAD_PARAM;
    std::string why;
    if (dataType != FLOAT && dataType != HALF) why = "dataType";
    else if (layout < 0 || layout > 2) why = "layout";
    else if (maxSeqLength <= 0 || batch <= 0 || vectorSize <= 0) why = "sizes must be positive";
    else if (lengths == nullptr) why = "seqLengthArray is NULL";
    else if (touchesDevice(lengths, 4 * (size_t) batch)) why = "seqLengthArray must be host memory";
    if (why.empty()) {
        for (int n = 0; n < batch; n++) {
            // cuDNN: each length in [0, maxSeqLength] (rnn4j never passes 0; the stand-in accepts what cuDNN does)
            if (lengths[n] < 0 || lengths[n] > maxSeqLength) why = "seqLengthArray[" + std::to_string(n) + "] = " + std::to_string(lengths[n]);
            if (layout == SEQ_MAJOR_PACKED && n > 0 && lengths[n] > lengths[n - 1]) why = "packed layout needs non-increasing lengths";
        }
    }
    if (!why.empty()) {
        violation("cudnnSetRNNDataDescriptor: " + why);
        return BAD_PARAM;
    }
    rd->set = true;
    rd->dataType = dataType;
    rd->layout = layout;
    rd->maxSeqLength = maxSeqLength;
    rd->batch = batch;
    rd->vectorSize = vectorSize;
    rd->lengths.assign(lengths, lengths + batch);
    rd->fill = paddingFill == nullptr ? 0.0 : load(paddingFill, 0, dataType == HALF);
    return OK;
}

int cudnnGetRNNTempSpaceSizes(void* h, void* d, int fwdMode, void* xDesc, size_t* work, size_t* reserve) {
    GUARD;
    if (fault("cudnnGetRNNTempSpaceSizes")) return EXECUTION_FAILED;
    Rnn* r = live<Rnn>(rnnDescs, d, "cudnnGetRNNTempSpaceSizes");
    RnnData* x = live<RnnData>(dataDescs, xDesc, "cudnnGetRNNTempSpaceSizes xDesc");
    Handle* handle = live<Handle>(dnnHandles, h, "cudnnGetRNNTempSpaceSizes");
    if (handle == nullptr || r == nullptr || x == nullptr || !r->set || !x->set) return BAD_PARAM;
    if (!idle(*handle, "handle", "cudnnGetRNNTempSpaceSizes") || !idle(*r, "RNN descriptor", "cudnnGetRNNTempSpaceSizes")) return BAD_PARAM;
    if (fwdMode != 0 && fwdMode != 1) return BAD_PARAM;
    if (work) *work = workspaceBytes(*r, *x);
    if (reserve) *reserve = fwdMode == 0 ? 0 : workspaceBytes(*r, *x);
    return OK;
}

int cudnnRNNForward(void* h, void* d, int fwdMode, const int* devSeqLengths, void* xDesc, const void* x, void* yDesc,
                    void* y, void* hDesc, const void* hx, void* hy, void* cDesc, const void* cx, void* cy,
                    size_t weightSpaceSize, const void* weightSpace, size_t workSpaceSize, void* workSpace,
                    size_t reserveSpaceSize, void* reserveSpace) {
    std::unique_lock<std::recursive_mutex> guard(lock);
    if (fault("cudnnRNNForward")) return EXECUTION_FAILED;
    Handle* handle = live<Handle>(dnnHandles, h, "cudnnRNNForward");
    Rnn* r = live<Rnn>(rnnDescs, d, "cudnnRNNForward");
    RnnData* xd = live<RnnData>(dataDescs, xDesc, "cudnnRNNForward xDesc");
    RnnData* yd = live<RnnData>(dataDescs, yDesc, "cudnnRNNForward yDesc");
    Tensor* hd = live<Tensor>(tensorDescs, hDesc, "cudnnRNNForward hDesc");
    if (!handle || !r || !xd || !yd || !hd || !r->set || !xd->set || !yd->set) return BAD_PARAM;
    if (!idle(*handle, "handle", "cudnnRNNForward") || !idle(*r, "RNN descriptor", "cudnnRNNForward")) return BAD_PARAM;
    if (!stream(handle->stream, "cudnnRNNForward (the handle's stream)")) return BAD_PARAM;
    if (fwdMode != 0) { violation("cudnnRNNForward: the stand-in runs CUDNN_FWD_MODE_INFERENCE only"); return NOT_SUPPORTED; }
    int LD = r->numLayers * r->dirs(), N = xd->batch, S = r->projSize, H = r->hiddenSize;
    size_t eb = r->elementBytes();
    std::string why;
    if (xd->dataType != r->dataType || yd->dataType != r->dataType) why = "x/y data type differs from the RNN's";
    else if (xd->layout != yd->layout || xd->batch != yd->batch || xd->maxSeqLength != yd->maxSeqLength || xd->lengths != yd->lengths) why = "x and y descriptors disagree";
    else if (xd->vectorSize != r->inputSize) why = "x vectorSize " + std::to_string(xd->vectorSize) + " != inputSize " + std::to_string(r->inputSize);
    else if (yd->vectorSize != r->dirs() * S) why = "y vectorSize " + std::to_string(yd->vectorSize) + " != " + std::to_string(r->dirs() * S);
    else if (xd->layout != SEQ_MAJOR_PACKED && !(r->auxFlags & 1)) why = "unpacked layouts need CUDNN_RNN_PADDED_IO_ENABLED";
    else if (!tensorIs(hd, LD, N, S) || hd->dataType != r->dataType) why = "hDesc must be packed [numLayers·D, N, projSize]";
    else if (r->cellMode == LSTM) {
        Tensor* cd = live<Tensor>(tensorDescs, cDesc, "cudnnRNNForward cDesc");
        if (cd == nullptr || !tensorIs(cd, LD, N, H) || cd->dataType != r->dataType) why = "cDesc must be packed [numLayers·D, N, hiddenSize]";
    }
    if (!why.empty()) { violation("cudnnRNNForward: " + why); return BAD_PARAM; }
    size_t total;
    layoutOf(*r, &total);
    size_t work = workspaceBytes(*r, *xd);
    bool ok = device(devSeqLengths, 4 * (size_t) N, "cudnnRNNForward devSeqLengths");
    ok &= device(x, dataBytes(*xd, eb), "cudnnRNNForward x") & device(y, dataBytes(*yd, eb), "cudnnRNNForward y");
    size_t hBytes = (size_t) LD * N * S * eb, cBytes = (size_t) LD * N * H * eb;
    bool lstm = r->cellMode == LSTM;
    if (hx) ok &= device(hx, hBytes, "cudnnRNNForward hx");
    if (hy) ok &= device(hy, hBytes, "cudnnRNNForward hy");
    if (lstm && cx) ok &= device(cx, cBytes, "cudnnRNNForward cx");
    if (lstm && cy) ok &= device(cy, cBytes, "cudnnRNNForward cy");
    if (weightSpaceSize < total) { violation("cudnnRNNForward: weightSpaceSize below cudnnGetRNNWeightSpaceSize"); ok = false; }
    ok &= device(weightSpace, total, "cudnnRNNForward weightSpace");
    if (workSpaceSize < work) { violation("cudnnRNNForward: workSpaceSize below cudnnGetRNNTempSpaceSizes"); ok = false; }
    ok &= device(workSpace, work, "cudnnRNNForward workSpace");
    (void) reserveSpaceSize;
    (void) reserveSpace;
    if (!ok) return BAD_PARAM;
    // Enqueued on the handle's stream with copies of the descriptors (cuDNN reads them at the call, the caller may
    // change them at once); device memory, devSeqLengths included, is read when it runs.
    auto op = std::make_unique<Op>();
    op->name = "cudnnRNNForward";
    touch(op->touches, devSeqLengths, READ);
    touch(op->touches, x, READ);
    touch(op->touches, weightSpace, READ);
    if (hx) touch(op->touches, hx, READ);
    if (lstm && cx) touch(op->touches, cx, READ);
    touch(op->touches, y, WRITE);
    if (hy) touch(op->touches, hy, WRITE);
    if (lstm && cy) touch(op->touches, cy, WRITE);
    touch(op->touches, workSpace, WRITE);
    Rnn rnn = *r;
    RnnData xdata = *xd, ydata = *yd;
    const void* wcx = lstm ? cx : nullptr;
    void* wcy = lstm ? cy : nullptr;
    op->work = [=] {
        if (!std::equal(xdata.lengths.begin(), xdata.lengths.end(), devSeqLengths)) {
            violation("cudnnRNNForward: devSeqLengths, when it ran, differ from the descriptors' seqLengthArray");
            return;
        }
        forward(rnn, xdata, ydata, x, y, hx, hy, wcx, wcy, (const unsigned char*) weightSpace, workSpace, work);
    };
    enqueue(handle->stream, std::move(op));
    // The call itself stays in flight DWELL µs with the lock released, the handle and RNN descriptor marked busy:
    // a call of another thread on either meanwhile is reported (see Busy).
    long long dwell = dwellMicros;
    if (dwell > 0) {
        handle->calls++;
        r->calls++;
        guard.unlock();
        std::this_thread::sleep_for(std::chrono::microseconds(dwell));
        guard.lock();
        handle->calls--;
        r->calls--;
    }
    return OK;
}

} // extern "C"
