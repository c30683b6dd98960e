package org.flexiq.workloads.exec;

import org.flexiq.workloads.ir.Activation;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.IrException;
import org.flexiq.workloads.ir.PoolWindow;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.Softmax;

import java.util.Arrays;
import java.util.List;

/**
 * Float reference kernels, one per layer kind: plain loops that are easy to check by eye. Row-major data,
 * no batch dimension. Sums over long reductions accumulate in double so results do not depend on loop order
 * more than float rounding of the final value.
 */
final class FloatKernels {
    private FloatKernels() {
    }

    /**
     * Below this many pixels per output channel, two pixels are not summed at once: widening the weights to double once per
     * call, which pairing needs, then costs more than it saves (pairing every plane made resnet18 at 64 x 64, whose last
     * planes are 2 x 2, about 10% slower; a threshold of 16 pixels and one of 64 measured alike).
     */
    private static final int MIN_PIXELS_TO_PAIR = 16;

    static float[] conv2d(float[] x, Shape in, Conv2d c, float[] w, float[] bias, Shape out) {
        int oh = out.dim(1);
        int ow = out.dim(2);
        int coutG = out.dim(0) / c.groups();
        int k = in.dim(0) / c.groups() * c.kernelH() * c.kernelW();
        // Each output is bias + the sum over (ci, kh, kw), in that order and in double, of the terms whose tap falls inside the
        // input and whose weight is not zero. The receptive field is gathered once per pixel (its inside taps, in order, with
        // their positions), then four output channels are summed over it at once, and over two adjacent pixels at once when
        // their fields have the same inside taps (each weight then serves eight sums); a channel with a zero weight skips it
        // term by term. Same terms, same order: the same bits as one channel, one pixel and one tap at a time.
        ConvOutputs outputs = new ConvOutputs(w, bias, k, out, oh * ow >= MIN_PIXELS_TO_PAIR);
        ReceptiveField left = new ReceptiveField(in, c, k);
        ReceptiveField right = new ReceptiveField(in, c, k);
        for (int g = 0; g < c.groups(); g++) {
            int first = g * coutG;
            int end = first + coutG;
            for (int oy = 0; oy < oh; oy++) {
                left.gather(x, g, oy, 0);
                for (int ox = 0; ox < ow; ) {
                    int pixel = oy * ow + ox;
                    boolean last = ox + 1 == ow;
                    if (!last) {
                        right.gather(x, g, oy, ox + 1);
                    }
                    if (!last && outputs.pairs() && left.sameTaps(right)) {
                        outputs.pair(left, right, first, end, pixel);
                        ox += 2;
                        if (ox < ow) {
                            left.gather(x, g, oy, ox);
                        }
                    } else {
                        // alone; its neighbour, already gathered, is the next pixel, and may pair with the one after it
                        outputs.single(left, first, end, pixel);
                        ReceptiveField t = left;
                        left = right;
                        right = t;
                        ox++;
                    }
                }
            }
        }
        return outputs.y;
    }

    /**
     * One convolution's weights, bias and output planes, and the sums that fill them: one pixel at a time, or two pixels with
     * the same taps at once (over the weights widened to double once: a float widens exactly, so the products are the same).
     */
    private static final class ConvOutputs {
        final float[] y;
        private final float[] w;
        private final double[] wide;
        private final float[] bias;
        private final boolean[] zeroFree;
        private final int k;
        private final int plane;
        private final double[] sums = new double[8];

        ConvOutputs(float[] w, float[] bias, int k, Shape out, boolean pairs) {
            this.w = w;
            this.wide = pairs ? widen(w) : null;
            this.bias = bias;
            this.k = k;
            this.y = new float[out.elementCount()];
            this.plane = out.dim(1) * out.dim(2);
            int cout = out.dim(0);
            this.zeroFree = new boolean[cout];
            for (int o = 0; o < cout; o++) {
                zeroFree[o] = true;
                for (int i = o * k; i < (o + 1) * k; i++) {
                    if (w[i] == 0) {
                        zeroFree[o] = false;
                        break;
                    }
                }
            }
        }

        boolean pairs() {
            return wide != null;
        }

