package org.flexiq.simulator;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Splits cycles [from, windowEnd[last]) into layer windows and each window's cycles by activity: a cycle
 * counts for the highest-priority activity active in it ({@link Activity} order), DMA stall when no
 * execute-unit activity is.
 */
final class Breakdown {
    private Breakdown() {
    }

    /** Activity's values in priority order, once: {@code values()} copies its array at every call. */
    private static final Activity[] ACTIVITIES = Activity.values();

    /** The highest-priority activity with a span open, by ordinal; DMA stall when no execute-unit activity is. */
    private static int top(int[] active) {
        for (int a = 0; a < active.length; a++) {
            if (active[a] > 0 && a != Activity.DMA_STALL.ordinal()) {
                return a;
            }
        }
        return Activity.DMA_STALL.ordinal();
    }

    private static void apply(int[] active, long event) {
        active[ActivitySpans.activity(event)] += ActivitySpans.starts(event) ? 1 : -1;
    }

    static List<Map<Activity, Long>> perWindow(ActivitySpans spans, long from, long[] windowEnd) {
        int n = windowEnd.length;
        long[][] cycles = new long[n][ACTIVITIES.length];
        if (n > 0) {
            long[] events = spans.sortedEvents();
            count(events, spans.events(), from, windowEnd, cycles);
        }
        List<Map<Activity, Long>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<Activity, Long> m = new EnumMap<>(Activity.class);
            for (Activity a : ACTIVITIES) {
                m.put(a, cycles[i][a.ordinal()]);
            }
            out.add(m);
        }
        return out;
    }

    /** @param events the spans' event keys sorted by time, the first {@code size}: all events at one time apply before the next span is counted */
    private static void count(long[] events, int size, long from, long[] windowEnd, long[][] cycles) {
        int n = windowEnd.length;
        int[] active = new int[ACTIVITIES.length];
        int e = 0;
        while (e < size && ActivitySpans.time(events[e]) <= from) {
            apply(active, events[e]);
            e++;
        }
        long last = windowEnd[n - 1];
        int w = 0;
        long t = from;
        while (w < n - 1 && windowEnd[w] <= t) {
            w++;
        }
        while (t < last) {
            long next = Math.min(e < size ? ActivitySpans.time(events[e]) : Long.MAX_VALUE, windowEnd[w]);
            cycles[w][top(active)] += next - t;
            t = next;
            while (e < size && ActivitySpans.time(events[e]) == t) {
                apply(active, events[e]);
                e++;
            }
            while (w < n - 1 && windowEnd[w] <= t) {
                w++;
            }
        }
    }
}
