package org.flexiq.simulator;

import java.util.ArrayList;
import java.util.List;

/**
 * The R x C weight-stationary array at register level, stepped one cycle at a time. Every PE has its
 * registers: a shadow weight (latched from the column's preload chain at the end of a cycle), an active weight, an activation
 * (two 4-bit lanes in int4 mode) and a partial sum; activations are tagged with their fold and row.
 * <ul>
 * <li>Preload: column c's weights enter at the top from cycle p + c, last row first, and flow down one row
 * per cycle; a PE latches an element while it passes, so row r holds its own weight from cycle p + c + R - 1.</li>
 * <li>Compute: row m of a fold's activations enters PE row r at cycle s + m + r (skewed) and moves right one
 * column per cycle; a PE flips its shadow weight in when the first activation of a new fold reaches it
 * (the switch travels with the data). Partial sums move down; the sum of row m for column c leaves the
 * bottom at cycle s + m + R - 1 + c and is written to the accumulator, shifted by the row's activation shift
 * and the column's weight shift in int4 mode.</li>
 * </ul>
 * So a fold's last partial sum leaves M + R + C - 2 cycles after its first row entered.
 */
final class SystolicArray {
    /** A fold: its lowered weights (K x N, row-major), activations (M x K), shifts and accumulator rows. */
    static final class Fold {
        final int id;
        final boolean int4;
        final int k;
        final int n;
        final int[] weights;
        final int[] columnShift;
        int m;
        int[] activations;
        int[] rowShift;
        boolean accumulate;
        int[] acc;
        int accRow;
        int preloadStart = -1;
        int computeStart = -1;
        int lastOutputCycle = -1;
        int outputs;

        Fold(int id, boolean int4, int k, int n, int[] weights, int[] columnShift, int m, int[] activations, int[] rowShift, boolean accumulate,
             int[] acc, int accRow) {
            this.id = id;
            this.int4 = int4;
            this.k = k;
            this.n = n;
            this.weights = weights;
            this.columnShift = columnShift;
            this.m = m;
            this.activations = activations;
            this.rowShift = rowShift;
            this.accumulate = accumulate;
            this.acc = acc;
            this.accRow = accRow;
        }

        /** A fold whose weights are known now and whose activations come when it computes ({@link #input}). */
        Fold(int id, boolean int4, int k, int n, int[] weights, int[] columnShift) {
            this(id, int4, k, n, weights, columnShift, 0, new int[0], new int[0], false, null, 0);
        }

        void input(int rows, int[] activations, int[] rowShift, boolean accumulate, int[] acc, int accRow) {
            this.m = rows;
            this.activations = activations;
            this.rowShift = rowShift;
            this.accumulate = accumulate;
            this.acc = acc;
            this.accRow = accRow;
        }

        boolean done() {
            return outputs == m * n;
        }
    }

    final int rows;
    final int cols;
    private final int[] shadow0;
    private final int[] shadow1;
    private final int[] shadowDone;
    private final int[] active0;
    private final int[] active1;
    private final int[] activeFold;
    private final int[] a0;
    private final int[] a1;
    private final int[] aFold;
    private final int[] aRow;
    private final int[] psum;
    private final List<Fold> preloading = new ArrayList<>();
    private final List<Fold> streaming = new ArrayList<>();
    private final Fold[] byId = new Fold[4];
    private int cycle;
    private boolean empty = true;

    /** Arrays at least this large split their columns between two threads (columns are independent within a cycle). */
    static final int PARALLEL_PES = 512;

    private final ColumnWorker worker;

    SystolicArray(int rows, int cols) {
        this(rows, cols, rows * cols >= PARALLEL_PES && Runtime.getRuntime().availableProcessors() > 1);
    }

    SystolicArray(int rows, int cols, boolean twoThreads) {
        this.rows = rows;
        this.cols = cols;
        int n = rows * cols;
        shadow0 = new int[n];
        shadow1 = new int[n];
        shadowDone = filled(n);
        active0 = new int[n];
        active1 = new int[n];
        activeFold = filled(n);
        a0 = new int[n];
        a1 = new int[n];
        aFold = filled(n);
        aRow = new int[n];
        psum = new int[n];
        worker = twoThreads && cols > 1 ? new ColumnWorker(this, cols / 2) : null;
    }

    /** Stops the helper thread, if any. */
    void close() {
        if (worker != null) {
            worker.stop();
        }
    }

    private static int[] filled(int n) {
        int[] v = new int[n];
        java.util.Arrays.fill(v, -1);
        return v;
    }

    int cycle() {
        return cycle;
    }

    /** Starts shifting a fold's weights in at the current cycle. */
    void preload(Fold f) {
        f.preloadStart = cycle;
        preloading.add(f);
        byId[f.id & 3] = f;
    }

    /** Starts streaming a fold's activations at the current cycle (its weights must be loaded by the time they are used). */
    void compute(Fold f) {
        f.computeStart = cycle;
        streaming.add(f);
        byId[f.id & 3] = f;
    }

    /** True while anything is in flight: weights shifting, activations or partial sums in the array. */
    boolean busy() {
        return !preloading.isEmpty() || !streaming.isEmpty();
    }

