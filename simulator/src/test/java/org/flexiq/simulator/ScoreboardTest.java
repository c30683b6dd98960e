package org.flexiq.simulator;

import org.flexiq.simulator.Scoreboard.Region;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The scoreboard's block skipping and remembered loop operands against the plain definition: per 8-byte granule the
 * latest write and read finish, and a start is the maximum of the floor and every conflicting finish.
 */
class ScoreboardTest {
    private static final int BYTES = 9000; // not a multiple of a block or page: the last ones are partial

    /** The definition, granule by granule, with no shortcut. */
    private static final class PlainScoreboard {
        final long[] write = new long[(BYTES + 7) / 8];
        final long[] read = new long[write.length];

        long ready(Region[] reads, Region[] writes, long floor) {
            long t = floor;
            for (Region r : reads) {
                for (int g : granules(r)) {
                    t = Math.max(t, write[g]);
                }
            }
            for (Region w : writes) {
                for (int g : granules(w)) {
                    t = Math.max(t, Math.max(write[g], read[g]));
                }
            }
            return t;
        }

        void done(Region[] reads, Region[] writes, long finish) {
            for (Region r : reads) {
                for (int g : granules(r)) {
                    read[g] = Math.max(read[g], finish);
                }
            }
            for (Region w : writes) {
                for (int g : granules(w)) {
                    write[g] = Math.max(write[g], finish);
                }
            }
        }

        List<Integer> granules(Region r) {
            List<Integer> out = new ArrayList<>();
            for (long i = 0; i < r.rows(); i++) {
                for (long b = 0; b < r.cols(); b++) {
                    long g = (r.addr() + i * r.stride() + b) / 8;
                    if (g < write.length) {
                        out.add((int) g);
                    }
                }
            }
            return out;
        }
    }

