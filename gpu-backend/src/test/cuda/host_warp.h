// Runs the project's CUDA kernels on the CPU, for the tests of machines without a GPU: each block's threads are
// fibers (ucontext) taking turns on one OS thread, each warp's 32 lanes meet at a barrier inside every mma.sync, and
// the MMA is computed from the registers all 32 lanes hold, placed by the fragment layouts of the PTX ISA (integer
// mma, lane = 4 g + t):
//   A (M x K, row-major) register i of lane (g, t): row g + 8 (i mod M/8), elements k = 4 epr (i div M/8) + epr t + e
//   B (K x 8, column-major) register i: column g, elements k = 4 epr i + epr t + e
//   C / D: element 2 h + j of lane (g, t): row g + 8 h, column 2 t + j
// where epr is the elements per 32-bit register (4 int8 values or 8 4-bit codes, element e in bits
// [bits e, bits (e + 1))). This checks everything the kernels compute except the hardware itself: indexing,
// edges, packing, shifts, requantization. The layouts are the PTX ISA's (section "Matrix fragments for mma");
// CudaDeviceTest checks them against a real GPU wherever one is.
//
// Why fibers and not threads: a block is 128 threads, and every MMA was three warp-wide barriers. As OS threads on a
// 2-core machine each barrier was a storm of futex wake-ups, and each block spawned 128 threads: HostKernelsTest took
// 79 s. Fibers run the lanes in a fixed order (the same bytes every run) and a barrier nobody can pass any more is
// reported instead of hanging. A fiber is entered the first time through its ucontext (makecontext gives it its
// stack) and switched afterwards with _setjmp / _longjmp, which save and restore only registers: swapcontext also
// sets the signal mask, a system call that took 80% of the time. Each MMA is now one meeting (HostWarp).
#pragma once

// fortified longjmp refuses to jump to another stack, which is what a fiber switch is (HostKernels also passes -U)
#undef _FORTIFY_SOURCE

#include <setjmp.h>
#include <sys/mman.h>
#include <ucontext.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>
#include <memory>
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

// one OS thread runs every fiber: the scheduler sets these before it resumes one
inline dim3 threadIdx;
inline dim3 blockIdx;
inline dim3 blockDim;
inline dim3 gridDim;

using std::min;

inline int __clz(int x) {
    return x == 0 ? 32 : __builtin_clz((unsigned)x);
}

// The fibers of the block being run, and the scheduler's context they yield to.
struct HostFibers {
    struct Saved {
        jmp_buf registers;
    };
    Saved scheduler;
    std::vector<ucontext_t> entry;
    std::vector<Saved> suspended;
    std::vector<char*> stacks;
    std::vector<bool> started;
    std::vector<bool> done;
    std::function<void()> kernel;
    unsigned current = 0;
    // arrivals at any barrier and fibers finished: a round of turns that changes neither is a deadlock
    unsigned long long progress = 0;
    size_t stack_bytes = 0;
    size_t page = 0;

    explicit HostFibers(unsigned n) : entry(n), suspended(n), stacks(n), started(n), done(n) {
        page = (size_t)sysconf(_SC_PAGESIZE);
        stack_bytes = 256 * 1024;
        for (char*& s : stacks) {
            // a guard page below each stack: an overflow faults instead of overwriting the next fiber's frames
            void* m = mmap(nullptr, stack_bytes + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
            if (m == MAP_FAILED) {
                fprintf(stderr, "host_warp: cannot map a fiber stack\n");
                exit(2);
            }
            mprotect(m, page, PROT_NONE);
            s = (char*)m;
        }
    }

    ~HostFibers() {
        for (char* s : stacks) munmap(s, stack_bytes + page);
    }

    HostFibers(const HostFibers&) = delete;
    HostFibers& operator=(const HostFibers&) = delete;
};

inline HostFibers* host_fibers = nullptr;

// The running fiber gives its turn back to the scheduler. No local changes between the _setjmp and its _longjmp.
__attribute__((noinline)) inline void host_yield() {
    HostFibers& f = *host_fibers;
    if (_setjmp(f.suspended[f.current].registers) == 0) _longjmp(f.scheduler.registers, 1);
}

// The scheduler gives fiber tx its turn, until it yields or finishes.
__attribute__((noinline)) inline void host_resume(HostFibers& f, unsigned tx) {
    if (_setjmp(f.scheduler.registers) != 0) return;
    if (f.started[tx]) _longjmp(f.suspended[tx].registers, 1);
    f.started[tx] = true;
    setcontext(&f.entry[tx]);
}

// std::barrier's contract (arrive_and_wait, arrive_and_drop, a completion step) among the fibers of one block.
struct HostBarrier {
    int expected;
    int arrived = 0;
    unsigned phase = 0;
    // run by the arrival that completes a phase, before anyone waiting is released (std::barrier's CompletionFunction)
    void (*completion)(void*, unsigned phase) = nullptr;
    void* target = nullptr;

