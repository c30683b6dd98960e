package org.flexiq.workloads.exec;

import org.flexiq.workloads.ir.Add;
import org.flexiq.workloads.ir.AvgPool;
import org.flexiq.workloads.ir.BatchNorm;
import org.flexiq.workloads.ir.Concat;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.Embedding;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Gelu;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.IrException;
import org.flexiq.workloads.ir.Layer;
import org.flexiq.workloads.ir.LayerNorm;
import org.flexiq.workloads.ir.Linear;
import org.flexiq.workloads.ir.MapTensorSource;
import org.flexiq.workloads.ir.MatMul;
import org.flexiq.workloads.ir.MaxPool;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.ParamSpec;
import org.flexiq.workloads.ir.Relu6;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.Silu;
import org.flexiq.workloads.ir.Slice;
import org.flexiq.workloads.ir.Softmax;
import org.flexiq.workloads.ir.Tensor;
import org.flexiq.workloads.ir.TensorInfo;
import org.flexiq.workloads.ir.Transpose;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** Each layer kind on small inputs whose results are worked out by hand. */
class FloatKernelsTest {
    /** Runs one layer on the given inputs, with parameters given in the layer's order. */
    private static float[] run(Layer layer, List<FloatTensor> inputs, float[]... params) {
        List<TensorInfo> infos = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Map<String, FloatTensor> feed = new HashMap<>();
        for (int i = 0; i < inputs.size(); i++) {
            infos.add(new TensorInfo("x" + i, inputs.get(i).shape()));
            names.add("x" + i);
            feed.put("x" + i, inputs.get(i));
        }
        Graph g = Graph.of("t", infos, List.of(new Node("n", layer, names)), List.of("n"));
        Map<String, Tensor> t = new HashMap<>();
        List<ParamSpec> specs = g.params(g.node("n"));
        for (int i = 0; i < specs.size(); i++) {
            t.put(specs.get(i).tensorName("n"), new FloatTensor(specs.get(i).shape(), params[i]));
        }
        return new FloatExecutor(new Model(g, new MapTensorSource(t), Map.of())).run(feed).get("n").data();
    }

    private static FloatTensor t(Shape s, float... d) {
        return new FloatTensor(s, d);
    }

