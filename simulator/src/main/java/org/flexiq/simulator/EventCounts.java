package org.flexiq.simulator;

import java.util.Arrays;
import java.util.Collection;

/** Counts of each {@link Event}: immutable, one per layer and one per run. */
public final class EventCounts {
    private static final Event[] EVENTS = Event.values();
    public static final EventCounts NONE = new EventCounts(new long[EVENTS.length]);

    private final long[] counts;

    private EventCounts(long[] counts) {
        this.counts = counts;
    }

    /** A copy of {@code counts}, indexed by {@link Event#ordinal()}. */
    public static EventCounts of(long[] counts) {
        if (counts.length != EVENTS.length) {
            throw new IllegalArgumentException(counts.length + " counts for " + EVENTS.length + " events");
        }
        return new EventCounts(counts.clone());
    }

    public static EventCounts sum(Collection<EventCounts> parts) {
        long[] s = new long[EVENTS.length];
        for (EventCounts p : parts) {
            for (int i = 0; i < s.length; i++) {
                s[i] += p.counts[i];
            }
        }
        return new EventCounts(s);
    }

    public long get(Event e) {
        return counts[e.ordinal()];
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof EventCounts other && Arrays.equals(counts, other.counts);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(counts);
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("{");
        for (Event e : EVENTS) {
            b.append(b.length() > 1 ? ", " : "").append(e.key()).append('=').append(counts[e.ordinal()]);
        }
        return b.append('}').toString();
    }
}