    explicit HostBarrier(int n) : expected(n) {}

    void arrive_and_wait() {
        host_fibers->progress++;
        const unsigned p = phase;
        if (++arrived == expected) {
            complete();
            return;
        }
        while (phase == p) host_yield();
    }

    // an exited thread arrives at the current phase and is no longer expected at later ones
    void arrive_and_drop() {
        host_fibers->progress++;
        if (--expected == arrived && arrived > 0) complete();
    }

private:
    void complete() {
        if (completion != nullptr) completion(target, phase);
        arrived = 0;
        phase++;
    }
};

// A warp's meeting point for mma.sync. The lanes' registers go into the half of the buffers that the MMA's parity
// picks, so the next MMA's registers never overwrite ones not yet read: one meeting per MMA, no second barrier.
struct HostWarp {
    HostBarrier meet{32};
    // the instruction, the same in every lane; a_unsigned: A's codes are .u4 (B is always signed)
    int m = 0, k = 0, bits = 0, na = 0, nb = 0;
    bool a_unsigned = false;
    uint32_t a[2][32][4];
    uint32_t b[2][32][2];
    int c[2][32][4];
    int A[16 * 64];
    int B[64 * 8];

    HostWarp() {
        meet.completion = [](void* w, unsigned phase) { static_cast<HostWarp*>(w)->multiply(phase & 1); };
        meet.target = this;
    }

    // Element e of a register holding 8-bit values (bits = 8) or 4-bit codes (bits = 4), sign-extended unless unsigned.
    static int element(uint32_t reg, int e, int bits, bool is_unsigned = false) {
        int v = (int)((reg >> (bits * e)) & ((1u << bits) - 1));
        return !is_unsigned && v >= (1 << (bits - 1)) ? v - (1 << bits) : v;
    }