        private boolean fourZeroFree(int o, int end) {
            return o + 4 <= end && zeroFree[o] && zeroFree[o + 1] && zeroFree[o + 2] && zeroFree[o + 3];
        }

        /** One pixel's outputs of channels first .. end-1 over its gathered field. */
        void single(ReceptiveField f, int first, int end, int pixel) {
            for (int o = first; o < end; ) {
                if (fourZeroFree(o, end)) {
                    sum4(f.col, f.positions(), f.n, w, o * k, k, bias, o, sums);
                    for (int j = 0; j < 4; j++) {
                        y[(o + j) * plane + pixel] = (float) sums[j];
                    }
                    o += 4;
                } else {
                    y[o * plane + pixel] = (float) sumSkippingZeros(f, o);
                    o++;
                }
            }
        }

        /** The outputs of pixels pixel and pixel + 1, whose fields a and b have the same taps. */
        void pair(ReceptiveField a, ReceptiveField b, int first, int end, int pixel) {
            for (int o = first; o < end; ) {
                if (fourZeroFree(o, end)) {
                    sum4x2(a.col, b.col, a.positions(), a.n, wide, o * k, k, bias, o, sums);
                    for (int j = 0; j < 4; j++) {
                        y[(o + j) * plane + pixel] = (float) sums[j];
                        y[(o + j) * plane + pixel + 1] = (float) sums[4 + j];
                    }
                    o += 4;
                } else {
                    y[o * plane + pixel] = (float) sumSkippingZeros(a, o);
                    y[o * plane + pixel + 1] = (float) sumSkippingZeros(b, o);
                    o++;
                }
            }
        }

        /** bias + the terms of channel o over the field, in order, leaving out those whose weight is zero. */
        private double sumSkippingZeros(ReceptiveField f, int o) {
            double acc = bias == null ? 0 : bias[o];
            int row = o * k;
            for (int i = 0; i < f.n; i++) {
                float wv = w[row + f.at[i]];
                if (wv != 0) {
                    acc += (double) wv * f.col[i];
                }
            }
            return acc;
        }
    }

    /**
     * The inside taps of one output pixel's receptive field in (ci, kh, kw) order: their values, widened to double once for all
     * the output channels that read them, and their positions in a weight row.
     */
    private static final class ReceptiveField {
        final double[] col;
        final int[] at;
        int n;
        private final Conv2d c;
        private final int cinG;
        private final int h;
        private final int wd;

        ReceptiveField(Shape in, Conv2d c, int k) {
            this.c = c;
            this.cinG = in.dim(0) / c.groups();
            this.h = in.dim(1);
            this.wd = in.dim(2);
            this.col = new double[k];
            this.at = new int[k];
        }

        /** The taps' positions in a weight row, or null when every tap is inside (tap i is then at i). */
        int[] positions() {
            return n == col.length ? null : at;
        }

        /** Whether the other field has the same inside taps (then the same weights serve both). */
        boolean sameTaps(ReceptiveField other) {
            return n == other.n && (n == col.length || Arrays.equals(at, 0, n, other.at, 0, n));
        }

        void gather(float[] x, int g, int oy, int ox) {
            int kh = c.kernelH();
            int kw = c.kernelW();
            n = 0;
            for (int ci = 0; ci < cinG; ci++) {
                int base = (g * cinG + ci) * h;
                for (int i = 0; i < kh; i++) {
                    int iy = oy * c.strideH() - c.padH() + i * c.dilation();
                    if (iy < 0 || iy >= h) {
                        continue;
                    }
                    for (int j = 0; j < kw; j++) {
                        int ix = ox * c.strideW() - c.padW() + j * c.dilation();
                        if (ix >= 0 && ix < wd) {
                            col[n] = x[(base + iy) * wd + ix];
                            at[n++] = (ci * kh + i) * kw + j;
                        }
                    }
                }
            }
        }
    }

