package org.flexiq.simulator;

import org.flexiq.isa.arith.FourBit;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The register-level array against the timing model's rules and plain arithmetic: folds scheduled by the
 * fast engine's rules (preload when the shadow is free, compute when weights are in and the previous fold
 * has streamed) never use a weight before it is latched, finish M + R + C - 2 after they start, and leave
 * exactly the sums the functional executor computes.
 */
class SystolicArrayTest {

    @Test
    void foldsScheduledByTheTimingRulesComputeExactSumsInTheModelledCycles() {
        SplittableRandom rnd = new SplittableRandom(5);
        for (int trial = 0; trial < 300; trial++) {
            int rows = rnd.nextInt(1, 9);
            int cols = rnd.nextInt(1, 9);
            boolean doubleBuffered = rnd.nextBoolean();
            int accRows = 64;
            int[] acc = new int[accRows * cols];
            long[] expected = new long[accRows * cols];
            SystolicArray array = new SystolicArray(rows, cols, trial % 3 == 0); // every third trial on two threads
            List<SystolicArray.Fold> folds = new ArrayList<>();
            int count = rnd.nextInt(1, 6);
            for (int i = 0; i < count; i++) {
                boolean int4 = rnd.nextBoolean();
                int k = rnd.nextInt(1, (int4 ? 2 * rows : rows) + 1);
                int n = rnd.nextInt(1, cols + 1);
                int m = rnd.nextInt(1, 20);
                int[] w = new int[k * n];
                int[] ws = new int[n];
                for (int c = 0; c < n; c++) {
                    ws[c] = int4 ? rnd.nextInt(0, 5) : 0;
                }
                for (int j = 0; j < w.length; j++) {
                    int raw = rnd.nextInt(-128, 128);
                    w[j] = int4 ? FourBit.lower(raw, ws[j % n]) : raw;
                }
                int[] a = new int[m * k];
                int[] as = new int[m];
                for (int r = 0; r < m; r++) {
                    as[r] = int4 ? rnd.nextInt(0, 5) : 0;
                    for (int j = 0; j < k; j++) {
                        a[r * k + j] = int4 ? rnd.nextInt(-8, 8) : rnd.nextInt(-128, 128);
                    }
                }
                boolean accumulate = i > 0;
                int accRow = rnd.nextInt(0, accRows - m + 1);
                folds.add(new SystolicArray.Fold(i, int4, k, n, w, ws, m, a, as, accumulate, acc, accRow));
                for (int r = 0; r < m; r++) {
                    for (int c = 0; c < n; c++) {
                        int sum = 0;
                        for (int j = 0; j < k; j++) {
                            sum += a[r * k + j] * w[j * n + c];
                        }
                        int v = int4 ? sum << (as[r] + ws[c]) : sum;
                        int at = (accRow + r) * cols + c;
                        expected[at] = accumulate ? (int) (expected[at] + v) : v;
                    }
                }
            }
            // the fast engine's rules
            int[] p = new int[count];
            int[] s = new int[count];
            int[] finish = new int[count];
            for (int i = 0; i < count; i++) {
                int m = folds.get(i).m;
                p[i] = i == 0 ? 0 : Math.max(s[i - 1], doubleBuffered ? s[i - 1] : finish[i - 1]);
                s[i] = Math.max(p[i] + rows, i == 0 ? 0 : s[i - 1] + folds.get(i - 1).m);
                finish[i] = s[i] + m + rows + cols - 2;
            }
            int end = finish[count - 1];
            for (int t = 0; t < end + 2; t++) {
                for (int i = 0; i < count; i++) {
                    if (p[i] == t) {
                        array.preload(folds.get(i));
                    }
                    if (s[i] == t) {
                        array.compute(folds.get(i));
                    }
                }
                array.step();
            }
            for (int i = 0; i < count; i++) {
                assertThat(folds.get(i).lastOutputCycle + 1).as("trial %d fold %d (%dx%d)", trial, i, rows, cols).isEqualTo(finish[i]);
            }
            for (int i = 0; i < acc.length; i++) {
                assertThat((long) acc[i]).as("trial %d acc %d", trial, i).isEqualTo(expected[i]);
            }
            assertThat(array.busy()).isFalse();
            array.close();
        }
    }

    @Test
    void aComputeBeforeItsWeightsArriveIsCaught() {
        SystolicArray array = new SystolicArray(4, 4);
        int[] acc = new int[64];
        SystolicArray.Fold f = new SystolicArray.Fold(0, false, 4, 4, new int[16], new int[4], 3, new int[12], new int[3], false, acc, 0);
        array.preload(f);
        array.step();
        array.compute(f); // one cycle after the preload began: row 0's weight has not been latched
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> {
            for (int t = 0; t < 20; t++) {
                array.step();
            }
        }).isInstanceOf(IllegalStateException.class).hasMessageContaining("weights are not loaded");
    }
}