    // D = A B + C for every lane, from the registers all 32 passed, by the fragment layouts above
    void multiply(unsigned h2) {
        const int epr = 32 / bits, halves = m / 8;
        for (int l = 0; l < 32; l++) {
            const int g = l / 4, t = l % 4;
            for (int i = 0; i < na; i++) {
                for (int e = 0; e < epr; e++) {
                    A[(g + 8 * (i % halves)) * k + 4 * epr * (i / halves) + epr * t + e] = element(a[h2][l][i], e, bits, a_unsigned);
                }
            }
            for (int i = 0; i < nb; i++) {
                for (int e = 0; e < epr; e++) {
                    B[(4 * epr * i + epr * t + e) * 8 + g] = element(b[h2][l][i], e, bits);
                }
            }
        }
        for (int l = 0; l < 32; l++) {
            const int g = l / 4, t = l % 4;
            for (int h = 0; h < halves; h++) {
                for (int j = 0; j < 2; j++) {
                    int acc = c[h2][l][2 * h + j];
                    for (int q = 0; q < k; q++) {
                        acc = (int)((uint32_t)acc + (uint32_t)(A[(g + 8 * h) * k + q] * B[q * 8 + 2 * t + j]));
                    }
                    c[h2][l][2 * h + j] = acc;
                }
            }
        }
    }
};

inline HostWarp* host_warp = nullptr;
inline HostBarrier* host_block = nullptr;

// Blocks run one after another, so a kernel's static (__shared__) arrays are its block's shared memory.
inline void __syncthreads() {
    host_block->arrive_and_wait();
}

// One mma.sync.aligned.mMn8kK.row.col.s32.{s8,s4}: every lane passes its registers and gets its C back.
inline void host_mma(int m, int k, int bits, int* c, const uint32_t* a, int na, const uint32_t* b, int nb, bool a_unsigned = false) {
    HostWarp& w = *host_warp;
    const int lane = (int)(threadIdx.x % 32);
    const unsigned h2 = w.meet.phase & 1;
    w.a_unsigned = a_unsigned;
    w.m = m;
    w.k = k;
    w.bits = bits;
    w.na = na;
    w.nb = nb;
    std::copy(a, a + na, w.a[h2][lane]);
    std::copy(b, b + nb, w.b[h2][lane]);
    std::copy(c, c + m / 4, w.c[h2][lane]);
    w.meet.arrive_and_wait();
    std::copy(w.c[h2][lane], w.c[h2][lane] + m / 4, c);
}

#ifdef FLEXIQ_TURING
inline void mma8_s8(int* c, uint32_t a, uint32_t b) { host_mma(8, 16, 8, c, &a, 1, &b, 1); }
inline void mma8_s4(int* c, uint32_t a, uint32_t b) { host_mma(8, 32, 4, c, &a, 1, &b, 1); }
inline void mma8_u4(int* c, uint32_t a, uint32_t b) { host_mma(8, 32, 4, c, &a, 1, &b, 1, true); }
#else
inline void mma_s8(int c[4], const uint32_t a[4], const uint32_t b[2]) { host_mma(16, 32, 8, c, a, 4, b, 2); }
inline void mma_s4(int c[4], const uint32_t a[4], const uint32_t b[2]) { host_mma(16, 64, 4, c, a, 4, b, 2); }
inline void mma_u4(int c[4], const uint32_t a[4], const uint32_t b[2]) { host_mma(16, 64, 4, c, a, 4, b, 2, true); }
inline void mma_s4_k32(int c[4], uint32_t a0, uint32_t a1, uint32_t b0) {
    const uint32_t a[2] = {a0, a1};
    host_mma(16, 32, 4, c, a, 2, &b0, 1);
}
inline void mma_u4_k32(int c[4], uint32_t a0, uint32_t a1, uint32_t b0) {
    const uint32_t a[2] = {a0, a1};
    host_mma(16, 32, 4, c, a, 2, &b0, 1, true);
}
#endif

[[noreturn]] inline void host_fiber_main() {
    HostFibers& f = *host_fibers;
    f.kernel();
    // an exited thread no longer holds back its warp's MMAs or its block's __syncthreads
    host_warp->meet.arrive_and_drop();
    host_block->arrive_and_drop();
    f.done[f.current] = true;
    f.progress++;
    // never returns: its stack is reused by the next block's fiber
    _longjmp(f.scheduler.registers, 1);
}

// kernel<<<grid, block>>>(args...): blocks one after another; a block's threads take turns, each running until it
// finishes or waits at a barrier.
template <class Kernel>
void host_launch(unsigned grid, unsigned block, Kernel kernel) {
    gridDim.x = grid;
    blockDim.x = block;
    HostFibers fibers(block);
    fibers.kernel = kernel;
    host_fibers = &fibers;
    for (unsigned bx = 0; bx < grid; bx++) {
        std::unique_ptr<HostWarp[]> warps(new HostWarp[(block + 31) / 32]);
        HostBarrier sync((int)block);
        const unsigned last = block % 32;
        if (last != 0) warps[block / 32].meet.expected = (int)last;
        blockIdx.x = bx;
        for (unsigned tx = 0; tx < block; tx++) {
            ucontext_t& c = fibers.entry[tx];
            getcontext(&c);
            c.uc_stack.ss_sp = fibers.stacks[tx] + fibers.page;
            c.uc_stack.ss_size = fibers.stack_bytes;
            c.uc_link = nullptr;
            makecontext(&c, host_fiber_main, 0);
            fibers.started[tx] = false;
            fibers.done[tx] = false;
        }
        for (unsigned live = block; live > 0;) {
            const unsigned long long before = fibers.progress;
            for (unsigned tx = 0; tx < block; tx++) {
                if (fibers.done[tx]) continue;
                fibers.current = tx;
                threadIdx.x = tx;
                host_warp = &warps[tx / 32];
                host_block = &sync;
                host_resume(fibers, tx);
                if (fibers.done[tx]) live--;
            }
            if (live > 0 && fibers.progress == before) {
                fprintf(stderr, "host_warp: deadlock in block %u: every live thread waits at a barrier nobody else reaches\n", bx);
                exit(3);
            }
        }
    }
    host_fibers = nullptr;
}
