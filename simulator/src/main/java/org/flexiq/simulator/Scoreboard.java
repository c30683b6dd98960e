package org.flexiq.simulator;

/**
 * The hazards the NPU tracks itself, as Gemmini's reservation station does: per 8-byte scratchpad granule
 * and per accumulator row, when the last write and the last read finish. An instruction starts after every
 * earlier write and read it conflicts with. Accumulation by successive folds is ordered by the array's
 * pipeline, so the matrix unit does not wait on its own accumulator writes.
 *
 * <p>A fold reads or raises one granule per row of a strided tile, so each visit is a cache miss: a granule's write
 * and read times share one array (and a cache line), as do an accumulator row's three times.
 */
final class Scoreboard {
    static final int GRANULE = 8;
    /** Scratchpad granule g: last write's finish at [2g], last read's at [2g + 1]. */
    private final long[] sp;
    private final int granules;
    private static final int WRITE = 0;
    private static final int READ = 1;
    /** Accumulator row i: the matrix unit's last write at [3i], other units' last write at [3i + 1], last read at [3i + 2]. */
    private final long[] acc;

    Scoreboard(int scratchpadBytes, int accumulatorRows) {
        granules = (scratchpadBytes + GRANULE - 1) / GRANULE;
        sp = new long[2 * granules];
        acc = new long[3 * accumulatorRows];
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
            t = Math.max(t, max(WRITE, r));
        }
        for (Region w : writes) {
            t = Math.max(t, Math.max(max(WRITE, w), max(READ, w)));
        }
        return t;
    }

    void spDone(Region[] reads, Region[] writes, long finish) {
        for (Region r : reads) {
            raise(READ, r, finish);
        }
        for (Region w : writes) {
            raise(WRITE, w, finish);
        }
    }

    /** Earliest start for a unit touching accumulator rows [row, row + n). */
    long accReady(int row, int n, boolean write, boolean matrix) {
        long t = 0;
        for (int i = 3 * row; i < 3 * (row + n); i += 3) {
            t = Math.max(t, acc[i + 1]);
            if (!matrix) {
                t = Math.max(t, acc[i]);
            }
            if (write) {
                t = Math.max(t, acc[i + 2]);
            }
        }
        return t;
    }

    void accDone(int row, int n, boolean write, boolean matrix, long finish) {
        int which = !write ? 2 : matrix ? 0 : 1;
        for (int i = 3 * row + which; i < 3 * (row + n); i += 3) {
            acc[i] = Math.max(acc[i], finish);
        }
    }

    private long max(int table, Region r) {
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

    private long maxRange(int table, long from, long to) {
        long t = 0;
        int end = 2 * (int) Math.min(granules, (to + GRANULE - 1) / GRANULE);
        for (int i = 2 * (int) (from / GRANULE) + table; i < end; i += 2) {
            t = Math.max(t, sp[i]);
        }
        return t;
    }

    private void raise(int table, Region r, long finish) {
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

    private void raiseRange(int table, long from, long to, long finish) {
        int end = 2 * (int) Math.min(granules, (to + GRANULE - 1) / GRANULE);
        for (int i = 2 * (int) (from / GRANULE) + table; i < end; i += 2) {
            if (sp[i] < finish) {
                sp[i] = finish;
            }
        }
    }
}
