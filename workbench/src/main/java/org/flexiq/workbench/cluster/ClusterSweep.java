package org.flexiq.workbench.cluster;

import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.durableexecutor.DurableExecutorService;
import org.flexiq.reports.SweepPoint;
import org.flexiq.workbench.BadInputException;
import org.flexiq.workbench.SweepPlan;
import org.flexiq.workbench.SweepStore;
import org.flexiq.workbench.SweepUnit;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Runs a sweep plan's missing units on the members of a Hazelcast cluster through its durable executor, and
 * saves each unit's points here, one atomic file each, as they come back (so the folder is resumable exactly
 * as a local sweep's). Tasks are fed a window at a time, so a member that joins mid-sweep gets the units
 * its partitions come to own. A task whose member is lost is run again by the executor's backup; a task
 * whose invocation fails, or which stays unanswered a grace period after its member left ({@link InFlight}), is
 * submitted again (units are pure functions of their data, so a second run gives the same bytes, and each unit
 * is saved once: a late answer of an abandoned submission is ignored).
 */
public final class ClusterSweep {
    /** Told of each finished unit: its point count, the member that ran it and the cluster's size now. */
    public interface Listener {
        void unitDone(int points, String member, int members);
    }

    private static final int RETRIES = 5;
    /**
     * How long an unanswered task waits after its member left before it is submitted again (Hazelcast's own retry on
     * the partition's new owner answers within seconds once the member is declared gone).
     */
    static final long ORPHAN_GRACE_NANOS = TimeUnit.SECONDS.toNanos(20);

    private ClusterSweep() {
    }

    private record Done(InFlight.Attempt<SweepTask> attempt, String answer, Throwable failure) {
    }

    /**
     * A key for the n-th submission whose partition the (n mod members)-th member owns now, so units go round the
     * members instead of wherever their names hash (8 units over 3 members would leave one idle 1 time in 9). The
     * durable executor still runs a task on the key's owner of the moment, so members that join or leave are handled
     * as before; without a match (partitions migrating) the unit's own name serves.
     */
    private static String spreadKey(HazelcastInstance hz, String key, int n) {
        List<com.hazelcast.cluster.Member> members = new java.util.ArrayList<>(hz.getCluster().getMembers());
        com.hazelcast.cluster.Member target = members.get(n % members.size());
        for (int salt = 0; salt < 4096; salt++) {
            String k = key + "#" + salt;
            com.hazelcast.cluster.Member owner = hz.getPartitionService().getPartition(k).getOwner();
            if (target.equals(owner)) {
                return k;
            }
        }
        return key;
    }

    /**
     * Starts this machine's member with these options, runs the missing units on the cluster it forms, and shuts the
     * member down. Two units per thread of each member at the start, plus two, are in flight at once: enough to keep
     * every member busy while results come back, few enough that a member joining later still gets units.
     *
     * @return units run per member address
     */
    public static Map<String, Integer> run(SweepPlan plan, boolean quantizedFile, String modelName, SweepStore store, ClusterOptions o,
                                           Listener listener) throws Exception {
        HazelcastInstance hz = ClusterMembers.start(o);
        try {
            return run(plan, quantizedFile, modelName, store, hz, 2 * o.threads() * hz.getCluster().getMembers().size() + 2, listener);
        } finally {
            hz.shutdown();
        }
    }

    /** @return units run per member address */
    public static Map<String, Integer> run(SweepPlan plan, boolean quantizedFile, String modelName, SweepStore store, HazelcastInstance hz,
                                           int window, Listener listener) throws Exception {
        Deque<SweepTask> todo = new ArrayDeque<>();
        for (SweepUnit u : plan.units()) {
            List<Double> missing = plan.ratios().stream().filter(r -> !store.has(u, r)).toList();
            if (!missing.isEmpty()) {
                todo.add(new SweepTask(plan, quantizedFile, modelName, u, missing));
            }
        }
        DurableExecutorService executor = hz.getDurableExecutorService(ClusterMembers.EXECUTOR);
        BlockingQueue<Done> done = new LinkedBlockingQueue<>();
        Map<SweepTask, Integer> attempts = new java.util.IdentityHashMap<>();
        Map<String, Integer> perMember = new TreeMap<>();
        InFlight<SweepTask> inFlight = new InFlight<>(ORPHAN_GRACE_NANOS);
        int submitted = 0;
        while (!todo.isEmpty() || !inFlight.isEmpty()) {
            while (!todo.isEmpty() && inFlight.size() < Math.max(1, window)) {
                SweepTask t = todo.poll();
                int n = attempts.merge(t, 1, Integer::sum);
                if (n > RETRIES) {
                    throw new IllegalStateException("sweep unit " + t.key() + " was lost " + RETRIES + " times on the cluster (its members left)");
                }
                String key = spreadKey(hz, t.key(), submitted++);
                var owner = hz.getPartitionService().getPartition(key).getOwner();
                InFlight.Attempt<SweepTask> a = new InFlight.Attempt<>(t, n, owner == null ? null : ClusterMembers.address(owner));
                inFlight.add(a, System.nanoTime());
                executor.submitToKeyOwner(t, key).whenComplete((answer, failure) -> done.add(new Done(a, answer, failure)));
            }
            Done d = done.poll(1, TimeUnit.SECONDS);
            if (d == null) {
                Set<String> members = new HashSet<>();
                hz.getCluster().getMembers().forEach(m -> members.add(ClusterMembers.address(m)));
                for (InFlight.Attempt<SweepTask> orphan : inFlight.orphans(members, System.nanoTime())) {
                    todo.addFirst(orphan.task()); // its member left and no answer came: run it again, ignore a late one
                }
                continue;
            }
            if (!inFlight.complete(d.attempt())) {
                continue; // an orphan answering late: its unit was submitted again, and is saved from that answer
            }
            if (d.failure() != null) {
                if (attempts.get(d.attempt().task()) >= RETRIES) {
                    throw new IllegalStateException("sweep unit " + d.attempt().task().key() + " failed " + RETRIES + " times on the cluster: "
                            + d.failure().getMessage(), d.failure());
                }
                todo.addFirst(d.attempt().task()); // its member left or the invocation was lost: run it again
                continue;
            }
            SweepTask.Answer a = SweepTask.answer(d.answer());
            if (a.error() != null) {
                throw a.badInput() ? new BadInputException(a.error()) : new IllegalStateException(a.error());
            }
            for (SweepPoint p : a.points()) {
                store.save(p);
            }
            perMember.merge(a.member(), 1, Integer::sum);
            listener.unitDone(a.points().size(), a.member(), hz.getCluster().getMembers().size());
        }
        return perMember;
    }
}
