package org.flexiq.isa.arith;

import java.util.Arrays;

/**
 * Int products with the output positions as vector lanes: one weight times a row of activations, one per position,
 * added into a row of sums. The loops are element-wise, with no reduction across lanes, and C2 vectorizes them on every
 * JDK, where C2 of JDK 17 leaves a dot product's reduction mostly scalar on AVX2. int sums wrap modulo 2^32 whatever
 * the order of their terms, so the sums are a plain loop's bits. The golden executor's position lanes and the
 * functional executor's compute run through these.
 */
public final class IntLanes {
    private IntLanes() {
    }

    /**
     * sums[c][p] = the sum over i below k of w[c x stride + i] x terms[i][p], for the channels c and the positions p below
     * n: terms holds k rows, one per term of the inner product, and sums a row per channel, each at least n long. Four
     * channels at a time, so each row of terms is loaded once for four weights.
     */
    public static void sums(int[] w, int stride, int k, int channels, int[][] terms, int n, int[][] sums) {
        int c = 0;
        for (; c + 4 <= channels; c += 4) {
            int[] s0 = sums[c];
            int[] s1 = sums[c + 1];
            int[] s2 = sums[c + 2];
            int[] s3 = sums[c + 3];
            Arrays.fill(s0, 0, n, 0);
            Arrays.fill(s1, 0, n, 0);
            Arrays.fill(s2, 0, n, 0);
            Arrays.fill(s3, 0, n, 0);
            int w0 = c * stride;
            for (int i = 0; i < k; i++) {
                addFour(s0, s1, s2, s3, w[w0 + i], w[w0 + stride + i], w[w0 + 2 * stride + i], w[w0 + 3 * stride + i], terms[i], n);
            }
        }
        for (; c < channels; c++) {
            int[] s = sums[c];
            Arrays.fill(s, 0, n, 0);
            for (int i = 0; i < k; i++) {
                addOne(s, w[c * stride + i], terms[i], n);
            }
        }
    }

    /** s0..s3[p] += a..d x x[p] for p below n: one load of x serves four weights. */
    private static void addFour(int[] s0, int[] s1, int[] s2, int[] s3, int a, int b, int c, int d, int[] x, int n) {
        for (int p = 0; p < n; p++) {
            int v = x[p];
            s0[p] += a * v;
            s1[p] += b * v;
            s2[p] += c * v;
            s3[p] += d * v;
        }
    }

    /** s[p] += a x x[p] for p below n. */
    private static void addOne(int[] s, int a, int[] x, int n) {
        for (int p = 0; p < n; p++) {
            s[p] += a * x[p];
        }
    }
}
