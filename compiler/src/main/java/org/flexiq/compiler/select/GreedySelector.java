package org.flexiq.compiler.select;

import java.util.ArrayList;
import java.util.List;

/** Per layer, lowest error score first; nested by construction. */
final class GreedySelector implements ChannelSelector {
    @Override
    public List<int[]> groupOrders(List<SiteGroups> sites, List<Double> ratios, int[][] counts) {
        List<int[]> orders = new ArrayList<>();
        for (SiteGroups s : sites) {
            orders.add(s.byScore());
        }
        return orders;
    }
}
