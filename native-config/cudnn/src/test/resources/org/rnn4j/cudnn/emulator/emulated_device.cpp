// The emulated GPU of rnn4j's tests: a process that owns "device" buffers, runs GEMMs in double and runs the composed
// path's real kernel sources (compiled as C++ through cuda_shim.h) one thread at a time, in descending thread order
// so a kernel that reads another thread's output would not pass. Built with AddressSanitizer, so a kernel or driver
// reading outside a buffer aborts with a report. New buffers are filled with NaN, so reading what nobody wrote shows.
// Driven over stdin/stdout by org.rnn4j.cudnn.EmulatedGpu (little-endian binary requests, one reply each).
#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <limits>
#include <map>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>
#include <vector>
#include "cuda_shim.h"
#include "kernels.inc" // #include of every kernel source, written by EmulatedGpu

namespace {

struct Buffer { bool ints; std::vector<float> f; std::vector<int32_t> i; size_t count() const { return ints ? i.size() : f.size(); } };
std::map<int32_t, Buffer> buffers;
int32_t nextId = 1;

template <class T> T read() {
    T v;
    if (std::fread(&v, sizeof v, 1, stdin) != 1) std::exit(0); // the JVM went away
    return v;
}

Buffer& buffer(int32_t id) {
    auto it = buffers.find(id);
    if (it == buffers.end()) throw std::runtime_error("no buffer " + std::to_string(id));
    return it->second;
}

void check(const Buffer& b, int64_t off, int64_t n, const char* what) {
    if (off < 0 || n < 0 || off + n > (int64_t) b.count()) {
        throw std::runtime_error(std::string(what) + ": elements [" + std::to_string(off) + ", " + std::to_string(off + n)
                                 + ") outside a buffer of " + std::to_string(b.count()));
    }
}

/** Kernel argument as sent: a pointer (buffer, offset), NULL, an int or a float. */
struct Arg { char tag; int32_t id; int64_t off; int32_t iv; float fv; };

template <class T> struct From;
template <> struct From<int> { static int get(const Arg& a) { if (a.tag != 'i') throw std::runtime_error("int argument expected"); return a.iv; } };
template <> struct From<float> { static float get(const Arg& a) { if (a.tag != 'f') throw std::runtime_error("float argument expected"); return a.fv; } };
template <> struct From<float*> {
    static float* get(const Arg& a) {
        if (a.tag == 'N') return nullptr;
        Buffer& b = buffer(a.id);
        if (a.tag != 'P' || b.ints) throw std::runtime_error("float pointer expected");
        check(b, a.off, 0, "float pointer");
        return b.f.data() + a.off;
    }
};
template <> struct From<const float*> { static const float* get(const Arg& a) { return From<float*>::get(a); } };
// Half data (the native path's F16 kernels, tested here one by one): the halves live in a float buffer, two per
// element, from the pointer's element offset on. The composed path itself never passes one.
template <> struct From<unsigned short*> {
    static unsigned short* get(const Arg& a) { return reinterpret_cast<unsigned short*>(From<float*>::get(a)); }
};
template <> struct From<const unsigned short*> {
    static const unsigned short* get(const Arg& a) { return From<unsigned short*>::get(a); }
};
template <> struct From<const int*> {
    static const int* get(const Arg& a) {
        if (a.tag == 'N') return nullptr;
        Buffer& b = buffer(a.id);
        if (a.tag != 'P' || !b.ints) throw std::runtime_error("int pointer expected");
        check(b, a.off, 0, "int pointer");
        return b.i.data() + a.off;
    }
};

template <class... P, std::size_t... I>
void run(void (*kernel)(P...), const std::vector<Arg>& args, int64_t threads, std::index_sequence<I...>) {
    if (args.size() != sizeof...(P)) {
        throw std::runtime_error("expected " + std::to_string(sizeof...(P)) + " arguments but got " + std::to_string(args.size()));
    }
    // Convert (and type-check) every argument before the first thread runs.
    std::tuple<P...> converted(From<P>::get(args[I])...);
    rnn4j_each_thread(threads, [&] { kernel(std::get<I>(converted)...); });
}

template <class... P> void call(void (*kernel)(P...), const std::vector<Arg>& args, int64_t threads) {
    run(kernel, args, threads, std::index_sequence_for<P...>{});
}

void launch(const std::string& name, const std::vector<Arg>& args, int64_t threads) {
#include "dispatch.inc" // if (name == "rnn4j_x") return call(rnn4j_x, args, threads); for every entry point
    throw std::runtime_error("unknown kernel " + name);
}

// Row-major C[m, n] = A[m, k] · B[n, k]^T + beta · C, accumulated in double.
void gemm(int32_t m, int32_t n, int32_t k, Buffer& a, int64_t aOff, int32_t lda, Buffer& b, int64_t bOff, int32_t ldb,
          float beta, Buffer& c, int64_t cOff, int32_t ldc) {
    if (m == 0) return;
    if (lda < k || ldb < k || ldc < n) throw std::runtime_error("gemm: leading dimension below the row width");
    check(a, aOff, (int64_t) (m - 1) * lda + k, "gemm A");
    check(b, bOff, (int64_t) (n - 1) * ldb + k, "gemm B");
    check(c, cOff, (int64_t) (m - 1) * ldc + n, "gemm C");
    for (int32_t r = 0; r < m; r++) {
        for (int32_t col = 0; col < n; col++) {
            double s = 0;
            for (int32_t x = 0; x < k; x++) s += (double) a.f[aOff + (int64_t) r * lda + x] * b.f[bOff + (int64_t) col * ldb + x];
            float& out = c.f[cOff + (int64_t) r * ldc + col];
            out = beta == 0.0f ? (float) s : (float) (s + (double) beta * out);
        }
    }
}

void reply(const std::string& error) {
    uint8_t status = error.empty() ? 0 : 1;
    std::fwrite(&status, 1, 1, stdout);
    if (!error.empty()) {
        int32_t len = (int32_t) error.size();
        std::fwrite(&len, sizeof len, 1, stdout);
        std::fwrite(error.data(), 1, error.size(), stdout);
    }
}

void serve(uint8_t op) {
    switch (op) {
        case 1: { // allocate: count, ints?
            int64_t count = read<int64_t>();
            uint8_t ints = read<uint8_t>();
            Buffer b{ints != 0, {}, {}};
            if (ints) b.i.assign(count, std::numeric_limits<int32_t>::min());
            else b.f.assign(count, std::numeric_limits<float>::quiet_NaN());
            buffers[nextId] = std::move(b);
            reply("");
            int32_t id = nextId++;
            std::fwrite(&id, sizeof id, 1, stdout);
            return;
        }
        case 2: buffers.erase(read<int32_t>()); reply(""); return;
        case 3: case 4: { // upload floats / ints: id, off, n, data
            int32_t id = read<int32_t>();
            int64_t off = read<int64_t>();
            int64_t n = read<int64_t>();
            std::vector<char> data(n * 4);
            if (n > 0 && std::fread(data.data(), 4, n, stdin) != (size_t) n) std::exit(0);
            Buffer& b = buffer(id);
            if ((op == 4) != b.ints) throw std::runtime_error("upload of the wrong element type");
            check(b, off, n, "upload");
            std::memcpy(b.ints ? (void*) (b.i.data() + off) : (void*) (b.f.data() + off), data.data(), n * 4);
            reply("");
            return;
        }
        case 5: { // download: id, off, n
            int32_t id = read<int32_t>();
            int64_t off = read<int64_t>();
            int64_t n = read<int64_t>();
            Buffer& b = buffer(id);
            check(b, off, n, "download");
            reply("");
            std::fwrite(b.f.data() + off, 4, n, stdout);
            return;
        }
        case 7: { // copy: src, srcOff, dst, dstOff, n
            int32_t src = read<int32_t>();
            int64_t srcOff = read<int64_t>();
            int32_t dst = read<int32_t>();
            int64_t dstOff = read<int64_t>();
            int64_t n = read<int64_t>();
            Buffer& s = buffer(src);
            Buffer& d = buffer(dst);
            check(s, srcOff, n, "copy source");
            check(d, dstOff, n, "copy destination");
            std::memmove(d.f.data() + dstOff, s.f.data() + srcOff, n * 4);
            reply("");
            return;
        }
        case 8: { // gemm
            int32_t m = read<int32_t>(), n = read<int32_t>(), k = read<int32_t>();
            int32_t a = read<int32_t>(); int64_t aOff = read<int64_t>(); int32_t lda = read<int32_t>();
            int32_t b = read<int32_t>(); int64_t bOff = read<int64_t>(); int32_t ldb = read<int32_t>();
            float beta = read<float>();
            int32_t c = read<int32_t>(); int64_t cOff = read<int64_t>(); int32_t ldc = read<int32_t>();
            gemm(m, n, k, buffer(a), aOff, lda, buffer(b), bOff, ldb, beta, buffer(c), cOff, ldc);
            reply("");
            return;
        }
        case 9: { // launch: name, threads, args
            int32_t len = read<int32_t>();
            std::string name(len, '\0');
            if (len > 0 && std::fread(&name[0], 1, len, stdin) != (size_t) len) std::exit(0);
            int64_t threads = read<int64_t>();
            int32_t argc = read<int32_t>();
            std::vector<Arg> args(argc);
            for (Arg& a : args) {
                a.tag = (char) read<uint8_t>();
                if (a.tag == 'P') { a.id = read<int32_t>(); a.off = read<int64_t>(); }
                else if (a.tag == 'i') a.iv = read<int32_t>();
                else if (a.tag == 'f') a.fv = read<float>();
                else if (a.tag != 'N') throw std::runtime_error(std::string("bad argument tag ") + a.tag);
            }
            launch(name, args, threads);
            reply("");
            return;
        }
        default: throw std::runtime_error("unknown operation " + std::to_string(op));
    }
}

} // namespace

int main() {
    for (;;) {
        uint8_t op = read<uint8_t>();
        if (op == 0) return 0;
        try {
            serve(op);
        } catch (const std::exception& e) {
            reply(e.what());
        }
        std::fflush(stdout);
    }
}
