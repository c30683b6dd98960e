package org.flexiq.workbench.serve;

import org.flexiq.workbench.AccuracyTable;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.function.LongConsumer;

/**
 * A discrete-event simulation of an inference server: requests arrive at given times, wait in a FIFO queue (dropped when it
 * is full), and are served in batches by one or several accelerators, each batch at the ratio the policy chooses when it
 * starts; a server whose ratio changes first spends the switch time. Service times are deterministic (the engine's), so a
 * batch's end is known when it starts; the policy still learns of a completion only once it has happened. One run is
 * sequential and deterministic: the same arrivals, setup and policy give the same result.
 */
public final class ServingSimulation {
    /** Completions the recent p90 is taken over. */
    static final int WINDOW = 256;
    /** Progress: every this many arrivals, the callback hears this many more. */
    static final int PROGRESS_STEP = 1 << 16;

    private final ServerSetup setup;
    private final ServiceModel service;
    private final AccuracyTable accuracy;

    public ServingSimulation(ServerSetup setup, ServiceModel service, AccuracyTable accuracy) {
        this.setup = setup;
        this.service = service;
        this.accuracy = accuracy;
        if (accuracy != null) {
            accuracy.covers(service.ratios());
        }
    }

    /** A batch that has started: the policy hears of its latencies at {@code finish}. */
    private record Pending(double finish, int[] ids) {
    }

    public ServingResult run(double[] arrivals, String arrivalsText, Policy policy, int bins, LongConsumer progress) {
        int n = arrivals.length;
        List<Double> ratios = service.ratios();
        int levels = ratios.size();
        double[] latency = new double[n];
        Arrays.fill(latency, Double.NaN);
        long[] servedAt = new long[levels];
        double[] timeAt = new double[levels];
        int servers = setup.servers();
        double[] freeAt = new double[servers];
        int[] level = new int[servers];
        double[] levelSince = new double[servers];
        boolean[] started = new boolean[servers];
        double busy = 0;
        long switches = 0;
        int capacity = setup.queueLimit() > 0 ? setup.queueLimit() : Math.max(1, n);
        int[] queue = new int[capacity];
        int head = 0;
        int size = 0;
        long dropped = 0;
        RecentLatencies recent = new RecentLatencies(WINDOW);
        long completed = 0;
        PriorityQueue<Pending> pending = new PriorityQueue<>((a, b) -> Double.compare(a.finish(), b.finish()));
        double span = n == 0 ? 1 : Math.max(arrivals[n - 1], 1e-9);
        int nb = Math.max(1, bins);
        double binWidth = span / nb;
        int[] binQueue = new int[nb];
        double[] binRatioSum = new double[nb];
        long[] binStarted = new long[nb];
        ServerView.FutureArrivals future = (from, to) -> upperBound(arrivals, to) - upperBound(arrivals, from);
        int batch = setup.batch();
        List<Double> choices = service.worthChoosing(batch);
        int next = 0;
        double now = 0;
        double lastFinish = 0;
        while (true) {
            while (next < n && arrivals[next] <= now) {
                if (size == capacity) {
                    dropped++;
                } else {
                    queue[(head + size) % capacity] = next;
                    size++;
                }
                next++;
                if (progress != null && next % PROGRESS_STEP == 0) {
                    progress.accept(PROGRESS_STEP);
                }
            }
            // completions the policy may know of by now
            while (!pending.isEmpty() && pending.peek().finish() <= now) {
                Pending p = pending.poll();
                for (int id : p.ids()) {
                    recent.add(latency[id]);
                }
                completed += p.ids().length;
            }
            int bin = Math.min(nb - 1, (int) (now / binWidth));
            binQueue[bin] = Math.max(binQueue[bin], size);
            boolean flushing = next == n;
            for (int s = 0; s < servers && size > 0; s++) {
                if (freeAt[s] > now) {
                    continue;
                }
                boolean ready = size >= batch || flushing
                        || !setup.fixedBatch() && now - arrivals[queue[head]] >= setup.timeout();
                if (!ready) {
                    break;
                }
                int k = Math.min(size, batch);
                ServerView view = new ServerView(now, size, now - arrivals[queue[head]], ratios.get(level[s]), recent, completed, batch, servers,
                        service, future, choices);
                int chosen = indexOf(ratios, policy.choose(view), policy);
                double start = now;
                if (!started[s]) {
                    started[s] = true;
                    level[s] = chosen;
                    levelSince[s] = now;
                } else if (chosen != level[s]) {
                    timeAt[level[s]] += now - levelSince[s];
                    level[s] = chosen;
                    levelSince[s] = now;
                    start += service.switchSeconds();
                    switches++;
                }
                double finish = start + service.seconds(ratios.get(chosen), k);
                int[] ids = new int[k];
                for (int j = 0; j < k; j++) {
                    int id = queue[head];
                    head = (head + 1) % capacity;
                    ids[j] = id;
                    latency[id] = finish - arrivals[id];
                }
                size -= k;
                servedAt[chosen] += k;
                busy += finish - now;
                freeAt[s] = finish;
                lastFinish = Math.max(lastFinish, finish);
                pending.add(new Pending(finish, ids));
                binRatioSum[bin] += (double) k * ratios.get(chosen);
                binStarted[bin] += k;
            }
            double t = Double.POSITIVE_INFINITY;
            if (next < n) {
                t = arrivals[next];
            }
            if (size > 0) {
                double earliest = Double.POSITIVE_INFINITY;
                for (double f : freeAt) {
                    earliest = Math.min(earliest, Math.max(f, now));
                }
                if (earliest > now) {
                    t = Math.min(t, earliest);
                } else if (!setup.fixedBatch() && size < batch && !flushing) {
                    t = Math.min(t, arrivals[queue[head]] + setup.timeout());
                }
            }
            if (!pending.isEmpty()) {
                t = Math.min(t, Math.max(pending.peek().finish(), now));
            }
            if (t == Double.POSITIVE_INFINITY) {
                break;
            }
            now = t > now ? t : Math.nextUp(now);
        }
        double end = Math.max(lastFinish, span);
        for (int s = 0; s < servers; s++) {
            if (started[s]) {
                timeAt[level[s]] += end - levelSince[s];
            }
        }
        return result(arrivals, arrivalsText, policy, latency, servedAt, timeAt, dropped, switches, busy, end, binWidth, binQueue, binRatioSum,
                binStarted);
    }

