package org.flexiq.workloads.scalesim;

/**
 * SCALE-Sim v2's memory accounting of one layer on a weight-stationary array with its bandwidth computed (CALC mode),
 * by counting: the demand lines its {@code systolic_compute_ws} builds are walked in order without being built, and
 * its buffers ({@code read_buffer_estimate_bw} for ifmap and filter, {@code write_buffer} for ofmap, behind
 * {@code double_buffered_scratchpad}) are followed request by request, with the same state they keep. That gives its
 * three reports' figures exactly, quirks included (validation/README.md, "BANDWIDTH_REPORT and DETAILED_ACCESS_REPORT").
 *
 * <p>Per fold (column folds outer, row folds inner) there are 2R + C + T - 2 demand lines. Line l of a fold asks array
 * row r for im2col element (l - r - R, k0 + r) (skewed, after R lines of weight loading), column c's filter row
 * k0 + R - 1 - l on the first R lines (flipped), and writes output column c of pixel l - c - (2R - 1). A line's cycle is
 * its index plus the stalls so far (only the ofmap write buffer stalls in CALC mode).
 */
public final class ScaleSimMemory {
    /** SCALE-Sim's read buffers hold their contents as 100 sets of addresses, half active and half prefetched. */
    private static final int SETS = 100;
    /** The prefetch bandwidth its CALC mode starts from, words per cycle (single_layer_sim). */
    private static final int CALC_READ_BANDWIDTH = 10;

    private ScaleSimMemory() {
    }

    /** Every layer of a topology, in its order (the layers are independent: they are counted in parallel). */
    public static java.util.List<ScaleSimAccess> ofTopology(ScaleSimTopology topology, int rows, int cols, int ifmapKB, int filterKB,
                                                           int ofmapKB, boolean v3) {
        return topology.layers().parallelStream().map(l -> ofLayer(l, rows, cols, ifmapKB, filterKB, ofmapKB, v3)).toList();
    }

    /** As SCALE-Sim v2 reports it. */
    public static ScaleSimAccess ofLayer(TopologyLayer layer, int rows, int cols, int ifmapKB, int filterKB, int ofmapKB) {
        return ofLayer(layer, rows, cols, ifmapKB, filterKB, ofmapKB, false);
    }

