package org.flexiq.simulator;

/**
 * The hazards the NPU tracks itself, as Gemmini's reservation station does: per 8-byte scratchpad granule
 * and per accumulator row, when the last write and the last read finish. An instruction starts after every
 * earlier write and read it conflicts with. Accumulation by successive folds is ordered by the array's
 * pipeline, so the matrix unit does not wait on its own accumulator writes.
 */
final class Scoreboard {
    static final int GRANULE = 8;
    private final long[] spWrite;
    private final long[] spRead;
    private final long[] accWriteMatrix;
    private final long[] accWriteOther;
    private final long[] accRead;

    Scoreboard(int scratchpadBytes, int accumulatorRows) {
        int g = (scratchpadBytes + GRANULE - 1) / GRANULE;
        spWrite = new long[g];
        spRead = new long[g];
        accWriteMatrix = new long[accumulatorRows];
        accWriteOther = new long[accumulatorRows];
        accRead = new long[accumulatorRows];
    }

    /** A 2-D scratchpad region: rows of cols bytes, stride apart. */
    record Region(long addr, long rows, long stride, long cols) {
        static Region bytes(long addr, long n) {
            return new Region(addr, 1, 0, n);
        }
    }

    /** The earliest start for reading {@code reads} and writing {@code writes}. */
    long spReady(Region[] reads, Region[] writes) {
        long t = 0;
        for (Region r : reads) {
            t = Math.max(t, max(spWrite, r));
        }
        for (Region w : writes) {
            t = Math.max(t, Math.max(max(spWrite, w), max(spRead, w)));
        }
        return t;
    }

    void spDone(Region[] reads, Region[] writes, long finish) {
        for (Region r : reads) {
            raise(spRead, r, finish);
        }
        for (Region w : writes) {
            raise(spWrite, w, finish);
        }
    }

    /** Earliest start for a unit touching accumulator rows [row, row + n). */
    long accReady(int row, int n, boolean write, boolean matrix) {
        long t = 0;
        for (int i = row; i < row + n; i++) {
            t = Math.max(t, accWriteOther[i]);
            if (!matrix) {
                t = Math.max(t, accWriteMatrix[i]);
            }
            if (write) {
                t = Math.max(t, accRead[i]);
            }
        }
        return t;
    }

    void accDone(int row, int n, boolean write, boolean matrix, long finish) {
        long[] a = !write ? accRead : matrix ? accWriteMatrix : accWriteOther;
        for (int i = row; i < row + n; i++) {
            a[i] = Math.max(a[i], finish);
        }
    }

    private long max(long[] table, Region r) {
        long t = 0;
        if (r.rows() == 0 || r.cols() == 0) {
            return 0;
        }
        if (r.rows() == 1 || r.stride() == r.cols()) {
            return maxRange(table, r.addr(), r.addr() + r.rows() * r.cols());
        }
        for (long i = 0; i < r.rows(); i++) {
            long a = r.addr() + i * r.stride();
            t = Math.max(t, maxRange(table, a, a + r.cols()));
        }
        return t;
    }

    private static long maxRange(long[] table, long from, long to) {
        long t = 0;
        int end = (int) Math.min(table.length, (to + GRANULE - 1) / GRANULE);
        for (int g = (int) (from / GRANULE); g < end; g++) {
            t = Math.max(t, table[g]);
        }
        return t;
    }

    private void raise(long[] table, Region r, long finish) {
        if (r.rows() == 0 || r.cols() == 0) {
            return;
        }
        if (r.rows() == 1 || r.stride() == r.cols()) {
            raiseRange(table, r.addr(), r.addr() + r.rows() * r.cols(), finish);
            return;
        }
        for (long i = 0; i < r.rows(); i++) {
            long a = r.addr() + i * r.stride();
            raiseRange(table, a, a + r.cols(), finish);
        }
    }

    private static void raiseRange(long[] table, long from, long to, long finish) {
        int end = (int) Math.min(table.length, (to + GRANULE - 1) / GRANULE);
        for (int g = (int) (from / GRANULE); g < end; g++) {
            if (table[g] < finish) {
                table[g] = finish;
            }
        }
    }
}
