package org.flexiq.simulator;

import java.util.Arrays;

/**
 * Spans of execute-unit activity as the cycle breakdown reads them: each span [start, end) of an {@link Activity} kept
 * as two primitive event keys, {@code time << 8 | starts << 4 | activity}, in one growing array. An engine adds a span
 * per timed op; keeping them as keys rather than one small array per span leaves the per-op path without allocation.
 */
final class ActivitySpans {
    private long[] keys = new long[1024];
    private int size;

    void add(long start, long end, int activity) {
        if (end <= start) {
            return;
        }
        if (size + 2 > keys.length) {
            keys = Arrays.copyOf(keys, keys.length * 2);
        }
        keys[size++] = start << 8 | 1 << 4 | activity;
        keys[size++] = end << 8 | activity;
    }

    /** Empties the spans and makes room for {@code spans} more without growing (growing copies everything so far). */
    void clear(int spans) {
        size = 0;
        if (keys.length < 2L * spans) {
            keys = new long[(int) Math.min(Integer.MAX_VALUE - 8, 2L * spans)];
        }
    }

    /** The event keys sorted by time (the order among events at one time does not matter to the breakdown). */
    long[] sortedEvents() {
        long[] e = Arrays.copyOf(keys, size);
        Arrays.sort(e);
        return e;
    }

    static long time(long event) {
        return event >>> 8;
    }

    static int activity(long event) {
        return (int) (event & 15);
    }

    static boolean starts(long event) {
        return (event >> 4 & 1) != 0;
    }
}
