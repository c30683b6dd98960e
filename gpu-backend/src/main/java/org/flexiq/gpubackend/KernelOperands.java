package org.flexiq.gpubackend;

import org.flexiq.compiler.golden.GoldenExecutor.GemmOperands;
import org.flexiq.isa.arith.FourBit;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.Shape;

/**
 * The buffers {@code flexiq_gemm.cu} reads, built on the host: the 4-bit part as {@code slices} k-slices of
 * {@code slice} codes (a slice = one tap of one 4-bit group, padded with zero codes to a multiple of 64),
 * packed two codes per byte, with an activation shift per (row, slice) and a weight shift per (column,
 * slice); the 8-bit part as int8, K padded with zeros to a multiple of 32; the epilogue's activation (a clamp
 * and an optional 256-entry table, or none: [-128, 127] and no table). Rows are output pixels of a
 * convolution (its implicit GEMM made explicit, tap-major, zero codes on padding) or rows of a product.
 * {@link MixedGemmKernel} computes from exactly these buffers, as the GPU does.
 */
public record KernelOperands(int m, int n, int slice, int slices, int k8, byte[] a4, byte[] a8, byte[] ashift, byte[] w4, byte[] w8, byte[] wshift,
                      int[] bias, int[] mult, int[] shift, int lo, int hi, byte[] lut) {

    /** The same GEMM with an activation in its epilogue: the int8 output clamped to [lo, hi], then looked up in {@code lut} (256 entries, index v + 128) if not null. */
    KernelOperands withActivation(int lo, int hi, byte[] lut) {
        return new KernelOperands(m, n, slice, slices, k8, a4, a8, ashift, w4, w8, wshift, bias, mult, shift, lo, hi, lut);
    }

    int k4() {
        return slice * slices;
    }

    static KernelOperands of(GemmOperands ops, Conv2d conv, Shape out) {
        int[] groupOf = ops.groupOf();
        int channels = groupOf.length;
        int taps = conv == null ? 1 : conv.kernelH() * conv.kernelW();
        int n = ops.weights().outChannels();
        int m = conv == null ? ops.x().length / channels : out.dim(1) * out.dim(2);
        int groups = ops.fourBitGroups();
        int siteGroups = ops.siteGroups();
        int slice = Math.max(64, (ops.groupWidth() + 63) / 64 * 64);
        int slices = taps * groups;
        int[][] groupChannels = new int[groups][];
        int eight = 0;
        int[] count = new int[groups];
        for (int g : groupOf) {
            if (g >= 0) {
                count[g]++;
            } else {
                eight++;
            }
        }
        for (int g = 0; g < groups; g++) {
            groupChannels[g] = new int[count[g]];
            count[g] = 0;
        }
        int[] eightBit = new int[eight];
        eight = 0;
        for (int c = 0; c < channels; c++) {
            if (groupOf[c] >= 0) {
                groupChannels[groupOf[c]][count[groupOf[c]]++] = c;
            } else {
                eightBit[eight++] = c;
            }
        }
        int k8 = (taps * eightBit.length + 31) / 32 * 32;
        int k4 = slice * slices;
        int[] codes = new int[k4];
        byte[] a4 = new byte[m * (k4 / 2)];
        byte[] a8 = new byte[m * k8];
        byte[] ashift = new byte[m * slices];
        Shape in = ops.inputShape();
        for (int r = 0; r < m; r++) {
            java.util.Arrays.fill(codes, 0);
            for (int t = 0; t < taps; t++) {
                int pos = position(conv, in, out, r, t);
                for (int g = 0; g < groups; g++) {
                    int s = t * groups + g;
                    int sa = pos < 0 ? 0 : ops.activationShift()[pos * groups + g];
                    ashift[r * slices + s] = (byte) sa;
                    for (int j = 0; j < groupChannels[g].length && pos >= 0; j++) {
                        codes[s * slice + j] = FourBit.lower(x(ops, conv, in, pos, groupChannels[g][j], channels), sa);
                    }
                }
                for (int j = 0; j < eightBit.length && pos >= 0; j++) {
                    a8[r * k8 + t * eightBit.length + j] = (byte) x(ops, conv, in, pos, eightBit[j], channels);
                }
            }
            System.arraycopy(Int4Packing.pack(codes), 0, a4, r * (k4 / 2), k4 / 2);
        }
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
                    for (int j = 0; j < groupChannels[g].length; j++) {
                        codes[s * slice + j] = FourBit.lower(w[o * per + groupChannels[g][j] * taps + t], sw);
                    }
                }
                for (int j = 0; j < eightBit.length; j++) {
                    w8[o * k8 + t * eightBit.length + j] = w[o * per + eightBit[j] * taps + t];
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
        return new KernelOperands(m, n, slice, slices, k8, a4, a8, ashift, w4, w8, wshift, ops.weights().bias().clone(), mult, shift, -128, 127,
                null);
    }

    /** The input position row r's tap t reads (a pixel of [C, H, W], or row r), or -1 on padding. */
    private static int position(Conv2d conv, Shape in, Shape out, int r, int t) {
        if (conv == null) {
            return r;
        }
        int ow = out.dim(2);
        int iy = (r / ow) * conv.strideH() - conv.padH() + (t / conv.kernelW()) * conv.dilation();
        int ix = (r % ow) * conv.strideW() - conv.padW() + (t % conv.kernelW()) * conv.dilation();
        return iy >= 0 && iy < in.dim(1) && ix >= 0 && ix < in.dim(2) ? iy * in.dim(2) + ix : -1;
    }

    private static int x(GemmOperands ops, Conv2d conv, Shape in, int pos, int c, int channels) {
        return conv == null ? ops.x()[pos * channels + c] : ops.x()[c * in.dim(1) * in.dim(2) + pos];
    }
}
