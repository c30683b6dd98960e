package org.flexiq.compiler.quant;

import org.flexiq.isa.arith.FourBit;

/**
 * The static shifts of FlexiQ's 8 to 4 bit extraction, per activation group and per (output channel,
 * group) of weights, from calibration and the int8 weights. The code arithmetic is {@link FourBit}'s.
 */
public final class BitExtractor {
    /** The shift that keeps the top 4 bits of an int8 code. */
    public static final int NAIVE_SHIFT = 4;

    private BitExtractor() {
    }

    /**
     * Static activation shifts of a site's 4-bit groups: group k holds channels order[kG .. (k+1)G) and
     * its shift starts at the highest bit of the largest calibrated magnitude among them.
     */
    public static int[] staticShifts(Site site, int groupWidth, Extraction e) {
        int groups = site.channels() / groupWidth;
        int[] shifts = new int[groups];
        for (int k = 0; k < groups; k++) {
            int m = 0;
            for (int i = k * groupWidth; i < (k + 1) * groupWidth; i++) {
                m = Math.max(m, site.channelMax()[site.order()[i]]);
            }
            shifts[k] = e == Extraction.NAIVE ? NAIVE_SHIFT : FourBit.effectiveShift(m);
        }
        return shifts;
    }

    /** Weight shift of (output channel o, group k): from the largest |w| of o over the group's channels and taps. */
    public static int[] weightShifts(NodeQuant.Gemm w, Site site, int groupWidth, Extraction e) {
        int groups = site.channels() / groupWidth;
        int[] shifts = new int[w.outChannels() * groups];
        int per = w.inChannels() * w.taps();
        for (int o = 0; o < w.outChannels(); o++) {
            for (int k = 0; k < groups; k++) {
                int m = 0;
                for (int i = k * groupWidth; i < (k + 1) * groupWidth; i++) {
                    int base = o * per + site.order()[i] * w.taps();
                    for (int t = 0; t < w.taps(); t++) {
                        m = Math.max(m, Math.abs(w.weight()[base + t]));
                    }
                }
                shifts[o * groups + k] = e == Extraction.NAIVE ? NAIVE_SHIFT : FourBit.effectiveShift(m);
            }
        }
        return shifts;
    }
}
