package org.flexiq.compiler.golden;

import org.flexiq.compiler.quant.NodeQuant;
import org.flexiq.isa.arith.FixedPoint;
import org.flexiq.isa.arith.IntArithmetic;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.exec.ConvWindows;
import org.flexiq.workloads.ir.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IntKernelsTest {
    /**
     * The golden convolution gathers each pixel's field once from the input with its zero padding written out, and sums
     * four channels at a time, or, depthwise, adds each tap times a row of pixels; the plain loop below, one output and
     * one tap at a time with outside taps left out, is the specification, compared on every window shape, near every
     * border, in both inner-product layouts.
     */
    @ParameterizedTest
    @EnumSource(InnerProduct.class)
    void convolutionEqualsThePlainLoopForEveryWindow(InnerProduct layout) {
        SplittableRandom rnd = new SplittableRandom(11);
        List<ConvWindows.Window> windows = ConvWindows.all(10);
        assertThat(windows).hasSizeGreaterThan(120);
        List<ConvWindows.Window> depthwise = ConvWindows.depthwise();
        assertThat(depthwise).hasSameSizeAs(windows);
        // planes of more pixels than a tile of position lanes, whose tiles start inside an output row
        List<ConvWindows.Window> large = Stream.of(new Conv2d(6, 3, 3, 1, 1, 1, 1, 1, 1, true), new Conv2d(5, 3, 2, 2, 1, 2, 0, 2, 1, true))
                .map(c -> new ConvWindows.Window(Shape.of(3, 40, 37), c, c.outputShape(List.of(Shape.of(3, 40, 37))))).toList();
        assertThat(large).allMatch(win -> win.out().dim(1) * win.out().dim(2) > PositionLanes.MAX_TILE);
        for (ConvWindows.Window win : Stream.of(windows, depthwise, large).flatMap(List::stream).toList()) {
            Conv2d c = win.conv();
            int taps = c.kernelH() * c.kernelW();
            int cinG = win.in().dim(0) / c.groups();
            int[] x = codes(rnd, win.in().elementCount());
            int[] w = codes(rnd, c.outChannels() * cinG * taps);
            int[] bias = new int[c.outChannels()];
            FixedPoint[] requant = new FixedPoint[c.outChannels()];
            for (int o = 0; o < bias.length; o++) {
                bias[o] = rnd.nextInt(-5000, 5000);
                requant[o] = FixedPoint.of(0.0005 + 0.002 * rnd.nextDouble());
            }
            NodeQuant.Gemm q = new NodeQuant.Gemm(new byte[0], bias, requant, c.outChannels(), cinG, taps);
            assertThat(IntKernels.conv2d(x, win.in(), c, IntKernels.convWeights(w, c, layout), q, win.out())).as(c + " on " + win.in())
                    .containsExactly(plainConv2d(x, win.in(), c, w, q, win.out()));
        }
    }

    /** The batched matrix product (attention's Q K^T and P V) against the plain triple loop, column counts on both sides of a multiple of four. */
    @ParameterizedTest
    @EnumSource(InnerProduct.class)
    void matrixProductEqualsThePlainLoop(InnerProduct layout) {
        SplittableRandom rnd = new SplittableRandom(12);
        // rows on both sides of the fewest that take position lanes, more than the longest tile of them, and a K so long
        // that its tiles are shorter than the rows
        int[][] shapes = {{1, 1, 1, 1}, {2, 3, 5, 4}, {3, 7, 16, 9}, {4, 17, 64, 17}, {1, 5, 3, 2}, {2, 16, 8, 15},
                {1, PositionLanes.MIN_TILE - 1, 6, 5}, {2, PositionLanes.MIN_TILE, 6, 5}, {1, PositionLanes.MAX_TILE + 44, 9, 6}, {1, 130, 1100, 5}};
        for (int[] sh : shapes) {
            int batch = sh[0];
            int m = sh[1];
            int k = sh[2];
            int n = sh[3];
            byte[] a = bytes(rnd, batch * m * k);
            byte[] b = bytes(rnd, batch * k * n);
            FixedPoint requant = FixedPoint.of(0.0005 + 0.004 * rnd.nextDouble());
            byte[] expected = new byte[batch * m * n];
            for (int bi = 0; bi < batch; bi++) {
                for (int i = 0; i < m; i++) {
                    for (int j = 0; j < n; j++) {
                        int acc = 0;
                        for (int t = 0; t < k; t++) {
                            acc += a[(bi * m + i) * k + t] * b[(bi * k + t) * n + j];
                        }
                        expected[(bi * m + i) * n + j] = IntArithmetic.saturateInt8(requant.apply(acc));
                    }
                }
            }
            assertThat(IntKernels.matmul(a, b, batch, m, k, n, requant, layout)).as(Arrays.toString(sh)).containsExactly(expected);
        }
    }

    /**
     * Raw sums before requantization against the plain int loop (which wraps), in both layouts: two channels sharing a
     * long carry the low half into the high one unless each chunk's sum stays within int32; int rows sum four channels
     * per pass and a remainder one at a time. On int8 codes and on operands large enough to need chunks of a few terms or
     * of one, with sums that wrap; channel counts per group on both sides of multiples of two and four. Each layout's
     * weight(c, i) returns the weight it was given.
     */
    @ParameterizedTest
    @EnumSource(InnerProduct.class)
    void rowSumsEqualThePlainIntLoopEvenWhereTheyWrap(InnerProduct layout) {
        SplittableRandom rnd = new SplittableRandom(13);
        for (int magnitude : new int[]{128, 4096, 40_000}) {
            for (int k : new int[]{1, 7, 300, 5000}) {
                for (int groups : new int[]{1, 3}) {
                    for (int per : new int[]{1, 2, 3, 4, 5, 8}) {
                        int[] w = new int[groups * per * k];
                        Arrays.setAll(w, i -> rnd.nextInt(-magnitude, magnitude + 1));
                        int[] x = new int[2 * k];
                        Arrays.setAll(x, i -> rnd.nextInt(-magnitude, magnitude + 1));
                        ProductWeights weights = ProductWeights.of(w, groups, per, k, layout);
                        int chunk = weights.chunk(ProductWeights.maxAbs(x));
                        int[] sums = new int[per + 1];
                        for (int g = 0; g < groups; g++) {
                            weights.rowSums(weights.operands(x), k, g, chunk, sums);
                            for (int c = 0; c < per; c++) {
                                int expected = 0;
                                for (int i = 0; i < k; i++) {
                                    expected += x[k + i] * w[(g * per + c) * k + i];
                                }
                                assertThat(sums[c]).as("|v| <= %d, k %d, group %d of %d, channel %d of %d, chunk %d", magnitude, k, g, groups, c, per, chunk)
                                        .isEqualTo(expected);
                            }
                        }
                        for (int i = 0; i < w.length; i += 1 + w.length / 50) {
                            assertThat(weights.weight(i / k, i % k)).isEqualTo(w[i]);
                        }
                    }
                }
            }
        }
    }

    /**
     * Position lanes' sums, several positions at once, against the plain int loop (which wraps): operands up to 40,000, K
     * up to 5,000, channel counts on both sides of a multiple of four, fewer positions than the rows hold.
     */
    @Test
    void laneSumsEqualThePlainIntLoopEvenWhereTheyWrap() {
        SplittableRandom rnd = new SplittableRandom(14);
        for (int magnitude : new int[]{128, 40_000}) {
            for (int k : new int[]{1, 7, 5000}) {
                for (int per : new int[]{1, 3, 4, 9}) {
                    int positions = 1 + rnd.nextInt(40);
                    int[] w = new int[per * k];
                    Arrays.setAll(w, i -> rnd.nextInt(-magnitude, magnitude + 1));
                    int[][] terms = new int[k][positions + 3];
                    for (int[] t : terms) {
                        Arrays.setAll(t, i -> rnd.nextInt(-magnitude, magnitude + 1));
                    }
                    int[][] sums = new int[per][positions + 3];
                    ((PositionLanes) ProductWeights.of(w, 1, per, k, InnerProduct.POSITION_LANES)).laneSums(terms, positions, sums);
                    for (int c = 0; c < per; c++) {
                        for (int p = 0; p < positions; p++) {
                            int expected = 0;
                            for (int i = 0; i < k; i++) {
                                expected += terms[i][p] * w[c * k + i];
                            }
                            assertThat(sums[c][p]).as("|v| <= %d, k %d, channel %d of %d, position %d", magnitude, k, c, per, p).isEqualTo(expected);
                        }
                    }
                }
            }
        }
    }

    /**
     * The layout a JVM takes: paired longs only where the JIT multiplies longs in vectors (AVX-512), int rows where C2
     * vectorizes their reduction (JDK 25), position lanes before, unless the property says.
     */
    @Test
    void theLayoutFollowsTheVectorUnitAndTheJitUnlessOneIsAskedFor() {
        assertThat(InnerProduct.choose(null, 3, 17)).isEqualTo(InnerProduct.PAIRED_LONGS);
        assertThat(InnerProduct.choose(null, 3, 25)).isEqualTo(InnerProduct.PAIRED_LONGS);
        assertThat(InnerProduct.choose(null, 2, 17)).isEqualTo(InnerProduct.POSITION_LANES);
        assertThat(InnerProduct.choose(null, 2, 21)).isEqualTo(InnerProduct.POSITION_LANES);
        assertThat(InnerProduct.choose(null, 2, 25)).isEqualTo(InnerProduct.INT_ROWS);
        assertThat(InnerProduct.choose(null, 0, 26)).isEqualTo(InnerProduct.INT_ROWS);
        assertThat(InnerProduct.choose("paired-longs", 2, 17)).isEqualTo(InnerProduct.PAIRED_LONGS);
        assertThat(InnerProduct.choose("int-rows", 3, 17)).isEqualTo(InnerProduct.INT_ROWS);
        assertThat(InnerProduct.choose("position-lanes", 3, 25)).isEqualTo(InnerProduct.POSITION_LANES);
        assertThatThrownBy(() -> InnerProduct.choose("avx", 3, 17)).isInstanceOf(UnknownInnerProductException.class)
                .hasMessage("-Dflexiq.golden.inner-product=avx: expected paired-longs, int-rows or position-lanes");
    }

    /** Operands whose single product leaves int32 cannot share a long: refused, not summed wrong. */
    @Test
    void operandsBeyondOneIntProductAreRefused() {
        ProductWeights pairs = ProductWeights.of(new int[]{1 << 16, 3}, 1, 2, 1, InnerProduct.PAIRED_LONGS);
        assertThat(pairs.chunk(1 << 14)).isEqualTo(1);
        assertThatThrownBy(() -> pairs.chunk(1 << 15)).isInstanceOf(ArithmeticException.class).hasMessageContaining("32768 x 65536");
    }

    private static byte[] bytes(SplittableRandom rnd, int n) {
        byte[] v = new byte[n];
        for (int i = 0; i < n; i++) {
            v[i] = (byte) rnd.nextInt(-128, 128);
        }
        return v;
    }

    private static int[] codes(SplittableRandom rnd, int n) {
        int[] v = new int[n];
        Arrays.setAll(v, i -> rnd.nextInt(-128, 128));
        return v;
    }

    private static byte[] plainConv2d(int[] x, Shape in, Conv2d c, int[] w, NodeQuant.Gemm q, Shape out) {
        int cinG = in.dim(0) / c.groups();
        int coutG = c.outChannels() / c.groups();
        int h = in.dim(1);
        int wd = in.dim(2);
        int oh = out.dim(1);
        int ow = out.dim(2);
        byte[] y = new byte[out.elementCount()];
        for (int o = 0; o < c.outChannels(); o++) {
            int g = o / coutG;
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    int acc = q.bias()[o];
                    for (int ci = 0; ci < cinG; ci++) {
                        for (int i = 0; i < c.kernelH(); i++) {
                            for (int j = 0; j < c.kernelW(); j++) {
                                int iy = oy * c.strideH() - c.padH() + i * c.dilation();
                                int ix = ox * c.strideW() - c.padW() + j * c.dilation();
                                if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                    acc += x[((g * cinG + ci) * h + iy) * wd + ix]
                                            * w[((o * cinG + ci) * c.kernelH() + i) * c.kernelW() + j];
                                }
                            }
                        }
                    }
                    y[(o * oh + oy) * ow + ox] = IntArithmetic.saturateInt8(q.requant()[o].apply(acc));
                }
            }
        }
        return y;
    }
}
