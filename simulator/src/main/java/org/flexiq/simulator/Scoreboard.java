package org.flexiq.simulator;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The hazards the NPU tracks itself, as Gemmini's reservation station does: per 8-byte scratchpad granule
 * and per accumulator row, when the last write and the last read finish. An instruction starts after every
 * earlier write and read it conflicts with. Accumulation by successive folds is ordered by the array's
 * pipeline, so the matrix unit does not wait on its own accumulator writes.
 *
 * <p>Three shortcuts keep ops from visiting every granule they touch (a convolution's folds each read the layer's
 * whole input band), and none changes a result:
 * <ul>
 * <li>A query carries the start its caller's other constraints already force (the floor). Each block of
 * {@link #BLOCK_GRANULES} granules keeps the latest time of its granules per table, and a block whose latest is
 * at or below what the query has found so far is skipped whole; one the query covers whole gives its latest.</li>
 * <li>A range that covers a whole block raises the block's own time, which every granule of it shares.</li>
 * <li>A loop's operand (a region its folds read for every tap and output tile) is remembered as a {@link Band}:
 * its latest write, exactly or as a bound no later than a floor it was asked with, and its reads since, not yet
 * written into the table. A write whose byte span meets a band's ends the band (its reads go into the table
 * first). Read times are asked only by writes, so nothing else needs them.</li>
 * </ul>
 * The accumulator rows a loop's folds write are kept alike: their writes' latest finish, and their start.
 */
final class Scoreboard {
    static final int GRANULE = 8;
    /** 64 granules (512 bytes) per block: a few rows of a channel band, so clean blocks skip many rows. */
    static final int BLOCK_SHIFT = 6;
    static final int BLOCK_GRANULES = 1 << BLOCK_SHIFT;
    /** Bands are indexed by 4 KiB page, so that a write far from every band does not look at them. */
    static final int PAGE_SHIFT = 12;
    /** Beyond this many bands, all are written into the table and forgotten. */
    static final int MAX_BANDS = 256;

    private static final int WRITE = 0;
    private static final int READ = 1;
    /** Scratchpad granule g: last write's finish at [2g], last read's at [2g + 1] (one cache line per granule). */
    private final long[] sp;
    /** Block b: the latest write finish of its granules at [2b], the latest read at [2b + 1]. */
    private final long[] block;
    /**
     * Block b: a time every granule of it has reached, per table as in {@link #block}. A range that covers
     * whole blocks raises this once per block instead of each granule; a granule's time is the later of its own
     * and its block's.
     */
    private final long[] whole;
    private final int granules;
    /** Accumulator row i: the matrix unit's last write at [3i], other units' last write at [3i + 1], last read at [3i + 2]. */
    private final long[] acc;
    /**
     * The folds of a loop write the same accumulator rows one after another: their latest finish waits here
     * until another unit asks for those times, and their start, which only other units' times move, is kept.
     */
    private int pendingRow;
    private int pendingRows;
    private long pendingFinish;
    private int foldRow;
    private int foldRows;
    private long foldReady = -1;
    /** Remembered loop operands, in the order they came (so that walking them costs their number). */
    private final Map<Region, Band> bands = new LinkedHashMap<>();
    /** Per scratchpad page, how many bands' byte spans cover it. */
    private final int[] bandsOnPage;

    /** What is known of a loop operand while no write meets it. */
    private static final class Band {
        /** The latest write over its granules; {@code exact} false: only that none is later. */
        long latestWrite;
        boolean exact;
        /** The latest finish of its reads since it was remembered (0: none). */
        long reads;
    }

    Scoreboard(int scratchpadBytes, int accumulatorRows) {
        granules = (scratchpadBytes + GRANULE - 1) / GRANULE;
        sp = new long[2 * granules];
        block = new long[2 * ((granules + BLOCK_GRANULES - 1) >> BLOCK_SHIFT)];
        whole = new long[block.length];
        acc = new long[3 * accumulatorRows];
        bandsOnPage = new int[(int) (((long) granules * GRANULE + (1 << PAGE_SHIFT) - 1) >> PAGE_SHIFT)];
    }

    /** A 2-D scratchpad region: rows of cols bytes, stride apart. */
    record Region(long addr, long rows, long stride, long cols) {
        static Region bytes(long addr, long n) {
            return new Region(addr, 1, 0, n);
        }

