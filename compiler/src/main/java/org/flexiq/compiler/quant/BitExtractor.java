package org.flexiq.compiler.quant;

import org.flexiq.isa.arith.FourBit;

/**
 * The static shifts of FlexiQ's 8 to 4 bit extraction, per activation group and per (output channel,
 * group) of weights, from calibration and the int8 weights. The code arithmetic is {@link FourBit}'s.
 *
 * <p>Two rules. {@link Extraction#STATIC_MAX} starts each group at the highest bit of its largest calibrated
 * magnitude: nothing saturates on the calibration data, but a group whose max is an outlier rounds its typical
 * values to zero. {@link Extraction#STATIC} (and the weights of {@link Extraction#DYNAMIC}) takes, among the
 * shifts 0..{@link ShiftProfile#MAX_SHIFT}, the one with the least expected squared error over the calibrated
 * code distribution, rounding and saturation both counted; weights are weighted by the mean square of the
 * activation channel that multiplies them. A tie keeps the max rule's shift. Sites without a profile (files
 * written before it) use the max rule.
 */
public final class BitExtractor {
    /** The shift that keeps the top 4 bits of an int8 code. */
    public static final int NAIVE_SHIFT = 4;
    /**
     * v - reconstruct(v, p) for every int8 v and shift p, at (v + 128) x SHIFTS + p: the weight search looks each weight up at
     * every shift, and computing it there was a quarter of a zoo model's equivalence check. A weight's five errors lie side by
     * side.
     */
    private static final double[] LOWERING_ERROR = new double[256 * ShiftProfile.SHIFTS];

    static {
        // weightShifts keeps one sum per shift in a local of its own (five): more shifts need more there
        if (ShiftProfile.SHIFTS != 5) {
            throw new ExceptionInInitializerError("BitExtractor.weightShifts sums five shifts, ShiftProfile has " + ShiftProfile.SHIFTS);
        }
        for (int v = -128; v < 128; v++) {
            for (int p = 0; p < ShiftProfile.SHIFTS; p++) {
                LOWERING_ERROR[(v + 128) * ShiftProfile.SHIFTS + p] = v - FourBit.reconstruct(v, p);
            }
        }
    }

    private BitExtractor() {
    }

    private static boolean minimizesError(Site site, Extraction e) {
        return site.profile() != null && (e == Extraction.STATIC || e == Extraction.DYNAMIC);
    }

    /**
     * Static activation shifts of a site's 4-bit groups: group k holds channels order[kG .. (k+1)G). {@link Extraction#STATIC}
     * takes a site's {@link Site#judgedShift judged shifts} where it has them, for the groups 4-bit at some stored ratio; the
     * others (all of them in an int8 model, whose order is not yet a selection) follow the profile.
     */
    public static int[] staticShifts(Site site, int groupWidth, Extraction e) {
        int[] shifts = ruleShifts(site, groupWidth, e);
        if (e == Extraction.STATIC && site.judgedShift() != null) {
            int fourBit = java.util.Arrays.stream(site.fourBitChannels()).max().orElse(0) / groupWidth;
            for (int k = 0; k < fourBit; k++) {
                shifts[k] = site.judgedShift()[site.order()[k * groupWidth]];
                for (int i = k * groupWidth; i < (k + 1) * groupWidth; i++) {
                    if (site.judgedShift()[site.order()[i]] != shifts[k]) {
                        throw new IllegalArgumentException(site.tensor() + ": 4-bit group " + k + " holds channels of different judged shifts ("
                                + shifts[k] + " and " + site.judgedShift()[site.order()[i]] + "): they must be the same per group of " + groupWidth);
                    }
                }
            }
        }
        return shifts;
    }