    @Test
    void everyStartEqualsTheGranuleByGranuleDefinition() {
        Random rnd = new Random(7);
        for (int run = 0; run < 12; run++) {
            Scoreboard sb = new Scoreboard(BYTES, 4);
            PlainScoreboard plain = new PlainScoreboard();
            // a few bands read over and over (as a loop's folds read them), and fresh regions besides
            List<Region> bands = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                bands.add(region(rnd, true));
            }
            long now = 0;
            for (int step = 0; step < 1500; step++) {
                Region[] reads = new Region[rnd.nextInt(3)];
                for (int i = 0; i < reads.length; i++) {
                    reads[i] = rnd.nextInt(3) == 0 ? region(rnd, rnd.nextBoolean()) : bands.get(rnd.nextInt(bands.size()));
                }
                // runs of reads with no write remember more bands than the limit
                Region[] writes = new Region[run % 3 == 0 || rnd.nextInt(4) == 0 ? rnd.nextInt(2) : 0];
                for (int i = 0; i < writes.length; i++) {
                    Region band = bands.get(rnd.nextInt(bands.size()));
                    writes[i] = switch (rnd.nextInt(6)) {
                        case 0 -> band;
                        // bytes next to a band's span: apart in bytes, maybe not in granules
                        case 1 -> Region.bytes(band.end(), 1 + rnd.nextInt(8));
                        case 2 -> Region.bytes(Math.max(0, band.addr() - 4), Math.min(4, band.addr()));
                        default -> region(rnd, rnd.nextBoolean());
                    };
                }
                long floor = rnd.nextInt(3) == 0 ? 0 : Math.max(0, now - rnd.nextInt(400));
                boolean loop = rnd.nextInt(3) != 0;
                long expected = plain.ready(reads, writes, floor);
                assertEquals(expected, sb.spReady(reads, writes, floor, loop), "run " + run + ", step " + step);
                // finishes mostly grow, and sometimes an earlier one comes late (a short op after a long one)
                long finish = expected + 1 + rnd.nextInt(200) - (rnd.nextInt(5) == 0 ? 150 : 0);
                now = Math.max(now, finish);
                plain.done(reads, writes, finish);
                sb.spDone(reads, writes, finish, loop);
            }
        }
    }

    @Test
    void readsOfMoreBandsThanItRemembersStillHoldBackWrites() {
        Scoreboard sb = new Scoreboard(BYTES, 4);
        PlainScoreboard plain = new PlainScoreboard();
        Random rnd = new Random(11);
        int n = Scoreboard.MAX_BANDS * 3 / 2;
        for (int i = 0; i < n; i++) {
            // distinct bands (their addresses differ), read in decreasing time so that the first ones matter
            Region[] reads = {new Region(i % 1000, 16 + i / 1000, 1 + rnd.nextInt(8), 1 + rnd.nextInt(8))};
            sb.spDone(reads, new Region[0], 10_000 - i, true);
            plain.done(reads, new Region[0], 10_000 - i);
        }
        for (int a = 0; a < 1200; a += 37) {
            Region[] writes = {Region.bytes(a, 5)};
            assertEquals(plain.ready(new Region[0], writes, 0), sb.spReady(new Region[0], writes, 0, false), "write at " + a);
        }
    }

    @Test
    void accumulatorStartsEqualTheRowByRowDefinition() {
        Random rnd = new Random(5);
        int rowsInAcc = 64;
        for (int run = 0; run < 20; run++) {
            Scoreboard sb = new Scoreboard(BYTES, rowsInAcc);
            // per row: the matrix unit's last write, other units' last write, the last read
            long[][] plain = new long[3][rowsInAcc];
            int row = 0;
            int n = 1;
            long now = 0;
            for (int step = 0; step < 2000; step++) {
                // mostly a loop's folds on one range of rows, now and then a vector op or a DMA between them
                boolean matrix = rnd.nextInt(4) != 0;
                boolean write = rnd.nextInt(5) != 0;
                if (!matrix || rnd.nextInt(8) == 0) {
                    row = rnd.nextInt(rowsInAcc);
                    n = rnd.nextInt(rowsInAcc - row + 1);
                }
                long expected = 0;
                for (int i = row; i < row + n; i++) {
                    expected = Math.max(expected, plain[1][i]);
                    expected = Math.max(expected, matrix ? 0 : plain[0][i]);
                    expected = Math.max(expected, write ? plain[2][i] : 0);
                }
                assertEquals(expected, sb.accReady(row, n, write, matrix), "run " + run + ", step " + step);
                long finish = expected + 1 + rnd.nextInt(100) - (rnd.nextInt(4) == 0 ? 80 : 0);
                now = Math.max(now, finish);
                int which = !write ? 2 : matrix ? 0 : 1;
                for (int i = row; i < row + n; i++) {
                    plain[which][i] = Math.max(plain[which][i], finish);
                }
                sb.accDone(row, n, write, matrix, finish);
            }
        }
    }

    private static Region region(Random rnd, boolean large) {
        long cols = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(70);
        long rows = large ? 16 + rnd.nextInt(60) : 1 + rnd.nextInt(16);
        long stride = switch (rnd.nextInt(5)) {
            case 0 -> cols;
            case 1 -> 0;
            default -> cols + rnd.nextInt(300);
        };
        int blockBytes = GranuleTimes.BLOCK_GRANULES * Scoreboard.GRANULE;
        if (rnd.nextInt(4) == 0) {
            // a contiguous range from a block's start to a granule or so short of, at or past a block's end
            rows = 1;
            cols = (1 + rnd.nextInt(3)) * blockBytes + (rnd.nextInt(3) - 1) * Scoreboard.GRANULE * (1 + rnd.nextInt(2));
            return new Region((long) rnd.nextInt(BYTES / blockBytes) * blockBytes + rnd.nextInt(2) * Scoreboard.GRANULE, rows, 0, cols);
        }
        // now and then a region runs past the scratchpad's end, whose granules do not exist
        long span = (rows - 1) * stride + cols;
        long addr = rnd.nextInt(8) == 0 ? rnd.nextInt(BYTES) : rnd.nextInt((int) Math.max(1, BYTES - span));
        return new Region(addr, rows, stride, cols);
    }
}
