package org.flexiq.compiler.golden;

/**
 * A matrix product's weights with two output channels in one long: {@code w[c] + w[c + 1] x 2^32} for the even
 * channel c of each pair, so that one 64-bit multiply by an activation adds both channels' products. The pairs of
 * group g are rows {@code g * pairsPerGroup() ..} of k longs, and a group with an odd channel count has zero weights
 * in its last pair's upper half.
 *
 * <p>A sum of such products is {@code A + B x 2^32}, A and B the two channels' sums. While |A| < 2^31 the low
 * 32 bits are A and the rest is B exactly; {@link #chunk} says over how many terms that holds for operands this
 * large, so longer sums are split and their parts added as ints, wrapping as the plain int loop does.
 *
 * @param maxAbs the largest weight magnitude
 */
record ChannelPairs(long[] pairs, int groups, int perGroup, int k, int maxAbs) implements ProductWeights {

    /** Weights [groups x perGroup, k], channel-major, as ints. */
    static ChannelPairs of(int[] w, int groups, int perGroup, int k) {
        int pairsPerGroup = (perGroup + 1) / 2;
        long[] p = new long[groups * pairsPerGroup * k];
        int maxAbs = 0;
        for (int g = 0; g < groups; g++) {
            for (int c = 0; c < perGroup; c++) {
                int src = (g * perGroup + c) * k;
                int dst = (g * pairsPerGroup + c / 2) * k;
                int shift = c % 2 == 0 ? 0 : 32;
                for (int i = 0; i < k; i++) {
                    p[dst + i] += (long) w[src + i] << shift;
                    maxAbs = Math.max(maxAbs, Math.abs(w[src + i]));
                }
            }
        }
        return new ChannelPairs(p, groups, perGroup, k, maxAbs);
    }

    int pairsPerGroup() {
        return (perGroup + 1) / 2;
    }

    @Override
    public int weight(int c, int i) {
        int g = c / perGroup;
        int inGroup = c % perGroup;
        long pair = pairs[(g * pairsPerGroup() + inGroup / 2) * k + i];
        int low = (int) pair;
        return inGroup % 2 == 0 ? low : (int) ((pair - low) >> 32);
    }

    /**
     * The most terms whose sum of products keeps |A| below 2^31 when no activation exceeds {@code maxAbsX}: a
     * whole row when operands are int8 codes (k below 2^17). Throws if a single product could not fit (operands
     * far beyond the 8-bit codes and 4-bit values the executor multiplies).
     */
    @Override
    public int chunk(int maxAbsX) {
        long bound = (long) maxAbsX * maxAbs;
        if (bound == 0) {
            return Math.max(1, k);
        }
        long terms = Integer.MAX_VALUE / bound;
        if (terms == 0) {
            throw new ArithmeticException("operands up to " + maxAbsX + " x " + maxAbs + " overflow one int32 product");
        }
        return (int) Math.min(Math.max(1, k), terms);
    }

    /** x widened to longs. */
    @Override
    public Object operands(int[] x) {
        long[] l = new long[x.length];
        for (int i = 0; i < x.length; i++) {
            l[i] = x[i];
        }
        return l;
    }

    @Override
    public Object row(int n) {
        return new long[n];
    }

    /** Two pairs (four channels) at a time; an odd group's last pair writes its empty upper half into the spare sum. */
    @Override
    public void rowSums(Object operands, int xo, int g, int chunk, int[] sums) {
        long[] x = (long[]) operands;
        int pairsPerGroup = pairsPerGroup();
        int j = 0;
        for (; j + 2 <= pairsPerGroup; j += 2) {
            pairSums(x, xo, pairs, (g * pairsPerGroup + j) * k, k, chunk, sums, 2 * j);
        }
        if (j < pairsPerGroup) {
            pairSum(x, xo, pairs, (g * pairsPerGroup + j) * k, k, chunk, sums, 2 * j, perGroup - 2 * j);
        }
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
}
