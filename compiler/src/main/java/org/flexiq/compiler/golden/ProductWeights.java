package org.flexiq.compiler.golden;

/**
 * A matrix product's weights [groups x perGroup, k], output channels split into {@code groups} equal runs (a grouped
 * convolution's groups; 1 otherwise), laid out for one {@link InnerProduct} (the executor's: {@link InnerProduct#host}).
 * Made once per executor (per batch for MatMul); read by every sample from any thread.
 *
 * <p>Each layout multiplies activations of its own element type ({@code long[]} for paired longs, {@code int[]} for int
 * rows and position lanes): callers turn a layer's input into {@link #operands} once, and gather receptive fields into a {@link #row} with
 * {@code System.arraycopy}, which copies either type, so that the inner product never converts an element.
 */
sealed interface ProductWeights permits ChannelPairs, ChannelRows, PositionLanes {

    /** Weights [groups x perGroup, k], channel-major, as ints. */
    static ProductWeights of(int[] w, int groups, int perGroup, int k, InnerProduct layout) {
        return switch (layout) {
            case PAIRED_LONGS -> ChannelPairs.of(w, groups, perGroup, k);
            case INT_ROWS -> new ChannelRows(w, groups, perGroup, k);
            case POSITION_LANES -> new PositionLanes(new ChannelRows(w, groups, perGroup, k));
        };
    }

    int groups();

    int perGroup();

    int k();

    /** Weight i of output channel c (0 .. groups x perGroup). */
    int weight(int c, int i);

    /**
     * How many terms one sum may take when no activation exceeds {@code maxAbsX} (sums of more are taken in parts that
     * add as ints, wrapping as the plain loop does); throws where the layout cannot multiply such operands exactly.
     */
    int chunk(int maxAbsX);

    /** Activations x as the array this layout multiplies (x itself, or a copy). */
    Object operands(int[] x);

    /** An empty array of n activations of this layout's type. */
    Object row(int n);

    /**
     * sums[c] = x[xo .. xo + k) . w-row c for the perGroup output channels c of group g, the int32 sums of the plain loop,
     * wrapped alike; x from {@link #operands} or {@link #row}, {@code chunk} from {@link #chunk}, sums with room for
     * perGroup + 1 (a pair's empty upper half).
     */
    void rowSums(Object x, int xo, int g, int chunk, int[] sums);

    /** The largest magnitude in x (what {@link #chunk} is asked about). */
    static int maxAbs(int[] x) {
        long m = 0;
        for (int v : x) {
            m = Math.max(m, Math.abs((long) v));
        }
        return (int) Math.min(Integer.MAX_VALUE, m);
    }
}
