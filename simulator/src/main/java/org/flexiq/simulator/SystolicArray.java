package org.flexiq.simulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

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
        /** The activations in the order the PE rows take them ({@link #skew}), zero beyond K. */
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
         * The activations as the skewed input lines deliver them: row e of this table is what the PE rows hold
         * e cycles after the fold started entering a column (row r has the fold's row e - r), so one PE column's
         * inputs in one cycle are consecutive. Lane l of PE row r is K index 2r + l in int4 mode, r in int8.
         */
        void skew(int peRows) {
            int size = (m + peRows - 1) * peRows;
            lane0 = new int[size];
            lane1 = int4 ? new int[size] : null;
            for (int row = 0; row < m; row++) {
                for (int r = 0; r < peRows; r++) {
                    int lane = int4 ? 2 * r : r;
                    int at = (row + r) * peRows + r;
                    if (lane < k) {
                        lane0[at] = activations[row * k + lane];
                    }
                    if (int4 && lane + 1 < k) {
                        lane1[at] = activations[row * k + lane + 1];
                    }
                }
            }
        }
    }

    /** Most cycles the registers lag the control before they are caught up. */
    static final int BATCH = 4096;
    /** Arrays at least this large split their columns between two threads. */
    static final int PARALLEL_PES = 512;

    final int rows;
    final int cols;
    // PE registers, column-major (index c * R + r) so that a column's registers are contiguous
    private final int[] shadow0;
    private final int[] shadow1;
    private final int[] shadowDone;
    private final int[] active0;
    private final int[] active1;
    private final int[] activeFold;
    /** Partial sums of even cycles and of odd cycles: a cycle reads the other one's, so rows can go in any order. */
    private final int[] psumEven;
    private final int[] psumOdd;
    /** The tag delay line: the fold and row that entered row 0 at cycle d, at index d & mask. */
    private final Fold[] entered;
    private final int[] enteredRow;
    private final int mask;
    /** Control: folds whose weights are in the chains, folds whose activations are in the array. */
    private final List<Fold> preloading = new ArrayList<>();
    private final List<Fold> streaming = new ArrayList<>();
    /** Data: preloads whose latches the registers have not all been stepped through. */
    private final List<Fold> latching = new ArrayList<>();
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
        shadow0 = new int[n];
        shadow1 = new int[n];
        shadowDone = filled(n);
        active0 = new int[n];
        active1 = new int[n];
        activeFold = filled(n);
        psumEven = new int[n];
        psumOdd = new int[n];
        int size = Integer.highestOneBit(BATCH + rows + cols + 1) << 1;
        entered = new Fold[size];
        enteredRow = new int[size];
        mask = size - 1;
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
        f.skew(rows);
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
        int from = registersAt;
        if (worker == null) {
            columns(0, cols, from, end);
        } else {
            worker.start(from, end);
            RuntimeException mine = null;
            try {
                columns(0, worker.from, from, end);
            } catch (RuntimeException e) {
                mine = e;
            }
            worker.await();
            if (mine != null) {
                throw mine;
            }
        }
        registersAt = end;
        for (int i = latching.size() - 1; i >= 0; i--) {
            if (end - latching.get(i).preloadStart > cols - 1 + rows - 1) {
                latching.remove(i);
            }
        }
    }

    /** Columns [from, to) through cycles [t0, t1). */
    void columns(int from, int to, int t0, int t1) {
        for (int c = from; c < to; c++) {
            for (int t = t0; t < t1; t++) {
                column(c, t);
            }
        }
    }

    /**
     * One cycle of column c: each PE adds its product to the partial sum its upper neighbour held last cycle,
     * the bottom one leaves, then the chains latch. PE row r holds the tag that entered row 0 at d = t - c - r;
     * the rows are walked as runs of one fold (d consecutive), and only the PE with a fold's first row can
     * meet a new fold, so only it may flip.
     */
    private void column(int c, int t) {
        int base = c * rows;
        int[] prev = (t & 1) == 0 ? psumOdd : psumEven;
        int[] next = (t & 1) == 0 ? psumEven : psumOdd;
        int r = 0;
        int d = t - c;
        while (r < rows) {
            // rows r, r + 1, ... have entry cycles d, d - 1, ...
            Fold f = d >= 0 ? entered[d & mask] : null;
            if (f == null) {
                int run = 1;
                while (r + run < rows && (d - run < 0 || entered[(d - run) & mask] == null)) {
                    run++;
                }
                r += run;
                d -= run;
                continue;
            }
            int s = f.computeStart;
            int last = Math.min(rows - 1, r + d - s); // the run ends at the row holding the fold's row 0
            if (d - (last - r) == s) {
                int i = base + last;
                if (activeFold[i] != f.id) {
                    flip(i, f.id, last, c, t);
                }
            }
            int line = (t - c - s) * rows;
            int[] l0 = f.lane0;
            if (f.int4) {
                int[] l1 = f.lane1;
                for (int q = r; q <= last; q++) {
                    int i = base + q;
                    int in = q == 0 ? 0 : prev[i - 1];
                    next[i] = in + l0[line + q] * active0[i] + l1[line + q] * active1[i];
                }
            } else {
                for (int q = r; q <= last; q++) {
                    int i = base + q;
                    int in = q == 0 ? 0 : prev[i - 1];
                    next[i] = in + l0[line + q] * active0[i];
                }
            }
            if (last == rows - 1) {
                leave(f, d - (last - r) - s, c, next[base + last], t);
            }
            d -= last - r + 1;
            r = last + 1;
        }
        for (int k = 0; k < latching.size(); k++) {
            latch(latching.get(k), c, t);
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

    private void flip(int i, int fold, int r, int c, int t) {
        if (shadowDone[i] != fold) {
            throw new IllegalStateException("PE(" + r + "," + c + ") at cycle " + t + ": fold " + fold + "'s weights are not loaded");
        }
        active0[i] = shadow0[i];
        active1[i] = shadow1[i];
        activeFold[i] = fold;
    }

    /** Column c's chain at the end of cycle t: element j (for row R-1-j) entered at offset j and passes row r at offset j + r. */
    private void latch(Fold f, int c, int t) {
        int u = t - f.preloadStart - c;
        if (u < 0 || u >= rows) {
            return;
        }
        boolean valid = c < f.n;
        for (int r = 0; r <= u; r++) {
            int target = rows - 1 - (u - r);
            if (target < r) {
                continue;
            }
            int i = c * rows + r;
            int lane = f.int4 ? 2 * target : target;
            shadow0[i] = valid && lane < f.k ? f.weights[lane * f.n + c] : 0;
            shadow1[i] = valid && f.int4 && lane + 1 < f.k ? f.weights[(lane + 1) * f.n + c] : 0;
            if (u == rows - 1) {
                shadowDone[i] = f.id;
            }
        }
    }
}
