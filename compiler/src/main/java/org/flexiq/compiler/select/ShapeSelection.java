package org.flexiq.compiler.select;

import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Quantizer;
import org.flexiq.compiler.quant.Site;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The selection of a timing-only model ({@link Quantizer#timingOnly}): each site's 4-bit channel count at each ratio
 * from its shape alone, by the rule every selector follows under a layer budget (round(ratio x groups) groups), and
 * FlexiQ's layout as {@code FlexiqLayout} leaves it. Which channels are 4-bit changes values, never cycles; how many
 * does, and so does whether a site is reordered at run time.
 */
public final class ShapeSelection {
    private ShapeSelection() {
    }

    public static QuantizedModel of(QuantizedModel timingOnly, List<Double> ratios) {
        if (!timingOnly.metadata().containsKey(Quantizer.TIMING_ONLY)) {
            throw new IllegalArgumentException(timingOnly.graph().name() + " has values: select its channels from data instead");
        }
        List<Double> sorted = ChannelSelection.checkRatios(ratios);
        int g = timingOnly.groupWidth();
        Map<String, Site> sites = new LinkedHashMap<>();
        for (Site s : timingOnly.sites().values()) {
            int[] counts = new int[sorted.size()];
            for (int r = 0; r < counts.length; r++) {
                counts[r] = SiteGroups.groupsAt(sorted.get(r), s.channels() / g) * g;
            }
            // a site whose order cannot be folded into its producer is gathered at run time by the full path's layout
            // (unless the selected order happens to be the identity, which data never gives); the gather's cost does not
            // depend on its table
            int[] gather = s.producer() == null ? Site.identity(s.channels()) : null;
            sites.put(s.tensor(), new Site(s.tensor(), s.axis(), s.channels(), s.consumers(), s.channelMax(), s.order(), counts, gather,
                    s.producer(), null, s.codes()));
        }
        return timingOnly.withSites(sites, sorted).withMetadata(Map.of("flexiq.selection.budget", ChannelSelection.Budget.LAYER.id()));
    }
}
