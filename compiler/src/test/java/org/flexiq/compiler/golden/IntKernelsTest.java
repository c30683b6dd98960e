package org.flexiq.compiler.golden;

import org.flexiq.compiler.quant.NodeQuant;
import org.flexiq.isa.arith.FixedPoint;
import org.flexiq.isa.arith.IntArithmetic;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.IrException;
import org.flexiq.workloads.ir.Shape;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

class IntKernelsTest {
    /**
     * The golden convolution gathers each pixel's field once, copies a field wholly inside the input without a bounds test
     * per tap, and sums four channels at a time; the plain loop below, one output and one tap at a time with outside taps
     * left out, is the specification, compared on every window shape, near every border.
     */
    @Test
    void convolutionEqualsThePlainLoopForEveryWindow() {
        SplittableRandom rnd = new SplittableRandom(11);
        int cases = 0;
        for (Shape in : List.of(Shape.of(4, 7, 9), Shape.of(4, 13, 11), Shape.of(4, 40, 2))) {
            for (int stride = 1; stride <= 3; stride++) {
                for (int pad = 0; pad <= 3; pad++) {
                    for (int dilation = 1; dilation <= 2; dilation++) {
                        for (int kernel : new int[]{1, 3, 5}) {
                            int groups = kernel == 3 ? 2 : 1;
                            Conv2d c = new Conv2d(10, kernel, kernel == 5 ? 2 : kernel, stride, stride == 3 ? 1 : stride, pad,
                                    pad == 3 ? 0 : pad, dilation, groups, true);
                            Shape out;
                            try {
                                out = c.outputShape(List.of(in));
                            } catch (IrException tooSmall) {
                                continue;
                            }
                            int k = in.dim(0) / groups * c.kernelH() * c.kernelW();
                            int[] x = codes(rnd, in.elementCount());
                            int[] w = codes(rnd, c.outChannels() * k);
                            int[] bias = new int[c.outChannels()];
                            FixedPoint[] requant = new FixedPoint[c.outChannels()];
                            for (int o = 0; o < bias.length; o++) {
                                bias[o] = rnd.nextInt(-5000, 5000);
                                requant[o] = FixedPoint.of(0.0005 + 0.002 * rnd.nextDouble());
                            }
                            NodeQuant.Gemm q = new NodeQuant.Gemm(new byte[0], bias, requant, c.outChannels(), in.dim(0) / groups,
                                    c.kernelH() * c.kernelW());
                            assertThat(IntKernels.conv2d(x, in, c, w, q, out)).as(c + " on " + in)
                                    .containsExactly(plainConv2d(x, in, c, w, q, out));
                            cases++;
                        }
                    }
                }
            }
        }
        assertThat(cases).isGreaterThan(120);
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
