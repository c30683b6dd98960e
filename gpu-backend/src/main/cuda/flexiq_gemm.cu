// FlexiQ mixed-precision GEMM: out[M, N] = requant(bias + sum over 4-bit groups of (A4 W4^T << (sa + sw)) + A8 W8^T).
//
// Operands, prepared by the producer's epilogue (A) and offline (W), K already in the kernel's order
// (for a convolution: tap-major implicit-GEMM rows, built by the caller):
//   a4     [M][k4 / 2]  4-bit activation codes, two per byte, low nibble first (k4 = MAX_4BIT_CH x taps): signed,
//                       or unsigned in flexiq_gemm_u4 (a site after a ReLU: .u4.s4 MMAs, zero-extended when widened)
//   a8     [M][k8]      int8 activations of the 8-bit channels
//   ashift [M][groups]  activation shift of each row and 4-bit group (static table or dynamic OR)
//   w4     [N][k4 / 2], w8 [N][k8], wshift [N][groups]: the same for the weights (per output channel)
//   bias [N] int32; mult [N] and shift [N] int32: out = sat8(round(acc x mult x 2^(shift - 31))), half away from zero
//   lo, hi, lut: the fused activation: out clamped to [lo, hi], then lut[out + 128] when lut is not null
// k4 is a kernel argument: switching the 4-bit ratio at run time changes nothing but it.
//
// A block of four warps computes a 64 x 64 output tile, each warp 32 x 32 with mma.sync (row.col) on 16 x 8
// tiles; per k-slice of a group (the group's codes zero-padded to a multiple of 32), m16n8k64 .s4 per 64 codes
// and m16n8k32 .s4 for a last 32, so the paper's 32-channel GPU groups issue no padding; each group's
// fragments are shifted on the CUDA cores into the int32 accumulators; m16n8k32 .s8 for the 8-bit part.
// Launch: ceil(M / 64) x ceil(N / 64) blocks (one dimension, N fastest) of 128 threads.
// Fragment layout (PTX ISA, integer mma, lane = 4 g + t): k64 .s4 and k32 .s8: A regs a0..a3 hold row g,
// row g + 8, row g (upper half of k), row g + 8 (upper half), B regs b0, b1 column g (lower, upper half of
// k); k32 .s4: a0 row g, a1 row g + 8, b0 column g, each codes 8t..8t + 7; C c0, c1 row g columns 2t,
// 2t + 1; c2, c3 row g + 8. Without int4 tensor cores (sm_90) the codes are widened to int8 and go through
// the k32 .s8 instruction, 32 codes at a time (FLEXIQ_WIDEN_INT4). Turing (sm_75, FLEXIQ_TURING) issues
// each of these as two m8n8 MMAs (m8n8k32 .s4, m8n8k16 .s8).
//
// Written against the PTX ISA; compiled by nvcc in CudaSourceTest for sm_75, sm_80, sm_86 and sm_90; run and timed on
// an H200 (sm_90, widened) in gpu-backend/README.md, "Measured".
#include <cstdint>

#if defined(FLEXIQ_HOST)
// Compiled for the CPU by the tests (gpu-backend/src/test/cuda/host_warp.h): their warp emulator supplies
// the MMA instructions, the rest of this file runs as it is.
#elif defined(FLEXIQ_TURING)
// Turing (sm_75) has the 8 x 8 integer MMAs only: each 16 x 8 instruction below is two of them, one per
// 8-row half of the tile (C c0, c1 the upper half, c2, c3 the lower), with the same register contents.
__device__ __forceinline__ void mma8_s8(int* c, uint32_t a, uint32_t b) {
    asm volatile("mma.sync.aligned.m8n8k16.row.col.s32.s8.s8.s32 {%0,%1}, {%2}, {%3}, {%0,%1};\n" : "+r"(c[0]), "+r"(c[1]) : "r"(a), "r"(b));
}

__device__ __forceinline__ void mma8_s4(int* c, uint32_t a, uint32_t b) {
    asm volatile("mma.sync.aligned.m8n8k32.row.col.s32.s4.s4.s32 {%0,%1}, {%2}, {%3}, {%0,%1};\n" : "+r"(c[0]), "+r"(c[1]) : "r"(a), "r"(b));
}