    /**
     * @param rows    the array's rows R (the reduction)
     * @param cols    its columns C (the filters)
     * @param ifmapKB its SRAM sizes, kB of one-byte words, as the config gives them
     * @param v3      as SCALE-Sim v3 reports it: the ofmap DRAM span runs from the earliest to the latest drain cycle
     *                ({@code np.amin}, {@code np.amax}), where v2 takes the first and the last drained; a drain started
     *                late in the layer may end after the final ones, which begin at the last output line
     */
    public static ScaleSimAccess ofLayer(TopologyLayer layer, int rows, int cols, int ifmapKB, int filterKB, int ofmapKB, boolean v3) {
        int t = layer.m();
        int sr = layer.k();
        int sc = layer.n();
        int rowFolds = (sr + rows - 1) / rows;
        int colFolds = (sc + cols - 1) / cols;
        long foldLines = 2L * rows + cols + t - 2;
        ReadBuffer ifmap = new ReadBuffer(1024L * ifmapKB, CALC_READ_BANDWIDTH, (long) layer.ifmapH() * layer.ifmapW() * layer.channels());
        ReadBuffer filter = new ReadBuffer(1024L * filterKB, CALC_READ_BANDWIDTH, (long) sr * sc);
        WriteBuffer ofmap = new WriteBuffer(1024L * ofmapKB, cols);
        Im2col im2col = new Im2col(layer);
        long stall = 0;
        long line = 0;
        long ifmapFirst = -1;
        long ifmapLast = -1;
        long filterFirst = -1;
        long filterLast = -1;
        long ofmapFirst = -1;
        long ofmapLast = -1;
        long lastOut = 0;
        for (int fc = 0; fc < colFolds; fc++) {
            int n0 = fc * cols;
            int colsUsed = Math.min(cols, sc - n0);
            for (int fr = 0; fr < rowFolds; fr++) {
                int k0 = fr * rows;
                int rowsUsed = Math.min(rows, sr - k0);
                for (long l = 0; l < foldLines; l++, line++) {
                    long cycle = line + stall;
                    boolean any = false;
                    long rLo = Math.max(0, l - rows - t + 1);
                    long rHi = Math.min(rowsUsed - 1, l - rows);
                    for (long r = rLo; r <= rHi; r++) {
                        long addr = im2col.address((int) (l - r - rows), k0 + (int) r);
                        if (addr >= 0) {
                            any = true;
                            ifmap.request(cycle, addr);
                        }
                    }
                    if (any) {
                        // a read is answered one cycle after its line (the buffers' hit latency)
                        ifmapFirst = ifmapFirst < 0 ? cycle + 1 : ifmapFirst;
                        ifmapLast = cycle + 1;
                    }
                    if (l < rows && rows - 1 - l < rowsUsed) {
                        long kr = k0 + rows - 1 - l;
                        for (int c = 0; c < colsUsed; c++) {
                            filter.request(cycle, (long) (n0 + c) * sr + kr);
                        }
                        filterFirst = filterFirst < 0 ? cycle + 1 : filterFirst;
                        filterLast = cycle + 1;
                    }
                    long lead = 2L * rows - 1;
                    long cLo = Math.max(0, l - lead - t + 1);
                    long cHi = Math.min(colsUsed - 1, l - lead);
                    long out = ofmap.write(cycle, (int) Math.max(0, cHi - cLo + 1));
                    if (cHi >= cLo) {
                        ofmapFirst = ofmapFirst < 0 ? out : ofmapFirst;
                        ofmapLast = out;
                    }
                    stall += out - cycle;
                    lastOut = out;
                }
            }
        }
        ifmap.completeAllPrefetches();
        filter.completeAllPrefetches();
        ofmap.emptyAll(lastOut);
        long total = lastOut;
        return new ScaleSimAccess(total, stall,
                new ScaleSimAccess.Operand(ifmapFirst, ifmapLast, (long) t * sr * colFolds),
                new ScaleSimAccess.Operand(filterFirst, filterLast, (long) sr * sc),
                new ScaleSimAccess.Operand(ofmapFirst, ofmapLast, (long) t * sc * rowFolds),
                ifmap.dram(), filter.dram(), ofmap.dram(v3));
    }

    /** operand_matrix's ifmap addresses: element (pixel, window index) of the im2col matrix, -1 where the window leaves the map. */
    private static final class Im2col {
        private final int w;
        private final int h;
        private final int c;
        private final int fw;
        private final int sh;
        private final int sw;
        private final int ew;

        Im2col(TopologyLayer l) {
            h = l.ifmapH();
            w = l.ifmapW();
            c = l.channels();
            fw = l.filterW();
            sh = l.strideH();
            sw = l.strideW();
            ew = l.ofmapW();
        }

        long address(int pixel, int k) {
            // in long arithmetic, as Python's ints: a stride near 2^31 puts the second window row past any map, not negative
            long iRow = (long) (pixel / ew) * sh;
            long iCol = (long) (pixel % ew) * sw;
            int cRow = k / (fw * c);
            int rem = k % (fw * c);
            int cCol = rem / c;
            if (cRow + iRow >= h || cCol + iCol >= w) {
                return -1;
            }
            return ((iRow + cRow) * w + iCol + cCol) * c + rem % c;
        }
    }

