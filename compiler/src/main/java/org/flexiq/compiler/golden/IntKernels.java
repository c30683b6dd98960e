package org.flexiq.compiler.golden;

import org.flexiq.isa.arith.IntArithmetic;
import org.flexiq.isa.arith.FixedPoint;
import org.flexiq.compiler.quant.NodeQuant;
import org.flexiq.workloads.exec.DataMovement;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.PoolWindow;
import org.flexiq.workloads.ir.Shape;

import java.util.Arrays;

/**
 * The integer kernels of the golden executor: plain loops over int8 codes (or, for 4-bit channels, the
 * values their 4-bit codes stand for), int32 accumulators, fixed-point requantization, saturation.
 */
final class IntKernels {
    private IntKernels() {
    }

    /**
     * Convolution on effective operands: x [C, H, W] as ints, w the pairs of {@link #convWeights}. int sums wrap
     * modulo 2^32 whatever the order of their terms, so both paths give the plain loop's bits.
     */
    static byte[] conv2d(int[] x, Shape in, Conv2d c, ChannelPairs w, NodeQuant.Gemm q, Shape out) {
        if (c.groups() == 1) {
            return conv2dChannelsLast(x, in, c, w, q, out);
        }
        return isDepthwise(in, c) ? conv2dDepthwise(x, in, c, w, q, out) : conv2dGrouped(x, in, c, w, q, out);
    }

    /** One input and one output channel per group: MobileNet's, EfficientNet's and ConvNeXt's depthwise convolutions. */
    private static boolean isDepthwise(Shape in, Conv2d c) {
        return c.groups() == in.dim(0) && c.outChannels() == c.groups();
    }

    /**
     * A convolution's weights [O, C/groups, taps] as {@link #conv2d} reads them, two output channels to a long:
     * [O, taps, C] for one group (made once per executor; per inference it cost more than the gather it saves),
     * [O, C/groups, taps] within each of several.
     */
    static ChannelPairs convWeights(int[] w, Conv2d c) {
        int taps = c.kernelH() * c.kernelW();
        int cin = w.length / c.outChannels() / taps;
        if (c.groups() != 1) {
            return ChannelPairs.of(w, c.groups(), c.outChannels() / c.groups(), cin * taps);
        }
        int[] t = new int[w.length];
        for (int o = 0; o < c.outChannels(); o++) {
            for (int ci = 0; ci < cin; ci++) {
                for (int tap = 0; tap < taps; tap++) {
                    t[(o * taps + tap) * cin + ci] = w[(o * cin + ci) * taps + tap];
                }
            }
        }
        return ChannelPairs.of(t, 1, c.outChannels(), cin * taps);
    }

    /** Weights [O, k] of a linear layer, two output channels to a long. */
    static ChannelPairs linearWeights(int[] w, int outChannels) {
        return ChannelPairs.of(w, 1, outChannels, w.length / outChannels);
    }

    /**
     * One group, weights [O, taps, C]: the input is copied once, channels last with its zero padding written out, so
     * that a receptive field's row of taps is one contiguous run (all channels of kernelW adjacent pixels when the
     * dilation is 1), copied into the field with {@code System.arraycopy} rather than one tap at a time.
     */
    private static byte[] conv2dChannelsLast(int[] x, Shape in, Conv2d c, ChannelPairs w, NodeQuant.Gemm q, Shape out) {
        int cin = in.dim(0);
        int h = in.dim(1);
        int wd = in.dim(2);
        int oh = out.dim(1);
        int ow = out.dim(2);
        int kh = c.kernelH();
        int kw = c.kernelW();
        int k = cin * kh * kw;
        int hp = h + 2 * c.padH();
        int wp = wd + 2 * c.padW();
        long[] xp = new long[hp * wp * cin];
        for (int ci = 0; ci < cin; ci++) {
            for (int iy = 0; iy < h; iy++) {
                int src = (ci * h + iy) * wd;
                int dst = ((iy + c.padH()) * wp + c.padW()) * cin + ci;
                for (int ix = 0; ix < wd; ix++) {
                    xp[dst + ix * cin] = x[src + ix];
                }
            }
        }
        int chunk = w.chunk(ChannelPairs.maxAbs(xp));
        boolean rowRuns = c.dilation() == 1;
        byte[] y = new byte[out.elementCount()];
        long[] col = new long[k];
        int[] sums = new int[w.perGroup() + 1];
        for (int oy = 0; oy < oh; oy++) {
            for (int ox = 0; ox < ow; ox++) {
                int idx = 0;
                for (int i = 0; i < kh; i++) {
                    int row = ((oy * c.strideH() + i * c.dilation()) * wp + ox * c.strideW()) * cin;
                    if (rowRuns) {
                        System.arraycopy(xp, row, col, idx, kw * cin);
                        idx += kw * cin;
                    } else {
                        for (int j = 0; j < kw; j++) {
                            System.arraycopy(xp, row + j * c.dilation() * cin, col, idx, cin);
                            idx += cin;
                        }
                    }
                }
                outputsOfRow(col, 0, w, 0, chunk, q.bias(), q.requant(), sums, y, oy * ow + ox, oh * ow);
            }
        }
        return y;
    }

