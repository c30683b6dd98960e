package org.flexiq.workbench.serve;

import java.util.Arrays;

/** The latencies of the last completed requests, a ring of fixed size, and their p90, computed only when asked and changed. */
public final class RecentLatencies {
    private final double[] ring;
    private int size;
    private int next;
    private long version;
    private long p90Version = -1;
    private double p90 = Double.NaN;

    RecentLatencies(int capacity) {
        ring = new double[capacity];
    }

    void add(double latency) {
        ring[next] = latency;
        next = (next + 1) % ring.length;
        size = Math.min(ring.length, size + 1);
        version++;
    }

    /** Nearest-rank p90 of the ring (NaN while empty). */
    public double p90() {
        if (p90Version != version) {
            p90 = size == 0 ? Double.NaN : ServingSimulation.percentile(Arrays.copyOf(ring, size), 0.90);
            p90Version = version;
        }
        return p90;
    }
}
