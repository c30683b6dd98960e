package org.flexiq.workbench.serve;

/**
 * The server: how many accelerators, how batches form and how long the queue may grow.
 *
 * @param batch        largest batch (1: no batching)
 * @param fixedBatch   wait for a full batch (the last requests go as a partial one); else start with what is queued, up to
 *                     {@code batch}, once {@code timeout} has passed since the oldest arrived (0: at once)
 * @param timeout      seconds a batch may wait to fill
 * @param queueLimit   requests that may wait; one arriving at a full queue is dropped (0: unlimited)
 * @param slo          latency target, seconds, for counting violations (0: none)
 */
public record ServerSetup(int servers, int batch, boolean fixedBatch, double timeout, int queueLimit, double slo) {
    public ServerSetup {
        if (servers < 1 || batch < 1 || timeout < 0 || queueLimit < 0 || slo < 0) {
            throw new IllegalArgumentException("servers and batch must be positive, timeout, queue limit and SLO not negative");
        }
    }
}