    /**
     * {@code read_buffer_estimate_bw}: new addresses fill sets of total/100 words in arrival order; an address is a hit
     * while a set holding it is at or after the first active set. When the sets reach the end of the active window, the
     * window moves on by half the buffer and the sets filled are fetched from DRAM over the cycles since the previous
     * move (the first time: over the cycles just before the first request, at the default bandwidth).
     */
    private static final class ReadBuffer {
        private final long itemsPerSet;
        private final int activeSets = SETS / 2;
        private final int prefetchSets = SETS - activeSets;
        private final int defaultBandwidth;
        /** The newest set each address was added to, -1 for none. */
        private final int[] lastSet;
        private long elemsCurrent;
        private int currentSet;
        private int readStart;
        private int readEnd;
        private int prefetchStart = -1;
        private long lastPrefetchStart = -2;
        private long lastPrefetchEnd = -1;
        private long firstRequestCycle;
        private boolean firstSeen;
        private boolean activeDone;
        private long accesses;
        private long traceFirst = Long.MIN_VALUE;
        private long traceLast;

        ReadBuffer(long bytes, int defaultBandwidth, long addresses) {
            this.itemsPerSet = bytes / SETS;
            this.defaultBandwidth = defaultBandwidth;
            this.readEnd = activeSets - 1;
            if (addresses > Integer.MAX_VALUE - 8) {
                throw new IllegalArgumentException("an operand of " + addresses + " words is past what the access count follows");
            }
            this.lastSet = new int[(int) addresses];
            java.util.Arrays.fill(lastSet, -1);
            if (itemsPerSet == 0) {
                throw new IllegalArgumentException("an SRAM of " + bytes + " bytes holds no word per set (SCALE-Sim divides it into 100 sets)");
            }
        }

        void request(long cycle, long addr) {
            if (!firstSeen) {
                firstRequestCycle = cycle;
                firstSeen = true;
            }
            int a = (int) addr;
            if (lastSet[a] >= readStart) {
                return; // a hit in the active sets, or already in the set being filled
            }
            lastSet[a] = currentSet;
            if (++elemsCurrent < itemsPerSet) {
                return;
            }
            elemsCurrent = 0;
            currentSet++;
            if (currentSet != readEnd + 1) {
                return;
            }
            if (!activeDone) {
                lastPrefetchEnd = firstRequestCycle - 1 - 1; // the DRAM port's latency is one cycle
                long cycles = ceilDiv(prefetchSets * itemsPerSet, defaultBandwidth);
                lastPrefetchStart = lastPrefetchEnd - cycles + 1;
                prefetch(activeSets * itemsPerSet);
                prefetchStart = readEnd + 1;
                activeDone = true;
            } else {
                prefetch(prefetchSets * itemsPerSet);
                prefetchStart += prefetchSets;
            }
            readStart += prefetchSets;
            readEnd += prefetchSets;
            lastPrefetchStart = lastPrefetchEnd + 1;
            lastPrefetchEnd = cycle;
        }

        /** The sets left: the one being filled, if it holds anything, and those since the last fetch. */
        void completeAllPrefetches() {
            long partial = elemsCurrent;
            int last = partial > 0 ? currentSet : currentSet - 1;
            if (!activeDone) {
                lastPrefetchEnd = -1 - 1;
                long sets = last + 1;
                long cycles = ceilDiv(sets * itemsPerSet, defaultBandwidth);
                lastPrefetchStart = lastPrefetchEnd - cycles + 1;
                prefetch(Math.max(0, sets - (partial > 0 ? 1 : 0)) * itemsPerSet + partial);
            } else {
                long sets = last - prefetchStart + 1;
                prefetch(Math.max(0, sets - (partial > 0 ? 1 : 0)) * itemsPerSet + partial);
            }
        }

        /** Fetches {@code words} over [lastPrefetchStart, lastPrefetchEnd]; the port answers each cycle's requests a cycle later. */
        private void prefetch(long words) {
            accesses += words;
            if (lastPrefetchEnd >= lastPrefetchStart) {
                if (traceFirst == Long.MIN_VALUE) {
                    traceFirst = lastPrefetchStart + 1;
                }
                traceLast = lastPrefetchEnd + 1;
            }
        }