    @Test
    void conv2dWithPaddingStrideAndBias() {
        // 1 channel 3x3 input 1..9, 2x2 kernel of ones, stride 1, pad 0 -> window sums; bias 0.5.
        float[] y = run(Conv2d.square(1, 2, 1, 0, 1, true), List.of(t(Shape.of(1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9)),
                new float[]{1, 1, 1, 1}, new float[]{0.5f});
        assertThat(y).containsExactly(12.5f, 16.5f, 24.5f, 28.5f);
        // 3x3 kernel, centre tap 2, pad 1, stride 2: picks x[0,0], x[0,2], x[2,0], x[2,2] times 2.
        float[] k = new float[9];
        k[4] = 2;
        assertThat(run(Conv2d.square(1, 3, 2, 1, 1, false), List.of(t(Shape.of(1, 3, 3), 1, 2, 3, 4, 5, 6, 7, 8, 9)), k))
                .containsExactly(2, 6, 14, 18);
    }

    /**
     * The kernels hoist bounds and sum several outputs, and pixels, at once for speed; each output's terms must still be
     * added in the plain loops' order, in double, so that calibration, and every scale quantization derives from it, keeps
     * its bits. The plain loops are written out here as the specification and compared bit for bit on random data.
     */
    @Test
    void fastKernelsGiveThePlainLoopsBitsForEveryWindow() {
        java.util.Random rnd = new java.util.Random(7);
        List<ConvWindows.Window> windows = ConvWindows.all(20); // runs of eight, four and one (per group of 10 where grouped)
        assertThat(windows).hasSizeGreaterThan(120);
        for (ConvWindows.Window win : windows) {
            Conv2d c = win.conv();
            int k = win.in().dim(0) / c.groups() * c.kernelH() * c.kernelW();
            float[] x = random(rnd, win.in().elementCount());
            float[] w = random(rnd, c.outChannels() * k);
            w[3] = 0; // a zero weight is skipped: the sum must not change
            w[13 * k + 1] = 0; // in a channel that would start a run of eight
            float[] b = random(rnd, c.outChannels());
            assertThat(bits(FloatKernels.conv2d(x, win.in(), c, w, b, win.out()))).as(c + " on " + win.in())
                    .containsExactly(bits(plainConv2d(x, win.in(), c, w, b, win.out())));
        }
        for (int n : new int[]{1, 3, 4, 7, 8, 12, 19}) {
            float[] x = random(rnd, 5 * 37);
            float[] w = random(rnd, n * 37);
            float[] b = random(rnd, n);
            assertThat(bits(FloatKernels.linear(x, 5, 37, w, b, n))).containsExactly(bits(plainLinear(x, 5, 37, w, b, n)));
            float[] a = random(rnd, 2 * 3 * 37);
            float[] m = random(rnd, 2 * 37 * n);
            assertThat(bits(FloatKernels.matmul(a, m, 2, 3, 37, n))).containsExactly(bits(plainMatmul(a, m, 2, 3, 37, n)));
        }
    }

    private static float[] random(java.util.Random rnd, int n) {
        float[] v = new float[n];
        for (int i = 0; i < n; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }

    private static int[] bits(float[] v) {
        int[] b = new int[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = Float.floatToRawIntBits(v[i]);
        }
        return b;
    }

    private static float[] plainConv2d(float[] x, Shape in, Conv2d c, float[] w, float[] bias, Shape out) {
        int h = in.dim(1);
        int wd = in.dim(2);
        int cinG = in.dim(0) / c.groups();
        int coutG = out.dim(0) / c.groups();
        int oh = out.dim(1);
        int ow = out.dim(2);
        float[] y = new float[out.elementCount()];
        for (int o = 0; o < out.dim(0); o++) {
            for (int oy = 0; oy < oh; oy++) {
                for (int ox = 0; ox < ow; ox++) {
                    double acc = bias[o];
                    for (int ci = 0; ci < cinG; ci++) {
                        for (int kh = 0; kh < c.kernelH(); kh++) {
                            for (int kw = 0; kw < c.kernelW(); kw++) {
                                int iy = oy * c.strideH() - c.padH() + kh * c.dilation();
                                int ix = ox * c.strideW() - c.padW() + kw * c.dilation();
                                float wv = w[((o * cinG + ci) * c.kernelH() + kh) * c.kernelW() + kw];
                                if (wv != 0 && iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                                    acc += (double) wv * x[((o / coutG * cinG + ci) * h + iy) * wd + ix];
                                }
                            }
                        }
                    }
                    y[(o * oh + oy) * ow + ox] = (float) acc;
                }
            }
        }
        return y;
    }

    private static float[] plainLinear(float[] x, int rows, int k, float[] w, float[] bias, int n) {
        float[] y = new float[rows * n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                double s = bias[j];
                for (int i = 0; i < k; i++) {
                    s += (double) x[r * k + i] * w[j * k + i];
                }
                y[r * n + j] = (float) s;
            }
        }
        return y;
    }

    private static float[] plainMatmul(float[] a, float[] b, int batch, int m, int k, int n) {
        float[] y = new float[batch * m * n];
        for (int bi = 0; bi < batch; bi++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double s = 0;
                    for (int t = 0; t < k; t++) {
                        s += (double) a[(bi * m + i) * k + t] * b[(bi * k + t) * n + j];
                    }
                    y[(bi * m + i) * n + j] = (float) s;
                }
            }
        }
        return y;
    }

    @Test
    void depthwiseConvKeepsChannelsApart() {
        float[] y = run(Conv2d.square(2, 1, 1, 0, 2, false), List.of(t(Shape.of(2, 1, 2), 1, 2, 3, 4)), new float[]{10, -1});
        assertThat(y).containsExactly(10, 20, -3, -4);
    }

    @Test
    void linearOverLeadingRows() {
        // x [2, 3], W [2, 3], b [2]
        float[] y = run(new Linear(2, true), List.of(t(Shape.of(2, 3), 1, 2, 3, 4, 5, 6)),
                new float[]{1, 0, -1, 0.5f, 0.5f, 0.5f}, new float[]{1, 0});
        assertThat(y).containsExactly(1 + 1 - 3, 3, 1 + 4 - 6, 7.5f);
    }

    @Test
    void batchedMatMul() {
        // batch 2 of [1x2] x [2x1]
        float[] y = run(new MatMul(), List.of(t(Shape.of(2, 1, 2), 1, 2, 3, 4), t(Shape.of(2, 2, 1), 5, 6, 7, 8)));
        assertThat(y).containsExactly(1 * 5 + 2 * 6, 3 * 7 + 4 * 8);
    }

    @Test
    void addBroadcastsTheSecondInput() {
        float[] y = run(new Add(), List.of(t(Shape.of(2, 3), 1, 2, 3, 4, 5, 6), t(Shape.of(1, 3), 10, 20, 30)));
        assertThat(y).containsExactly(11, 22, 33, 14, 25, 36);
    }

    @Test
    void concatAndSliceAreInverse() {
        float[] y = run(new Concat(1), List.of(t(Shape.of(2, 1), 1, 2), t(Shape.of(2, 2), 3, 4, 5, 6)));
        assertThat(y).containsExactly(1, 3, 4, 2, 5, 6);
        assertThat(run(new Slice(1, 1, 3), List.of(t(Shape.of(2, 3), y)))).containsExactly(3, 4, 5, 6);
    }

    @Test
    void transposeMovesAxes() {
        // [2,3] -> [3,2]
        assertThat(run(new Transpose(List.of(1, 0)), List.of(t(Shape.of(2, 3), 1, 2, 3, 4, 5, 6)))).containsExactly(1, 4, 2, 5, 3, 6);
        // [1,2,3] perm (2,0,1) -> [3,1,2]
        assertThat(run(new Transpose(List.of(2, 0, 1)), List.of(t(Shape.of(1, 2, 3), 1, 2, 3, 4, 5, 6)))).containsExactly(1, 4, 2, 5, 3, 6);
    }

    @Test
    void poolingIgnoresPadding() {
        FloatTensor x = t(Shape.of(1, 2, 2), 1, 2, 3, 4);
        assertThat(run(new MaxPool(2, 1, 1), List.of(x))).containsExactly(1, 2, 2, 3, 4, 4, 3, 4, 4);
        assertThat(run(new AvgPool(2, 2, 0), List.of(x))).containsExactly(2.5f);
        assertThat(run(new AvgPool(2, 1, 1), List.of(x))[0]).isEqualTo(1f); // only x[0,0] is inside
    }

    @Test
    void normalizations() {
        float[] ln = run(new LayerNorm(1e-9), List.of(t(Shape.of(1, 4), 1, 2, 3, 4)), new float[]{1, 1, 1, 2}, new float[]{0, 0, 0, 1});
        double s = Math.sqrt(1.25);
        assertThat(ln[0]).isCloseTo((float) (-1.5 / s), within(1e-6f));
        assertThat(ln[3]).isCloseTo((float) (2 * 1.5 / s + 1), within(1e-6f));
        float[] bn = run(new BatchNorm(1e-9), List.of(t(Shape.of(2, 1, 1), 3, 3)),
                new float[]{2, 1}, new float[]{1, 0}, new float[]{1, 3}, new float[]{4, 1});
        assertThat(bn[0]).isCloseTo(2f * (3 - 1) / 2 + 1, within(1e-6f));
        assertThat(bn[1]).isCloseTo(0f, within(1e-6f));
    }

    @Test
    void softmaxScaledAndCausal() {
        float[] y = run(new Softmax(0.5, false), List.of(t(Shape.of(1, 2), 0, 2)));
        double e = Math.exp(1);
        assertThat(y[1]).isCloseTo((float) (e / (1 + e)), within(1e-6f));
        float[] c = run(new Softmax(1, true), List.of(t(Shape.of(2, 2), 5, 7, 1, 1)));
        assertThat(c).containsExactly(1, 0, 0.5f, 0.5f);
    }

    @Test
    void activations() {
        assertThat(run(new Relu6(), List.of(t(Shape.of(3), -1, 3, 9)))).containsExactly(0, 3, 6);
        assertThat(run(new Gelu(), List.of(t(Shape.of(1), 1)))[0]).isCloseTo(0.8413447f, within(1e-6f));
        assertThat(run(new Silu(), List.of(t(Shape.of(1), 1)))[0]).isCloseTo((float) (1 / (1 + Math.exp(-1))), within(1e-7f));
    }

    @Test
    void embeddingLooksUpRowsAndRejectsBadIds() {
        float[] table = {0, 0, 1, 1, 2, 2};
        assertThat(run(new Embedding(3, 2), List.of(t(Shape.of(2), 2, 1)), table)).containsExactly(2, 2, 1, 1);
        assertThatThrownBy(() -> run(new Embedding(3, 2), List.of(t(Shape.of(1), 3)), table))
                .isInstanceOf(IrException.class).hasMessageContaining("token id 3.0 at position 0");
    }
}
