package org.flexiq.compiler.select;

import java.util.List;

/**
 * Picks, for each site, the order in which its candidate groups become 4-bit, nested over the ratios:
 * the groups 4-bit at a ratio are exactly the first {@code counts[site][ratio]} of the order ({@link RatioAllocation}).
 */
sealed interface ChannelSelector permits RandomSelector, GreedySelector, EvolutionarySelector {
    /** One group order per site, parallel to {@code sites}; {@code counts[site][ratio]} groups are 4-bit at each ratio. */
    List<int[]> groupOrders(List<SiteGroups> sites, List<Double> ratios, int[][] counts);
}
