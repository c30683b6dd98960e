package org.flexiq.simulator;

import org.flexiq.simulator.Scoreboard.Region;

/**
 * Per 8-byte scratchpad granule, when the last write and the last read finish, with per-block summaries that let
 * a query skip what cannot raise its answer and let a range raise whole blocks at once (Scoreboard explains why).
 */
final class GranuleTimes {
    static final int WRITE = 0;
    static final int READ = 1;
    /** 64 granules (512 bytes) per block: a few rows of a channel band, so clean blocks skip many rows. */
    static final int BLOCK_SHIFT = 6;
    static final int BLOCK_GRANULES = 1 << BLOCK_SHIFT;

    private final int granules;
    /** Granule g: last write's finish at [2g], last read's at [2g + 1] (one cache line per granule). */
    private final long[] sp;
    /** Block b: the latest write finish of its granules at [2b], the latest read at [2b + 1]. */
    private final long[] block;
    /**
     * Block b: a time every granule of it has reached, per table as in {@link #block}. A range that covers
     * whole blocks raises this once per block instead of each granule; a granule's time is the later of its own
     * and its block's.
     */
    private final long[] whole;

    GranuleTimes(int granules) {
        this.granules = granules;
        sp = new long[2 * granules];
        block = new long[2 * ((granules + BLOCK_GRANULES - 1) >> BLOCK_SHIFT)];
        whole = new long[block.length];
    }

    /** max(t, the table's latest over the region's granules). */
    long max(int table, Region r, long t) {
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
            long g = a / Scoreboard.GRANULE;
            if (g >= granules) {
                break;
            }
            int b = (int) (g >> BLOCK_SHIFT);
            long blockEnd = (long) (b + 1) * BLOCK_GRANULES * Scoreboard.GRANULE;
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

    /** The granule holding byte {@code at} (the table's end if beyond it). */
    private int granuleOf(long at) {
        return (int) Math.min(granules, at / Scoreboard.GRANULE);
    }

    /** One past the last granule that the bytes before {@code to} touch (at most the table's end). */
    private int granuleEnd(long to) {
        return (int) Math.min(granules, (to + Scoreboard.GRANULE - 1) / Scoreboard.GRANULE);
    }

    private long maxRange(int table, long from, long to, long t) {
        int end = granuleEnd(to);
        int g = granuleOf(from);
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

    void raise(int table, Region r, long finish) {
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
        int end = granuleEnd(to);
        int g = granuleOf(from);
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
