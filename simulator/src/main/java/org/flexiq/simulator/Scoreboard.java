package org.flexiq.simulator;

import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.flexiq.simulator.GranuleTimes.READ;
import static org.flexiq.simulator.GranuleTimes.WRITE;

/**
 * The hazards the NPU tracks itself, as Gemmini's reservation station does: per 8-byte scratchpad granule
 * ({@link GranuleTimes}) and per accumulator row ({@link AccumulatorTimes}), when the last write and the last read
 * finish. An instruction starts after every
 * earlier write and read it conflicts with. Accumulation by successive folds is ordered by the array's
 * pipeline, so the matrix unit does not wait on its own accumulator writes.
 *
 * <p>Three shortcuts keep ops from visiting every granule they touch (a convolution's folds each read the layer's
 * whole input band), and none changes a result:
 * <ul>
 * <li>A query carries the start its caller's other constraints already force (the floor). Each block of
 * {@link GranuleTimes#BLOCK_GRANULES} granules keeps the latest time of its granules per table, and a block whose latest is
 * at or below what the query has found so far is skipped whole; one the query covers whole gives its latest.</li>
 * <li>A range that covers a whole block raises the block's own time, which every granule of it shares.</li>
 * <li>A loop's operand (a region its folds read for every tap and output tile) is remembered as a {@link Band}:
 * its latest write, exactly or as a bound no later than a floor it was asked with, and its reads since, not yet
 * written into the table. A write whose byte span meets a band's ends the band (its reads go into the table
 * first). Read times are asked only by writes, so nothing else needs them.</li>
 * </ul>
 * The accumulator rows a loop's folds write are kept alike ({@link AccumulatorTimes}).
 */
final class Scoreboard {
    static final int GRANULE = 8;
    /** Bands are indexed by 4 KiB page, so that a write far from every band does not look at them. */
    static final int PAGE_SHIFT = 12;
    /** Beyond this many bands, all are written into the table and forgotten. */
    static final int MAX_BANDS = 256;

    private final GranuleTimes times;
    private final AccumulatorTimes acc;
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
        int granules = (scratchpadBytes + GRANULE - 1) / GRANULE;
        times = new GranuleTimes(granules);
        acc = new AccumulatorTimes(accumulatorRows);
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
            t = loopOperands && !r.empty() ? latestWrite(r, t) : times.max(WRITE, r, t);
        }
        for (Region w : writes) {
            if (!w.empty()) {
                forgetBandsMeeting(w);
                t = times.max(READ, w, times.max(WRITE, w, t));
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
                times.raise(READ, r, finish);
            }
        }
        for (Region w : writes) {
            if (!w.empty()) {
                forgetBandsMeeting(w);
                times.raise(WRITE, w, finish);
            }
        }
    }

    /** Earliest start for a unit touching accumulator rows [row, row + n). */
    long accReady(int row, int n, boolean write, boolean matrix) {
        return acc.ready(row, n, write, matrix);
    }

    void accDone(int row, int n, boolean write, boolean matrix, long finish) {
        acc.done(row, n, write, matrix, finish);
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
        long latest = times.max(WRITE, r, t);
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
            times.raise(READ, r, b.reads);
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

}
