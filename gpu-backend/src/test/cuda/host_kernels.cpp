// flexiq_gemm.cu's kernels compiled for the CPU (host_warp.h) and launched with CudaDevice's geometry, for
// HostKernelsTest. One process serves a test run's launches, one after another, from stdin to stdout (a process per
// launch cost more than the kernels). A launch is the kernel's name (int32 length, then the bytes: gemm, extract or
// im2col), its int32 scalars, then its arrays, each as an int32 element count and the elements (little-endian). Its
// answer is the number of output arrays, then the arrays the same way. The process ends at the end of stdin.
#include "host_warp.h"

#include "../../main/cuda/flexiq_gemm.cu"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct In {
    FILE* f;

    int i32() {
        int v;
        if (fread(&v, 4, 1, f) != 1) fail("truncated input");
        return v;
    }

    template <class T>
    std::vector<T> array() {
        int n = i32();
        std::vector<T> v(n);
        if (n > 0 && fread(v.data(), sizeof(T), n, f) != (size_t)n) fail("truncated array");
        return v;
    }

    [[noreturn]] static void fail(const char* why) {
        fprintf(stderr, "host_kernels: %s\n", why);
        exit(2);
    }
};

template <class T>
void write(FILE* f, const std::vector<T>& v) {
    int n = (int)v.size();
    fwrite(&n, 4, 1, f);
    if (n > 0) fwrite(v.data(), sizeof(T), n, f);
}

template <class T>
const T* ptr(const std::vector<T>& v) {
    return v.empty() ? nullptr : v.data();
}

unsigned blocks(long long threads) {
    return (unsigned)((threads + 127) / 128);
}

// One launch read from in, its output arrays returned.
std::vector<std::vector<int8_t>> launch(const std::string& kind, In& in) {
    std::vector<std::vector<int8_t>> outputs;
    if (kind == "gemm") {
        const int M = in.i32(), N = in.i32(), k4 = in.i32(), k8 = in.i32(), slice = in.i32(), a_unsigned = in.i32(), lo = in.i32(), hi = in.i32();
        auto a4 = in.array<int8_t>(), a8 = in.array<int8_t>(), as = in.array<int8_t>();
        auto w4 = in.array<int8_t>(), w8 = in.array<int8_t>(), ws = in.array<int8_t>();
        auto bias = in.array<int>(), mult = in.array<int>(), shift = in.array<int>();
        auto lut = in.array<int8_t>();
        std::vector<int8_t> out((size_t)M * N);
        const unsigned tiles = (unsigned)(((M + FLEXIQ_BM - 1) / FLEXIQ_BM) * ((N + FLEXIQ_BN - 1) / FLEXIQ_BN));
        host_launch(tiles, FLEXIQ_THREADS, [&] {
            (a_unsigned ? flexiq_gemm_u4 : flexiq_gemm)(M, N, k4, k8, slice, (const uint8_t*)ptr(a4), ptr(a8), ptr(as), (const uint8_t*)ptr(w4), ptr(w8), ptr(ws), ptr(bias),
                        ptr(mult), ptr(shift), lo, hi, ptr(lut), out.data());
        });
        outputs.push_back(out);
    } else if (kind == "extract") {
        const int P = in.i32(), C = in.i32(), four = in.i32(), group = in.i32(), slice = in.i32(), is_unsigned = in.i32(), dynamic = in.i32();
        auto x = in.array<int8_t>();
        auto chan = in.array<int>();
        auto table = in.array<int8_t>();
        const int groups = four / group;
        std::vector<int8_t> codes((size_t)P * groups * slice / 2), shifts((size_t)P * groups), rest((size_t)P * (C - four));
        host_launch(blocks((long long)P * (groups + 1)), 128, [&] {
            flexiq_extract(P, C, four, group, slice, is_unsigned, ptr(x), ptr(chan), dynamic ? nullptr : ptr(table), (uint8_t*)codes.data(), shifts.data(),
                           rest.data());
        });
        outputs = {codes, shifts, rest};
    } else if (kind == "im2col") {
        int g[15];
        for (int& v : g) v = in.i32();
        const int M = g[0], kh = g[4], kw = g[5], groups = g[11], slice = g[12], k8 = g[14];
        auto codes = in.array<int8_t>(), shifts = in.array<int8_t>(), rest = in.array<int8_t>();
        const int taps = kh * kw;
        std::vector<int8_t> a4((size_t)M * taps * groups * slice / 2), ashift((size_t)M * taps * groups), a8((size_t)M * k8);
        host_launch(blocks(M), 128, [&] {
            flexiq_im2col(g[0], g[1], g[2], g[3], g[4], g[5], g[6], g[7], g[8], g[9], g[10], g[11], g[12], g[13], g[14], (const uint8_t*)ptr(codes),
                          ptr(shifts), ptr(rest), (uint8_t*)a4.data(), ashift.data(), a8.data());
        });
        outputs = {a4, ashift, a8};
    } else {
        In::fail("unknown kernel (gemm, extract or im2col)");
    }
    return outputs;
}

}  // namespace

int main(int argc, char**) {
    if (argc != 1) {
        fprintf(stderr, "usage: host_kernels < launches > outputs\n");
        return 2;
    }
    In in{stdin};
    for (int length; fread(&length, 4, 1, stdin) == 1;) {
        std::string kind((size_t)length, '\0');
        if (length > 0 && fread(kind.data(), 1, (size_t)length, stdin) != (size_t)length) In::fail("truncated kernel name");
        const auto outputs = launch(kind, in);
        const int count = (int)outputs.size();
        fwrite(&count, 4, 1, stdout);
        for (const auto& v : outputs) write(stdout, v);
        if (fflush(stdout) != 0) In::fail("cannot write the output");
    }
    return 0;
}
