package org.flexiq.workloads.scalesim;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ScaleSimMemory} against a literal transcription of SCALE-Sim v2's Python, written separately here: the demand
 * matrices built whole (operand_matrix, systolic_compute_ws with skew_matrix), the estimate-bandwidth read buffer with
 * its list of address sets and its hit check scanning them, the write buffer with its trace lines, and the per-line
 * loop of double_buffered_scratchpad. Small SRAMs make the buffers roll many times.
 */
class ScaleSimMemoryTest {

    @Test
    void countingEqualsTheDemandMatricesOnRandomLayers() {
        Random rnd = new Random(15);
        int rolls = 0;
        int drains = 0;
        for (int i = 0; i < 60; i++) {
            int h = 3 + rnd.nextInt(28);
            int w = 3 + rnd.nextInt(28);
            int fh = 1 + rnd.nextInt(Math.min(h, 4));
            int fw = 1 + rnd.nextInt(Math.min(w, 4));
            int s = 1 + rnd.nextInt(3);
            TopologyLayer l = new TopologyLayer("l" + i, h, w, fh, fw, 1 + rnd.nextInt(6), 1 + rnd.nextInt(40), s, s);
            int rows = 2 + rnd.nextInt(9);
            int cols = 2 + rnd.nextInt(9);
            int ifKb = 1 + rnd.nextInt(3);
            int fiKb = 1 + rnd.nextInt(3);
            int ofKb = 1 + rnd.nextInt(3);
            ScaleSimAccess a = ScaleSimMemory.ofLayer(l, rows, cols, ifKb, fiKb, ofKb);
            assertThat(a).as(l + " on " + rows + "x" + cols).isEqualTo(Literal.run(l, rows, cols, ifKb, fiKb, ofKb));
            rolls += a.ifmapDram().stop() > 0 ? 1 : 0;
            drains += a.ofmapDram().start() < a.totalCycles() ? 1 : 0;
        }
        // the cases reach the buffers' own mechanics: ifmap sets fetched during the layer, ofmap drains before its end
        assertThat(rolls).isGreaterThan(10);
        assertThat(drains).isGreaterThan(10);
    }

    /** What `sim fuzz` found: a stride near 2^31 overflowed a window's row into a negative address. */
    @Test
    void aHugeStrideLeavesTheMapAsInPython() {
        TopologyLayer l = new TopologyLayer("s", 10, 10, 3, 3, 1, 1, Integer.MAX_VALUE, Integer.MAX_VALUE);
        assertThat(l.m()).isEqualTo(4); // ceil((10 - 3 + S) / S) = 2 per axis
        assertThat(ScaleSimMemory.ofLayer(l, 4, 4, 1, 1, 1)).isEqualTo(Literal.run(l, 4, 4, 1, 1, 1));
    }

    @Test
    void sramFiguresFollowTheClosedForms() {
        // alexnet_part's Conv1 on 32x32 (SCALE-Sim's golden trace): 12 x 3 folds of 2R + C + T - 2 = 3119 lines
        TopologyLayer conv1 = new TopologyLayer("Conv1", 224, 224, 11, 11, 3, 96, 4, 4);
        ScaleSimAccess a = ScaleSimMemory.ofLayer(conv1, 32, 32, 64, 64, 64);
        assertThat(a.totalCycles()).isEqualTo(36L * 3119 - 1);
        // the first ifmap read after R lines of weight loading, answered a cycle later; the last where a window still lies
        // inside the map (SCALE-Sim's golden trace: 112176)
        assertThat(a.ifmapSram()).isEqualTo(new ScaleSimAccess.Operand(33, 112176, 3025L * 363 * 3));
        assertThat(a.filterSram()).isEqualTo(new ScaleSimAccess.Operand(1, 35L * 3119 + 32, 363L * 96));
        assertThat(a.ofmapSram()).isEqualTo(new ScaleSimAccess.Operand(63, 36L * 3119 - 1, 3025L * 96 * 12));
        // every filter word is fetched once; the first fetches end the cycle before the first demand, less the port's latency
        assertThat(a.filterDram().count()).isEqualTo(363L * 96);
        assertThat(a.filterDram().start()).isEqualTo(-2 - (50 * 655 + 9) / 10 + 1 + 1);
    }

