package org.flexiq.workbench;

import org.flexiq.reports.SweepPoint;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/** Runs a sweep plan's missing points on this machine's cores, saving each unit's points as they finish. */
public final class LocalSweep {
    private LocalSweep() {
    }

    /** The points of the plan not yet in the store. */
    public static int missing(SweepPlan plan, SweepStore store) {
        int todo = 0;
        for (SweepUnit u : plan.units()) {
            for (double r : plan.ratios()) {
                todo += store.has(u, r) ? 0 : 1;
            }
        }
        return todo;
    }

    /**
     * @param progress told how many points each finished unit added
     */
    public static void run(SweepPlan plan, SweepPointRunner runner, SweepStore store, int threads, IntConsumer progress) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads));
        try {
            List<Future<?>> jobs = new ArrayList<>();
            for (SweepUnit u : plan.units()) {
                List<Double> missing = plan.ratios().stream().filter(r -> !store.has(u, r)).toList();
                if (!missing.isEmpty()) {
                    jobs.add(pool.submit(() -> {
                        for (SweepPoint s : runner.run(u, missing)) {
                            store.save(s);
                        }
                        progress.accept(missing.size());
                        return null;
                    }));
                }
            }
            for (Future<?> f : jobs) {
                try {
                    f.get();
                } catch (ExecutionException ex) {
                    throw ex.getCause() instanceof Exception c ? c : ex;
                }
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
