package org.flexiq.compiler.golden;

import org.flexiq.isa.arith.FourBit;
import org.flexiq.compiler.quant.BitExtractor;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.NodeQuant;
import org.flexiq.compiler.quant.Site;
import org.flexiq.workloads.ir.Shape;

/**
 * One site at one ratio: which stored channels are 4-bit and in which group, and how its activations and
 * its consumers' weights become the values their 4-bit codes stand for. Since a group's partial sum is
 * shifted left by exactly (activation shift + weight shift), summing products of these values gives the
 * same int32 as the hardware's shifted partial sums.
 */
final class SiteLowering {
    private final Site site;
    private final int groupWidth;
    private final Extraction extraction;
    /** Group of each stored channel, -1 for 8-bit channels. */
    private final int[] groupOf;
    private final int fourBitGroups;
    private final int[] staticShift;

    SiteLowering(Site site, int fourBitChannels, int groupWidth, Extraction extraction) {
        this.site = site;
        this.groupWidth = groupWidth;
        this.extraction = extraction;
        this.groupOf = new int[site.channels()];
        java.util.Arrays.fill(groupOf, -1);
        for (int i = 0; i < fourBitChannels; i++) {
            groupOf[site.order()[i]] = i / groupWidth;
        }
        this.fourBitGroups = fourBitChannels / groupWidth;
        this.staticShift = BitExtractor.staticShifts(site, groupWidth, extraction);
    }

    boolean allEightBit() {
        return fourBitGroups == 0;
    }

    /**
     * The site's activations in stored channel order (gathered when the site has a run-time reorder), lowered, always
     * along contiguous memory: rows of channels for a [..., K] input, a channel's pixels for [C, H, W] (a pixel at a
     * time, striding over channels, cost a tenth of the golden executor's time).
     */
    int[] activations(byte[] produced, Shape shape) {
        int[] x = gathered(produced, shape);
        if (allEightBit()) {
            return x;
        }
        int channels = site.channels();
        int inner = (int) shape.product(site.axis() + 1, shape.rank());
        int[] shifts = activationShifts(x, shape);
        FourBit.Codes codes = site.codes();
        if (inner == 1) {
            for (int p = 0; p < x.length / channels; p++) {
                for (int c = 0; c < channels; c++) {
                    int g = groupOf[c];
                    if (g >= 0) {
                        x[p * channels + c] = codes.reconstruct(x[p * channels + c], shifts[p * fourBitGroups + g]);
                    }
                }
            }
            return x;
        }
        for (int c = 0; c < channels; c++) {
            int g = groupOf[c];
            if (g < 0) {
                continue;
            }
            for (int pix = 0; pix < inner; pix++) {
                x[c * inner + pix] = codes.reconstruct(x[c * inner + pix], shifts[pix * fourBitGroups + g]);
            }
        }
        return x;
    }

    /** The produced codes in stored channel order: gathered when the site reorders at run time. */
    int[] gathered(byte[] produced, Shape shape) {
        int channels = site.channels();
        int inner = (int) shape.product(site.axis() + 1, shape.rank());
        int[] x = new int[produced.length];
        int[] gather = site.gather();
        if (inner == 1) {
            // rows of channels: a channel at a time per row, not a one-element run per channel
            for (int base = 0; base < x.length; base += channels) {
                for (int c = 0; c < channels; c++) {
                    x[base + c] = produced[base + (gather == null ? c : gather[c])];
                }
            }
            return x;
        }
        int blocks = x.length / (channels * inner);
        for (int b = 0; b < blocks; b++) {
            for (int c = 0; c < channels; c++) {
                int dst = (b * channels + c) * inner;
                int src = (b * channels + (gather == null ? c : gather[c])) * inner;
                for (int i = 0; i < inner; i++) {
                    x[dst + i] = produced[src + i];
                }
            }
        }
        return x;
    }

    /**
     * The activation shift of each position and 4-bit group, [position * groups + group]: a position is a
     * pixel of a [C, H, W] input or a row of a [..., K] one; static extraction uses the group's calibrated
     * shift, dynamic the highest bit of the OR of the group's magnitudes at that position.
     */
    int[] activationShifts(int[] x, Shape shape) {
        int channels = site.channels();
        int inner = (int) shape.product(site.axis() + 1, shape.rank());
        int positions = x.length / channels;
        int[] shifts = new int[positions * fourBitGroups];
        if (extraction != Extraction.DYNAMIC) {
            for (int p = 0; p < positions; p++) {
                System.arraycopy(staticShift, 0, shifts, p * fourBitGroups, fourBitGroups);
            }
            return shifts;
        }
        // the OR of each (position, group)'s magnitudes, channel by channel over contiguous positions, then its shift
        for (int c = 0; c < channels; c++) {
            int g = groupOf[c];
            if (g < 0) {
                continue;
            }
            for (int p = 0; p < positions; p++) {
                shifts[p * fourBitGroups + g] |= Math.abs(x[inner == 1 ? p * channels + c : c * inner + p]);
            }
        }
        for (int i = 0; i < shifts.length; i++) {
            shifts[i] = site.codes().effectiveShift(shifts[i]);
        }
        return shifts;
    }

    int fourBitGroups() {
        return fourBitGroups;
    }

    /** The static activation shift of each 4-bit group, or null under dynamic extraction (a shift per position then). */
    int[] staticShifts() {
        return extraction == Extraction.DYNAMIC ? null : java.util.Arrays.copyOf(staticShift, fourBitGroups);
    }

    int[] groupOf() {
        return groupOf.clone();
    }

    /** Weight shifts [O * groups + group] of a consumer (always static: dynamic extraction lowers activations only). */
    int[] weightShifts(NodeQuant.Gemm q) {
        return BitExtractor.weightShifts(q, site, groupWidth, extraction);
    }

    /** int8 weights as ints, for layers that always compute in 8 bits. */
    static int[] plainWeights(NodeQuant.Gemm q) {
        int[] w = new int[q.weight().length];
        for (int i = 0; i < w.length; i++) {
            w[i] = q.weight()[i];
        }
        return w;
    }

    /** A consumer's weights [O, C, taps] with 4-bit channels replaced by the values of their 4-bit codes. */
    int[] weights(NodeQuant.Gemm q) {
        int[] w = plainWeights(q);
        if (allEightBit()) {
            return w;
        }
        int used = 0;
        for (int g : groupOf) {
            used = Math.max(used, g + 1);
        }
        int[] shifts = BitExtractor.weightShifts(q, site, groupWidth, extraction, used);
        int groups = site.channels() / groupWidth;
        int per = q.inChannels() * q.taps();
        for (int o = 0; o < q.outChannels(); o++) {
            for (int c = 0; c < q.inChannels(); c++) {
                int g = groupOf[c];
                if (g < 0) {
                    continue;
                }
                for (int t = 0; t < q.taps(); t++) {
                    int i = o * per + c * q.taps() + t;
                    w[i] = FourBit.reconstruct(w[i], shifts[o * groups + g]);
                }
            }
        }
        return w;
    }
}
