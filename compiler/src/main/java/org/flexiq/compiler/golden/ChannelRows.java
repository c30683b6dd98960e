package org.flexiq.compiler.golden;

/**
 * A matrix product's weights as plain int rows [groups x perGroup, k], multiplied with int activations four output
 * channels per pass over the row (each activation load serves four products); the int sums wrap modulo 2^32 as the
 * plain loop's do, so there is no bound on the operands and no chunks.
 */
record ChannelRows(int[] w, int groups, int perGroup, int k) implements ProductWeights {

    @Override
    public int weight(int c, int i) {
        return w[c * k + i];
    }

    @Override
    public int chunk(int maxAbsX) {
        return Math.max(1, k);
    }

    @Override
    public Object operands(int[] x) {
        return x;
    }

    @Override
    public Object row(int n) {
        return new int[n];
    }

    @Override
    public void rowSums(Object operands, int xo, int g, int chunk, int[] sums) {
        int[] x = (int[]) operands;
        int base = g * perGroup;
        int c = 0;
        for (; c + 4 <= perGroup; c += 4) {
            quadSums(x, xo, w, (base + c) * k, k, sums, c);
        }
        for (; c < perGroup; c++) {
            sums[c] = dot(x, xo, w, (base + c) * k, k);
        }
    }

    /** x[xo ..] . the four weight rows from w[wo] into sums[at .. at + 3]. */
    private static void quadSums(int[] x, int xo, int[] w, int wo, int k, int[] sums, int at) {
        int s0 = 0;
        int s1 = 0;
        int s2 = 0;
        int s3 = 0;
        int w1 = wo + k;
        int w2 = w1 + k;
        int w3 = w2 + k;
        for (int i = 0; i < k; i++) {
            int v = x[xo + i];
            s0 += v * w[wo + i];
            s1 += v * w[w1 + i];
            s2 += v * w[w2 + i];
            s3 += v * w[w3 + i];
        }
        sums[at] = s0;
        sums[at + 1] = s1;
        sums[at + 2] = s2;
        sums[at + 3] = s3;
    }

    private static int dot(int[] x, int xo, int[] w, int wo, int k) {
        int s = 0;
        for (int i = 0; i < k; i++) {
            s += x[xo + i] * w[wo + i];
        }
        return s;
    }
}