__device__ __forceinline__ void mma8_u4(int* c, uint32_t a, uint32_t b) {
    asm volatile("mma.sync.aligned.m8n8k32.row.col.s32.u4.s4.s32 {%0,%1}, {%2}, {%3}, {%0,%1};\n" : "+r"(c[0]), "+r"(c[1]) : "r"(a), "r"(b));
}
#else
__device__ __forceinline__ void mma_s8(int c[4], const uint32_t a[4], const uint32_t b[2]) {
    asm volatile("mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+r"(c[0]), "+r"(c[1]), "+r"(c[2]), "+r"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

#ifndef FLEXIQ_WIDEN_INT4
__device__ __forceinline__ void mma_s4(int c[4], const uint32_t a[4], const uint32_t b[2]) {
    asm volatile("mma.sync.aligned.m16n8k64.row.col.s32.s4.s4.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+r"(c[0]), "+r"(c[1]), "+r"(c[2]), "+r"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

__device__ __forceinline__ void mma_s4_k32(int c[4], uint32_t a0, uint32_t a1, uint32_t b0) {
    asm volatile("mma.sync.aligned.m16n8k32.row.col.s32.s4.s4.s32 {%0,%1,%2,%3}, {%4,%5}, {%6}, {%0,%1,%2,%3};\n"
                 : "+r"(c[0]), "+r"(c[1]), "+r"(c[2]), "+r"(c[3])
                 : "r"(a0), "r"(a1), "r"(b0));
}

// unsigned activation codes (a site after a ReLU), signed weights
__device__ __forceinline__ void mma_u4(int c[4], const uint32_t a[4], const uint32_t b[2]) {
    asm volatile("mma.sync.aligned.m16n8k64.row.col.s32.u4.s4.s32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, {%0,%1,%2,%3};\n"
                 : "+r"(c[0]), "+r"(c[1]), "+r"(c[2]), "+r"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
}

__device__ __forceinline__ void mma_u4_k32(int c[4], uint32_t a0, uint32_t a1, uint32_t b0) {
    asm volatile("mma.sync.aligned.m16n8k32.row.col.s32.u4.s4.s32 {%0,%1,%2,%3}, {%4,%5}, {%6}, {%0,%1,%2,%3};\n"
                 : "+r"(c[0]), "+r"(c[1]), "+r"(c[2]), "+r"(c[3])
                 : "r"(a0), "r"(a1), "r"(b0));
}
#endif
#endif

#ifdef FLEXIQ_TURING
// A 16 x 8 MMA as 8 x 8 ones (MMA8), one per 8-row half and k half; the k32 .s4 form has one k half.
template <void (*MMA8)(int*, uint32_t, uint32_t)>
__device__ __forceinline__ void mma_halves(int c[4], const uint32_t a[4], const uint32_t b[2]) {
    MMA8(c, a[0], b[0]);
    MMA8(c + 2, a[1], b[0]);
    MMA8(c, a[2], b[1]);
    MMA8(c + 2, a[3], b[1]);
}

template <void (*MMA8)(int*, uint32_t, uint32_t)>
__device__ __forceinline__ void mma_halves_k32(int c[4], uint32_t a0, uint32_t a1, uint32_t b0) {
    MMA8(c, a0, b0);
    MMA8(c + 2, a1, b0);
}

__device__ __forceinline__ void mma_s8(int c[4], const uint32_t a[4], const uint32_t b[2]) { mma_halves<mma8_s8>(c, a, b); }
__device__ __forceinline__ void mma_s4(int c[4], const uint32_t a[4], const uint32_t b[2]) { mma_halves<mma8_s4>(c, a, b); }
__device__ __forceinline__ void mma_u4(int c[4], const uint32_t a[4], const uint32_t b[2]) { mma_halves<mma8_u4>(c, a, b); }
__device__ __forceinline__ void mma_s4_k32(int c[4], uint32_t a0, uint32_t a1, uint32_t b0) { mma_halves_k32<mma8_s4>(c, a0, a1, b0); }
__device__ __forceinline__ void mma_u4_k32(int c[4], uint32_t a0, uint32_t a1, uint32_t b0) { mma_halves_k32<mma8_u4>(c, a0, a1, b0); }
#endif


#ifdef FLEXIQ_WIDEN_INT4
// Four 4-bit codes starting at code index k (a multiple of 4) of a packed row, sign-extended to four int8 bytes:
// the two bytes' nibbles spread one per byte, then each byte's code c (0..15 as stored) becomes c - 16 when c >= 8,
// four at a time without carries between bytes: ((c ^ 8) | 0x80) - 8 lies in [0x78, 0x87] per byte, and flipping
// its top bit gives (c ^ 8) - 8, the code's value, as a two's-complement byte. Unsigned codes (a site after a ReLU)
// are the spread nibbles themselves.
__device__ __forceinline__ uint32_t widen4(const uint8_t* row, int k, bool is_unsigned = false) {
    const uint32_t two = (uint32_t)row[k >> 1] | (uint32_t)row[(k >> 1) + 1] << 8;
    const uint32_t spread = (two & 0xfu) | (two & 0xf0u) << 4 | (two & 0xf00u) << 8 | (two & 0xf000u) << 12;
    return is_unsigned ? spread : (((spread ^ 0x08080808u) | 0x80808080u) - 0x08080808u) ^ 0x80808080u;
}
#endif

// The golden executor's FixedPoint.apply: round(acc x mult x 2^(shift - 31)), half away from zero, then int8 saturation.
__host__ __device__ __forceinline__ int8_t requant(int acc, int mult, int shift) {
    long long p = (long long)acc * mult;
    int right = 31 - shift;
    long long r;
    if (right <= 0) {
        r = p << -right;
    } else if (right >= 63) {
        r = 0;
    } else {
        long long half = 1LL << (right - 1);
        r = p >= 0 ? (p + half) >> right : -((-p + half) >> right);
    }
    return (int8_t)(r > 127 ? 127 : r < -128 ? -128 : r);
}

// The fused activation: a clamp (ReLU, ReLU6), then a 256-entry table (GELU, SiLU, tanh) if given.
__host__ __device__ __forceinline__ int8_t activate(int8_t v, int lo, int hi, const int8_t* lut) {
    int c = v < lo ? lo : v > hi ? hi : v;
    return lut != nullptr ? lut[c + 128] : (int8_t)c;
}

// The block tile: 64 x 64 outputs, four warps of 32 x 32 (2 x 4 MMA tiles of 16 x 8 each). Each k-chunk of
// the block's 64 A rows and 64 B columns (up to 128 bytes: 128 int8 values or 256 codes) is staged in shared
// memory with 16-byte loads, rows 144 bytes apart so that the fragment reads of a warp (8 rows x 4 words) fall
// in 32 different banks; rows and columns past the edge repeat the last one and are not written. A chunk is
// staged and waited for once (two barriers) and then feeds up to 4 k32 steps of 8 MMAs per warp: measured on an
// H200, a chunk's wait costs about as much as its MMAs (gpu-backend/README.md, "Measured"), so the deeper the chunk,
// the fewer waits. The 4-bit chunks also stage the shifts of the (at most 9) group slices they touch.
#define FLEXIQ_BM 64
#define FLEXIQ_BN 64
#define FLEXIQ_THREADS 128
#define FLEXIQ_BK 128
#define FLEXIQ_SROW 144
#define FLEXIQ_SLICES 9

struct __align__(16) Bytes16 {
    uint32_t w[4];
};

// Rows r0 .. r0 + 63 of a row-major byte matrix (row r >= rows reads row rows - 1), bytes [off, off + bytes).
__device__ __forceinline__ void stage(uint8_t* smem, const void* src, int rows, int r0, size_t rowBytes, size_t off, int bytes, int tid) {
    const int per = bytes / 16;
    for (int i = tid; i < FLEXIQ_BM * per; i += FLEXIQ_THREADS) {
        const int r = i / per, v = i % per;
        const size_t gr = (size_t)min(r0 + r, rows - 1);
        *reinterpret_cast<Bytes16*>(smem + r * FLEXIQ_SROW + 16 * v) =
            *reinterpret_cast<const Bytes16*>(static_cast<const uint8_t*>(src) + gr * rowBytes + off + 16 * v);
    }
}

// The shifts of slices s0 .. s0 + count - 1 of rows r0 .. r0 + 63 (row r >= rows reads row rows - 1), FLEXIQ_SLICES per row.
__device__ __forceinline__ void stage_shifts(int8_t* smem, const int8_t* src, int rows, int r0, int slices, int s0, int count, int tid) {
    for (int i = tid; i < FLEXIQ_BM * count; i += FLEXIQ_THREADS) {
        const int r = i / count, j = i % count;
        smem[r * FLEXIQ_SLICES + j] = src[(size_t)min(r0 + r, rows - 1) * slices + s0 + j];
    }
}

// Four consecutive bytes as one register (shared-memory rows start at multiples of 16 bytes).
__device__ __forceinline__ uint32_t load4(const uint8_t* p) { return *reinterpret_cast<const uint32_t*>(p); }

// One 16 x 8 tile's registers for a 32-byte k-chunk (k32 .s8, or k64 .s4): A rows r0 (row g) and r1 (row g + 8),
// B row c0 (column g), each thread's word t of both 16-byte halves.
__device__ __forceinline__ void fragments32(const uint8_t* r0, const uint8_t* r1, const uint8_t* c0, int t, uint32_t a[4], uint32_t b[2]) {
    a[0] = load4(r0 + 4 * t);
    a[1] = load4(r1 + 4 * t);
    a[2] = load4(r0 + 16 + 4 * t);
    a[3] = load4(r1 + 16 + 4 * t);
    b[0] = load4(c0 + 4 * t);
    b[1] = load4(c0 + 16 + 4 * t);
}

// The kernel's body, for signed activation codes or unsigned ones (A_UNSIGNED: .u4.s4 MMAs, zero-extended when
// widened). Two entry points rather than a run-time flag: the flag's branches cost the signed kernel 7 registers
// (122 -> 129 on sm_86), one block per SM fewer.
template <bool A_UNSIGNED>
__device__ __forceinline__ void gemm_body(int M, int N, int k4, int k8, int slice,
                                          const uint8_t* __restrict__ a4, const int8_t* __restrict__ a8, const int8_t* __restrict__ ashift,
                                          const uint8_t* __restrict__ w4, const int8_t* __restrict__ w8, const int8_t* __restrict__ wshift,
                                          const int* __restrict__ bias, const int* __restrict__ mult, const int* __restrict__ shift,
                                          int lo, int hi, const int8_t* __restrict__ lut, int8_t* __restrict__ out) {
    __shared__ __align__(16) uint8_t sa[FLEXIQ_BM * FLEXIQ_SROW];
    __shared__ __align__(16) uint8_t sb[FLEXIQ_BN * FLEXIQ_SROW];
    const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5;
    const int g = lane >> 2, t = lane & 3;
    const int tilesN = (N + FLEXIQ_BN - 1) / FLEXIQ_BN;
    const int bm = (blockIdx.x / tilesN) * FLEXIQ_BM, bn = (blockIdx.x % tilesN) * FLEXIQ_BN;
    const int wm = (warp >> 1) * 32, wn = (warp & 1) * 32;
    const int slices = k4 / slice;
    __shared__ int8_t sas[FLEXIQ_BM * FLEXIQ_SLICES];
    __shared__ int8_t sws[FLEXIQ_BN * FLEXIQ_SLICES];
    int acc[2][4][4];
    #pragma unroll
    for (int ni = 0; ni < 4; ni++) {
        const int oc0 = bn + wn + 8 * ni + 2 * t;
        #pragma unroll
        for (int mi = 0; mi < 2; mi++) {
            acc[mi][ni][0] = acc[mi][ni][2] = oc0 < N ? bias[oc0] : 0;
            acc[mi][ni][1] = acc[mi][ni][3] = oc0 + 1 < N ? bias[oc0 + 1] : 0;
        }
    }
    // 4-bit part: chunks of up to 256 codes; each group slice's partial sums gather in a fresh fragment, which the CUDA
    // cores add to the accumulator shifted by (activation + weight shift) when the slice ends
    int frag[2][4][4] = {};
    for (int k = 0; k < k4; k += 2 * FLEXIQ_BK) {
        const int cc = min(2 * FLEXIQ_BK, k4 - k);
        const int s0 = k / slice, touched = (k + cc - 1) / slice - s0 + 1;
        stage(sa, a4, M, bm, (size_t)k4 / 2, (size_t)k / 2, cc / 2, tid);
        stage(sb, w4, N, bn, (size_t)k4 / 2, (size_t)k / 2, cc / 2, tid);
        stage_shifts(sas, ashift, M, bm, slices, s0, touched, tid);
        stage_shifts(sws, wshift, N, bn, slices, s0, touched, tid);
        __syncthreads();
        for (int j = 0; j < cc;) {
#ifdef FLEXIQ_WIDEN_INT4
            const int codes = 32;
#else
            const int left = slice - (k + j) % slice;
            const int codes = left >= 64 && cc - j >= 64 ? 64 : 32;
#endif
            #pragma unroll
            for (int mi = 0; mi < 2; mi++) {
                const uint8_t* r0 = sa + (wm + 16 * mi + g) * FLEXIQ_SROW + j / 2;
                const uint8_t* r1 = r0 + 8 * FLEXIQ_SROW;
                #pragma unroll
                for (int ni = 0; ni < 4; ni++) {
                    const uint8_t* c0 = sb + (wn + 8 * ni + g) * FLEXIQ_SROW + j / 2;
#ifdef FLEXIQ_WIDEN_INT4
                    // widened: the 32 codes sign-extended to int8 for one k32 .s8 MMA
                    const uint32_t a[4] = {widen4(r0, 4 * t, A_UNSIGNED), widen4(r1, 4 * t, A_UNSIGNED), widen4(r0, 16 + 4 * t, A_UNSIGNED),
                                           widen4(r1, 16 + 4 * t, A_UNSIGNED)};
                    const uint32_t b[2] = {widen4(c0, 4 * t), widen4(c0, 16 + 4 * t)};
                    mma_s8(frag[mi][ni], a, b);
#else
                    // thread t holds codes 8t..8t+7 (one register) of each 32-code half
                    if (codes == 64) {
                        uint32_t a[4], b[2];
                        fragments32(r0, r1, c0, t, a, b);
                        if (A_UNSIGNED) {
                            mma_u4(frag[mi][ni], a, b);
                        } else {
                            mma_s4(frag[mi][ni], a, b);
                        }
                    } else if (A_UNSIGNED) {
                        mma_u4_k32(frag[mi][ni], load4(r0 + 4 * t), load4(r1 + 4 * t), load4(c0 + 4 * t));
                    } else {
                        mma_s4_k32(frag[mi][ni], load4(r0 + 4 * t), load4(r1 + 4 * t), load4(c0 + 4 * t));
                    }
#endif
                }
            }
            j += codes;
            if ((k + j) % slice == 0) {
                const int s = (k + j) / slice - 1 - s0;
                #pragma unroll
                for (int mi = 0; mi < 2; mi++) {
                    const int sa0 = sas[(wm + 16 * mi + g) * FLEXIQ_SLICES + s];
                    const int sa1 = sas[(wm + 16 * mi + g + 8) * FLEXIQ_SLICES + s];
                    #pragma unroll
                    for (int ni = 0; ni < 4; ni++) {
                        const int sw0 = sws[(wn + 8 * ni + 2 * t) * FLEXIQ_SLICES + s];
                        const int sw1 = sws[(wn + 8 * ni + 2 * t + 1) * FLEXIQ_SLICES + s];
                        acc[mi][ni][0] += frag[mi][ni][0] << (sa0 + sw0);
                        acc[mi][ni][1] += frag[mi][ni][1] << (sa0 + sw1);
                        acc[mi][ni][2] += frag[mi][ni][2] << (sa1 + sw0);
                        acc[mi][ni][3] += frag[mi][ni][3] << (sa1 + sw1);
                        frag[mi][ni][0] = frag[mi][ni][1] = frag[mi][ni][2] = frag[mi][ni][3] = 0;
                    }
                }
            }
        }
        __syncthreads();
    }
    for (int k = 0; k < k8; k += FLEXIQ_BK) {
        const int cb = min(FLEXIQ_BK, k8 - k);
        stage(sa, a8, M, bm, (size_t)k8, (size_t)k, cb, tid);
        stage(sb, w8, N, bn, (size_t)k8, (size_t)k, cb, tid);
        __syncthreads();
        for (int j = 0; j < cb; j += 32) {
            #pragma unroll
            for (int mi = 0; mi < 2; mi++) {
                const uint8_t* r0 = sa + (wm + 16 * mi + g) * FLEXIQ_SROW + j;
                const uint8_t* r1 = r0 + 8 * FLEXIQ_SROW;
                #pragma unroll
                for (int ni = 0; ni < 4; ni++) {
                    const uint8_t* c0 = sb + (wn + 8 * ni + g) * FLEXIQ_SROW + j;
                    uint32_t a[4], b[2];
                    fragments32(r0, r1, c0, t, a, b);
                    mma_s8(acc[mi][ni], a, b);
                }
            }
        }
        __syncthreads();
    }
    #pragma unroll
    for (int mi = 0; mi < 2; mi++) {
        const int row0 = bm + wm + 16 * mi + g, row1 = row0 + 8;
        #pragma unroll
        for (int ni = 0; ni < 4; ni++) {
            const int oc0 = bn + wn + 8 * ni + 2 * t, oc1 = oc0 + 1;
            const int* c = acc[mi][ni];
            if (row0 < M && oc0 < N) out[(size_t)row0 * N + oc0] = activate(requant(c[0], mult[oc0], shift[oc0]), lo, hi, lut);
            if (row0 < M && oc1 < N) out[(size_t)row0 * N + oc1] = activate(requant(c[1], mult[oc1], shift[oc1]), lo, hi, lut);
            if (row1 < M && oc0 < N) out[(size_t)row1 * N + oc0] = activate(requant(c[2], mult[oc0], shift[oc0]), lo, hi, lut);
            if (row1 < M && oc1 < N) out[(size_t)row1 * N + oc1] = activate(requant(c[3], mult[oc1], shift[oc1]), lo, hi, lut);
        }
    }
}

extern "C" __global__ void flexiq_gemm(int M, int N, int k4, int k8, int slice,
                                       const uint8_t* __restrict__ a4, const int8_t* __restrict__ a8, const int8_t* __restrict__ ashift,
                                       const uint8_t* __restrict__ w4, const int8_t* __restrict__ w8, const int8_t* __restrict__ wshift,
                                       const int* __restrict__ bias, const int* __restrict__ mult, const int* __restrict__ shift,
                                       int lo, int hi, const int8_t* __restrict__ lut, int8_t* __restrict__ out) {
    gemm_body<false>(M, N, k4, k8, slice, a4, a8, ashift, w4, w8, wshift, bias, mult, shift, lo, hi, lut, out);
}

// the same with unsigned activation codes (a site after a ReLU)
extern "C" __global__ void flexiq_gemm_u4(int M, int N, int k4, int k8, int slice,
                                          const uint8_t* __restrict__ a4, const int8_t* __restrict__ a8, const int8_t* __restrict__ ashift,
                                          const uint8_t* __restrict__ w4, const int8_t* __restrict__ w8, const int8_t* __restrict__ wshift,
                                          const int* __restrict__ bias, const int* __restrict__ mult, const int* __restrict__ shift,
                                          int lo, int hi, const int8_t* __restrict__ lut, int8_t* __restrict__ out) {
    gemm_body<true>(M, N, k4, k8, slice, a4, a8, ashift, w4, w8, wshift, bias, mult, shift, lo, hi, lut, out);
}

// 4-bit extraction, fused with the channel gather a run-time reorder needs. One thread per (position, group):
//   x [P][C] int8, channel-last; chan [C]: the kernel's K order (4-bit groups' channels, then 8-bit ones)
//   static_shift [groups], or null for dynamic extraction (the highest bit of the OR of the group's magnitudes)
//   codes [P][groups * slice / 2] packed (low nibble first, zero-padded to the slice), shifts [P][groups]
// Threads with group == groups copy the position's 8-bit channels to rest [P][C - four]. is_unsigned: codes in
// [0, 15] for a site that is never negative (after a ReLU), 4 magnitude bits instead of 3.

// round(x / 2^s) saturated to [lo, hi]: [-8, 7] for signed codes, [0, 15] for unsigned ones
__device__ __forceinline__ int lower4(int x, int s, int lo, int hi) {
    int r;
    if (s <= 0) {
        r = x;
    } else {
        int half = 1 << (s - 1);
        r = x >= 0 ? (x + half) >> s : -((-x + half) >> s);
    }
    return r < lo ? lo : r > hi ? hi : r;
}

extern "C" __global__ void flexiq_extract(int P, int C, int four, int group, int slice, int is_unsigned, const int8_t* __restrict__ x,
                                          const int* __restrict__ chan, const int8_t* __restrict__ static_shift,
                                          uint8_t* __restrict__ codes, int8_t* __restrict__ shifts, int8_t* __restrict__ rest) {
    const int groups = four / group;
    const long long id = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (id >= (long long)P * (groups + 1)) return;
    const int p = (int)(id / (groups + 1)), g = (int)(id % (groups + 1));
    const int8_t* row = x + (size_t)p * C;
    if (g == groups) {
        for (int j = four; j < C; j++) rest[(size_t)p * (C - four) + j - four] = row[chan[j]];
        return;
    }
    int s;
    if (static_shift != nullptr) {
        s = static_shift[g];
    } else {
        int o = 0;
        for (int j = 0; j < group; j++) o |= abs((int)row[chan[g * group + j]]);
        // signed codes keep 3 magnitude bits, unsigned ones 4
        const int kept = is_unsigned ? 4 : 3;
        int bits = 32 - __clz(o);
        s = bits > kept ? bits - kept : 0;
    }
    const int lo = is_unsigned ? 0 : -8, hi = is_unsigned ? 15 : 7;
    shifts[(size_t)p * groups + g] = (int8_t)s;
    uint8_t* out = codes + (size_t)p * groups * slice / 2 + (size_t)g * slice / 2;
    for (int j = 0; j < slice; j += 2) {
        int first = j < group ? lower4(row[chan[g * group + j]], s, lo, hi) : 0;
        int second = j + 1 < group ? lower4(row[chan[g * group + j + 1]], s, lo, hi) : 0;
        out[j / 2] = (uint8_t)((first & 0xf) | ((second & 0xf) << 4));
    }
}

// The GEMM's activation rows from the extracted positions. One thread per row: for each tap, the blocks of
// the input pixel it reads (codes, shifts, 8-bit channels), or zeros on padding. A product over the last
// dimension is one tap with pixel = row (kh = kw = 1, no stride, no padding, OW = W = 1).
extern "C" __global__ void flexiq_im2col(int M, int H, int W, int OW, int kh, int kw, int stride_h, int stride_w, int pad_h, int pad_w,
                                         int dilation, int groups, int slice, int eight, int k8,
                                         const uint8_t* __restrict__ codes, const int8_t* __restrict__ shifts, const int8_t* __restrict__ rest,
                                         uint8_t* __restrict__ a4, int8_t* __restrict__ ashift, int8_t* __restrict__ a8) {
    const int r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= M) return;
    const int taps = kh * kw, blk = groups * slice / 2;
    for (int i = 0; i < k8; i++) a8[(size_t)r * k8 + i] = 0;
    for (int t = 0; t < taps; t++) {
        const int iy = (r / OW) * stride_h - pad_h + (t / kw) * dilation;
        const int ix = (r % OW) * stride_w - pad_w + (t % kw) * dilation;
        const bool inside = iy >= 0 && iy < H && ix >= 0 && ix < W;
        const int pos = iy * W + ix;
        for (int b = 0; b < blk; b++) a4[((size_t)r * taps + t) * blk + b] = inside ? codes[(size_t)pos * blk + b] : 0;
        for (int g = 0; g < groups; g++) ashift[((size_t)r * taps + t) * groups + g] = inside ? shifts[(size_t)pos * groups + g] : 0;
        for (int j = 0; j < eight && inside; j++) a8[(size_t)r * k8 + t * eight + j] = rest[(size_t)pos * eight + j];
    }
}
