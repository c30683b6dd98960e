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
     * Convolution on effective operands: x [C, H, W] as ints, w the weights of {@link #convWeights}. int sums wrap
     * modulo 2^32 whatever the order of their terms, so both paths give the plain loop's bits.
     */
    static byte[] conv2d(int[] x, Shape in, Conv2d c, ProductWeights w, NodeQuant.Gemm q, Shape out) {
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
     * A convolution's weights [O, C/groups, taps] as {@link #conv2d} reads them, in the given layout:
     * [O, taps, C] for one group (made once per executor; per inference it cost more than the gather it saves),
     * [O, C/groups, taps] within each of several.
     */
    static ProductWeights convWeights(int[] w, Conv2d c, InnerProduct layout) {
        int taps = c.kernelH() * c.kernelW();
        int cin = w.length / c.outChannels() / taps;
        if (c.groups() != 1) {
            return ProductWeights.of(w, c.groups(), c.outChannels() / c.groups(), cin * taps, layout);
        }
        int[] t = new int[w.length];
        for (int o = 0; o < c.outChannels(); o++) {
            for (int ci = 0; ci < cin; ci++) {
                for (int tap = 0; tap < taps; tap++) {
                    t[(o * taps + tap) * cin + ci] = w[(o * cin + ci) * taps + tap];
                }
            }
        }
        return ProductWeights.of(t, 1, c.outChannels(), cin * taps, layout);
    }

    /** Weights [O, k] of a linear layer, in the given layout. */
    static ProductWeights linearWeights(int[] w, int outChannels, InnerProduct layout) {
        return ProductWeights.of(w, 1, outChannels, w.length / outChannels, layout);
    }

    /**
     * One group, weights [O, taps, C]: the input is copied once, channels last with its zero padding written out, so
     * that a receptive field's row of taps is one contiguous run (all channels of kernelW adjacent pixels when the
     * dilation is 1), copied into the field with {@code System.arraycopy} rather than one tap at a time.
     */
    private static byte[] conv2dChannelsLast(int[] x, Shape in, Conv2d c, ProductWeights w, NodeQuant.Gemm q, Shape out) {
        int tile = PositionLanes.tile(w, out.dim(1) * out.dim(2));
        if (tile > 0) {
            return conv2dLanes(x, in, c, (PositionLanes) w, tile, q, out);
        }
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
        int[] channelsLast = new int[hp * wp * cin];
        for (int ci = 0; ci < cin; ci++) {
            for (int iy = 0; iy < h; iy++) {
                int src = (ci * h + iy) * wd;
                int dst = ((iy + c.padH()) * wp + c.padW()) * cin + ci;
                for (int ix = 0; ix < wd; ix++) {
                    channelsLast[dst + ix * cin] = x[src + ix];
                }
            }
        }
        Object xp = w.operands(channelsLast);
        int chunk = w.chunk(ProductWeights.maxAbs(x));
        boolean rowRuns = c.dilation() == 1;
        byte[] y = new byte[out.elementCount()];
        Object col = w.row(k);
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
     * One group, weights [O, taps, C], output pixels as {@link PositionLanes}: per tile of pixels, each term (tap, input
     * channel) is gathered as a row of the tile's pixels from the input with its zero padding written out (a run of an
     * output row is one {@code System.arraycopy} at stride 1), then every channel's sums come at once.
     */
    private static byte[] conv2dLanes(int[] x, Shape in, Conv2d c, PositionLanes w, int tile, NodeQuant.Gemm q, Shape out) {
        int cin = in.dim(0);
        int h = in.dim(1);
        int wd = in.dim(2);
        int ow = out.dim(2);
        int plane = out.dim(1) * ow;
        int kw = c.kernelW();
        int hp = h + 2 * c.padH();
        int wp = wd + 2 * c.padW();
        int sh = c.strideH();
        int sw = c.strideW();
        int[] xp = padded(x, cin, h, wd, c.padH(), c.padW());
        int[][] terms = new int[w.k()][tile];
        int[][] sums = new int[w.perGroup()][tile];
        byte[] y = new byte[out.elementCount()];
        for (int p0 = 0; p0 < plane; p0 += tile) {
            int n = Math.min(tile, plane - p0);
            for (int i = 0; i < w.k(); i++) {
                int tap = i / cin;
                int ci = i % cin;
                int dy = tap / kw * c.dilation();
                int dx = tap % kw * c.dilation();
                int[] t = terms[i];
                int oy = p0 / ow;
                int ox = p0 % ow;
                for (int j = 0; j < n; oy++, ox = 0) {
                    int run = Math.min(ow - ox, n - j);
                    int from = (ci * hp + oy * sh + dy) * wp + ox * sw + dx;
                    if (sw == 1) {
                        System.arraycopy(xp, from, t, j, run);
                    } else {
                        for (int r = 0; r < run; r++) {
                            t[j + r] = xp[from + r * sw];
                        }
                    }
                    j += run;
                }
            }
            w.laneSums(terms, n, sums);
            outputsOfTile(sums, n, w.perGroup(), q.bias(), q.requant(), y, p0, plane, 1);
        }
        return y;
    }

    /** y[yo + c channelStride + p positionStride] = sat(requant[c](bias[c] + sums[c][p])) for positions p below n. */
    private static void outputsOfTile(int[][] sums, int n, int channels, int[] bias, FixedPoint[] requant, byte[] y, int yo,
                                      int channelStride, int positionStride) {
        for (int c = 0; c < channels; c++) {
            int[] s = sums[c];
            int b = bias[c];
            FixedPoint m = requant[c];
            int at = yo + c * channelStride;
            for (int p = 0; p < n; p++) {
                y[at + p * positionStride] = IntArithmetic.saturateInt8(m.apply(b + s[p]));
            }
        }
    }

    /**
     * Several groups, w [O, C/groups, taps]: for each output pixel and group the receptive field is gathered once
     * (an im2col row) so that the inner product runs over contiguous K.
     */
    private static byte[] conv2dGrouped(int[] x, Shape in, Conv2d c, ProductWeights w, NodeQuant.Gemm q, Shape out) {
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
        Object xp = w.operands(padded(x, cin, h, wd, c.padH(), c.padW()));
        int chunk = w.chunk(ProductWeights.maxAbs(x));
        byte[] y = new byte[out.elementCount()];
        Object col = w.row(k);
        int[] sums = new int[w.perGroup() + 1];
        boolean rowRuns = c.dilation() == 1;
        for (int g = 0; g < c.groups(); g++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int idx = 0;
                    for (int ci = 0; ci < cinG; ci++) {
                        int base = (g * cinG + ci) * hp;
                        for (int kh = 0; kh < c.kernelH(); kh++) {
                            int row = (base + oy * c.strideH() + kh * c.dilation()) * wp + ox * c.strideW();
                            if (rowRuns) {
                                System.arraycopy(xp, row, col, idx, c.kernelW());
                                idx += c.kernelW();
                            } else {
                                for (int kw = 0; kw < c.kernelW(); kw++) {
                                    System.arraycopy(xp, row + kw * c.dilation(), col, idx++, 1);
                                }
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
     * Depthwise: a field is a single channel's few taps, too short for {@link #conv2dGrouped}'s gather and row sums
     * to pay (on MobileNetV2 they took about half of the golden executor's time for a few percent of its MACs). Instead,
     * per channel and output row, each tap's weight is added times a run of input pixels into a row of int sums; int
     * sums wrap modulo 2^32 whatever the order of their terms, so this gives the plain loop's bits. With one output channel per group, channel ch's weights are its taps.
     */
    private static byte[] conv2dDepthwise(int[] x, Shape in, Conv2d c, ProductWeights w, NodeQuant.Gemm q, Shape out) {
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
                        int wv = w.weight(ch, i * kw + j);
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
    private static void outputsOfRow(Object x, int xo, ProductWeights w, int g, int chunk, int[] bias, FixedPoint[] requant,
                                     int[] sums, byte[] y, int yo, int channelStride) {
        w.rowSums(x, xo, g, chunk, sums);
        int first = g * w.perGroup();
        for (int c = 0; c < w.perGroup(); c++) {
            int o = first + c;
            y[yo + o * channelStride] = IntArithmetic.saturateInt8(requant[o].apply(bias[o] + sums[c]));
        }
    }

    /** x [c, h, w] inside zeros: ph rows above and below, pw columns left and right. */
    private static int[] padded(int[] x, int c, int h, int w, int ph, int pw) {
        int hp = h + 2 * ph;
        int wp = w + 2 * pw;
        int[] p = new int[c * hp * wp];
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

    /** x [rows, K] x w [O, K]^T + bias, requantized per output channel. */
    static byte[] linear(int[] x, int rows, ProductWeights w, NodeQuant.Gemm q) {
        byte[] y = new byte[rows * q.outChannels()];
        rowsTimesWeights(x, rows, w, q.bias(), q.requant(), y, 0);
        return y;
    }

    /**
     * a [batch, m, k] x b [batch, k, n], one requantization for all outputs: each batch's a widened to ints and b
     * transposed to [n, k], so that it runs through the same inner product as {@link #linear}.
     */
    static byte[] matmul(byte[] a, byte[] b, int batch, int m, int k, int n, FixedPoint requant, InnerProduct layout) {
        byte[] y = new byte[batch * m * n];
        int[] ai = new int[m * k];
        int[] bt = new int[n * k];
        int[] zero = new int[n];
        FixedPoint[] same = new FixedPoint[n];
        Arrays.fill(same, requant);
        for (int bi = 0; bi < batch; bi++) {
            for (int i = 0; i < ai.length; i++) {
                ai[i] = a[bi * m * k + i];
            }
            for (int t = 0; t < k; t++) {
                for (int j = 0; j < n; j++) {
                    bt[j * k + t] = b[(bi * k + t) * n + j];
                }
            }
            rowsTimesWeights(ai, m, ProductWeights.of(bt, 1, n, k, layout), zero, same, y, bi * m * n);
        }
        return y;
    }

    /** y[yo + r n + o] = sat(requant[o](bias[o] + x-row r . w-row o)) for x [rows, k], w [n, k]. */
    private static void rowsTimesWeights(int[] x, int rows, ProductWeights w, int[] bias, FixedPoint[] requant, byte[] y, int yo) {
        int tile = PositionLanes.tile(w, rows);
        if (tile > 0) {
            rowsAsLanes(x, rows, (PositionLanes) w, tile, bias, requant, y, yo);
            return;
        }
        int[] sums = new int[w.perGroup() + 1];
        int chunk = w.chunk(ProductWeights.maxAbs(x));
        Object operands = w.operands(x);
        int n = w.perGroup();
        for (int r = 0; r < rows; r++) {
            outputsOfRow(operands, r * w.k(), w, 0, chunk, bias, requant, sums, y, yo + r * n, 1);
        }
    }

    /** {@link #rowsTimesWeights} with x's rows as {@link PositionLanes}: per tile of rows, x transposed into one row per term. */
    private static void rowsAsLanes(int[] x, int rows, PositionLanes w, int tile, int[] bias, FixedPoint[] requant, byte[] y, int yo) {
        int k = w.k();
        int n = w.perGroup();
        int[][] terms = new int[k][tile];
        int[][] sums = new int[n][tile];
        for (int r0 = 0; r0 < rows; r0 += tile) {
            int count = Math.min(tile, rows - r0);
            for (int r = 0; r < count; r++) {
                int xo = (r0 + r) * k;
                for (int i = 0; i < k; i++) {
                    terms[i][r] = x[xo + i];
                }
            }
            w.laneSums(terms, count, sums);
            outputsOfTile(sums, count, n, bias, requant, y, yo + r0 * n, 1, n);
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
