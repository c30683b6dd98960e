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
     * v - reconstruct(v, p) for every int8 v (at v + 128) and shift p: the weight search looks each weight up at every shift,
     * and computing it there was a quarter of a zoo model's equivalence check.
     */
    private static final int[][] LOWERING_ERROR = new int[ShiftProfile.SHIFTS][256];

    static {
        for (int p = 0; p < ShiftProfile.SHIFTS; p++) {
            for (int v = -128; v < 128; v++) {
                LOWERING_ERROR[p][v + 128] = v - FourBit.reconstruct(v, p);
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
        for (int o = 0; o < w.outChannels(); o++) {
            for (int k = 0; k < firstGroups; k++) {
                int m = 0;
                java.util.Arrays.fill(err, 0);
                for (int i = k * groupWidth; i < (k + 1) * groupWidth; i++) {
                    int c = site.order()[i];
                    int base = o * per + c * w.taps();
                    // a channel calibration never saw nonzero still counts a little, so its weights are not ignored
                    double x2 = mse ? site.profile().meanSquare()[c] + 1e-3 : 0;
                    for (int t = 0; t < w.taps(); t++) {
                        int v = w.weight()[base + t];
                        m = Math.max(m, Math.abs(v));
                        if (mse) {
                            for (int p = 0; p < err.length; p++) {
                                double d = v >= -128 && v < 128 ? LOWERING_ERROR[p][v + 128] : v - FourBit.reconstruct(v, p);
                                err[p] += x2 * d * d;
                            }
                        }
                    }
                }
                shifts[o * groups + k] = e == Extraction.NAIVE ? NAIVE_SHIFT : mse ? argmin(err, FourBit.effectiveShift(m)) : FourBit.effectiveShift(m);
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
