package org.flexiq.gpubackend;

import org.flexiq.isa.arith.FixedPoint;
import org.flexiq.isa.arith.IntArithmetic;

import java.util.stream.IntStream;

/**
 * {@code flexiq_gemm.cu}'s arithmetic in Java, reading the same buffers ({@link KernelOperands}) the same
 * way, one 16 x 8 MMA tile at a time (the kernel's warps hold 2 x 4 of them, its blocks stage the operands
 * in shared memory; integer sums do not depend on that order): per k-slice of a 4-bit group,
 * {@code m16n8k64.s4} MMAs on the packed codes and {@code m16n8k32.s4} for a last 32 (or, widened for a GPU
 * without int4 tensor cores, {@code m16n8k32.s8} on the codes sign-extended) into a fresh fragment, which
 * the CUDA cores add to the accumulator shifted by (activation shift + weight shift); the 8-bit part through
 * {@code m16n8k32.s8} into the accumulator; bias first; the epilogue requantizes and applies the fused
 * activation (clamp, then table). The number of 4-bit slices is the kernel's argument (MAX_4BIT_CH): the
 * same code serves every ratio. HostKernelsTest runs the CUDA source itself against this.
 */
final class MixedGemmKernel {
    private MixedGemmKernel() {
    }

    /** The output, [M][N] row-major int8. */
    static byte[] run(KernelOperands k, boolean widen) {
        byte[] out = new byte[k.m() * k.n()];
        int tilesN = (k.n() + Mma.N - 1) / Mma.N;
        IntStream.range(0, tilesN).parallel().forEach(tn -> {
            for (int m0 = 0; m0 < k.m(); m0 += Mma.M) {
                warp(k, m0, tn * Mma.N, widen, out);
            }
        });
        return out;
    }

    private static void warp(KernelOperands k, int m0, int n0, boolean widen, byte[] out) {
        int rowBytes4 = k.k4() / 2;
        int[] acc = new int[Mma.M * Mma.N];
        int[] frag = new int[Mma.M * Mma.N];
        byte[] a4 = new byte[Mma.M * Mma.K4 / 2];
        byte[] b4 = new byte[Mma.N * Mma.K4 / 2];
        byte[] a8 = new byte[Mma.M * Mma.K8];
        byte[] b8 = new byte[Mma.N * Mma.K8];
        // rows and columns past the edge read the last one, as the kernel clamps them, and are not written
        int[] row = new int[Mma.M];
        int[] col = new int[Mma.N];
        for (int i = 0; i < Mma.M; i++) {
            row[i] = Math.min(m0 + i, k.m() - 1);
        }
        for (int j = 0; j < Mma.N; j++) {
            col[j] = Math.min(n0 + j, k.n() - 1);
            for (int i = 0; i < Mma.M; i++) {
                acc[i * Mma.N + j] = n0 + j < k.n() ? k.bias()[n0 + j] : 0;
            }
        }
        for (int s = 0; s < k.slices(); s++) {
            java.util.Arrays.fill(frag, 0);
            int end = (s + 1) * k.slice();
            for (int kk = s * k.slice(); kk < end; ) {
                // k64 while 64 codes remain, then k32 (slices are multiples of 32); widened: k32 int8 throughout
                int step = widen ? Mma.K8 : end - kk < Mma.K4 ? Mma.K4_SHORT : Mma.K4;
                for (int i = 0; i < Mma.M; i++) {
                    System.arraycopy(k.a4(), row[i] * rowBytes4 + kk / 2, a4, i * step / 2, step / 2);
                }
                for (int j = 0; j < Mma.N; j++) {
                    System.arraycopy(k.w4(), col[j] * rowBytes4 + kk / 2, b4, j * step / 2, step / 2);
                }
                if (widen) {
                    for (int i = 0; i < Mma.M * Mma.K8; i++) {
                        a8[i] = (byte) Int4Packing.get(a4, i, k.a4Codes());
                    }
                    for (int j = 0; j < Mma.N * Mma.K8; j++) {
                        b8[j] = (byte) Int4Packing.get(b4, j);
                    }
                    Mma.s8(a8, b8, frag);
                } else {
                    Mma.int4(a4, k.a4Codes(), b4, frag, step);
                }
                kk += step;
            }
            for (int i = 0; i < Mma.M; i++) {
                int sa = k.ashift()[row[i] * k.slices() + s];
                for (int j = 0; j < Mma.N; j++) {
                    acc[i * Mma.N + j] += frag[i * Mma.N + j] << (sa + k.wshift()[col[j] * k.slices() + s]);
                }
            }
        }
        for (int kk = 0; kk < k.k8(); kk += Mma.K8) {
            for (int i = 0; i < Mma.M; i++) {
                System.arraycopy(k.a8(), row[i] * k.k8() + kk, a8, i * Mma.K8, Mma.K8);
            }
            for (int j = 0; j < Mma.N; j++) {
                System.arraycopy(k.w8(), col[j] * k.k8() + kk, b8, j * Mma.K8, Mma.K8);
            }
            Mma.s8(a8, b8, acc);
        }
        for (int i = 0; i < Mma.M && m0 + i < k.m(); i++) {
            for (int j = 0; j < Mma.N && n0 + j < k.n(); j++) {
                int c = n0 + j;
                int v = IntArithmetic.saturateInt8(new FixedPoint(k.mult()[c], k.shift()[c]).apply(acc[i * Mma.N + j]));
                v = Math.min(Math.max(v, k.lo()), k.hi());
                out[(m0 + i) * k.n() + c] = k.lut() == null ? (byte) v : k.lut()[v + 128];
            }
        }
    }
}
