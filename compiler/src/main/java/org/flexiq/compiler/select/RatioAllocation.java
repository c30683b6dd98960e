package org.flexiq.compiler.select;

import java.util.List;

/**
 * How many of each site's groups are 4-bit at each stored ratio ({@link ChannelSelection.Budget}). The counts
 * never fall as the ratio grows, so the selections nest.
 */
final class RatioAllocation {
    private RatioAllocation() {
    }

    /** counts[site][ratio], in groups. */
    static int[][] counts(List<SiteGroups> sites, List<Double> ratios, ChannelSelection.Budget budget) {
        int[][] counts = new int[sites.size()][ratios.size()];
        if (budget == ChannelSelection.Budget.LAYER) {
            for (int i = 0; i < sites.size(); i++) {
                for (int r = 0; r < ratios.size(); r++) {
                    counts[i][r] = sites.get(i).groupsAt(ratios.get(r));
                }
            }
            return counts;
        }
        // model-wide: merge the sites' greedy orders by error score per MAC, cheapest next group first; each ratio
        // takes the shortest prefix of that sequence holding its share of the MACs
        int n = sites.size();
        int[][] order = new int[n][];
        long total = 0;
        for (int i = 0; i < n; i++) {
            order[i] = sites.get(i).byScore();
            total += sites.get(i).macsPerGroup * sites.get(i).count();
        }
        int[] taken = new int[n];
        long macs = 0;
        for (int r = 0; r < ratios.size(); r++) {
            double target = ratios.get(r) * total;
            while (macs < target - 1e-9 * total) {
                int best = -1;
                double bestCost = Double.POSITIVE_INFINITY;
                for (int i = 0; i < n; i++) {
                    SiteGroups s = sites.get(i);
                    if (taken[i] < s.count()) {
                        double cost = s.score[order[i][taken[i]]] / Math.max(1, s.macsPerGroup);
                        if (cost < bestCost) {
                            bestCost = cost;
                            best = i;
                        }
                    }
                }
                if (best < 0) {
                    break;
                }
                macs += sites.get(best).macsPerGroup;
                taken[best]++;
            }
            for (int i = 0; i < n; i++) {
                counts[i][r] = taken[i];
            }
        }
        return counts;
    }
}