    /** One clock cycle: move activations right and partial sums down, write outputs, latch preload chains. */
    void step() {
        if (!busy()) {
            // nothing in flight: the activation registers are emptied once, and the idle cycles only count
            if (!empty) {
                java.util.Arrays.fill(aFold, -1);
                empty = true;
            }
            cycle++;
            return;
        }
        empty = false;
        int t = cycle;
        // Activations move right one column per cycle, so PE(r, c) holds what entered row r at cycle t - c: each
        // row's activation registers are kept as a ring of C entries indexed by entry cycle, which moves them
        // all at once without copying.
        int p = t % cols;
        for (int r = 0; r < rows; r++) {
            int at = r * cols + p;
            aFold[at] = -1;
            for (int k = 0; k < streaming.size(); k++) {
                Fold f = streaming.get(k);
                int m = t - f.computeStart - r;
                if (m >= 0 && m < f.m) {
                    int lane = f.int4 ? 2 * r : r;
                    a0[at] = lane < f.k ? f.activations[m * f.k + lane] : 0;
                    a1[at] = f.int4 && lane + 1 < f.k ? f.activations[m * f.k + lane + 1] : 0;
                    aFold[at] = f.id;
                    aRow[at] = m;
                }
            }
        }
        // Partial sums move down: bottom row first, so each PE adds to its upper neighbour's previous value. A PE
        // holding an activation always had its upper neighbour hold the same row one cycle before (the skew).
        // Column c reads ring entry p - c: columns [0, p] and (p, C) are two runs without wrap-around.
        if (worker == null) {
            columns(0, cols, p, t);
        } else {
            worker.start(p, t);
            columns(0, worker.from, p, t);
            worker.await();
        }
        // the bottom row's sums leave into the accumulator
        int bottom = (rows - 1) * cols;
        for (int c = 0; c < cols; c++) {
            int idx = p - c;
            int a = bottom + (idx < 0 ? idx + cols : idx);
            int fold = aFold[a];
            if (fold < 0) {
                continue;
            }
            Fold f = byId[fold & 3];
            int m = aRow[a];
            if (c < f.n) {
                int v = f.int4 ? psum[bottom + c] << (f.rowShift[m] + f.columnShift[c]) : psum[bottom + c];
                int at = (f.accRow + m) * cols + c;
                f.acc[at] = f.accumulate ? f.acc[at] + v : v;
                f.outputs++;
            }
            if (c == cols - 1 && m == f.m - 1) {
                f.lastOutputCycle = t;
                streaming.remove(f);
            }
        }
        // registers latch at the end of the cycle: a PE flipping to a fold this cycle read the shadow first
        latchWeights(t);
        cycle++;
    }

    /** Columns [from, to) of every row, bottom row first. */
    void columns(int from, int to, int p, int t) {
        for (int r = rows - 1; r >= 0; r--) {
            int base = r * cols;
            macs(r, base, from, Math.min(to, p + 1), base + p, t);
            macs(r, base, Math.max(from, p + 1), to, base + p + cols, t);
        }
    }

    /** PEs [c0, c1) of row r; column c reads the activation register at ring entry {@code ring0 - c}. */
    private void macs(int r, int base, int c0, int c1, int ring0, int t) {
        int up = r == 0 ? -1 : base - cols;
        for (int c = c0; c < c1; c++) {
            int a = ring0 - c;
            int fold = aFold[a];
            if (fold < 0) {
                continue;
            }
            int i = base + c;
            if (activeFold[i] != fold) {
                flip(i, fold, r, c, t);
            }
            int in = up < 0 ? 0 : psum[up + c];
            psum[i] = in + a0[a] * active0[i] + a1[a] * active1[i];
        }
    }

    private void flip(int i, int fold, int r, int c, int t) {
        if (shadowDone[i] != fold) {
            throw new IllegalStateException("PE(" + r + "," + c + ") at cycle " + t + ": fold " + fold + "'s weights are not loaded");
        }
        active0[i] = shadow0[i];
        active1[i] = shadow1[i];
        activeFold[i] = fold;
    }

    private void latchWeights(int t) {
        for (int i = preloading.size() - 1; i >= 0; i--) {
            Fold f = preloading.get(i);
            for (int c = 0; c < cols; c++) {
                int u = t - f.preloadStart - c;
                if (u < 0 || u >= rows) {
                    continue;
                }
                // element j (for target row R-1-j), injected at offset j, passes row r at offset j + r
                for (int r = 0; r <= u; r++) {
                    int j = u - r;
                    int target = rows - 1 - j;
                    if (target < r) {
                        continue;
                    }
                    int i2 = r * cols + c;
                    int lane = f.int4 ? 2 * target : target;
                    boolean valid = c < f.n;
                    shadow0[i2] = valid && lane < f.k ? f.weights[lane * f.n + c] : 0;
                    shadow1[i2] = valid && f.int4 && lane + 1 < f.k ? f.weights[(lane + 1) * f.n + c] : 0;
                    if (u == rows - 1) {
                        shadowDone[i2] = f.id;
                    }
                }
            }
            if (t - f.preloadStart >= cols - 1 + rows - 1) {
                preloading.remove(i);
            }
        }
    }
}
