package org.flexiq.gpubackend;

/**
 * The tensor-core instructions the kernel issues, computed in Java: {@code mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32}
 * and {@code ...m16n8k64...s4.s4.s32}. A is a 16 x k row-major fragment, B a k x 8 column-major one
 * (column j's k values contiguous), C 16 x 8 int32 accumulated in place with wrap-around, as the hardware does.
 */
final class Mma {
    static final int M = 16;
    static final int N = 8;
    static final int K8 = 32;
    static final int K4 = 64;

    private Mma() {
    }

    static void s8(byte[] a, byte[] b, int[] c) {
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                int acc = c[i * N + j];
                for (int k = 0; k < K8; k++) {
                    acc += a[i * K8 + k] * b[j * K8 + k];
                }
                c[i * N + j] = acc;
            }
        }
    }

    /** Packed operands: A row i's 64 codes at bytes [32 i, 32 i + 32), B column j's at [32 j, 32 j + 32). */
    static void s4(byte[] a, byte[] b, int[] c) {
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                int acc = c[i * N + j];
                for (int k = 0; k < K4; k++) {
                    acc += Int4Packing.get(a, i * K4 + k) * Int4Packing.get(b, j * K4 + k);
                }
                c[i * N + j] = acc;
            }
        }
    }
}