    /**
     * bias + the sum over i < k of x[xo + i] w[row + i], in double and in i order, for the eight rows o .. o+7 of w (row o at
     * w0), into out: eight independent chains of additions, which keep a core's adders busier than {@link #sum4}'s four, over
     * weights already widened to double (the same products: a float widens exactly).
     */
    private static void sum8(float[] x, int xo, double[] w, int w0, int k, float[] bias, int o, double[] out) {
        double s0 = bias == null ? 0 : bias[o];
        double s1 = bias == null ? 0 : bias[o + 1];
        double s2 = bias == null ? 0 : bias[o + 2];
        double s3 = bias == null ? 0 : bias[o + 3];
        double s4 = bias == null ? 0 : bias[o + 4];
        double s5 = bias == null ? 0 : bias[o + 5];
        double s6 = bias == null ? 0 : bias[o + 6];
        double s7 = bias == null ? 0 : bias[o + 7];
        int w1 = w0 + k;
        int w2 = w1 + k;
        int w3 = w2 + k;
        int w4 = w3 + k;
        int w5 = w4 + k;
        int w6 = w5 + k;
        int w7 = w6 + k;
        for (int i = 0; i < k; i++) {
            double v = x[xo + i];
            s0 += w[w0 + i] * v;
            s1 += w[w1 + i] * v;
            s2 += w[w2 + i] * v;
            s3 += w[w3 + i] * v;
            s4 += w[w4 + i] * v;
            s5 += w[w5 + i] * v;
            s6 += w[w6 + i] * v;
            s7 += w[w7 + i] * v;
        }
        out[0] = s0;
        out[1] = s1;
        out[2] = s2;
        out[3] = s3;
        out[4] = s4;
        out[5] = s5;
        out[6] = s6;
        out[7] = s7;
    }

    /**
     * bias + the sum over i < n of x[i] w[row + t(i)], in double and in i order, for the four rows o .. o+3 of w (row o at
     * w0, each k long), into out; t(i) = at[i], or i when at is null (the loop is unswitched on it). Each load of x serves four
     * independent sums, and each sum's terms come in the order one row at a time would add them: the same bits.
     */
    private static void sum4(double[] x, int[] at, int n, float[] w, int w0, int k, float[] bias, int o, double[] out) {
        double s0 = bias == null ? 0 : bias[o];
        double s1 = bias == null ? 0 : bias[o + 1];
        double s2 = bias == null ? 0 : bias[o + 2];
        double s3 = bias == null ? 0 : bias[o + 3];
        int w1 = w0 + k;
        int w2 = w1 + k;
        int w3 = w2 + k;
        for (int i = 0; i < n; i++) {
            double v = x[i];
            int t = at == null ? i : at[i];
            s0 += w[w0 + t] * v;
            s1 += w[w1 + t] * v;
            s2 += w[w2 + t] * v;
            s3 += w[w3 + t] * v;
        }
        out[0] = s0;
        out[1] = s1;
        out[2] = s2;
        out[3] = s3;
    }

    /**
     * The same sums as {@link #sum4} over two fields with the same taps at once (x0 and x1, n long) into out[0..3] and
     * out[4..7]: each weight, already widened, enters eight independent sums.
     */
    private static void sum4x2(double[] x0, double[] x1, int[] at, int n, double[] w, int w0, int k, float[] bias, int o,
                               double[] out) {
        double a0 = bias == null ? 0 : bias[o];
        double a1 = bias == null ? 0 : bias[o + 1];
        double a2 = bias == null ? 0 : bias[o + 2];
        double a3 = bias == null ? 0 : bias[o + 3];
        double b0 = a0;
        double b1 = a1;
        double b2 = a2;
        double b3 = a3;
        int w1 = w0 + k;
        int w2 = w1 + k;
        int w3 = w2 + k;
        for (int i = 0; i < n; i++) {
            double v = x0[i];
            double u = x1[i];
            int t = at == null ? i : at[i];
            double q0 = w[w0 + t];
            double q1 = w[w1 + t];
            double q2 = w[w2 + t];
            double q3 = w[w3 + t];
            a0 += q0 * v;
            b0 += q0 * u;
            a1 += q1 * v;
            b1 += q1 * u;
            a2 += q2 * v;
            b2 += q2 * u;
            a3 += q3 * v;
            b3 += q3 * u;
        }
        out[0] = a0;
        out[1] = a1;
        out[2] = a2;
        out[3] = a3;
        out[4] = b0;
        out[5] = b1;
        out[6] = b2;
        out[7] = b3;
    }

