package org.flexiq.compiler.select;

import java.util.List;

/**
 * How many of each site's groups are 4-bit at each stored ratio ({@link ChannelSelection.Budget}). The counts
 * never fall as the ratio grows, so the selections nest. A model-wide budget merges the sites' greedy orders,
 * cheapest next group per MAC first, and gives each ratio the shortest prefix holding its share of the MACs.
 */
final class RatioAllocation {
    private RatioAllocation() {
    }

    /**
     * counts[site][ratio], in groups. A model-wide budget ranks each site's next group by {@code cost[site][k]} (the
     * cost of its k-th group in greedy order) per MAC; {@link #scoreCosts} or {@link #measuredCosts} give it.
     */
    static int[][] counts(List<SiteGroups> sites, List<Double> ratios, ChannelSelection.Budget budget, double[][] cost) {
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
                        double c = cost[i][taken[i]] / Math.max(1, s.macsPerGroup);
                        if (c < bestCost) {
                            bestCost = c;
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

    /** The groups' error scores (the consumers' expected output error), in greedy order: no data needed. */
    static double[][] scoreCosts(List<SiteGroups> sites) {
        double[][] cost = new double[sites.size()][];
        for (int i = 0; i < sites.size(); i++) {
            SiteGroups s = sites.get(i);
            int[] order = s.byScore();
            cost[i] = new double[order.length];
            for (int k = 0; k < order.length; k++) {
                cost[i][k] = s.score[order[k]];
            }
        }
        return cost;
    }

    /**
     * Measured costs: the fitness (the model's output distance to 8-bit on the calibration samples) with only site i's
     * first k + 1 groups 4-bit, less that with its first k; one evaluation per group of the model. Errors that
     * later layers amplify count here, which the per-layer score misses.
     */
    static double[][] measuredCosts(List<SiteGroups> sites, FitnessEvaluator evaluator, int groupWidth, double ratio) {
        int[][] order = new int[sites.size()][];
        for (int i = 0; i < sites.size(); i++) {
            order[i] = sites.get(i).byScore();
        }
        List<int[]> jobs = new java.util.ArrayList<>();
        for (int i = 0; i < sites.size(); i++) {
            for (int k = 1; k <= order[i].length; k++) {
                jobs.add(new int[]{i, k});
            }
        }
        double[] f = jobs.parallelStream().mapToDouble(job -> {
            java.util.Map<String, org.flexiq.compiler.quant.Site> m = new java.util.LinkedHashMap<>();
            for (int i = 0; i < sites.size(); i++) {
                m.put(sites.get(i).site.tensor(), sites.get(i).apply(order[i], new int[]{i == job[0] ? job[1] : 0}, groupWidth));
            }
            return evaluator.evaluate(m, ratio);
        }).toArray();
        double[][] cost = new double[sites.size()][];
        int j = 0;
        for (int i = 0; i < sites.size(); i++) {
            cost[i] = new double[order[i].length];
            double before = 0;
            for (int k = 0; k < order[i].length; k++) {
                // a group that measures no worse than free still costs a little, so that MACs decide among such groups
                cost[i][k] = Math.max(f[j] - before, 1e-12);
                before = f[j++];
            }
        }
        return cost;
    }
}