    /**
     * Several groups, w [O, C/groups, taps]: for each output pixel and group the receptive field is gathered once
     * (an im2col row) so that the inner product runs over contiguous K.
     */
    private static byte[] conv2dGrouped(int[] x, Shape in, Conv2d c, ChannelPairs w, NodeQuant.Gemm q, Shape out) {
        int cin = in.dim(0);
        int h = in.dim(1);
        int wd = in.dim(2);
        int oh = out.dim(1);
        int ow = out.dim(2);
        int cinG = cin / c.groups();
        int taps = c.kernelH() * c.kernelW();
        int k = cinG * taps;
        // the input with its zero padding written out: every receptive field then lies inside it, and is copied without
        // a bounds test per tap (an outside tap adds 0 x w = 0, exactly what leaving it out adds)
        int hp = h + 2 * c.padH();
        int wp = wd + 2 * c.padW();
        long[] xp = padded(x, cin, h, wd, c.padH(), c.padW());
        int chunk = w.chunk(ChannelPairs.maxAbs(xp));
        byte[] y = new byte[out.elementCount()];
        long[] col = new long[k];
        int[] sums = new int[w.perGroup() + 1];
        for (int g = 0; g < c.groups(); g++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int idx = 0;
                    for (int ci = 0; ci < cinG; ci++) {
                        int base = (g * cinG + ci) * hp;
                        for (int kh = 0; kh < c.kernelH(); kh++) {
                            int row = (base + oy * c.strideH() + kh * c.dilation()) * wp + ox * c.strideW();
                            for (int kw = 0; kw < c.kernelW(); kw++) {
                                col[idx++] = xp[row + kw * c.dilation()];
                            }
                        }
                    }
                    outputsOfRow(col, 0, w, g, chunk, q.bias(), q.requant(), sums, y, oy * ow + ox, oh * ow);
                }
            }
        }
        return y;
    }

    /**
     * Depthwise: a field is a single channel's few taps, too short for {@link #conv2dGrouped}'s gather and paired sums
     * to pay (on MobileNetV2 they took about half of the golden executor's time for a few percent of its MACs). Instead,
     * per channel and output row, each tap's weight is added times a run of input pixels into a row of int sums; int
     * sums wrap modulo 2^32 whatever the order of their terms, so this gives the plain loop's bits. With one output channel per group, the pairs' low halves are the weights [C, taps] themselves.
     */
    private static byte[] conv2dDepthwise(int[] x, Shape in, Conv2d c, ChannelPairs w, NodeQuant.Gemm q, Shape out) {
        int channels = in.dim(0);
        int h = in.dim(1);
        int wd = in.dim(2);
        int oh = out.dim(1);
        int ow = out.dim(2);
        int kh = c.kernelH();
        int kw = c.kernelW();
        int taps = kh * kw;
        int sh = c.strideH();
        int sw = c.strideW();
        int dilation = c.dilation();
        int wp = wd + 2 * c.padW();
        // one channel with its zero padding written out; only the inside is rewritten per channel, so the border stays 0
        int[] xp = new int[(h + 2 * c.padH()) * wp];
        int[] acc = new int[ow];
        long[] p = w.pairs();
        byte[] y = new byte[out.elementCount()];
        for (int ch = 0; ch < channels; ch++) {
            for (int iy = 0; iy < h; iy++) {
                System.arraycopy(x, (ch * h + iy) * wd, xp, (iy + c.padH()) * wp + c.padW(), wd);
            }
            int bias = q.bias()[ch];
            FixedPoint requant = q.requant()[ch];
            for (int oy = 0; oy < oh; oy++) {
                Arrays.fill(acc, 0);
                for (int i = 0; i < kh; i++) {
                    int row = (oy * sh + i * dilation) * wp;
                    for (int j = 0; j < kw; j++) {
                        int wv = (int) p[ch * taps + i * kw + j];
                        int from = row + j * dilation;
                        for (int ox = 0; ox < ow; ox++) {
                            acc[ox] += xp[from + ox * sw] * wv;
                        }
                    }
                }
                int yo = (ch * oh + oy) * ow;
                for (int ox = 0; ox < ow; ox++) {
                    y[yo + ox] = IntArithmetic.saturateInt8(requant.apply(bias + acc[ox]));
                }
            }
        }
        return y;
    }

    /**
     * The output channels of group g for one row of K (a pixel's gathered field, or a linear layer's input row) at
     * x[xo]: y[yo + o * channelStride] = sat(requant[o](bias[o] + x-row . w-row o)). One method for every caller, so
     * that the JIT compiles its loop alike wherever it runs.
     */
    private static void outputsOfRow(long[] x, int xo, ChannelPairs w, int g, int chunk, int[] bias, FixedPoint[] requant, int[] sums,
                                     byte[] y, int yo, int channelStride) {
        rowSums(x, xo, w, g, chunk, sums);
        int first = g * w.perGroup();
        for (int c = 0; c < w.perGroup(); c++) {
            int o = first + c;
            y[yo + o * channelStride] = IntArithmetic.saturateInt8(requant[o].apply(bias[o] + sums[c]));
        }
    }

    /**
     * sums[c] = x[xo ..] . w-row c, for the perGroup output channels c of group g, two pairs (four channels) at a
     * time, with {@code chunk} from {@link ChannelPairs#chunk}: the int32 sums of the plain loop, wrapped alike. sums
     * has room for perGroup + 1 (an odd group's last pair writes its empty upper half too).
     */
    static void rowSums(long[] x, int xo, ChannelPairs w, int g, int chunk, int[] sums) {
        int k = w.k();
        int per = w.perGroup();
        int pairs = w.pairsPerGroup();
        long[] p = w.pairs();
        int j = 0;
        for (; j + 2 <= pairs; j += 2) {
            pairSums(x, xo, p, (g * pairs + j) * k, k, chunk, sums, 2 * j);
        }
        if (j < pairs) {
            pairSum(x, xo, p, (g * pairs + j) * k, k, chunk, sums, 2 * j, per - 2 * j);
        }
    }

    /** x [c, h, w] as longs inside zeros: ph rows above and below, pw columns left and right. */
    private static long[] padded(int[] x, int c, int h, int w, int ph, int pw) {
        int hp = h + 2 * ph;
        int wp = w + 2 * pw;
        long[] p = new long[c * hp * wp];
        for (int ci = 0; ci < c; ci++) {
            for (int iy = 0; iy < h; iy++) {
                int src = (ci * h + iy) * w;
                int dst = (ci * hp + iy + ph) * wp + pw;
                for (int ix = 0; ix < w; ix++) {
                    p[dst + ix] = x[src + ix];
                }
            }
        }
        return p;
    }

    /**
     * x[xo ..] . the two pairs of rows at w[wo] and w[wo + k] into sums[at .. at + 3] (four output channels): each load of x
     * serves four products in two multiplies. A chunk's long sum is A + B x 2^32 with |A| < 2^31, so its low int is A
     * and the rest B; the chunks' parts add as ints, which wrap modulo 2^32 as the plain loop's sums do.
     */
    private static void pairSums(long[] x, int xo, long[] w, int wo, int k, int chunk, int[] sums, int at) {
        int a0 = 0;
        int a1 = 0;
        int a2 = 0;
        int a3 = 0;
        int w1 = wo + k;
        for (int from = 0; from < k; from += chunk) {
            int to = Math.min(k, from + chunk);
            long s0 = 0;
            long s1 = 0;
            for (int i = from; i < to; i++) {
                long v = x[xo + i];
                s0 += v * w[wo + i];
                s1 += v * w[w1 + i];
            }
            int lo0 = (int) s0;
            int lo1 = (int) s1;
            a0 += lo0;
            a1 += (int) ((s0 - lo0) >> 32);
            a2 += lo1;
            a3 += (int) ((s1 - lo1) >> 32);
        }
        sums[at] = a0;
        sums[at + 1] = a1;
        sums[at + 2] = a2;
        sums[at + 3] = a3;
    }

    /** {@link #pairSums} for one pair into sums[at ..]: its two channels, or only the first when {@code channels} is 1. */
    private static void pairSum(long[] x, int xo, long[] w, int wo, int k, int chunk, int[] sums, int at, int channels) {
        int a0 = 0;
        int a1 = 0;
        for (int from = 0; from < k; from += chunk) {
            int to = Math.min(k, from + chunk);
            long s = 0;
            for (int i = from; i < to; i++) {
                s += x[xo + i] * w[wo + i];
            }
            int lo = (int) s;
            a0 += lo;
            a1 += (int) ((s - lo) >> 32);
        }
        sums[at] = a0;
        if (channels > 1) {
            sums[at + 1] = a1;
        }
    }

    /** x [rows, K] x w [O, K]^T + bias, requantized per output channel. */
    static byte[] linear(int[] x, int rows, ChannelPairs w, NodeQuant.Gemm q) {
        byte[] y = new byte[rows * q.outChannels()];
        long[] xl = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            xl[i] = x[i];
        }
        rowsTimesWeights(xl, rows, w, q.bias(), q.requant(), y, 0);
        return y;
    }

    /**
     * a [batch, m, k] x b [batch, k, n], one requantization for all outputs: each batch's a widened to longs and b
     * transposed to [n, k] in pairs, so that it runs through the same inner product as {@link #linear}.
     */
    static byte[] matmul(byte[] a, byte[] b, int batch, int m, int k, int n, FixedPoint requant) {
        byte[] y = new byte[batch * m * n];
        long[] al = new long[m * k];
        int[] bt = new int[n * k];
        int[] zero = new int[n];
        FixedPoint[] same = new FixedPoint[n];
        Arrays.fill(same, requant);
        for (int bi = 0; bi < batch; bi++) {
            for (int i = 0; i < al.length; i++) {
                al[i] = a[bi * m * k + i];
            }
            for (int t = 0; t < k; t++) {
                for (int j = 0; j < n; j++) {
                    bt[j * k + t] = b[(bi * k + t) * n + j];
                }
            }
            rowsTimesWeights(al, m, ChannelPairs.of(bt, 1, n, k), zero, same, y, bi * m * n);
        }
        return y;
    }

    /** y[yo + r n + o] = sat(requant[o](bias[o] + x-row r . w-row o)) for x [rows, k], w [n, k] in pairs. */
    private static void rowsTimesWeights(long[] x, int rows, ChannelPairs w, int[] bias, FixedPoint[] requant, byte[] y, int yo) {
        int[] sums = new int[w.perGroup() + 1];
        int chunk = w.chunk(ChannelPairs.maxAbs(x));
        int n = w.perGroup();
        for (int r = 0; r < rows; r++) {
            outputsOfRow(x, r * w.k(), w, 0, chunk, bias, requant, sums, y, yo + r * n, 1);
        }
    }

    /** sat(round(a b M)): the product of two int8 codes is at most 2^14, so the 64-bit product never overflows. */
    static byte mul(int a, int b, NodeQuant.Mul q) {
        return IntArithmetic.saturateInt8(q.requant().apply((long) a * b));
    }

    /** A window sum of {@code count} values, rescaled: round(sum M / count). */
    static byte mean(long sum, int count, FixedPoint m) {
        return IntArithmetic.saturateInt8(IntArithmetic.roundDiv(m.apply(sum << 16), (long) count << 16));
    }

    static byte[] pool(byte[] x, Shape in, Shape out, PoolWindow window, FixedPoint avg) {
        int[][] windows = DataMovement.poolWindows(in, out, window);
        byte[] y = new byte[windows.length];
        for (int o = 0; o < y.length; o++) {
            int max = Integer.MIN_VALUE;
            long sum = 0;
            for (int i : windows[o]) {
                max = Math.max(max, x[i]);
                sum += x[i];
            }
            y[o] = avg == null ? (byte) max : mean(sum, windows[o].length, avg);
        }
        return y;
    }

    static byte[] softmax(byte[] x, Shape in, boolean causal, int[] exp) {
        int d = in.last();
        int rowsPerMatrix = in.rank() >= 2 ? in.dim(-2) : 1;
        byte[] y = new byte[x.length];
        for (int r = 0; r < x.length / d; r++) {
            int valid = causal ? r % rowsPerMatrix + 1 : d;
            int max = Integer.MIN_VALUE;
            for (int i = 0; i < valid; i++) {
                max = Math.max(max, x[r * d + i]);
            }
            long sum = 0;
            for (int i = 0; i < valid; i++) {
                sum += exp[max - x[r * d + i]];
            }
            for (int i = 0; i < valid; i++) {
                y[r * d + i] = (byte) IntArithmetic.roundDiv(127L * exp[max - x[r * d + i]], sum);
            }
        }
        return y;
    }

    static byte[] layerNorm(byte[] x, int d, NodeQuant.LayerNorm q) {
        byte[] y = new byte[x.length];
        long[] dev = new long[d];
        for (int r = 0; r < x.length / d; r++) {
            long s = 0;
            for (int i = 0; i < d; i++) {
                s += x[r * d + i];
            }
            long sq = 0;
            for (int i = 0; i < d; i++) {
                dev[i] = (long) d * x[r * d + i] - s;
                sq += dev[i] * dev[i];
            }
            long sigma = Math.max(1, IntArithmetic.isqrt(sq / d + q.eps()));
            for (int i = 0; i < d; i++) {
                long v = IntArithmetic.roundDiv(dev[i] * q.gamma()[i], sigma) + q.beta()[i];
                y[r * d + i] = IntArithmetic.saturateInt8(IntArithmetic.roundShift(v, 16));
            }
        }
        return y;
    }
}
