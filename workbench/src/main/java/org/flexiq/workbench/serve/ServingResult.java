package org.flexiq.workbench.serve;

import java.util.List;
import java.util.Map;

/**
 * One serving run. Latencies are from arrival to the end of the request's batch, in seconds.
 *
 * @param accuracy       top-1 averaged over the served requests, each at its batch's ratio (null without an accuracy table)
 * @param requestShare   the share of served requests at each ratio
 * @param timeShare      the share of server time set to each ratio
 * @param utilization    the share of server time spent serving (switches included)
 */
public record ServingResult(String policy, String arrivals, String service, ServerSetup setup, long requests, long served, long dropped,
                            double seconds, double throughput, double meanLatency, double p50, double p90, double p99, double maxLatency,
                            long sloViolations, Double accuracy, Map<Double, Double> requestShare, Map<Double, Double> timeShare, long switches,
                            double utilization, List<Bin> series) {
    /**
     * One interval of the time series.
     *
     * @param rate      arrivals per second
     * @param ratio     mean ratio of the requests started in the interval (NaN when none started)
     * @param queue     longest queue seen in the interval
     * @param p90       p90 latency of the requests that arrived in the interval (NaN when none was served)
     */
    public record Bin(double start, double rate, double ratio, int queue, double p90) {
    }
}
