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
     * @param spans     execute-unit activity
     * @param start     per op, when it started (preloads and computes are read)
     * @param finish    per op, when it finished
     * @param events    per layer, the planner's event counts
     */
    static RunStats of(String engine, NpuConfig config, String profile, List<String> names, List<TimedOp> ops, long[] layerEnd, long from,
                       ActivitySpans spans, long[] start, long[] finish, List<long[]> events) {
        int n = names.size();
        long[] windowEnd = new long[n];
        long e = from;
        for (int l = 0; l < n; l++) {
            e = Math.max(e, layerEnd[l]);
            windowEnd[l] = e;
        }
        long[][] work = new long[n][6];
        // per layer: mapping efficiency's sum and compensation, compute utilization's sum and compensation
        double[][] perFold = new double[n][4];
        long[] busyFrom = new long[n];
        long[] busyTo = new long[n];
        int r = config.arrayRows();
        int c = config.arrayCols();
        for (int i = 0; i < ops.size(); i++) {
            TimedOp op = ops.get(i);
            long[] w = work[op.layer];
            w[0] += op.int8Macs;
            w[1] += op.int4Macs;
            w[2] += op.dmaBytes;
            w[3] += op.macSlots;
            w[4] += op.folds;
            if (op.kind == TimedOp.Kind.COMPUTE) {
                // SCALE-Sim's per-fold figures (systolic_compute_ws): PE-equivalents used over R C, and the
                // same over the cycles its demand matrices give a fold, 2R + 2C + M - 3
                // same, computed as SCALE-Sim computes them (one division of exact integers each), so that the figures agree
                // to the last bit on 8-bit folds
                double macs = op.int8Macs + op.int4Macs / 2.0;
                addCompensated(perFold[op.layer], 0, macs / op.occupancy / ((double) r * c));
                addCompensated(perFold[op.layer], 2, macs / ((double) r * c * (2L * r + 2L * c + op.occupancy - 3)));
            }
            if (op.kind == TimedOp.Kind.COMPUTE || op.kind == TimedOp.Kind.PRELOAD) {
                // array ops start in program order: the union of their spans grows at its end
                long s = start[i];
                long f = finish[i];
                if (f > s) {
                    if (s >= busyTo[op.layer]) {
                        w[5] += busyTo[op.layer] - busyFrom[op.layer];
                        busyFrom[op.layer] = s;
                        busyTo[op.layer] = f;
                    } else {
                        busyTo[op.layer] = Math.max(busyTo[op.layer], f);
                    }
                }
            }
        }
        List<Map<Activity, Long>> breakdown = Breakdown.perWindow(spans, from, windowEnd);
        List<LayerStats> layers = new ArrayList<>();
        long prev = from;
        for (int l = 0; l < n; l++) {
            long[] w = work[l];
            long arrayCycles = w[5] + busyTo[l] - busyFrom[l];
            double folds = Math.max(1, w[4]);
            layers.add(new LayerStats(names.get(l), windowEnd[l] - prev, breakdown.get(l), w[0], w[1], w[2], w[3], w[4], arrayCycles,
                    (perFold[l][0] + perFold[l][1]) / folds, (perFold[l][2] + perFold[l][3]) / folds, EventCounts.of(events.get(l))));
            prev = windowEnd[l];
        }
        return new RunStats(engine, config, profile, prev - from, layers);
    }

    /**
     * Adds x to the sum at {@code a[i]} with its compensation at {@code a[i + 1]} (Neumaier's algorithm, which Python's
     * sum() of floats uses since 3.12): SCALE-Sim's averages over folds come out to the last bit.
     */
    private static void addCompensated(double[] a, int i, double x) {
        double s = a[i];
        double t = s + x;
        a[i + 1] += Math.abs(s) >= Math.abs(x) ? (s - t) + x : (x - t) + s;
        a[i] = t;
    }
}