    /** The static shifts by {@code e}'s rule from the profile or the calibrated max. */
    private static int[] ruleShifts(Site site, int groupWidth, Extraction e) {
        int groups = site.channels() / groupWidth;
        int[] shifts = new int[groups];
        boolean mse = minimizesError(site, e);
        double[] err = new double[ShiftProfile.SHIFTS];
        for (int k = 0; k < groups; k++) {
            int m = 0;
            java.util.Arrays.fill(err, 0);
            for (int i = k * groupWidth; i < (k + 1) * groupWidth; i++) {
                int c = site.order()[i];
                m = Math.max(m, site.channelMax()[c]);
                if (mse) {
                    for (int p = 0; p < err.length; p++) {
                        err[p] += site.profile().error(c, p);
                    }
                }
            }
            int max = site.codes().effectiveShift(m);
            shifts[k] = e == Extraction.NAIVE ? NAIVE_SHIFT : mse ? argmin(err, max) : max;
        }
        return shifts;
    }

    /** Weight shift of (output channel o, group k), [o * groups + k], from o's int8 weights over the group's channels and taps. */
    public static int[] weightShifts(NodeQuant.Gemm w, Site site, int groupWidth, Extraction e) {
        return weightShifts(w, site, groupWidth, e, site.channels() / groupWidth);
    }

    /**
     * The same array with only the first {@code firstGroups} groups' shifts found (the 4-bit groups at a ratio; the
     * rest are left 0): each shift depends on its own group's weights only, and the search over shifts is most of
     * the cost of building an executor at a low ratio.
     */
    public static int[] weightShifts(NodeQuant.Gemm w, Site site, int groupWidth, Extraction e, int firstGroups) {
        int groups = site.channels() / groupWidth;
        int[] shifts = new int[w.outChannels() * groups];
        int per = w.inChannels() * w.taps();
        boolean mse = minimizesError(site, e);
        double[] err = new double[ShiftProfile.SHIFTS];
        byte[] weight = w.weight();
        for (int o = 0; o < w.outChannels(); o++) {
            for (int k = 0; k < firstGroups; k++) {
                int m = 0;
                // one sum per shift, in locals rather than an array: the same terms in the same order (the same doubles), with
                // the sums in registers; this search ran at 75 cycles a weight and was a quarter of the zoo equivalence tests
                double e0 = 0;
                double e1 = 0;
                double e2 = 0;
                double e3 = 0;
                double e4 = 0;
                for (int i = k * groupWidth; i < (k + 1) * groupWidth; i++) {
                    int c = site.order()[i];
                    int base = o * per + c * w.taps();
                    if (!mse) {
                        for (int t = 0; t < w.taps(); t++) {
                            m = Math.max(m, Math.abs(weight[base + t]));
                        }
                        continue;
                    }
                    // a channel calibration never saw nonzero still counts a little, so its weights are not ignored
                    double x2 = site.profile().meanSquare()[c] + 1e-3;
                    for (int t = 0; t < w.taps(); t++) {
                        int v = weight[base + t];
                        m = Math.max(m, Math.abs(v));
                        int at = (v + 128) * ShiftProfile.SHIFTS;
                        double d0 = LOWERING_ERROR[at];
                        double d1 = LOWERING_ERROR[at + 1];
                        double d2 = LOWERING_ERROR[at + 2];
                        double d3 = LOWERING_ERROR[at + 3];
                        double d4 = LOWERING_ERROR[at + 4];
                        e0 += x2 * d0 * d0;
                        e1 += x2 * d1 * d1;
                        e2 += x2 * d2 * d2;
                        e3 += x2 * d3 * d3;
                        e4 += x2 * d4 * d4;
                    }
                }
                int shift;
                if (e == Extraction.NAIVE) {
                    shift = NAIVE_SHIFT;
                } else if (mse) {
                    err[0] = e0;
                    err[1] = e1;
                    err[2] = e2;
                    err[3] = e3;
                    err[4] = e4;
                    shift = argmin(err, FourBit.effectiveShift(m));
                } else {
                    shift = FourBit.effectiveShift(m);
                }
                shifts[o * groups + k] = shift;
            }
        }
        return shifts;
    }

    /** The shift of least error; {@code fallback} (the max rule's) unless another is strictly better. */
    private static int argmin(double[] err, int fallback) {
        int best = fallback;
        for (int p = 0; p < err.length; p++) {
            if (err[p] < err[best] * (1 - 1e-9)) {
                best = p;
            }
        }
        return best;
    }
}