    /**
     * The weights as doubles, widened once per call rather than at each of the many terms each one enters (a float widens
     * exactly, so the products are the same).
     */
    private static double[] widen(float[] w) {
        double[] wide = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            wide[i] = w[i];
        }
        return wide;
    }

    /** y[r, n] = sum_k x[r, k] w[n, k] + b[n]. */
    static float[] linear(float[] x, int rows, int k, float[] w, float[] bias, int n) {
        float[] y = new float[rows * n];
        double[] sums = new double[8];
        double[] wide = widen(w);
        for (int r = 0; r < rows; r++) {
            int xo = r * k;
            int j = 0;
            for (; j + 8 <= n; j += 8) {
                sum8(x, xo, wide, j * k, k, bias, j, sums);
                for (int q = 0; q < 8; q++) {
                    y[r * n + j + q] = (float) sums[q];
                }
            }
            for (; j < n; j++) {
                double s = bias == null ? 0 : bias[j];
                for (int i = 0; i < k; i++) {
                    s += (double) x[xo + i] * w[j * k + i];
                }
                y[r * n + j] = (float) s;
            }
        }
        return y;
    }

    /** Batched [B, M, K] x [B, K, N]. */
    static float[] matmul(float[] a, float[] b, int batch, int m, int k, int n) {
        float[] y = new float[batch * m * n];
        for (int bi = 0; bi < batch; bi++) {
            int ao = bi * m * k;
            int bo = bi * k * n;
            for (int i = 0; i < m; i++) {
                int j = 0;
                // eight adjacent columns at once: one row of b read contiguously serves eight sums, each in t order (the same
                // bits), and eight chains of additions keep the adders busy; the last n mod 8 columns one at a time
                for (; j + 8 <= n; j += 8) {
                    double s0 = 0;
                    double s1 = 0;
                    double s2 = 0;
                    double s3 = 0;
                    double s4 = 0;
                    double s5 = 0;
                    double s6 = 0;
                    double s7 = 0;
                    for (int t = 0; t < k; t++) {
                        double v = a[ao + i * k + t];
                        int bt = bo + t * n + j;
                        s0 += v * b[bt];
                        s1 += v * b[bt + 1];
                        s2 += v * b[bt + 2];
                        s3 += v * b[bt + 3];
                        s4 += v * b[bt + 4];
                        s5 += v * b[bt + 5];
                        s6 += v * b[bt + 6];
                        s7 += v * b[bt + 7];
                    }
                    int yo = (bi * m + i) * n + j;
                    y[yo] = (float) s0;
                    y[yo + 1] = (float) s1;
                    y[yo + 2] = (float) s2;
                    y[yo + 3] = (float) s3;
                    y[yo + 4] = (float) s4;
                    y[yo + 5] = (float) s5;
                    y[yo + 6] = (float) s6;
                    y[yo + 7] = (float) s7;
                }
                for (; j < n; j++) {
                    double s = 0;
                    for (int t = 0; t < k; t++) {
                        s += (double) a[ao + i * k + t] * b[bo + t * n + j];
                    }
                    y[(bi * m + i) * n + j] = (float) s;
                }
            }
        }
        return y;
    }

    /** a + b, b broadcast along its dimensions of size 1. */
    static float[] add(float[] a, Shape sa, float[] b, Shape sb) {
        return binary(a, sa, b, sb, Float::sum);
    }

    /** a x b, b broadcast along its dimensions of size 1. */
    static float[] mul(float[] a, Shape sa, float[] b, Shape sb) {
        return binary(a, sa, b, sb, (x, y) -> x * y);
    }

    private interface FloatOperator {
        float apply(float x, float y);
    }

    private static float[] binary(float[] a, Shape sa, float[] b, Shape sb, FloatOperator op) {
        float[] y = new float[a.length];
        int[] bi = sa.equals(sb) ? null : DataMovement.broadcastIndex(sa, sb);
        for (int i = 0; i < a.length; i++) {
            y[i] = op.apply(a[i], b[bi == null ? i : bi[i]]);
        }
        return y;
    }

    static float[] activation(float[] x, Activation a) {
        float[] y = new float[x.length];
        for (int i = 0; i < x.length; i++) {
            y[i] = a.apply(x[i]);
        }
        return y;
    }

    static float[] pool(float[] x, Shape in, Shape out, PoolWindow window, boolean max) {
        int[][] windows = DataMovement.poolWindows(in, out, window);
        float[] y = new float[windows.length];
        for (int o = 0; o < y.length; o++) {
            double s = 0;
            float m = Float.NEGATIVE_INFINITY;
            for (int i : windows[o]) {
                m = Math.max(m, x[i]);
                s += x[i];
            }
            y[o] = max ? m : (float) (s / windows[o].length);
        }
        return y;
    }

    static float[] globalAvgPool(float[] x, Shape in) {
        int c = in.dim(0);
        int hw = in.dim(1) * in.dim(2);
        float[] y = new float[c];
        for (int i = 0; i < c; i++) {
            double s = 0;
            for (int j = 0; j < hw; j++) {
                s += x[i * hw + j];
            }
            y[i] = (float) (s / hw);
        }
        return y;
    }

    static float[] layerNorm(float[] x, int d, double eps, float[] gamma, float[] beta) {
        float[] y = new float[x.length];
        for (int r = 0; r < x.length / d; r++) {
            double mean = 0;
            for (int i = 0; i < d; i++) {
                mean += x[r * d + i];
            }
            mean /= d;
            double var = 0;
            for (int i = 0; i < d; i++) {
                double t = x[r * d + i] - mean;
                var += t * t;
            }
            double inv = 1 / Math.sqrt(var / d + eps);
            for (int i = 0; i < d; i++) {
                y[r * d + i] = (float) ((x[r * d + i] - mean) * inv * gamma[i] + beta[i]);
            }
        }
        return y;
    }

    static float[] batchNorm(float[] x, int channels, double eps, float[] gamma, float[] beta, float[] mean, float[] var) {
        float[] y = new float[x.length];
        int inner = x.length / channels;
        for (int c = 0; c < channels; c++) {
            double scale = gamma[c] / Math.sqrt(var[c] + eps);
            for (int i = c * inner; i < (c + 1) * inner; i++) {
                y[i] = (float) ((x[i] - mean[c]) * scale + beta[c]);
            }
        }
        return y;
    }

    static float[] softmax(float[] x, Shape in, Softmax s) {
        int d = in.last();
        int rowsPerMatrix = in.rank() >= 2 ? in.dim(-2) : 1;
        float[] y = new float[x.length];
        for (int r = 0; r < x.length / d; r++) {
            int valid = s.causal() ? r % rowsPerMatrix + 1 : d;
            double max = Double.NEGATIVE_INFINITY;
            for (int i = 0; i < valid; i++) {
                max = Math.max(max, s.scale() * x[r * d + i]);
            }
            double sum = 0;
            for (int i = 0; i < valid; i++) {
                sum += Math.exp(s.scale() * x[r * d + i] - max);
            }
            for (int i = 0; i < valid; i++) {
                y[r * d + i] = (float) (Math.exp(s.scale() * x[r * d + i] - max) / sum);
            }
        }
        return y;
    }

    static float[] transpose(float[] x, Shape in, List<Integer> perm, Shape out) {
        int[] index = DataMovement.transposeIndex(in, perm, out);
        float[] y = new float[x.length];
        for (int i = 0; i < y.length; i++) {
            y[i] = x[index[i]];
        }
        return y;
    }

    static float[] embedding(float[] ids, int vocab, int dim, float[] table, String node) {
        float[] y = new float[ids.length * dim];
        for (int t = 0; t < ids.length; t++) {
            float id = ids[t];
            if (id != Math.rint(id) || id < 0 || id >= vocab) {
                throw new IrException(node + ": token id " + id + " at position " + t + " is not an integer in [0, " + vocab + ")");
            }
            System.arraycopy(table, (int) id * dim, y, t * dim, dim);
        }
        return y;
    }
}