    /** SCALE-Sim's Python, statement by statement, on whole matrices. */
    private static final class Literal {
        static ScaleSimAccess run(TopologyLayer l, int R, int C, int ifKb, int fiKb, int ofKb) {
            int T = l.m();
            int sr = l.k();
            int sc = l.n();
            long[][] ifmapOp = new long[T][sr];
            for (int p = 0; p < T; p++) {
                int oRow = p / l.ofmapW();
                int oCol = p % l.ofmapW();
                long iRow = (long) oRow * l.strideH(); // Python's ints do not overflow
                long iCol = (long) oCol * l.strideW();
                for (int j = 0; j < sr; j++) {
                    int cRow = j / (l.filterW() * l.channels());
                    int k = j % (l.filterW() * l.channels());
                    int cCol = k / l.channels();
                    int ch = k % l.channels();
                    boolean valid = cRow + iRow < l.ifmapH() && cCol + iCol < l.ifmapW();
                    ifmapOp[p][j] = valid ? ((long) (cRow * l.ifmapW() + cCol) * l.channels() + ch) + (iRow * l.ifmapW() + iCol) * l.channels() : -1;
                }
            }
            int rowFold = (sr + R - 1) / R;
            int colFold = (sc + C - 1) / C;
            List<long[]> ifmapDemand = new ArrayList<>();
            List<long[]> filterDemand = new ArrayList<>();
            List<long[]> ofmapDemand = new ArrayList<>();
            for (int fc = 0; fc < colFold; fc++) {
                for (int fr = 0; fr < rowFold; fr++) {
                    int c0 = fr * R;
                    int cEnd = Math.min(c0 + R, sr);
                    // ifmap: R null rows, the fold's columns padded to R, C - 1 null rows, then skewed
                    List<long[]> base = new ArrayList<>();
                    for (int i = 0; i < R; i++) {
                        base.add(nulls(R));
                    }
                    for (int p = 0; p < T; p++) {
                        long[] row = nulls(R);
                        for (int j = c0; j < cEnd; j++) {
                            row[j - c0] = ifmapOp[p][j];
                        }
                        base.add(row);
                    }
                    for (int i = 0; i < C - 1; i++) {
                        base.add(nulls(R));
                    }
                    ifmapDemand.addAll(skew(base, R));
                    // filter: the block padded to R x C, flipped, then R + C + T - 2 null rows
                    int n0 = fc * C;
                    int nEnd = Math.min(n0 + C, sc);
                    List<long[]> fblock = new ArrayList<>();
                    for (int i = 0; i < R; i++) {
                        long[] row = nulls(C);
                        if (c0 + i < cEnd) {
                            for (int j = n0; j < nEnd; j++) {
                                row[j - n0] = (long) j * sr + (c0 + i);
                            }
                        }
                        fblock.add(row);
                    }
                    for (int i = R - 1; i >= 0; i--) {
                        filterDemand.add(fblock.get(i));
                    }
                    for (int i = 0; i < R + C + T - 2; i++) {
                        filterDemand.add(nulls(C));
                    }
                    // ofmap: 2R - 1 null rows, the fold's columns padded to C, then skewed
                    List<long[]> obase = new ArrayList<>();
                    for (int i = 0; i < 2 * R - 1; i++) {
                        obase.add(nulls(C));
                    }
                    for (int p = 0; p < T; p++) {
                        long[] row = nulls(C);
                        for (int j = n0; j < nEnd; j++) {
                            row[j - n0] = (long) sc * p + j;
                        }
                        obase.add(row);
                    }
                    ofmapDemand.addAll(skew(obase, C));
                }
            }
            ReadBuf ifmap = new ReadBuf(ifKb * 1024);
            ReadBuf filter = new ReadBuf(fiKb * 1024);
            WriteBuf ofmap = new WriteBuf(ofKb * 1024, C);
            long stall = 0;
            List<Long> ifmapServiced = new ArrayList<>();
            List<Long> filterServiced = new ArrayList<>();
            List<Long> ofmapServiced = new ArrayList<>();
            for (int i = 0; i < ofmapDemand.size(); i++) {
                long cycle = i + stall;
                ifmap.serviceReads(ifmapDemand.get(i), cycle);
                ifmapServiced.add(cycle + 1);
                filter.serviceReads(filterDemand.get(i), cycle);
                filterServiced.add(cycle + 1);
                long out = ofmap.serviceWrites(ofmapDemand.get(i), cycle);
                ofmapServiced.add(out);
                stall += Math.max(0, out - cycle);
            }
            ifmap.completeAllPrefetches();
            filter.completeAllPrefetches();
            ofmap.emptyAllBuffers(ofmapServiced.get(ofmapServiced.size() - 1));
            long total = ofmapServiced.get(ofmapServiced.size() - 1);
            return new ScaleSimAccess(total, stall,
                    sram(ifmapDemand, ifmapServiced, (long) T * sr * colFold), sram(filterDemand, filterServiced, (long) sr * sc),
                    sram(ofmapDemand, ofmapServiced, (long) T * sc * rowFold),
                    new ScaleSimAccess.Operand(ifmap.traceCycles.get(0), ifmap.traceCycles.get(ifmap.traceCycles.size() - 1), ifmap.numAccess),
                    new ScaleSimAccess.Operand(filter.traceCycles.get(0), filter.traceCycles.get(filter.traceCycles.size() - 1), filter.numAccess),
                    new ScaleSimAccess.Operand(ofmap.cycles.get(0), ofmap.cycles.get(ofmap.cycles.size() - 1), ofmap.numAccess));
        }