        ScaleSimAccess.Operand dram() {
            return new ScaleSimAccess.Operand(traceFirst, traceLast, accesses);
        }
    }

    /**
     * {@code write_buffer}: outputs are packed into lines of the drain bandwidth (C words in CALC mode); once more than
     * half the buffer is waiting and no drain is under way, the waiting lines (the one being filled too, padded) are
     * queued and half the buffer's worth of lines drains, one line a cycle. A drain counts its lines' words less the
     * padding of its last line only, and frees that many: padding in the middle of a drain counts as traffic. When
     * the buffer is full during a drain, the writer stalls until it ends.
     */
    private static final class WriteBuffer {
        private final long total;
        private final long activeSize;
        private final long drainBufSize;
        private final int bandwidth;
        private long freeSpace;
        private long lineFill;
        /** Lines queued for draining, and the fill of each padded one (line index, words) in order. */
        private long lines;
        private final java.util.ArrayDeque<long[]> padded = new java.util.ArrayDeque<>();
        private long drainStartLine;
        private long drainEndCycle;
        private long accesses;
        private long traceFirst = Long.MIN_VALUE;
        private long traceLast;
        private long traceMin = Long.MAX_VALUE;
        private long traceMax = Long.MIN_VALUE;

        WriteBuffer(long bytes, int bandwidth) {
            this.total = bytes;
            this.activeSize = (bytes + 1) / 2; // ceil(total x 0.5)
            this.drainBufSize = total - activeSize;
            this.bandwidth = bandwidth;
            this.freeSpace = total;
        }

        /** {@code n} outputs written in the line of {@code cycle}; answers the cycle the line completes (later when stalled). */
        long write(long cycle, int n) {
            long current = cycle;
            int left = n;
            while (left > 0) {
                // words that can go in without a drain starting or the buffer filling: in bulk
                long bulk = current < drainEndCycle ? freeSpace - 1 : freeSpace - activeSize;
                if (bulk > 0) {
                    long k = Math.min(left, bulk);
                    store(k);
                    left -= (int) k;
                    continue;
                }
                store(1);
                left--;
                if (current < drainEndCycle) {
                    if (freeSpace <= 0) {
                        current = drainEndCycle;
                    }
                } else if (freeSpace < activeSize) {
                    queuePartialLine();
                    drainEndCycle = drain(current);
                }
            }
            return current;
        }

        private void store(long k) {
            freeSpace -= k;
            lineFill += k;
            lines += lineFill / bandwidth;
            lineFill %= bandwidth;
        }

        private void queuePartialLine() {
            if (lineFill != 0) {
                padded.add(new long[]{lines, lineFill});
                lines++;
                lineFill = 0;
            }
        }

        private long drain(long start) {
            long end = Math.min(drainStartLine + ceilDiv(drainBufSize, bandwidth), lines);
            long n = end - drainStartLine;
            long words = n * bandwidth;
            while (!padded.isEmpty() && padded.peek()[0] < end) {
                long[] p = padded.poll();
                if (p[0] == end - 1) {
                    words -= bandwidth - p[1];
                }
            }
            accesses += words;
            if (traceFirst == Long.MIN_VALUE) {
                traceFirst = start;
            }
            traceLast = start + n - 1;
            traceMin = Math.min(traceMin, start);
            traceMax = Math.max(traceMax, traceLast);
            freeSpace += words;
            drainStartLine = end;
            return start + n - 1;
        }

        /** After the last line: everything waiting drains, drain after drain. */
        void emptyAll(long cycle) {
            queuePartialLine();
            while (drainStartLine < lines) {
                drainEndCycle = drain(cycle);
                cycle = drainEndCycle + 1;
            }
        }

        ScaleSimAccess.Operand dram(boolean v3) {
            return v3 ? new ScaleSimAccess.Operand(traceMin, traceMax, accesses) : new ScaleSimAccess.Operand(traceFirst, traceLast, accesses);
        }
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }
}
