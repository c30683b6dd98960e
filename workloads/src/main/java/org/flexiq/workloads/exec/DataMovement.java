package org.flexiq.workloads.exec;

import org.flexiq.workloads.ir.PoolWindow;
import org.flexiq.workloads.ir.Shape;

import java.util.List;

/**
 * Element placement of the layout kinds (Concat, Slice, Transpose) and of Add's broadcast, for arrays of
 * any element type: the float reference and the integer executors move data the same way.
 */
public final class DataMovement {
    private DataMovement() {
    }

    /** Concatenates {@code parts} (arrays of one element type) along {@code axis} into {@code dst}. */
    public static void concat(List<?> parts, List<Shape> shapes, int axis, Shape out, Object dst) {
        long outer = out.product(0, axis);
        long inner = out.product(axis + 1, out.rank());
        int pos = 0;
        for (int o = 0; o < outer; o++) {
            for (int p = 0; p < parts.size(); p++) {
                int len = (int) (shapes.get(p).dim(axis) * inner);
                System.arraycopy(parts.get(p), o * len, dst, pos, len);
                pos += len;
            }
        }
    }

    /** Copies elements start..end-1 along {@code axis} of {@code src} into {@code dst}. */
    public static void slice(Object src, Shape in, int axis, int start, int end, Object dst) {
        long outer = in.product(0, axis);
        int inner = (int) in.product(axis + 1, in.rank());
        int len = (end - start) * inner;
        for (int o = 0; o < outer; o++) {
            System.arraycopy(src, (o * in.dim(axis) + start) * inner, dst, o * len, len);
        }
    }

    /** For each output element of a transpose, the input element it comes from: dst[i] = src[index[i]]. */
    public static int[] transposeIndex(Shape in, List<Integer> perm, Shape out) {
        int rank = in.rank();
        int[] inStride = new int[rank];
        for (int d = rank - 1, s = 1; d >= 0; d--) {
            inStride[d] = s;
            s *= in.dim(d);
        }
        int[] step = new int[rank];
        for (int d = 0; d < rank; d++) {
            step[d] = inStride[perm.get(d)];
        }
        int[] index = new int[in.elementCount()];
        int[] idx = new int[rank];
        int src = 0;
        for (int i = 0; i < index.length; i++) {
            index[i] = src;
            for (int d = rank - 1; d >= 0; d--) {
                src += step[d];
                if (++idx[d] < out.dim(d)) {
                    break;
                }
                src -= step[d] * out.dim(d);
                idx[d] = 0;
            }
        }
        return index;
    }

    /** For each element of {@code a}, the element of {@code b} an Add pairs it with (b broadcast along 1s). */
    public static int[] broadcastIndex(Shape a, Shape b) {
        int rank = a.rank();
        int[] index = new int[a.elementCount()];
        int[] idx = new int[rank];
        for (int i = 0; i < index.length; i++) {
            int bi = 0;
            for (int d = 0; d < rank; d++) {
                bi = bi * b.dim(d) + (b.dim(d) == 1 ? 0 : idx[d]);
            }
            index[i] = bi;
            for (int d = rank - 1; d >= 0 && ++idx[d] == a.dim(d); d--) {
                idx[d] = 0;
            }
        }
        return index;
    }

    /**
     * For each output element of a pooling over [C, H, W], the input elements in its window,
     * padding excluded (padding never wins a max and is not counted in a mean).
     */
    public static int[][] poolWindows(Shape in, Shape out, PoolWindow win) {
        int h = in.dim(1);
        int w = in.dim(2);
        int oh = out.dim(1);
        int ow = out.dim(2);
        int[][] windows = new int[out.elementCount()][];
        int[] buf = new int[win.kernelH() * win.kernelW()];
        for (int c = 0; c < in.dim(0); c++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    int n = 0;
                    for (int ki = 0; ki < win.kernelH(); ki++) {
                        int iy = i * win.strideH() - win.padTop() + ki * win.dilation();
                        for (int kj = 0; kj < win.kernelW(); kj++) {
                            int ix = j * win.strideW() - win.padLeft() + kj * win.dilation();
                            if (iy >= 0 && iy < h && ix >= 0 && ix < w) {
                                buf[n++] = (c * h + iy) * w + ix;
                            }
                        }
                    }
                    windows[(c * oh + i) * ow + j] = java.util.Arrays.copyOf(buf, n);
                }
            }
        }
        return windows;
    }
}