        boolean empty() {
            return rows == 0 || cols == 0;
        }

        boolean contiguous() {
            return rows == 1 || stride == cols;
        }

        /** One past the last byte of its span. */
        long end() {
            return addr + (rows - 1) * stride + cols;
        }

        /** Whether their spans share a granule (bytes apart in one granule conflict too). */
        boolean meets(Region o) {
            return addr / GRANULE < (o.end() + GRANULE - 1) / GRANULE && o.addr / GRANULE < (end() + GRANULE - 1) / GRANULE;
        }
    }

    /**
     * The earliest start, no earlier than {@code floor}, for reading {@code reads} and writing {@code writes}:
     * {@code max(floor, every conflicting finish)}. {@code loopOperands}: the reads are a loop's operands, read
     * again by its other folds.
     */
    long spReady(Region[] reads, Region[] writes, long floor, boolean loopOperands) {
        long t = floor;
        for (Region r : reads) {
            t = loopOperands && !r.empty() ? latestWrite(r, t) : max(WRITE, r, t);
        }
        for (Region w : writes) {
            if (!w.empty()) {
                forgetBandsMeeting(w);
                t = max(READ, w, max(WRITE, w, t));
            }
        }
        return t;
    }

    void spDone(Region[] reads, Region[] writes, long finish, boolean loopOperands) {
        for (Region r : reads) {
            if (loopOperands && !r.empty()) {
                Band b = band(r);
                b.reads = Math.max(b.reads, finish);
            } else {
                raise(READ, r, finish);
            }
        }
        for (Region w : writes) {
            if (!w.empty()) {
                forgetBandsMeeting(w);
                raise(WRITE, w, finish);
            }
        }
    }