        static ScaleSimAccess.Operand sram(List<long[]> demand, List<Long> serviced, long count) {
            long start = -1;
            long stop = -1;
            for (int i = 0; i < demand.size(); i++) {
                for (long a : demand.get(i)) {
                    if (a != -1) {
                        start = start < 0 ? serviced.get(i) : start;
                        stop = serviced.get(i);
                        break;
                    }
                }
            }
            return new ScaleSimAccess.Operand(start, stop, count);
        }

        static long[] nulls(int n) {
            long[] a = new long[n];
            java.util.Arrays.fill(a, -1);
            return a;
        }

        static List<long[]> skew(List<long[]> in, int cols) {
            List<long[]> out = new ArrayList<>();
            for (int i = 0; i < in.size() + cols - 1; i++) {
                out.add(nulls(cols));
            }
            for (int c = 0; c < cols; c++) {
                for (int r = 0; r < in.size(); r++) {
                    out.get(c + r)[c] = in.get(r)[c];
                }
            }
            return out;
        }
    }

    /** read_buffer_estimate_bw.py. */
    private static final class ReadBuf {
        final long itemsPerSet;
        final int numSetsActive = 50;
        final int numSetsPrefetch = 50;
        int currentSetId;
        long elemsCurrentSet;
        Set<Long> currentSet = new HashSet<>();
        final List<Set<Long>> listOfSets = new ArrayList<>();
        int readStart = 0;
        int readEnd = 49;
        int prefetchStart = -1;
        int prefetchEnd = -1;
        long lastStart = -2;
        long lastEnd = -1;
        long firstCycle;
        boolean firstSeen;
        boolean activeDone;
        long numAccess;
        final List<Long> traceCycles = new ArrayList<>();
        int setsActiveForFinal = numSetsActive;

        ReadBuf(long bytes) {
            itemsPerSet = bytes / 100;
        }

        void serviceReads(long[] line, long cycle) {
            boolean any = false;
            for (long a : line) {
                any |= a > -1;
            }
            if (!firstSeen && any) {
                firstCycle = cycle;
                firstSeen = true;
            }
            for (long a : line) {
                if (a != -1) {
                    manage(cycle, a);
                }
            }
        }

        boolean hit(long a) {
            int end = Math.min(currentSetId, readEnd + 1);
            for (int i = readStart; i < end; i++) {
                if (listOfSets.get(i).contains(a)) {
                    return true;
                }
            }
            return false;
        }

