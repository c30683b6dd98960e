package org.flexiq.workloads.exec;

import org.flexiq.workloads.ir.Activation;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.IrException;
import org.flexiq.workloads.ir.PoolWindow;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.Softmax;

import java.util.List;

/**
 * Float reference kernels, one per layer kind: plain loops that are easy to check by eye. Row-major data,
 * no batch dimension. Sums over long reductions accumulate in double so results do not depend on loop order
 * more than float rounding of the final value.
 */
final class FloatKernels {
    private FloatKernels() {
    }

    static float[] conv2d(float[] x, Shape in, Conv2d c, float[] w, float[] bias, Shape out) {
        int cin = in.dim(0);
        int h = in.dim(1);
        int wd = in.dim(2);
        int cout = out.dim(0);
        int oh = out.dim(1);
        int ow = out.dim(2);
        int cinG = cin / c.groups();
        int coutG = cout / c.groups();
        float[] y = new float[out.elementCount()];
        double[] acc = new double[oh * ow];
        for (int o = 0; o < cout; o++) {
            int g = o / coutG;
            java.util.Arrays.fill(acc, bias == null ? 0 : bias[o]);
            for (int ci = 0; ci < cinG; ci++) {
                int inC = g * cinG + ci;
                for (int kh = 0; kh < c.kernelH(); kh++) {
                    for (int kw = 0; kw < c.kernelW(); kw++) {
                        float wv = w[((o * cinG + ci) * c.kernelH() + kh) * c.kernelW() + kw];
                        if (wv == 0) {
                            continue;
                        }
                        for (int y0 = 0; y0 < oh; y0++) {
                            int iy = y0 * c.strideH() - c.padH() + kh * c.dilation();
                            if (iy < 0 || iy >= h) {
                                continue;
                            }
                            int rowBase = (inC * h + iy) * wd;
                            for (int x0 = 0; x0 < ow; x0++) {
                                int ix = x0 * c.strideW() - c.padW() + kw * c.dilation();
                                if (ix >= 0 && ix < wd) {
                                    acc[y0 * ow + x0] += (double) wv * x[rowBase + ix];
                                }
                            }
                        }
                    }
                }
            }
            for (int i = 0; i < acc.length; i++) {
                y[o * oh * ow + i] = (float) acc[i];
            }
        }
        return y;
    }

    /** y[r, n] = sum_k x[r, k] w[n, k] + b[n]. */
    static float[] linear(float[] x, int rows, int k, float[] w, float[] bias, int n) {
        float[] y = new float[rows * n];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < n; j++) {
                double s = bias == null ? 0 : bias[j];
                for (int i = 0; i < k; i++) {
                    s += (double) x[r * k + i] * w[j * k + i];
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
                for (int j = 0; j < n; j++) {
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