    /** Earliest start for a unit touching accumulator rows [row, row + n). */
    long accReady(int row, int n, boolean write, boolean matrix) {
        if (matrix && write) {
            // the matrix unit waits only on the other units, whose times its own folds do not move
            if (foldRow != row || foldRows != n) {
                foldRow = row;
                foldRows = n;
                foldReady = -1;
            }
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

    void accDone(int row, int n, boolean write, boolean matrix, long finish) {
        if (write && matrix) {
            if (pendingRow != row || pendingRows != n) {
                settleFoldWrites();
                pendingRow = row;
                pendingRows = n;
            }
            pendingFinish = Math.max(pendingFinish, finish);
            return;
        }
        foldReady = -1;
        raiseAcc(row, n, write ? 1 : 2, finish);
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
        if (pendingRows > 0) {
            raiseAcc(pendingRow, pendingRows, 0, pendingFinish);
        }
        pendingRows = 0;
        pendingFinish = 0;
    }

    private void raiseAcc(int row, int n, int which, long finish) {
        for (int i = 3 * row + which; i < 3 * (row + n); i += 3) {
            acc[i] = Math.max(acc[i], finish);
        }
    }

    /** max(t, the latest write over a loop operand). */
    private long latestWrite(Region r, long t) {
        Band b = bands.get(r);
        if (b != null && (b.exact || b.latestWrite <= t)) {
            return Math.max(t, b.latestWrite);
        }
        if (b == null) {
            b = band(r);
        }
        long latest = max(WRITE, r, t);
        // above the floor the scan saw every block that mattered; at the floor, only that nothing is later
        b.latestWrite = latest;
        b.exact = latest > t;
        return latest;
    }

    private Band band(Region r) {
        Band b = bands.get(r);
        if (b != null) {
            return b;
        }
        if (bands.size() >= MAX_BANDS) {
            for (Map.Entry<Region, Band> e : bands.entrySet()) {
                settle(e.getKey(), e.getValue());
            }
            bands.clear();
            Arrays.fill(bandsOnPage, 0);
        }
        b = new Band();
        bands.put(r, b);
        count(r, 1);
        return b;
    }

    /** Ends every band whose span meets {@code w}'s, its reads written into the table. */
    private void forgetBandsMeeting(Region w) {
        if (!onBandPage(w)) {
            return;
        }
        for (Iterator<Map.Entry<Region, Band>> it = bands.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Region, Band> e = it.next();
            if (e.getKey().meets(w)) {
                settle(e.getKey(), e.getValue());
                count(e.getKey(), -1);
                it.remove();
            }
        }
    }

    private void settle(Region r, Band b) {
        if (b.reads > 0) {
            raise(READ, r, b.reads);
        }
    }

    private void count(Region r, int by) {
        int last = (int) Math.min(bandsOnPage.length - 1, (r.end() - 1) >> PAGE_SHIFT);
        for (int p = (int) Math.min(bandsOnPage.length, r.addr() >> PAGE_SHIFT); p <= last; p++) {
            bandsOnPage[p] += by;
        }
    }

    private boolean onBandPage(Region w) {
        if (bands.isEmpty()) {
            return false;
        }
        int last = (int) Math.min(bandsOnPage.length - 1, (w.end() - 1) >> PAGE_SHIFT);
        for (int p = (int) Math.min(bandsOnPage.length, w.addr() >> PAGE_SHIFT); p <= last; p++) {
            if (bandsOnPage[p] > 0) {
                return true;
            }
        }
        return false;
    }

    /** max(t, the table's latest over the region's granules). */
    private long max(int table, Region r, long t) {
        if (r.empty()) {
            return t;
        }
        if (r.contiguous()) {
            return maxRange(table, r.addr(), r.addr() + r.rows() * r.cols(), t);
        }
        if (r.stride() <= 0) {
            for (long i = 0; i < r.rows(); i++) {
                long a = r.addr() + i * r.stride();
                t = maxRange(table, a, a + r.cols(), t);
            }
            return t;
        }
        long i = 0;
        while (i < r.rows()) {
            long a = r.addr() + i * r.stride();
            long g = a / GRANULE;
            if (g >= granules) {
                break;
            }
            int b = (int) (g >> BLOCK_SHIFT);
            long blockEnd = (long) (b + 1) * BLOCK_GRANULES * GRANULE;
            if (block[2 * b + table] <= t && a + r.cols() <= blockEnd) {
                // every row that starts at or after a and ends within this block is clean too
                i += (blockEnd - r.cols() - a) / r.stride() + 1;
                continue;
            }
            t = maxRange(table, a, a + r.cols(), t);
            i++;
        }
        return t;
    }

    private long maxRange(int table, long from, long to, long t) {
        int end = (int) Math.min(granules, (to + GRANULE - 1) / GRANULE);
        int g = (int) Math.min(granules, from / GRANULE);
        while (g < end) {
            int b = g >> BLOCK_SHIFT;
            int blockStart = b << BLOCK_SHIFT;
            int blockEnd = blockStart + BLOCK_GRANULES;
            int stop = Math.min(end, blockEnd);
            int k = 2 * b + table;
            if (block[k] > t) {
                if (g == blockStart && stop == blockEnd) {
                    t = block[k];
                } else {
                    t = Math.max(t, whole[k]);
                    for (int i = 2 * g + table; i < 2 * stop; i += 2) {
                        t = Math.max(t, sp[i]);
                    }
                }
            }
            g = stop;
        }
        return t;
    }

    private void raise(int table, Region r, long finish) {
        if (r.empty()) {
            return;
        }
        if (r.contiguous()) {
            raiseRange(table, r.addr(), r.addr() + r.rows() * r.cols(), finish);
            return;
        }
        for (long i = 0; i < r.rows(); i++) {
            long a = r.addr() + i * r.stride();
            raiseRange(table, a, a + r.cols(), finish);
        }
    }

    private void raiseRange(int table, long from, long to, long finish) {
        int end = (int) Math.min(granules, (to + GRANULE - 1) / GRANULE);
        int g = (int) Math.min(granules, from / GRANULE);
        while (g < end) {
            int b = g >> BLOCK_SHIFT;
            int blockStart = b << BLOCK_SHIFT;
            int blockEnd = blockStart + BLOCK_GRANULES;
            int stop = Math.min(end, blockEnd);
            int k = 2 * b + table;
            if (g == blockStart && stop == blockEnd) {
                whole[k] = Math.max(whole[k], finish);
            } else {
                for (int i = 2 * g + table; i < 2 * stop; i += 2) {
                    if (sp[i] < finish) {
                        sp[i] = finish;
                    }
                }
            }
            block[k] = Math.max(block[k], finish);
            g = stop;
        }
    }
}
