package org.flexiq.simulator;

/**
 * Per accumulator row, when the matrix unit's last write, the other units' last write and the last read finish.
 * The matrix unit does not wait on its own writes: accumulation by successive folds is ordered by the array's
 * pipeline. A loop's folds write the same rows one after another, so their latest finish waits here until another
 * unit asks for those times, and their start, which only the other units' times move, is kept.
 */
final class AccumulatorTimes {
    /** Row i: the matrix unit's last write at [3i], other units' last write at [3i + 1], last read at [3i + 2]. */
    private final long[] acc;
    /**
     * The rows the folds now running write; their writes' latest finish, not yet in {@link #acc} (0: none); their start
     * as far as the other units are concerned (-1: not known).
     */
    private int foldRow;
    private int foldRows;
    private long foldWrites;
    private long foldReady = -1;

    AccumulatorTimes(int rows) {
        acc = new long[3 * rows];
    }

    /** Earliest start for a unit touching accumulator rows [row, row + n). */
    long ready(int row, int n, boolean write, boolean matrix) {
        if (matrix && write) {
            // the matrix unit waits only on the other units, whose times its own folds do not move
            foldsOn(row, n);
            if (foldReady < 0) {
                foldReady = accMax(row, n, false, true);
            }
            return foldReady;
        }
        if (!matrix) {
            settleFoldWrites();
        }
        return accMax(row, n, !matrix, write);
    }

    void done(int row, int n, boolean write, boolean matrix, long finish) {
        if (write && matrix) {
            foldsOn(row, n);
            foldWrites = Math.max(foldWrites, finish);
            return;
        }
        foldReady = -1;
        raiseAcc(row, n, write ? 1 : 2, finish);
    }

    /** The folds now write rows [row, row + n): another range settles the last one's writes and forgets its start. */
    private void foldsOn(int row, int n) {
        if (row != foldRow || n != foldRows) {
            settleFoldWrites();
            foldRow = row;
            foldRows = n;
            foldReady = -1;
        }
    }

    private long accMax(int row, int n, boolean matrixWrites, boolean reads) {
        long t = 0;
        for (int i = 3 * row; i < 3 * (row + n); i += 3) {
            t = Math.max(t, acc[i + 1]);
            if (matrixWrites) {
                t = Math.max(t, acc[i]);
            }
            if (reads) {
                t = Math.max(t, acc[i + 2]);
            }
        }
        return t;
    }

    private void settleFoldWrites() {
        if (foldWrites > 0) {
            raiseAcc(foldRow, foldRows, 0, foldWrites);
        }
        foldWrites = 0;
    }

    private void raiseAcc(int row, int n, int which, long finish) {
        for (int i = 3 * row + which; i < 3 * (row + n); i += 3) {
            acc[i] = Math.max(acc[i], finish);
        }
    }
}
