package org.flexiq.gpubackend;

import org.flexiq.isa.arith.FourBit;

/**
 * The tensor-core instructions the kernel issues, computed in Java: {@code mma.sync.aligned.m16n8k32.row.col.s32.s8.s8.s32}
 * and {@code ...m16n8k64...s4.s4.s32} / {@code ...m16n8k32...s4.s4.s32}, or {@code .u4.s4} for unsigned activation codes. A is a 16 x k row-major fragment, B a k x 8 column-major one
 * (column j's k values contiguous), C 16 x 8 int32 accumulated in place with wrap-around, as the hardware does.
 */
final class Mma {
    static final int M = 16;
    static final int N = 8;
    static final int K8 = 32;
    static final int K4 = 64;
    /** k of the short int4 MMA, m16n8k32.s4, which ends a slice of 32 mod 64 codes. */
    static final int K4_SHORT = 32;

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

    /**
     * {@code m16n8k64.s4} ({@code k} = 64) or {@code m16n8k32.s4} ({@code k} = 32) on packed operands: A row
     * i's codes at bytes [i k / 2, (i + 1) k / 2), B column j's at [j k / 2, (j + 1) k / 2).
     * A's codes are {@code aCodes} ({@code .u4.s4} for unsigned ones); B's are signed.
     */
    static void int4(byte[] a, FourBit.Codes aCodes, byte[] b, int[] c, int k) {
        // the codes unpacked once per instruction, not once per product
        int[] ua = new int[M * k];
        int[] ub = new int[N * k];
        for (int i = 0; i < ua.length; i++) {
            ua[i] = Int4Packing.get(a, i, aCodes);
        }
        for (int i = 0; i < ub.length; i++) {
            ub[i] = Int4Packing.get(b, i);
        }
        for (int i = 0; i < M; i++) {
            for (int j = 0; j < N; j++) {
                int acc = c[i * N + j];
                for (int q = 0; q < k; q++) {
                    acc += ua[i * k + q] * ub[j * k + q];
                }
                c[i * N + j] = acc;
            }
        }
    }
}
