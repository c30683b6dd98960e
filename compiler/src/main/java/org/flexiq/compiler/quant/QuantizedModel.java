package org.flexiq.compiler.quant;

import org.flexiq.workloads.ir.Graph;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An integer model: the (BatchNorm-folded) graph, one symmetric int8 scale per tensor, integer parameters
 * per node, and FlexiQ's sites with their nested channel selections at the stored ratios.
 *
 * @param ratios stored 4-bit ratios, ascending; ratio 0 (all 8-bit) is always allowed besides them
 */
public record QuantizedModel(Graph graph, Map<String, Double> scales, Map<String, NodeQuant> nodes,
                             Map<String, Site> sites, int groupWidth, List<Double> ratios, Map<String, String> metadata) {
    /** Two ratios closer than this are the same ratio (they come from decimal text). */
    public static final double RATIO_TOLERANCE = 1e-9;

    public QuantizedModel {
        scales = Map.copyOf(scales);
        nodes = Map.copyOf(nodes);
        sites = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(sites));
        ratios = List.copyOf(ratios);
        metadata = Map.copyOf(metadata);
        for (int i = 1; i < ratios.size(); i++) {
            if (ratios.get(i) <= ratios.get(i - 1)) {
                throw new IllegalArgumentException("stored ratios must ascend: " + ratios);
            }
        }
    }

    public double scale(String tensor) {
        Double s = scales.get(tensor);
        if (s == null) {
            throw new IllegalStateException("no scale for tensor '" + tensor + "'");
        }
        return s;
    }

    /** The site a Conv2d/Linear node reads, or null when the node always computes in 8 bits. */
    public Site siteOf(String node) {
        for (Site s : sites.values()) {
            if (s.consumers().contains(node)) {
                return s;
            }
        }
        return null;
    }

    /** Index of {@code ratio} in the stored ratios, -1 for ratio 0 when it is not stored; a clear error otherwise. */
    public int ratioIndex(double ratio) {
        for (int i = 0; i < ratios.size(); i++) {
            if (Math.abs(ratios.get(i) - ratio) < RATIO_TOLERANCE) {
                return i;
            }
        }
        if (Math.abs(ratio) < RATIO_TOLERANCE) {
            return -1;
        }
        throw new IllegalArgumentException(String.format(Locale.ROOT,
                "ratio %s is not stored in this model; stored: 0 (always) and %s", ratio, ratios));
    }

    /** 4-bit channels of a site at a ratio. */
    public int fourBitChannels(Site site, double ratio) {
        int i = ratioIndex(ratio);
        return i < 0 ? 0 : site.fourBitChannels()[i];
    }

    public QuantizedModel withSites(Map<String, Site> newSites, List<Double> newRatios) {
        return new QuantizedModel(graph, scales, nodes, newSites, groupWidth, newRatios, metadata);
    }

    public QuantizedModel withNodes(Map<String, NodeQuant> newNodes) {
        return new QuantizedModel(graph, scales, newNodes, sites, groupWidth, ratios, metadata);
    }

    public QuantizedModel withMetadata(Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(metadata);
        m.putAll(extra);
        return new QuantizedModel(graph, scales, nodes, sites, groupWidth, ratios, m);
    }
}
