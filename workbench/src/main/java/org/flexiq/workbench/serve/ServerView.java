package org.flexiq.workbench.serve;

import java.util.List;

/**
 * What a policy sees when a server is about to start a batch.
 *
 * @param queued       requests waiting, this batch's included
 * @param oldestWait   seconds the oldest of them has waited
 * @param recent       the latencies of the last completed requests
 * @param completed    requests completed so far
 * @param future       the arrivals to come: only an oracle may look
 * @param choices      the ratios an adaptive policy steps through, ascending: {@link ServiceModel#worthChoosing} at the
 *                     server's batch size
 */
public record ServerView(double now, int queued, double oldestWait, double currentRatio, RecentLatencies recent, long completed, int batch, int servers,
                         ServiceModel service, FutureArrivals future, List<Double> choices) {

    /** p90 latency of the last completed requests (NaN before any has completed). */
    public double recentP90() {
        return recent.p90();
    }

    /** Arrivals after now, for oracle policies (the simulation's own arrival times). */
    public interface FutureArrivals {
        /** Requests arriving in (from, to]. */
        int between(double from, double to);
    }
}
