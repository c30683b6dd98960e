package org.flexiq.simulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The R x C weight-stationary array at register level. Every PE has its registers: a shadow weight
 * (latched from the column's preload chain at the end of a cycle), an active weight, an activation (two
 * 4-bit lanes in int4 mode) and a partial sum; activations carry the tag of their fold and row.
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
 *
 * <p>Control and data are stepped apart. {@link #step()} moves the control every cycle: the tag entering
 * row 0 goes into a delay line (PE(r, c) holds at cycle t what entered row 0 at t - r - c, since activations
 * move one row down per cycle of skew and one column right per cycle), and the tag leaving the bottom-right
 * PE says when a fold is done. The PE registers are stepped in batches of cycles, column by column: within a
 * cycle columns only pass activations to their right neighbour, whose values the delay line already holds,
 * and partial sums and preload chains never leave their column; so each column can run through a batch of
 * cycles on its own, bottom row first within each cycle, on either thread. A batch runs up to the cycle in
 * which a fold's last sum leaves (before anyone can read its accumulator rows) or after {@link #BATCH} cycles.
 * Handing a thread thousands of PE-cycles at a time instead of one cycle keeps both cores busy.
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
        volatile int lastOutputCycle = -1;
        /** The activations by PE row ({@link #lines}). */
        int[] lane0;
        int[] lane1;

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

        /**
         * The activations as PE row r's input line delivers them, one fold row per cycle: lane0[r * M + m] (and
         * lane1 in int4 mode). Lane l of PE row r is K index 2r + l in int4 mode, r in int8; zero beyond K.
         */
        void lines(int peRows) {
            lane0 = new int[peRows * m];
            lane1 = int4 ? new int[peRows * m] : null;
            for (int r = 0; r < peRows; r++) {
                int lane = int4 ? 2 * r : r;
                for (int row = 0; lane < k && row < m; row++) {
                    lane0[r * m + row] = activations[row * k + lane];
                    if (int4 && lane + 1 < k) {
                        lane1[r * m + row] = activations[row * k + lane + 1];
                    }
                }
            }
        }

        /** The weight lane l of PE(r, c) holds for this fold. */
        int weight(int r, int c, int l) {
            int lane = int4 ? 2 * r + l : r;
            return c < n && lane < k && (l == 0 || int4) ? weights[lane * n + c] : 0;
        }
    }

    /** Most cycles the registers lag the control before they are caught up. */
    static final int BATCH = 4096;
    /** Arrays at least this large split their columns between two threads... */
    static final int PARALLEL_PES = 512;
    /** ...for batches of at least this many PE-cycles (a smaller one is not worth the hand-over). */
    static final int PARALLEL_WORK = 1 << 15;

    final int rows;
    final int cols;
    // PE registers, column-major (index c * R + r). The shadow register is kept as the tile it holds and
    // whether its own element has arrived (elements for lower rows pass through it on the chain; while one
    // is there the register is not valid): its value is the tile's element, so it need not be copied.
    private final Fold[] shadowTile;
    private final int[] shadowDone;
    private final int[] active0;
    private final int[] active1;
    private final int[] activeFold;
    private final int[] psum;
    /** The tag delay line: the fold and row that entered row 0 at cycle d, at index d & mask. */
    private final Fold[] entered;
    private final int[] enteredRow;
    private final int mask;
    /** Control: folds whose weights are in the chains, folds whose activations are in the array. */
    private final List<Fold> preloading = new ArrayList<>();
    private final List<Fold> streaming = new ArrayList<>();
    /** Data: preloads, oldest first, whose latches the registers have not all been stepped through. */
    private final List<Fold> latching = new ArrayList<>();
    /** The batch being stepped: its cycles, and the runs of one fold in the delay line that its PEs see. */
    private int batchStart;
    private int batchEnd;
    private final List<Fold> runFold = new ArrayList<>();
    private int[] runStart = new int[8];
    private int[] runEnd = new int[8];
    private final AtomicInteger nextColumn = new AtomicInteger();
    private final Lane mine = new Lane();
    private int cycle;
    /** The registers have been stepped through cycle registersAt - 1. */
    private int registersAt;
    private final ColumnWorker worker;

    SystolicArray(int rows, int cols) {
        this(rows, cols, rows * cols >= PARALLEL_PES && Runtime.getRuntime().availableProcessors() > 1);
    }

    SystolicArray(int rows, int cols, boolean twoThreads) {
        this.rows = rows;
        this.cols = cols;
        int n = rows * cols;
        shadowTile = new Fold[n];
        shadowDone = filled(n);
        active0 = new int[n];
        active1 = new int[n];
        activeFold = filled(n);
        psum = new int[n];
        int size = Integer.highestOneBit(BATCH + rows + cols + 1) << 1;
        entered = new Fold[size];
        enteredRow = new int[size];
        mask = size - 1;
        worker = twoThreads && cols > 1 ? new ColumnWorker(this) : null;
    }

    /** Stops the helper thread, if any. */
    void close() {
        if (worker != null) {
            worker.stop();
        }
    }

    private static int[] filled(int n) {
        int[] v = new int[n];
        Arrays.fill(v, -1);
        return v;
    }

    int cycle() {
        return cycle;
    }

    /** Starts shifting a fold's weights in at the current cycle. */
    void preload(Fold f) {
        f.preloadStart = cycle;
        preloading.add(f);
        latching.add(f);
    }

    /** Starts streaming a fold's activations at the current cycle (its weights must be loaded by the time they are used). */
    void compute(Fold f) {
        for (Fold g : streaming) {
            if (cycle < g.computeStart + g.m) {
                throw new IllegalStateException("cycle " + cycle + ": fold " + f.id + " enters while fold " + g.id + " still streams");
            }
        }
        f.lines(rows);
        f.computeStart = cycle;
        streaming.add(f);
    }

    /** True while anything is in flight: weights shifting, activations or partial sums in the array. */
    boolean busy() {
        return !preloading.isEmpty() || !streaming.isEmpty();
    }

    /** One clock cycle of the control; the registers follow in batches, and always before a fold is reported done. */
    void step() {
        int t = cycle;
        if (!busy()) {
            // nothing in flight: no register changes this cycle, so the registers need not visit it
            if (registersAt < t) {
                stepRegisters(t);
            }
            entered[t & mask] = null;
            registersAt = t + 1;
            cycle++;
            return;
        }
        Fold in = null;
        for (int i = 0; i < streaming.size(); i++) {
            Fold f = streaming.get(i);
            if (t >= f.computeStart && t < f.computeStart + f.m) {
                in = f;
            }
        }
        entered[t & mask] = in;
        enteredRow[t & mask] = in == null ? 0 : t - in.computeStart;
        // the tag leaving the bottom-right PE: what entered row 0 R - 1 + C - 1 cycles ago
        int d = t - (rows - 1) - (cols - 1);
        Fold out = d >= 0 ? entered[d & mask] : null;
        if (out != null && enteredRow[d & mask] == out.m - 1) {
            stepRegisters(t + 1);
            if (out.lastOutputCycle != t) {
                throw new IllegalStateException("fold " + out.id + "'s last sum left the registers at cycle " + out.lastOutputCycle + ", its tag at " + t);
            }
            streaming.remove(out);
        } else if (t + 1 - registersAt >= BATCH) {
            stepRegisters(t + 1);
        }
        for (int i = preloading.size() - 1; i >= 0; i--) {
            if (t - preloading.get(i).preloadStart >= cols - 1 + rows - 1) {
                preloading.remove(i);
            }
        }
        cycle++;
    }

    /** Steps the registers of every column through cycles [registersAt, end). */
    private void stepRegisters(int end) {
        batchStart = registersAt;
        batchEnd = end;
        findRuns();
        nextColumn.set(0);
        if (worker != null && (long) (end - batchStart) * rows * cols >= PARALLEL_WORK) {
            worker.start();
            RuntimeException failure = null;
            try {
                columns(mine);
            } catch (RuntimeException e) {
                failure = e;
                nextColumn.set(cols); // the worker stops at its next column
            }
            worker.await();
            if (failure != null) {
                throw failure;
            }
        } else {
            columns(mine);
        }
        registersAt = end;
        for (int i = latching.size() - 1; i >= 0; i--) {
            if (end - latching.get(i).preloadStart > cols - 1 + rows - 1) {
                latching.remove(i);
            }
        }
    }

    /** The runs of one fold among the tags any PE holds in the batch: entry cycles [t0 - (R-1) - (C-1), t1). */
    private void findRuns() {
        runFold.clear();
        int from = Math.max(0, batchStart - (rows - 1) - (cols - 1));
        Fold current = null;
        for (int d = from; d < batchEnd; d++) {
            Fold f = entered[d & mask];
            if (f != current && current != null) {
                runEnd[runFold.size() - 1] = d;
            }
            if (f != null && f != current) {
                if (runFold.size() == runStart.length) {
                    runStart = Arrays.copyOf(runStart, 2 * runStart.length);
                    runEnd = Arrays.copyOf(runEnd, 2 * runEnd.length);
                }
                runStart[runFold.size()] = d;
                runFold.add(f);
            }
            current = f;
        }
        if (current != null) {
            runEnd[runFold.size() - 1] = batchEnd;
        }
    }

    /** A thread's share of a batch: whole columns, taken one at a time until none is left. */
    void columns(Lane lane) {
        lane.fit(batchEnd - batchStart + 1);
        for (int c = nextColumn.getAndIncrement(); c < cols; c = nextColumn.getAndIncrement()) {
            column(c, lane);
        }
    }

    /** A thread's partial-sum lines: one PE row's sums over the batch, and the row above's. */
    static final class Lane {
        int[] above = new int[0];
        int[] here = new int[0];

        void fit(int n) {
            if (above.length < n) {
                above = new int[n];
                here = new int[n];
            }
        }
    }

    /**
     * Column c through the batch, PE row by PE row from the top: PE(r, c) at cycle t adds its product to the
     * partial sum PE(r - 1, c) held at cycle t - 1, so with row r - 1's sums over the batch at hand (index
     * t - t0 + 1; index 0 the register before the batch) row r's follow. PE row r holds at cycle t the tag
     * that entered row 0 at d = t - c - r. A PE flips its shadow weight in when the first row of a new fold
     * reaches it, and at no other time.
     */
    private void column(int c, Lane lane) {
        int t0 = batchStart;
        int n = batchEnd - t0;
        int[] above = lane.above;
        int[] here = lane.here;
        Arrays.fill(above, 0, n + 1, 0); // row 0 adds to nothing
        for (int r = 0; r < rows; r++) {
            int i = c * rows + r;
            here[0] = psum[i];
            int shift = c + r; // t = d + shift
            for (int k = 0; k < runFold.size(); k++) {
                int ta = Math.max(runStart[k] + shift, t0);
                int tb = Math.min(runEnd[k] + shift, batchEnd);
                if (ta >= tb) {
                    continue;
                }
                Fold f = runFold.get(k);
                int s = f.computeStart;
                if (ta - shift == s) {
                    flip(i, f, r, c, ta);
                } else if (activeFold[i] != f.id) {
                    throw new IllegalStateException("PE(" + r + "," + c + ") at cycle " + ta + ": holds fold " + activeFold[i] + "'s weights, not " + f.id + "'s");
                }
                int w0 = active0[i];
                int line = r * f.m + (ta - shift - s) - (ta - t0 + 1); // lane index of batch index j: line + j
                int[] l0 = f.lane0;
                int from = ta - t0 + 1;
                int to = tb - t0 + 1;
                if (f.int4) {
                    int w1 = active1[i];
                    int[] l1 = f.lane1;
                    for (int j = from; j < to; j++) {
                        here[j] = above[j - 1] + l0[line + j] * w0 + l1[line + j] * w1;
                    }
                } else {
                    for (int j = from; j < to; j++) {
                        here[j] = above[j - 1] + l0[line + j] * w0;
                    }
                }
                if (r == rows - 1) {
                    for (int j = from; j < to; j++) {
                        leave(f, t0 + j - 1 - shift - s, c, here[j], t0 + j - 1);
                    }
                }
            }
            psum[i] = here[n];
            latchThrough(i, r, c, batchEnd - 1);
            int[] swap = above;
            above = here;
            here = swap;
        }
    }

    private void leave(Fold f, int m, int c, int sum, int t) {
        if (c < f.n) {
            int v = f.int4 ? sum << (f.rowShift[m] + f.columnShift[c]) : sum;
            int at = (f.accRow + m) * cols + c;
            f.acc[at] = f.accumulate ? f.acc[at] + v : v;
        }
        if (c == cols - 1 && m == f.m - 1) {
            f.lastOutputCycle = t;
        }
    }

    /** PE(r, c) swaps in its shadow weight for fold f during cycle t: the shadow must hold f's element by the end of t - 1. */
    private void flip(int i, Fold f, int r, int c, int t) {
        latchThrough(i, r, c, t - 1);
        if (shadowDone[i] != f.id || shadowTile[i] != f) {
            throw new IllegalStateException("PE(" + r + "," + c + ") at cycle " + t + ": fold " + f.id + "'s weights are not loaded");
        }
        active0[i] = f.weight(r, c, 0);
        active1[i] = f.weight(r, c, 1);
        activeFold[i] = f.id;
    }

    /**
     * PE(r, c)'s shadow register at the end of cycle t. Column c's chain of a preload from cycle p enters its
     * elements at the top from p + c, last row first, one per cycle, each moving down one row per cycle: the
     * first passes row r at the end of cycle p + c + r, and row r's own arrives at the end of p + c + R - 1.
     */
    private void latchThrough(int i, int r, int c, int t) {
        Fold latest = null;
        for (int k = 0; k < latching.size(); k++) {
            Fold f = latching.get(k);
            if (f.preloadStart + c + r <= t) {
                latest = f;
            }
        }
        if (latest == null) {
            return;
        }
        shadowTile[i] = latest;
        shadowDone[i] = latest.preloadStart + c + rows - 1 <= t ? latest.id : -1;
    }
}
