package org.flexiq.compiler.select;

import org.flexiq.isa.arith.FourBit;
import org.flexiq.compiler.quant.BitExtractor;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.NodeQuant;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Site;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The candidate 4-bit groups of one site: channels sorted by calibrated range and cut into runs of G, so
 * small-range channels share a group and keep their low bits (a group's shift follows its largest member),
 * and each group's error score: the expected squared change of its consumers' outputs, in output units,
 * when the group computes in 4 bits: the activation codes' extraction error (measured per channel on the
 * calibration data) through the weights, plus the weights' extraction error on the channel's mean square.
 */
final class SiteGroups {
    final Site site;
    /** groups[k] = the channels of group k. */
    final int[][] groups;
    final double[] score;
    /** MACs one group's channels take part in, over the site's consumers (a model-wide budget counts these). */
    final long macsPerGroup;

    private SiteGroups(Site site, int[][] groups, double[] score, long macsPerGroup) {
        this.site = site;
        this.groups = groups;
        this.score = score;
        this.macsPerGroup = macsPerGroup;
    }

    static List<SiteGroups> of(QuantizedModel m, Extraction extraction) {
        List<SiteGroups> all = new ArrayList<>();
        int gw = m.groupWidth();
        for (Site s : m.sites().values()) {
            Integer[] byRange = new Integer[s.channels()];
            for (int c = 0; c < byRange.length; c++) {
                byRange[c] = c;
            }
            Arrays.sort(byRange, Comparator.<Integer>comparingInt(c -> s.channelMax()[c]).thenComparingInt(c -> c));
            int[][] groups = new int[s.channels() / gw][gw];
            int[] order = new int[s.channels()];
            for (int i = 0; i < order.length; i++) {
                order[i] = byRange[i];
                groups[i / gw][i % gw] = byRange[i];
            }
            Site sorted = s.withSelection(order, s.fourBitChannels());
            int[] shifts = BitExtractor.staticShifts(sorted, gw, extraction);
            double[] score = new double[groups.length];
            long macs = 0;
            for (String consumer : s.consumers()) {
                macs += m.graph().macs(m.graph().node(consumer)) * gw / s.channels();
                NodeQuant.Gemm q = (NodeQuant.Gemm) m.nodes().get(consumer);
                int[] wShift = BitExtractor.weightShifts(q, sorted, gw, extraction);
                int per = q.inChannels() * q.taps();
                for (int o = 0; o < q.outChannels(); o++) {
                    double mult = q.requant()[o].value();
                    for (int k = 0; k < groups.length; k++) {
                        double e = 0;
                        for (int c : groups[k]) {
                            // measured on the calibrated codes where the site has a profile; else uniform rounding
                            // noise and a range-based guess of the channel's spread
                            double actNoise = s.profile() != null ? s.profile().error(c, shifts[k]) : Math.pow(4, shifts[k]) / 12;
                            double xVar = s.profile() != null ? s.profile().meanSquare()[c] : Math.pow(s.channelMax()[c] / 3.0, 2);
                            for (int t = 0; t < q.taps(); t++) {
                                int w = q.weight()[o * per + c * q.taps() + t];
                                int dw = FourBit.reconstruct(w, wShift[o * groups.length + k]) - w;
                                e += actNoise * w * w + xVar * dw * dw;
                            }
                        }
                        score[k] += mult * mult * e;
                    }
                }
            }
            all.add(new SiteGroups(s, groups, score, macs));
        }
        return all;
    }

    int count() {
        return groups.length;
    }

    /** Group indices by ascending score (ties by index): greedy's order. */
    int[] byScore() {
        Integer[] idx = new Integer[groups.length];
        for (int k = 0; k < idx.length; k++) {
            idx[k] = k;
        }
        Arrays.sort(idx, Comparator.<Integer>comparingDouble(k -> score[k]).thenComparingInt(k -> k));
        return Arrays.stream(idx).mapToInt(Integer::intValue).toArray();
    }

    /** 4-bit groups of this site at a ratio: round(ratio x groups). */
    int groupsAt(double ratio) {
        return groupsAt(ratio, groups.length);
    }

    /** 4-bit groups of a site of {@code groupCount} groups at a ratio under a layer budget: round(ratio x groups). */
    static int groupsAt(double ratio, int groupCount) {
        return (int) Math.round(ratio * groupCount);
    }

    /** The site with channels in the order of {@code groupOrder} and {@code groupCounts} 4-bit groups at the ratios. */
    Site apply(int[] groupOrder, int[] groupCounts, int groupWidth) {
        int[] order = new int[site.channels()];
        int i = 0;
        for (int k : groupOrder) {
            for (int c : groups[k]) {
                order[i++] = c;
            }
        }
        int[] counts = new int[groupCounts.length];
        for (int r = 0; r < counts.length; r++) {
            counts[r] = groupCounts[r] * groupWidth;
        }
        return site.withSelection(order, counts);
    }
}
