package org.flexiq.workbench.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sweep's submitted attempts not yet answered, and which of them are orphans: their member left the cluster
 * and, a grace period later, nothing came back. Hazelcast normally answers such an invocation itself (it retries
 * it on the partition's new owner, or fails it with MemberLeftException); the grace period gives it that chance,
 * and after it the sweep stops waiting and submits the unit again, so a lost answer can never hang a sweep. An
 * orphan's late answer is then ignored ({@link #complete} says false), so each unit is still saved once.
 *
 * @param <T> what an attempt runs (a sweep task)
 */
final class InFlight<T> {
    /** One submission of a task; {@code member} is the address it was sent to, or null if no owner was known. */
    record Attempt<T>(T task, int number, String member) {
    }

    private final long graceNanos;
    /** Each pending attempt, when it was sent, and when its member was first seen gone (null while it is in the cluster). */
    private final Map<Attempt<T>, Times> pending = new LinkedHashMap<>();
    /** When the cluster was first seen without a member it had at the last check: what attempts of unknown member wait on. */
    private Long lastDeparture;
    private Set<String> lastMembers;

    private record Times(long sent, Long gone) {
    }

    InFlight(long graceNanos) {
        this.graceNanos = graceNanos;
    }

    void add(Attempt<T> a, long nowNanos) {
        pending.put(a, new Times(nowNanos, null));
    }

    /** True if the attempt was pending; false for an orphan's late answer (or one already taken). */
    boolean complete(Attempt<T> a) {
        return pending.remove(a) != null;
    }

    int size() {
        return pending.size();
    }

    boolean isEmpty() {
        return pending.isEmpty();
    }

    /**
     * Checks the pending attempts against the cluster's members now, and removes and returns those whose member has
     * been gone for the grace period. An attempt sent to no known member counts as orphaned by any departure after
     * it was sent.
     */
    List<Attempt<T>> orphans(Set<String> members, long nowNanos) {
        if (lastMembers != null && !members.containsAll(lastMembers)) {
            lastDeparture = nowNanos;
        }
        lastMembers = Set.copyOf(members);
        List<Attempt<T>> out = new ArrayList<>();
        var it = pending.entrySet().iterator();
        while (it.hasNext()) {
            var e = it.next();
            Times t = e.getValue();
            String m = e.getKey().member();
            Long gone;
            if (m == null) {
                gone = lastDeparture != null && lastDeparture >= t.sent() ? lastDeparture : null;
            } else {
                gone = members.contains(m) ? null : t.gone() != null ? t.gone() : Long.valueOf(nowNanos);
                e.setValue(new Times(t.sent(), gone));
            }
            if (gone != null && nowNanos - gone >= graceNanos) {
                out.add(e.getKey());
                it.remove();
            }
        }
        return out;
    }
}
