package org.flexiq.gpubackend;

import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.Shape;

/**
 * {@code flexiq_im2col} in Java: one thread per GEMM row. Row r of a convolution is output pixel r; for
 * each tap it copies the extracted blocks of the input pixel the tap reads (packed codes, shifts, 8-bit
 * channels), or zeros on padding, tap after tap: the kernel's A buffers. A product over the last dimension
 * has one tap and row r is position r.
 */
final class Im2colKernel {
    /** The GEMM's activation buffers: a4 [m][taps x groups x slice / 2], ashift [m][taps x groups], a8 [m][k8]. */
    record Rows(byte[] a4, byte[] ashift, byte[] a8) {
    }

    private Im2colKernel() {
    }

    /**
     * The kernel's int arguments, in its parameters' order (M, H, W, OW, kh, kw, stride h / w, padding h / w,
     * dilation, groups, slice, 8-bit channels, k8): a product over the last dimension is M rows of width 1
     * and one tap, so row r reads position r.
     */
    static int[] arguments(ExtractKernel.Extracted e, Conv2d conv, Shape in, Shape out, int m, int k8) {
        int[] geo = conv == null ? new int[]{m, 1, 1, 1, 1, 1, 1, 0, 0, 1} : new int[]{in.dim(1), in.dim(2), out.dim(2), conv.kernelH(),
                conv.kernelW(), conv.strideH(), conv.strideW(), conv.padH(), conv.padW(), conv.dilation()};
        int[] args = new int[15];
        args[0] = m;
        System.arraycopy(geo, 0, args, 1, geo.length);
        args[11] = e.groups();
        args[12] = e.slice();
        args[13] = e.eightBit();
        args[14] = k8;
        return args;
    }

    static Rows run(ExtractKernel.Extracted e, Conv2d conv, Shape in, Shape out, int m, int taps, int k8) {
        int blk = e.groups() * e.slice() / 2;
        byte[] a4 = new byte[m * taps * blk];
        byte[] ashift = new byte[m * taps * e.groups()];
        byte[] a8 = new byte[m * k8];
        for (int r = 0; r < m; r++) {
            for (int t = 0; t < taps; t++) {
                int pos = position(conv, in, out, r, t);
                if (pos < 0) {
                    continue; // zero codes, zero shifts, zero activations
                }
                System.arraycopy(e.codes(), pos * blk, a4, (r * taps + t) * blk, blk);
                System.arraycopy(e.shifts(), pos * e.groups(), ashift, (r * taps + t) * e.groups(), e.groups());
                System.arraycopy(e.rest(), pos * e.eightBit(), a8, r * k8 + t * e.eightBit(), e.eightBit());
            }
        }
        return new Rows(a4, ashift, a8);
    }

    /** The input position row r's tap t reads (a pixel of [C, H, W], or row r), or -1 on padding. */
    static int position(Conv2d conv, Shape in, Shape out, int r, int t) {
        if (conv == null) {
            return r;
        }
        int ow = out.dim(2);
        int iy = (r / ow) * conv.strideH() - conv.padH() + (t / conv.kernelW()) * conv.dilation();
        int ix = (r % ow) * conv.strideW() - conv.padW() + (t % conv.kernelW()) * conv.dilation();
        return iy >= 0 && iy < in.dim(1) && ix >= 0 && ix < in.dim(2) ? iy * in.dim(2) + ix : -1;
    }
}
