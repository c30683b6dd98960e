package org.flexiq.gpubackend;

import org.flexiq.compiler.golden.GoldenExecutor.GemmOperands;
import org.flexiq.isa.arith.FourBit;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.Shape;

/**
 * The buffers {@code flexiq_gemm.cu} reads, built on the host: the 4-bit part as {@code slices} k-slices of
 * {@code slice} codes (a slice = one tap of one 4-bit group, padded with zero codes to a multiple of 32),
 * packed two codes per byte, with an activation shift per (row, slice) and a weight shift per (column,
 * slice); the 8-bit part as int8, K padded with zeros to a multiple of 32; the epilogue's activation (a clamp
 * and an optional 256-entry table, or none: [-128, 127] and no table). Rows are output pixels of a
 * convolution (its implicit GEMM made explicit, tap-major, zero codes on padding) or rows of a product.
 * The activation buffers come from {@link ExtractKernel} and {@link Im2colKernel}, as on the GPU; the
 * weights' are prepared offline. {@link MixedGemmKernel} computes from exactly these buffers, as the GPU does. The 4-bit
 * activation codes are signed, or unsigned for a site that is never negative ({@code a4Codes}); weights' are signed.
 */
public record KernelOperands(int m, int n, int slice, int slices, int k8, byte[] a4, byte[] a8, byte[] ashift, byte[] w4, byte[] w8, byte[] wshift,
                      int[] bias, int[] mult, int[] shift, int lo, int hi, byte[] lut, FourBit.Codes a4Codes) {

    /** The same GEMM with an activation in its epilogue: the int8 output clamped to [lo, hi], then looked up in {@code lut} (256 entries, index v + 128) if not null. */
    KernelOperands withActivation(int lo, int hi, byte[] lut) {
        return new KernelOperands(m, n, slice, slices, k8, a4, a8, ashift, w4, w8, wshift, bias, mult, shift, lo, hi, lut, a4Codes);
    }

    int k4() {
        return slice * slices;
    }

    /** Codes a 4-bit group's k-slice holds: the group padded with zero codes to the 32 of the smallest int4 MMA. */
    static int slice(int group) {
        return (group + Mma.K4_SHORT - 1) / Mma.K4_SHORT * Mma.K4_SHORT;
    }

    static KernelOperands of(GemmOperands ops, Conv2d conv, Shape out) {
        return of(ops, conv, out, ActivationKernels.JAVA);
    }

    /** The buffers, the activations' prepared by {@code kernels} (in Java, or on the GPU). */
    static KernelOperands of(GemmOperands ops, Conv2d conv, Shape out, ActivationKernels kernels) {
        int[] groupOf = ops.groupOf();
        int channels = groupOf.length;
        int taps = conv == null ? 1 : conv.kernelH() * conv.kernelW();
        int n = ops.weights().outChannels();
        int m = conv == null ? ops.x().length / channels : out.dim(1) * out.dim(2);
        int groups = ops.fourBitGroups();
        int siteGroups = ops.siteGroups();
        int group = ops.groupWidth();
        int slice = slice(group);
        int slices = taps * groups;
        // the kernel's K order: each 4-bit group's channels, then the 8-bit ones (stored order within each)
        int[] chan = new int[channels];
        int four = groups * group;
        int[] fill = new int[groups];
        int next8 = four;
        for (int c = 0; c < channels; c++) {
            int g = groupOf[c];
            if (g >= 0) {
                chan[g * group + fill[g]++] = c;
            } else {
                chan[next8++] = c;
            }
        }
        int eightBit = channels - four;
        int k8 = (taps * eightBit + 31) / 32 * 32;
        // activations: the producer's output channel-last, extracted per position, then gathered per row
        Shape in = ops.inputShape();
        int positions = ops.x().length / channels;
        byte[] x = new byte[ops.x().length];
        for (int p = 0; p < positions; p++) {
            for (int c = 0; c < channels; c++) {
                x[p * channels + c] = (byte) (conv == null ? ops.x()[p * channels + c] : ops.x()[c * positions + p]);
            }
        }
        ExtractKernel.Extracted e = kernels.extract(x, positions, chan, four, group, slice, ops.staticShifts(), ops.codes());
        Im2colKernel.Rows rows = kernels.im2col(e, conv, in, out, m, k8);
        // weights, lowered offline: the same layout, each slice with its (column, group) shift
        int k4 = slice * slices;
        int[] codes = new int[k4];
        byte[] w = ops.weights().weight();
        int per = channels * taps;
        byte[] w4 = new byte[n * (k4 / 2)];
        byte[] w8 = new byte[n * k8];
        byte[] wshift = new byte[n * slices];
        for (int o = 0; o < n; o++) {
            java.util.Arrays.fill(codes, 0);
            for (int t = 0; t < taps; t++) {
                for (int g = 0; g < groups; g++) {
                    int s = t * groups + g;
                    int sw = ops.weightShift()[o * siteGroups + g];
                    wshift[o * slices + s] = (byte) sw;
                    for (int j = 0; j < group; j++) {
                        codes[s * slice + j] = FourBit.lower(w[o * per + chan[g * group + j] * taps + t], sw);
                    }
                }
                for (int j = 0; j < eightBit; j++) {
                    w8[o * k8 + t * eightBit + j] = w[o * per + chan[four + j] * taps + t];
                }
            }
            System.arraycopy(Int4Packing.pack(codes), 0, w4, o * (k4 / 2), k4 / 2);
        }
        int[] mult = new int[n];
        int[] shift = new int[n];
        for (int o = 0; o < n; o++) {
            mult[o] = ops.weights().requant()[o].multiplier();
            shift[o] = ops.weights().requant()[o].shift();
        }
        return new KernelOperands(m, n, slice, slices, k8, rows.a4(), rows.a8(), rows.ashift(), w4, w8, wshift, ops.weights().bias().clone(), mult,
                shift, -128, 127, null, ops.codes());
    }
}
