// Runs the project's CUDA kernels on the CPU, for the tests of machines without a GPU: each block's threads are
// real threads, each warp's 32 lanes meet at a barrier inside every mma.sync, and the MMA is computed from
// the registers all 32 lanes hold, placed by the fragment layouts of the PTX ISA (integer mma, lane = 4 g + t):
//   A (M x K, row-major) register i of lane (g, t): row g + 8 (i mod M/8), elements k = 4 epr (i div M/8) + epr t + e
//   B (K x 8, column-major) register i: column g, elements k = 4 epr i + epr t + e
//   C / D: element 2 h + j of lane (g, t): row g + 8 h, column 2 t + j
// where epr is the elements per 32-bit register (4 int8 values or 8 4-bit codes, element e in bits
// [bits e, bits (e + 1))). This checks everything the kernels compute except the hardware itself: indexing,
// edges, packing, shifts, requantization. The layouts are the PTX ISA's (section "Matrix fragments for mma");
// CudaDeviceTest checks them against a real GPU wherever one is.
#pragma once

#include <algorithm>
#include <barrier>
#include <cstdint>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

#define __global__
#define __device__
#define __host__
#define __forceinline__ inline
#define __restrict__
#define __shared__ static
#define __align__(n) __attribute__((aligned(n)))

struct dim3 {
    unsigned x = 1, y = 1, z = 1;
};

inline thread_local dim3 threadIdx;
inline thread_local dim3 blockIdx;
inline dim3 blockDim;
inline dim3 gridDim;

using std::min;

inline int __clz(int x) {
    return x == 0 ? 32 : __builtin_clz((unsigned)x);
}

struct HostWarp {
    std::barrier<> meet{32};
    uint32_t a[32][4];
    uint32_t b[32][2];
    int A[16 * 64];
    int B[64 * 8];
};

inline thread_local HostWarp* host_warp = nullptr;
inline thread_local std::barrier<>* host_block = nullptr;

// Blocks run one after another, so a kernel's static (__shared__) arrays are its block's shared memory.
inline void __syncthreads() {
    host_block->arrive_and_wait();
}

// Element e of a register holding 8-bit values (bits = 8) or 4-bit codes (bits = 4), sign-extended.
inline int host_element(uint32_t reg, int e, int bits) {
    int v = (int)((reg >> (bits * e)) & ((1u << bits) - 1));
    return v >= (1 << (bits - 1)) ? v - (1 << bits) : v;
}

// One mma.sync.aligned.mMn8kK.row.col.s32.{s8,s4}: every lane passes its registers and gets its C back.
inline void host_mma(int m, int k, int bits, int* c, const uint32_t* a, int na, const uint32_t* b, int nb) {
    HostWarp& w = *host_warp;
    const int lane = (int)(threadIdx.x % 32);
    std::copy(a, a + na, w.a[lane]);
    std::copy(b, b + nb, w.b[lane]);
    w.meet.arrive_and_wait();
    const int epr = 32 / bits, halves = m / 8;
    if (lane == 0) {
        // the operands as matrices, from the registers every lane passed
        for (int l = 0; l < 32; l++) {
            const int g = l / 4, t = l % 4;
            for (int i = 0; i < na; i++) {
                for (int e = 0; e < epr; e++) {
                    w.A[(g + 8 * (i % halves)) * k + 4 * epr * (i / halves) + epr * t + e] = host_element(w.a[l][i], e, bits);
                }
            }
            for (int i = 0; i < nb; i++) {
                for (int e = 0; e < epr; e++) {
                    w.B[(4 * epr * i + epr * t + e) * 8 + g] = host_element(w.b[l][i], e, bits);
                }
            }
        }
    }
    w.meet.arrive_and_wait();
    const int* A = w.A;
    const int* B = w.B;
    const int g = lane / 4, t = lane % 4;
    for (int h = 0; h < halves; h++) {
        for (int j = 0; j < 2; j++) {
            int acc = c[2 * h + j];
            for (int q = 0; q < k; q++) {
                acc = (int)((uint32_t)acc + (uint32_t)(A[(g + 8 * h) * k + q] * B[q * 8 + 2 * t + j]));
            }
            c[2 * h + j] = acc;
        }
    }
    // nobody refills the registers before every lane has read them
    w.meet.arrive_and_wait();
}

#ifdef FLEXIQ_TURING
inline void mma8_s8(int* c, uint32_t a, uint32_t b) { host_mma(8, 16, 8, c, &a, 1, &b, 1); }
inline void mma8_s4(int* c, uint32_t a, uint32_t b) { host_mma(8, 32, 4, c, &a, 1, &b, 1); }
#else
inline void mma_s8(int c[4], const uint32_t a[4], const uint32_t b[2]) { host_mma(16, 32, 8, c, a, 4, b, 2); }
inline void mma_s4(int c[4], const uint32_t a[4], const uint32_t b[2]) { host_mma(16, 64, 4, c, a, 4, b, 2); }
inline void mma_s4_k32(int c[4], uint32_t a0, uint32_t a1, uint32_t b0) {
    const uint32_t a[2] = {a0, a1};
    host_mma(16, 32, 4, c, a, 2, &b0, 1);
}
#endif

// kernel<<<grid, block>>>(args...): blocks one after another, a block's threads together.
template <class Kernel>
void host_launch(unsigned grid, unsigned block, Kernel kernel) {
    gridDim.x = grid;
    blockDim.x = block;
    for (unsigned bx = 0; bx < grid; bx++) {
        std::unique_ptr<HostWarp[]> warps(new HostWarp[(block + 31) / 32]);
        std::barrier<> sync((std::ptrdiff_t)block);
        std::vector<std::thread> threads;
        for (unsigned tx = 0; tx < block; tx++) {
            threads.emplace_back([&, bx, tx] {
                blockIdx.x = bx;
                threadIdx.x = tx;
                host_warp = &warps[tx / 32];
                host_block = &sync;
                kernel();
                // an exited thread no longer holds back its warp's MMAs or its block's __syncthreads
                host_warp->meet.arrive_and_drop();
                sync.arrive_and_drop();
            });
        }
        for (std::thread& th : threads) th.join();
    }
}
