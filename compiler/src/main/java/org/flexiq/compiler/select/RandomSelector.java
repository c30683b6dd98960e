package org.flexiq.compiler.select;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/** A seeded random order of each site's groups: the baseline selection. */
final class RandomSelector implements ChannelSelector {
    private final long seed;

    RandomSelector(long seed) {
        this.seed = seed;
    }

    @Override
    public List<int[]> groupOrders(List<SiteGroups> sites, List<Double> ratios, int[][] counts) {
        SplittableRandom rng = new SplittableRandom(seed);
        List<int[]> orders = new ArrayList<>();
        for (SiteGroups s : sites) {
            int[] o = new int[s.count()];
            for (int i = 0; i < o.length; i++) {
                o[i] = i;
            }
            for (int i = o.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = o[i];
                o[i] = o[j];
                o[j] = t;
            }
            orders.add(o);
        }
        return orders;
    }
}
