package org.flexiq.compiler.golden;

import java.util.Arrays;

/**
 * A matrix product's weights as int rows, multiplied with the output positions (a convolution's pixels, a linear
 * layer's or a MatMul's rows) as the vector lanes: for four output channels at a time, each term of K adds its four
 * weights times a row of activations, one per position, into four rows of int sums. That loop is element-wise, with
 * no reduction across lanes, and C2 vectorizes it on every JDK (a row per channel and a row per term, so loads and
 * stores share their index); C2 of JDK 17 leaves most of {@link ChannelRows}'s reduction scalar on AVX2. int sums wrap
 * modulo 2^32 whatever the order of their terms, so the sums are the plain loop's bits.
 *
 * <p>A single position is no row to vectorize: {@link #rowSums} is {@link ChannelRows}'s.
 */
record PositionLanes(ChannelRows rows) implements ProductWeights {

    /**
     * The most activations one tile holds (K rows of positions, 256 KiB): per four output channels every row is read
     * again, so a tile that fits a core's L2 is read from there, not from memory (ResNet-18's K = 4,608 at 256
     * positions, 4.7 MB, ran at half the int rows' speed).
     */
    static final int TILE_TERMS = 1 << 16;

    /** The most positions per tile: beyond it the rows are long enough that loop entry and exit cost nothing. */
    static final int MAX_TILE = 256;

    /**
     * The fewest positions per tile: a shorter row is a few vectors and mostly loop entry and exit (ViT-S/16 at 64 x 64,
     * 17 tokens, ran 1.3x slower than by int rows); below it the product runs one position at a time, as {@link ChannelRows}.
     */
    static final int MIN_TILE = 32;

    @Override
    public int groups() {
        return rows.groups();
    }

    @Override
    public int perGroup() {
        return rows.perGroup();
    }

    @Override
    public int k() {
        return rows.k();
    }

    @Override
    public int weight(int c, int i) {
        return rows.weight(c, i);
    }

    @Override
    public int chunk(int maxAbsX) {
        return rows.chunk(maxAbsX);
    }

    @Override
    public Object operands(int[] x) {
        return rows.operands(x);
    }

    @Override
    public Object row(int n) {
        return rows.row(n);
    }

    @Override
    public void rowSums(Object x, int xo, int g, int chunk, int[] sums) {
        rows.rowSums(x, xo, g, chunk, sums);
    }

    /**
     * Positions per tile for a product over this many positions with weights w: a multiple of 8 (AVX2's ints per vector)
     * where whole tiles are taken, or 0 where the lanes do not pay and positions run one at a time.
     */
    static int tile(ProductWeights w, int positions) {
        if (!(w instanceof PositionLanes)) {
            return 0;
        }
        int fits = Math.min(MAX_TILE, TILE_TERMS / Math.max(1, w.k()) / 8 * 8);
        int tile = Math.min(positions, fits);
        return tile >= MIN_TILE ? tile : 0;
    }

    /**
     * sums[c][p] = sum over i of terms[i][p] x w-row c of group 0 at i, for the perGroup channels c and positions p below n:
     * terms holds K rows, one per term of the inner product, and sums perGroup rows, each at least n long.
     */
    void laneSums(int[][] terms, int n, int[][] sums) {
        int[] w = rows.w();
        int k = rows.k();
        int perGroup = rows.perGroup();
        int c = 0;
        for (; c + 4 <= perGroup; c += 4) {
            int[] s0 = sums[c];
            int[] s1 = sums[c + 1];
            int[] s2 = sums[c + 2];
            int[] s3 = sums[c + 3];
            clear(s0, n);
            clear(s1, n);
            clear(s2, n);
            clear(s3, n);
            int w0 = c * k;
            for (int i = 0; i < k; i++) {
                addFour(s0, s1, s2, s3, w[w0 + i], w[w0 + k + i], w[w0 + 2 * k + i], w[w0 + 3 * k + i], terms[i], n);
            }
        }
        for (; c < perGroup; c++) {
            int[] s = sums[c];
            clear(s, n);
            for (int i = 0; i < k; i++) {
                addOne(s, w[c * k + i], terms[i], n);
            }
        }
    }

    private static void clear(int[] s, int n) {
        Arrays.fill(s, 0, n, 0);
    }

    /** s0..s3[p] += a..d x x[p]: one load of x serves four channels. */
    private static void addFour(int[] s0, int[] s1, int[] s2, int[] s3, int a, int b, int c, int d, int[] x, int n) {
        for (int p = 0; p < n; p++) {
            int v = x[p];
            s0[p] += a * v;
            s1[p] += b * v;
            s2[p] += c * v;
            s3[p] += d * v;
        }
    }

    private static void addOne(int[] s, int a, int[] x, int n) {
        for (int p = 0; p < n; p++) {
            s[p] += a * x[p];
        }
    }
}
