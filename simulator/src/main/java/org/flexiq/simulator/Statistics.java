package org.flexiq.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * RunStats from a timed inference: layer windows, their activity breakdown and the work their ops did. The work is
 * added op by op as each is timed ({@link #add}), so an engine that times ops as they are planned need not keep them.
 */
final class Statistics {
    private final int rows;
    private final int cols;
    /** Per layer: int8 MACs, int4 MACs, DMA bytes, MAC slots, folds, and the array's busy cycles closed so far. */
    private final long[][] work;
    /** Per layer: mapping efficiency's sum and compensation, compute utilization's sum and compensation. */
    private final double[][] perFold;
    /** Per layer, the open span of array activity (the union of array ops' spans grows at its end). */
    private final long[] busyFrom;
    private final long[] busyTo;

    /** @param layers at least the number of layers the ops name */
    Statistics(NpuConfig config, int layers) {
        rows = config.arrayRows();
        cols = config.arrayCols();
        work = new long[layers][6];
        perFold = new double[layers][4];
        busyFrom = new long[layers];
        busyTo = new long[layers];
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
        Statistics s = new Statistics(config, names.size());
        for (int i = 0; i < ops.size(); i++) {
            s.add(ops.get(i), start[i], finish[i]);
        }
        return s.stats(engine, config, profile, names, layerEnd, from, spans, events);
    }

    /** One timed op, in program order. */
    void add(TimedOp op, long start, long finish) {
        long[] w = work[op.layer];
        w[0] += op.int8Macs;
        w[1] += op.int4Macs;
        w[2] += op.dmaBytes;
        w[3] += op.macSlots;
        w[4] += op.folds;
        if (op.kind == TimedOp.Kind.COMPUTE) {
            // SCALE-Sim's per-fold figures (systolic_compute_ws): PE-equivalents used over R C, and the
            // same over the cycles its demand matrices give a fold, 2R + 2C + M - 3,
            // computed as SCALE-Sim computes them (one division of exact integers each), so that the figures agree
            // to the last bit on 8-bit folds
            double macs = op.int8Macs + op.int4Macs / 2.0;
            addCompensated(perFold[op.layer], 0, macs / op.occupancy / ((double) rows * cols));
            addCompensated(perFold[op.layer], 2, macs / ((double) rows * cols * (2L * rows + 2L * cols + op.occupancy - 3)));
        }
        if ((op.kind == TimedOp.Kind.COMPUTE || op.kind == TimedOp.Kind.PRELOAD) && finish > start) {
            // array ops start in program order: the union of their spans grows at its end
            int l = op.layer;
            if (start >= busyTo[l]) {
                w[5] += busyTo[l] - busyFrom[l];
                busyFrom[l] = start;
                busyTo[l] = finish;
            } else {
                busyTo[l] = Math.max(busyTo[l], finish);
            }
        }
    }

    /** The run's statistics from the ops added, with the layers' windows and breakdown. */
    RunStats stats(String engine, NpuConfig config, String profile, List<String> names, long[] layerEnd, long from, ActivitySpans spans,
                   List<long[]> events) {
        int n = names.size();
        long[] windowEnd = new long[n];
        long e = from;
        for (int l = 0; l < n; l++) {
            e = Math.max(e, layerEnd[l]);
            windowEnd[l] = e;
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