    private ServingResult result(double[] arrivals, String arrivalsText, Policy policy, double[] latency, long[] servedAt, double[] timeAt,
                                 long dropped, long switches, double busy, double end, double binWidth, int[] binQueue, double[] binRatioSum,
                                 long[] binStarted) {
        int n = arrivals.length;
        double[] served = Arrays.stream(latency).filter(v -> !Double.isNaN(v)).toArray();
        double[] sorted = served.clone();
        Arrays.sort(sorted);
        long total = served.length;
        List<Double> ratios = service.ratios();
        Map<Double, Double> requestShare = new LinkedHashMap<>();
        Map<Double, Double> timeShare = new LinkedHashMap<>();
        double timeTotal = Arrays.stream(timeAt).sum();
        Double acc = accuracy == null || total == 0 ? null : 0.0;
        for (int i = 0; i < ratios.size(); i++) {
            requestShare.put(ratios.get(i), total == 0 ? 0 : (double) servedAt[i] / total);
            timeShare.put(ratios.get(i), timeTotal == 0 ? 0 : timeAt[i] / timeTotal);
            if (acc != null) {
                acc += servedAt[i] * accuracy.at(ratios.get(i)) / total;
            }
        }
        long violations = 0;
        if (setup.slo() > 0) {
            for (double v : served) {
                if (v > setup.slo()) {
                    violations++;
                }
            }
        }
        List<ServingResult.Bin> series = new ArrayList<>();
        int from = 0;
        for (int b = 0; b < binQueue.length; b++) {
            double binEnd = b == binQueue.length - 1 ? Double.POSITIVE_INFINITY : (b + 1) * binWidth;
            int to = from;
            while (to < n && arrivals[to] < binEnd) {
                to++;
            }
            double[] lat = Arrays.stream(latency, from, to).filter(v -> !Double.isNaN(v)).toArray();
            Arrays.sort(lat);
            series.add(new ServingResult.Bin(b * binWidth, (to - from) / binWidth, binStarted[b] == 0 ? Double.NaN : binRatioSum[b] / binStarted[b],
                    binQueue[b], lat.length == 0 ? Double.NaN : nearestRank(lat, 0.90)));
            from = to;
        }
        double mean = total == 0 ? Double.NaN : Arrays.stream(served).sum() / total;
        return new ServingResult(policy.id(), arrivalsText, service.describe(), setup, n, total, dropped, end, total / end, mean,
                total == 0 ? Double.NaN : nearestRank(sorted, 0.50), total == 0 ? Double.NaN : nearestRank(sorted, 0.90),
                total == 0 ? Double.NaN : nearestRank(sorted, 0.99), total == 0 ? Double.NaN : sorted[sorted.length - 1], violations, acc,
                requestShare, timeShare, switches, busy / (end * setup.servers()), series);
    }

    private static int indexOf(List<Double> ratios, double r, Policy policy) {
        for (int i = 0; i < ratios.size(); i++) {
            if (Math.abs(ratios.get(i) - r) < 1e-9) {
                return i;
            }
        }
        throw new org.flexiq.workbench.BadInputException("--policy " + policy.id() + ": ratio " + org.flexiq.reports.SweepPoint.ratioText(r) + " is not one the model stores (or the server runs) "
                + ratios.stream().map(org.flexiq.reports.SweepPoint::ratioText).toList());
    }

    /** The index of the first arrival after t. */
    static int upperBound(double[] a, double t) {
        int lo = 0;
        int hi = a.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (a[mid] <= t) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Nearest-rank percentile of an unsorted sample (sorted in place). */
    static double percentile(double[] v, double q) {
        Arrays.sort(v);
        return nearestRank(v, q);
    }

    static double nearestRank(double[] sorted, double q) {
        int rank = (int) Math.ceil(q * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
    }
}