        void manage(long cycle, long a) {
            if (hit(a) || currentSet.contains(a)) {
                return;
            }
            currentSet.add(a);
            elemsCurrentSet++;
            if (elemsCurrentSet != itemsPerSet) {
                return;
            }
            listOfSets.add(currentSet);
            currentSet = new HashSet<>();
            elemsCurrentSet = 0;
            currentSetId++;
            if (currentSetId != readEnd + 1) {
                return;
            }
            if (!activeDone) {
                lastEnd = firstCycle - 1 - 1;
                long cycles = (long) Math.ceil(numSetsPrefetch * itemsPerSet / 10.0);
                lastStart = lastEnd - cycles + 1;
                prefetch(0, numSetsActive - 1);
                prefetchStart = readEnd + 1;
                prefetchEnd = prefetchStart + numSetsPrefetch - 1;
                activeDone = true;
            } else {
                prefetch(prefetchStart, prefetchEnd);
                prefetchStart += numSetsPrefetch;
                prefetchEnd += numSetsPrefetch;
            }
            readStart += numSetsPrefetch;
            readEnd += numSetsPrefetch;
            lastStart = lastEnd + 1;
            lastEnd = cycle;
        }

        void completeAllPrefetches() {
            if (!currentSet.isEmpty()) {
                listOfSets.add(currentSet);
            } else {
                currentSetId--;
            }
            if (!activeDone) {
                lastEnd = -1 - 1;
                int sets = currentSetId + 1;
                long cycles = (long) Math.ceil(sets * itemsPerSet / 10.0);
                lastStart = lastEnd - cycles + 1;
                prefetch(0, sets - 1);
            } else {
                prefetch(prefetchStart, currentSetId);
            }
        }

        void prefetch(int from, int to) {
            for (int i = from; i <= to; i++) {
                numAccess += listOfSets.get(i).size();
            }
            for (long c = lastStart; c <= lastEnd; c++) {
                traceCycles.add(c + 1);
            }
        }
    }

    /** write_buffer.py (trace lines kept whole). */
    private static final class WriteBuf {
        final long total;
        final long drainBufSize;
        final int bw;
        long freeSpace;
        final List<long[]> trace = new ArrayList<>();
        long[] currentLine;
        int lineIdx;
        int drainStart;
        long drainEndCycle;
        long numAccess;
        final List<Long> cycles = new ArrayList<>();

        WriteBuf(long bytes, int bw) {
            total = bytes;
            drainBufSize = total - (long) Math.ceil(total * 0.5);
            this.bw = bw;
            freeSpace = total;
        }

        void store(long e) {
            if (currentLine == null) {
                currentLine = Literal.nulls(bw);
            }
            currentLine[lineIdx++] = e;
            freeSpace--;
            if (lineIdx == bw) {
                trace.add(currentLine);
                currentLine = null;
                lineIdx = 0;
            }
        }

        void forceAppend() {
            if (lineIdx != 0) {
                trace.add(currentLine);
                currentLine = null;
                lineIdx = 0;
            }
        }

        long serviceWrites(long[] line, long cycle) {
            long current = cycle;
            for (long e : line) {
                if (e == -1) {
                    continue;
                }
                store(e);
                if (current < drainEndCycle) {
                    if (!(freeSpace > 0)) {
                        current = drainEndCycle;
                    }
                } else if (freeSpace < total - drainBufSize) {
                    forceAppend();
                    drainEndCycle = drain(current);
                }
            }
            return current;
        }

        long drain(long start) {
            int n = (int) Math.ceil(drainBufSize / (double) bw);
            int end = Math.min(drainStart + n, trace.size());
            int lines = end - drainStart;
            long data = (long) lines * bw;
            for (long e : trace.get(end - 1)) {
                if (e == -1) {
                    data--;
                }
            }
            numAccess += data;
            for (int i = 0; i < lines; i++) {
                cycles.add(start + i);
            }
            freeSpace += data;
            drainStart = end;
            return start + lines - 1;
        }

        void emptyAllBuffers(long cycle) {
            forceAppend();
            while (drainStart < trace.size()) {
                drainEndCycle = drain(cycle);
                cycle = drainEndCycle + 1;
            }
        }
    }
}
