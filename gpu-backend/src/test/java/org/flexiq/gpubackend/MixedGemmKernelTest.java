package org.flexiq.gpubackend;

import org.flexiq.isa.arith.FourBit;

import org.flexiq.isa.arith.FixedPoint;
import org.flexiq.isa.arith.IntArithmetic;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The kernel's fragment walk (k64 and k32 int4 MMAs, or widened k32 int8 ones, per slice; k32 int8 for the
 * rest; edge tiles clamped) against the GEMM written as a plain sum, on random buffers whose M and N are not
 * multiples of the 16 x 8 warp tile.
 */
class MixedGemmKernelTest {
    /** Random buffers of a 37 x 19 GEMM (edge tiles on both sides) with its 4-bit codes in groups of {@code group}. */
    record Case(KernelOperands ops, byte[] expected) {
    }

    static Case random(int group, int slices, int k8) {
        return random(group, slices, k8, FourBit.Codes.SIGNED);
    }

    /** The same with activation codes of {@code aCodes} (unsigned: [0, 15], .u4.s4 MMAs). */
    static Case random(int group, int slices, int k8, FourBit.Codes aCodes) {
        SplittableRandom rnd = new SplittableRandom(group * 31L + slices);
        int m = 37;
        int n = 19;
        int slice = KernelOperands.slice(group);
        int k4 = slice * slices;
        int[][] a4 = new int[m][k4];
        int[][] w4 = new int[n][k4];
        byte[] ashift = new byte[m * slices];
        byte[] wshift = new byte[n * slices];
        for (int s = 0; s < slices; s++) {
            for (int q = 0; q < group; q++) { // codes past the group stay zero, as the extraction pads them
                for (int r = 0; r < m; r++) {
                    a4[r][s * slice + q] = rnd.nextInt(aCodes.min(), aCodes.max() + 1);
                }
                for (int c = 0; c < n; c++) {
                    w4[c][s * slice + q] = rnd.nextInt(-8, 8);
                }
            }
            for (int r = 0; r < m; r++) {
                ashift[r * slices + s] = (byte) rnd.nextInt(0, 5);
            }
            for (int c = 0; c < n; c++) {
                wshift[c * slices + s] = (byte) rnd.nextInt(0, 5);
            }
        }
        byte[] a8 = new byte[m * k8];
        byte[] w8 = new byte[n * k8];
        for (int i = 0; i < a8.length; i++) {
            a8[i] = (byte) rnd.nextInt(-128, 128);
        }
        for (int i = 0; i < w8.length; i++) {
            w8[i] = (byte) rnd.nextInt(-128, 128);
        }
        int[] bias = new int[n];
        int[] mult = new int[n];
        int[] shift = new int[n];
        for (int c = 0; c < n; c++) {
            bias[c] = rnd.nextInt(-5000, 5000);
            mult[c] = rnd.nextInt(1 << 30, Integer.MAX_VALUE);
            shift[c] = -rnd.nextInt(8, 14);
        }
        KernelOperands ops = new KernelOperands(m, n, slice, slices, k8, pack(a4, k4, aCodes), a8, ashift, pack(w4, k4, FourBit.Codes.SIGNED), w8,
                wshift, bias, mult, shift, -20, 90, null, aCodes);
        byte[] expected = new byte[m * n];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < n; c++) {
                int acc = bias[c];
                for (int s = 0; s < slices; s++) {
                    int partial = 0;
                    for (int q = s * slice; q < (s + 1) * slice; q++) {
                        partial += a4[r][q] * w4[c][q];
                    }
                    acc += partial << (ashift[r * slices + s] + wshift[c * slices + s]);
                }
                for (int q = 0; q < k8; q++) {
                    acc += a8[r * k8 + q] * w8[c * k8 + q];
                }
                int v = IntArithmetic.saturateInt8(new FixedPoint(mult[c], shift[c]).apply(acc));
                expected[r * n + c] = (byte) Math.min(Math.max(v, -20), 90);
            }
        }
        assertThat(distinct(expected)).as("outputs spread over the int8 range, so the check sees every term").isGreaterThan(40);
        return new Case(ops, expected);
    }

    @ParameterizedTest(name = "group {0}, {1} slices, k8 {2}")
    @CsvSource({"8, 3, 32", "32, 4, 0", "64, 2, 64", "96, 3, 32", "128, 1, 96", "32, 0, 128"})
    void everySliceWidthSumsLikeThePlainProduct(int group, int slices, int k8) {
        Case c = random(group, slices, k8);
        assertThat(MixedGemmKernel.run(c.ops(), false)).isEqualTo(c.expected());
        assertThat(MixedGemmKernel.run(c.ops(), true)).isEqualTo(c.expected());
        Case u = random(group, slices, k8, FourBit.Codes.UNSIGNED);
        assertThat(MixedGemmKernel.run(u.ops(), false)).as("unsigned activation codes").isEqualTo(u.expected());
        assertThat(MixedGemmKernel.run(u.ops(), true)).as("unsigned activation codes, widened").isEqualTo(u.expected());
    }

    private static byte[] pack(int[][] rows, int k, FourBit.Codes codes) {
        int[] flat = new int[rows.length * k];
        for (int r = 0; r < rows.length; r++) {
            System.arraycopy(rows[r], 0, flat, r * k, k);
        }
        return Int4Packing.pack(flat, codes);
    }

    private static long distinct(byte[] v) {
        boolean[] seen = new boolean[256];
        long count = 0;
        for (byte b : v) {
            if (!seen[b + 128]) {
                seen[b + 128] = true;
                count++;
            }
        }
        return count;
    }
}
