package org.flexiq.simulator;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** The cycle breakdown from activity spans against its definition, one cycle at a time. */
class BreakdownTest {
    @Test
    void eachCycleCountsForItsHighestPriorityActivityInItsLayerWindow() {
        SplittableRandom r = new SplittableRandom(11);
        for (int trial = 0; trial < 200; trial++) {
            int cycles = 1 + r.nextInt(400);
            long from = r.nextInt(cycles);
            ActivitySpans spans = new ActivitySpans();
            spans.clear(r.nextInt(3)); // any room: the spans grow past it
            int n = r.nextInt(60);
            long[][] added = new long[n][];
            for (int i = 0; i < n; i++) {
                long s = r.nextInt(cycles + 20);
                long e = s + r.nextInt(-3, 40); // empty and backwards spans are left out
                int a = r.nextInt(Activity.DMA_STALL.ordinal());
                added[i] = new long[]{s, e, a};
                spans.add(s, e, a);
            }
            int windows = 1 + r.nextInt(5);
            long[] windowEnd = new long[windows];
            long end = from;
            for (int w = 0; w < windows; w++) {
                end += r.nextInt(cycles / windows + 2);
                windowEnd[w] = end;
            }

            List<Map<Activity, Long>> got = Breakdown.perWindow(spans, from, windowEnd);

            long[][] expected = new long[windows][Activity.values().length];
            for (long t = from; t < windowEnd[windows - 1]; t++) {
                int best = Activity.DMA_STALL.ordinal();
                for (long[] s : added) {
                    if (s[0] <= t && t < s[1] && s[2] < best) {
                        best = (int) s[2];
                    }
                }
                int w = 0;
                while (windowEnd[w] <= t) {
                    w++;
                }
                expected[w][best]++;
            }
            for (int w = 0; w < windows; w++) {
                for (Activity a : Activity.values()) {
                    assertThat(got.get(w).get(a)).as("trial %d, window %d, %s", trial, w, a).isEqualTo(expected[w][a.ordinal()]);
                }
            }
            // the spans are still there for another breakdown of the same run
            assertThat(Breakdown.perWindow(spans, from, windowEnd)).isEqualTo(got);
        }
    }
}
