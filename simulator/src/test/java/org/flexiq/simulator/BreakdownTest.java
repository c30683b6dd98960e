package org.flexiq.simulator;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The cycle breakdown from activity spans against its definition, one cycle at a time. */
class BreakdownTest {
    @Test
    void eachCycleCountsForItsHighestPriorityActivityInItsLayerWindow() {
        check(false);
    }

    /** As the fast engine adds them: ops starting in order, each promising that no later span starts before it. */
    @Test
    void spansPutInOrderAsTheyComeCountAlike() {
        check(true);
    }

    @Test
    void aSpanBeforeThePromiseIsRefused() {
        ActivitySpans spans = new ActivitySpans();
        spans.add(5, 9, 0);
        spans.advance(7);
        assertThatThrownBy(() -> spans.add(6, 8, 1)).isInstanceOf(IllegalStateException.class);
    }

    private static void check(boolean advancing) {
        SplittableRandom r = new SplittableRandom(advancing ? 12 : 11);
        for (int trial = 0; trial < 400; trial++) {
            int cycles = 1 + r.nextInt(400);
            long from = r.nextInt(cycles);
            ActivitySpans spans = new ActivitySpans();
            if (r.nextBoolean()) {
                spans.clear(); // a cleared set counts like a new one
                spans.add(1, 5, 0);
                spans.sortedEvents();
                spans.clear();
            }
            int n = r.nextInt(advancing ? 400 : 60);
            long[][] added = new long[n][];
            long opStart = 0;
            for (int i = 0; i < n; i++) {
                // in order: an op starts no earlier than the last, and its spans (a MAC span, then its fill/drain) at or after it
                opStart += advancing && r.nextInt(3) == 0 ? r.nextInt(6) : 0;
                long s = advancing ? opStart + (r.nextBoolean() ? 0 : r.nextInt(30)) : r.nextInt(cycles + 20);
                long e = s + r.nextInt(-3, 40); // empty and backwards spans are left out
                int a = r.nextInt(Activity.DMA_STALL.ordinal());
                added[i] = new long[]{s, e, a};
                if (advancing) {
                    spans.advance(opStart);
                }
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
