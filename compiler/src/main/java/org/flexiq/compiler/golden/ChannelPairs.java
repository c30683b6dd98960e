package org.flexiq.compiler.golden;

/**
 * A matrix product's weights with two output channels in one long: {@code w[c] + w[c + 1] x 2^32} for the even
 * channel c of each pair, so that one 64-bit multiply by an activation adds both channels' products. Output
 * channels are split into {@code groups} equal runs of {@code perGroup} (a grouped convolution's groups; 1
 * otherwise); the pairs of group g are rows {@code g * pairsPerGroup() ..} of k longs, and a group with an odd
 * channel count has zero weights in its last pair's upper half.
 *
 * <p>A sum of such products is {@code A + B x 2^32}, A and B the two channels' sums. While |A| < 2^31 the low
 * 32 bits are A and the rest is B exactly; {@link #chunk} says over how many terms that holds for operands this
 * large, so the kernels split longer sums and add the parts as ints, wrapping as the plain int loop does.
 *
 * @param maxAbs the largest weight magnitude
 */
record ChannelPairs(long[] pairs, int groups, int perGroup, int k, int maxAbs) {

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

    /**
     * The most terms whose sum of products keeps |A| below 2^31 when no activation exceeds {@code maxAbsX}: a
     * whole row when operands are int8 codes (k below 2^17). Throws if a single product could not fit (operands
     * far beyond the 8-bit codes and 4-bit values the executor multiplies).
     */
    int chunk(int maxAbsX) {
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

    /** The largest magnitude in x. */
    static int maxAbs(long[] x) {
        long m = 0;
        for (long v : x) {
            m = Math.max(m, Math.abs(v));
        }
        return (int) Math.min(Integer.MAX_VALUE, m);
    }
}
