package org.flexiq.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** RunStats from a timed inference: layer windows, their activity breakdown and the work their ops did. */
final class Statistics {
    private Statistics() {
    }

    /**
     * @param layerEnd  per layer, the latest finish of its ops
     * @param from      when the inference began (the previous one's end)
     * @param intervals {start, end, activity ordinal} of execute-unit activity
     */
    static RunStats of(String engine, NpuConfig config, String profile, List<String> names, List<TimedOp> ops, long[] layerEnd, long from,
                       List<long[]> intervals) {
        int n = names.size();
        long[] windowEnd = new long[n];
        long e = from;
        for (int l = 0; l < n; l++) {
            e = Math.max(e, layerEnd[l]);
            windowEnd[l] = e;
        }
        long[][] work = new long[n][5];
        for (TimedOp op : ops) {
            long[] w = work[op.layer];
            w[0] += op.int8Macs;
            w[1] += op.int4Macs;
            w[2] += op.dmaBytes;
            w[3] += op.macSlots;
            w[4] += op.folds;
        }
        List<Map<Activity, Long>> breakdown = Breakdown.perWindow(intervals, from, windowEnd);
        List<LayerStats> layers = new ArrayList<>();
        long prev = from;
        for (int l = 0; l < n; l++) {
            long[] w = work[l];
            layers.add(new LayerStats(names.get(l), windowEnd[l] - prev, breakdown.get(l), w[0], w[1], w[2], w[3], w[4]));
            prev = windowEnd[l];
        }
        return new RunStats(engine, config, profile, prev - from, layers);
    }
}
