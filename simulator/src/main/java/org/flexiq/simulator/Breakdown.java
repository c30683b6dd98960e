package org.flexiq.simulator;

import java.util.ArrayList;
import java.util.Arrays;
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

    private static Activity top(int[] active) {
        for (Activity a : Activity.values()) {
            if (active[a.ordinal()] > 0 && a != Activity.DMA_STALL) {
                return a;
            }
        }
        return Activity.DMA_STALL;
    }

    private static long time(long event) {
        return event >>> 8;
    }

    private static void apply(int[] active, long event) {
        active[(int) (event & 15)] += (event >> 4 & 1) != 0 ? 1 : -1;
    }

    /** @param intervals {start, end, activity ordinal}, end exclusive */
    static List<Map<Activity, Long>> perWindow(List<long[]> intervals, long from, long[] windowEnd) {
        int n = windowEnd.length;
        long[][] cycles = new long[n][Activity.values().length];
        if (n > 0) {
            count(intervals, from, windowEnd, cycles);
        }
        List<Map<Activity, Long>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<Activity, Long> m = new EnumMap<>(Activity.class);
            for (Activity a : Activity.values()) {
                m.put(a, cycles[i][a.ordinal()]);
            }
            out.add(m);
        }
        return out;
    }

    private static void count(List<long[]> intervals, long from, long[] windowEnd, long[][] cycles) {
        int n = windowEnd.length;
        // one primitive key per event, sorted by time: time << 8 | starts << 4 | activity (the order among events at one
        // time does not matter: all of them apply before the next span is counted)
        long[] events = new long[2 * intervals.size()];
        int k = 0;
        for (long[] iv : intervals) {
            events[k++] = iv[0] << 8 | 1 << 4 | iv[2];
            events[k++] = iv[1] << 8 | iv[2];
        }
        Arrays.sort(events);
        int[] active = new int[Activity.values().length];
        int e = 0;
        while (e < events.length && time(events[e]) <= from) {
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
            long next = Math.min(e < events.length ? time(events[e]) : Long.MAX_VALUE, windowEnd[w]);
            cycles[w][top(active).ordinal()] += next - t;
            t = next;
            while (e < events.length && time(events[e]) == t) {
                apply(active, events[e]);
                e++;
            }
            while (w < n - 1 && windowEnd[w] <= t) {
                w++;
            }
        }
    }
}
