package org.flexiq.compiler.quant;

/**
 * Lowering 8-bit codes to signed 4-bit ones. A 4-bit value v with shift p stands for v x 2^p; v keeps 3
 * magnitude bits, so the shift that starts at the highest used bit of a magnitude m is bitLength(m) - 3.
 * The paper's example: 29 (max below 32, 2 unused high bits) -> shift 2 -> 7 -> 28, 3.4% error; naive
 * top-4-bit extraction (shift 4) gives 2 -> 32, 10.3%.
 */
public final class BitExtractor {
    public static final int MIN4 = -8;
    public static final int MAX4 = 7;
    /** The shift that keeps the top 4 bits of an int8 code. */
    public static final int NAIVE_SHIFT = 4;

    private BitExtractor() {
    }

    /** The shift starting at the highest used bit of {@code maxMagnitude}: a max, or an OR of magnitudes (0..255). */
    public static int effectiveShift(int maxMagnitude) {
        return Math.max(0, IntArithmetic.bitLength(maxMagnitude) - 3);
    }

    /** round(x / 2^shift) saturated to [-8, 7]. */
    public static int lower(int x, int shift) {
        return IntArithmetic.saturate(IntArithmetic.roundShift(x, shift), MIN4, MAX4);
    }

    /** The value the 4-bit code stands for, in int8 units: lower(x, shift) x 2^shift. */
    public static int reconstruct(int x, int shift) {
        return lower(x, shift) << shift;
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
            shifts[k] = e == Extraction.NAIVE ? NAIVE_SHIFT : effectiveShift(m);
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
                shifts[o * groups + k] = e == Extraction.NAIVE ? NAIVE_SHIFT : effectiveShift(m);
            }
        }
        return shifts;
    }
}
