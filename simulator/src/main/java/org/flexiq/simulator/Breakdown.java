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

    /** @param intervals {start, end, activity ordinal}, end exclusive */
    static List<Map<Activity, Long>> perWindow(List<long[]> intervals, long from, long[] windowEnd) {
        int n = windowEnd.length;
        List<Map<Activity, Long>> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            Map<Activity, Long> m = new EnumMap<>(Activity.class);
            for (Activity a : Activity.values()) {
                m.put(a, 0L);
            }
            out.add(m);
        }
        if (n == 0) {
            return out;
        }
        long[][] events = new long[2 * intervals.size()][];
        int k = 0;
        for (long[] iv : intervals) {
            events[k++] = new long[]{iv[0], 1, iv[2]};
            events[k++] = new long[]{iv[1], -1, iv[2]};
        }
        Arrays.sort(events, (a, b) -> Long.compare(a[0], b[0]));
        int[] active = new int[Activity.values().length];
        int e = 0;
        while (e < events.length && events[e][0] <= from) {
            active[(int) events[e][2]] += (int) events[e][1];
            e++;
        }
        long last = windowEnd[n - 1];
        int w = 0;
        long t = from;
        while (w < n - 1 && windowEnd[w] <= t) {
            w++;
        }
        while (t < last) {
            long next = Math.min(e < events.length ? events[e][0] : Long.MAX_VALUE, windowEnd[w]);
            out.get(w).merge(top(active), next - t, Long::sum);
            t = next;
            while (e < events.length && events[e][0] == t) {
                active[(int) events[e][2]] += (int) events[e][1];
                e++;
            }
            while (w < n - 1 && windowEnd[w] <= t) {
                w++;
            }
        }
        return out;
    }
}
