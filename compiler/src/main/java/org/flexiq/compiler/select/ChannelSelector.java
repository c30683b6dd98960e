package org.flexiq.compiler.select;

import java.util.List;

/**
 * Picks, for each site, the order in which its candidate groups become 4-bit, nested over the ratios:
 * the groups 4-bit at a ratio are exactly the first round(ratio x groups) of the order.
 */
sealed interface ChannelSelector permits RandomSelector, GreedySelector, EvolutionarySelector {
    /** One group order per site, parallel to {@code sites}. */
    List<int[]> groupOrders(List<SiteGroups> sites, List<Double> ratios);
}
