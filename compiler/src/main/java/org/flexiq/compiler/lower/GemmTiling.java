package org.flexiq.compiler.lower;

import org.flexiq.isa.Instruction;

import java.util.ArrayList;
import java.util.List;

/**
 * Lowers one matrix product onto the array, tile by tile: out[M, N] = requant(bias + A[M, K] W[K, N]) with
 * K split at MAX_4BIT_CH by loop.ws. A is a DRAM view (for a convolution, the input's pixel rows, read
 * through the window geometry); W a DRAM view of taps*K rows. Of the tilings that fit the scratchpad and accumulator,
 * the one estimated fastest at the machine's DRAM rate ({@link TilingEstimate}), else the one that moves the fewest bytes;
 * weight buffers alternate (double-buffered) when two fit, and so do accumulator halves across tiles.
 *
 * <p>Two loop orders. Rows outer: each tile of output rows loads its activations once and every column tile's weights
 * again. Weights resident: each column tile's weights, every tap, load once and stay while every row tile (of every image
 * of a batch) streams through, its activations loaded again per column tile. The second moves fewer bytes where the
 * weights outweigh the activations: a batch, or a layer of several row tiles and few columns.
 */
final class GemmTiling {
    /**
     * The activation side: rows of K int8 values, or a feature map for a convolution, of image 0; a convolution over a
     * batch repeats it for {@code images} images {@code imageStride} bytes apart (row tiles never span two images). A
     * matrix product of rows takes every image's rows as one matrix (images 1).
     */
    record Activations(TensorView.Rows rows, int k, ConvGeometry conv, int images, int imageStride) {
        /** One image's rows. */
        Activations(TensorView.Rows rows, int k, ConvGeometry conv) {
            this(rows, k, conv, 1, 0);
        }
    }

    /** 4-bit operation of a site's consumer: its register, group width and DRAM tables; null for int8-only layers. */
    /** {@code gather}: DRAM address of the site's int16 channel table when its order is gathered at run time, else -1. */
    /** @param unsigned 1 where the site's codes are unsigned (the extract instruction's field) */
    record FourBitSite(int register, int groupWidth, int shiftTable, int weightShifts, int gather, int unsigned) {
        int groups(int k) {
            return k / groupWidth;
        }
    }

    /**
     * The 4-bit weight codes of input channels [0, floor) of every tap, two per byte (low nibble first), in DRAM from base:
     * a block per column tile of {@code tileCols} columns (the last may be narrower), in it the rows of tap t and channel c at
     * (t floor + c) times the tile's packed row bytes, so one mvin.w4 per tap loads a tile's codes.
     */
    record PackedWeights(int base, int floor, int tileCols) {
        static int rowBytes(int cols) {
            return (cols + 1) / 2;
        }

        PackedWeights at(int address) {
            return new PackedWeights(address, floor, tileCols);
        }

        /** The DRAM bytes of all the codes. */
        long bytes(int taps, int n) {
            long full = n / tileCols;
            int rest = n % tileCols;
            return (long) taps * floor * (full * rowBytes(tileCols) + rowBytes(rest));
        }

        /** The address of channel 0's row of tap t in the tile of columns from n0. */
        int address(int n0, int t, int taps, int n) {
            int cols = Math.min(tileCols, n - n0);
            return (int) (base + bytes(taps, n0) + (long) t * floor * rowBytes(cols));
        }
    }

    /**
     * Requantization: per-column multipliers (pstride 8) or one for all (pstride 0), then a clamp; a convolution over a batch
     * writes image i's rows {@code imageStride} bytes after image i - 1's.
     */
    record Output(TensorView.Rows rows, int bias, boolean biasPerColumn, int params, int pstride, int min, int max, int imageStride) {
    }

    /** loop.ws's 12-bit taps field. */
    private static final int MAX_TAPS = 4095;

    private GemmTiling() {
    }

    /** One tile of output rows: units [u0, u0 + units) of one image, or of {@code images} whole images from {@code image} on. */
    private record RowTile(int image, int u0, int units, int images) {
    }

    /** config.conv's inh field: the band rows a tile of whole images may hold. */
    private static final int MAX_BAND_ROWS = 4095;

    /**
     * @param weights the int8 weight rows: taps x k, or taps x (k - floor) where {@code packed} holds the codes of the first
     *                floor channels of each tap (null: none)
     */
    static void emit(LoweringContext cx, String layer, Activations a, TensorView.Rows weights, PackedWeights packed, int n, int taps,
                     FourBitSite site, int groupWidth, Output out) {
        var t = cx.target;
        int k = a.k();
        int nt = Math.min(n, t.cols());
        int floor = packed == null ? 0 : packed.floor();
        if (packed != null && packed.tileCols() != nt) {
            throw new IllegalStateException("layer " + layer + ": weights packed in tiles of " + packed.tileCols() + " columns, tiled by " + nt);
        }
        int groups = site == null ? 0 : site.groups(k);
        int units = a.conv() == null ? a.rows().count() : a.conv().oh();
        int perUnit = a.conv() == null ? 1 : a.conv().ow();
        if (perUnit > t.accumulatorRows()) {
            throw new InfeasibleException("layer " + layer + ": an output row of " + perUnit + " pixels exceeds the accumulator's "
                    + t.accumulatorRows() + " rows");
        }
        // Of the tilings that fit, the one estimated fastest at the machine's DRAM rate (TilingEstimate), then the one that
        // moves the fewest DRAM bytes; then rows outer, double-buffered weights, larger tiles. Without a rate, the fewest bytes.
        Plan plan = null;
        double bestTime = Double.MAX_VALUE;
        long best = Long.MAX_VALUE;
        long weightBytes = (long) taps * (k - floor) * n + (packed == null ? 0 : packed.bytes(taps, n));
        int colTiles = (n + nt - 1) / nt;
        TilingEstimate estimate = cx.dramBytesPerCycle > 0 ? new TilingEstimate(t, cx.dramBytesPerCycle, k, n, taps, weightBytes, floor,
                site != null ? k : floor) : null;
        for (Plan p : plans(a, k, taps, units, perUnit, site != null ? groupWidth : t.rows(), t.accumulatorRows())) {
            int[] tileRows = p.tileRows(a, units, perUnit);
            if (p.resident && tileRows.length == 1 || p.bytes(a, k, nt, groups, site) > t.scratchpadBytes()) {
                continue; // one row tile: both orders are the same program
            }
            long activationBytes = (long) p.activationRows(a) * k * tileRows.length;
            long traffic = p.resident ? weightBytes + colTiles * activationBytes : tileRows.length * weightBytes + activationBytes;
            double time = estimate == null ? 0 : estimate.cycles(tileRows, p.tapChunk, p.kChunk, p.buffers, p.activationRows(a),
                    activationSets(p, a, k, nt, groups, site, tileRows.length * (p.resident ? colTiles : 1), t), p.resident);
            if (time < bestTime || time == bestTime && traffic < best) {
                bestTime = time;
                best = traffic;
                plan = p;
            }
        }
        if (plan == null) {
            throw new InfeasibleException("layer " + layer + ": no tile fits the " + t.scratchpadBytes() + "-byte scratchpad (K = " + k
                    + ", taps = " + taps + ", " + nt + " columns)");
        }
        new TileEmitter(cx, a, weights, packed, n, taps, site, groupWidth, out, plan, perUnit, units).emit(layer);
    }

    /** The plans to try, in order of preference on a tie: rows outer, two weight buffers, more taps and channels per load, taller tiles. */
    private static List<Plan> plans(Activations a, int k, int taps, int units, int perUnit, int chunkUnit, int accumulatorRows) {
        List<Plan> out = new ArrayList<>();
        for (boolean resident : new boolean[]{false, true}) {
            for (int buffers = 2; buffers >= 1; buffers--) {
                // resident weights hold every tap
                for (int tc = Math.min(taps, MAX_TAPS); tc >= 1 && (!resident || tc == taps); tc = tc == 1 || resident ? 0 : (tc + 1) / 2) {
                    for (int kc : channelChunks(k, taps, resident, chunkUnit)) {
                        for (int u : tileUnits(a, units, perUnit, accumulatorRows)) {
                            out.add(new Plan(u, tc, kc, buffers, resident));
                        }
                    }
                }
            }
        }
        return out;
    }

    /**
     * The input channels per weight buffer to try: all of them, and for a matrix product (one tap) streamed rows outer, halves
     * down to one {@code unit} (a group, so a chunk's share of the 4-bit channels is whole groups). A chunk of the weights
     * needs less of the scratchpad than the whole column tile: where that tile fits only once, or beside few activation
     * rows (ViT-B/16's fc2: K = 3072, a 96 KiB column tile), chunks fit twice, and the next chunk loads under this one's
     * folds. Each chunk is a loop.ws of its own into the same accumulator rows, with its own register.
     */
    private static List<Integer> channelChunks(int k, int taps, boolean resident, int unit) {
        List<Integer> out = new ArrayList<>();
        out.add(k);
        if (taps > 1 || resident) {
            return out;
        }
        for (int c = roundUp((k + 1) / 2, unit); c >= unit && c < k; c = c == unit ? 0 : roundUp((c + 1) / 2, unit)) {
            out.add(c);
        }
        return out;
    }

    private static int roundUp(int v, int unit) {
        return (v + unit - 1) / unit * unit;
    }

    /**
     * The tile heights to try, in output units: the whole layer, then halves down to one unit; and for a convolution over a
     * batch whose output fits the accumulator twice, tiles of k whole images (units k x OH), k from as many as fit down by halves:
     * a fold then streams the rows of several images (a 4x4 map alone gives 16-row folds, below the array's R-cycle preload).
     */
    private static List<Integer> tileUnits(Activations a, int units, int perUnit, int accumulatorRows) {
        List<Integer> out = new ArrayList<>();
        ConvGeometry g = a.conv();
        if (g != null && a.images() > 1) {
            // two such tiles fit the accumulator: consecutive tiles alternate halves (with one, the next tile's bias and folds
            // wait for this tile's requant, which costs more than the longer folds save on a layer of few channels)
            for (int k = Math.min(a.images(), accumulatorRows / (2 * units * perUnit)); k >= 2; k = k == 2 ? 0 : (k + 1) / 2) {
                if (k * g.h() <= MAX_BAND_ROWS) {
                    out.add(k * units);
                }
            }
        }
        for (int u = Math.min(units, accumulatorRows / perUnit); u >= 1; u = u == 1 ? 0 : (u + 1) / 2) {
            out.add(u);
        }
        return out;
    }

    /** The instructions of one matrix product under a chosen plan: its scratchpad buffers, then its tiles in the plan's order. */
    private static final class TileEmitter {
        private final LoweringContext cx;
        private final Activations a;
        private final TensorView.Rows weights;
        private final PackedWeights packed;
        private final int n;
        private final int nt;
        private final int k;
        private final int taps;
        private final int floor;
        private final int groups;
        private final FourBitSite site;
        private final int groupWidth;
        private final Output out;
        private final Plan plan;
        private final int perUnit;
        private final List<RowTile> tiles = new ArrayList<>();
        private final boolean gathers;
        private int[] spA;
        private int[] spA4;
        private int[] spSh;
        private int[] spG;
        private int[] spW;
        private int[] spWs;
        private int[] spP;
        private int spTable;
        private int spGatherTable;
        private int spOut;
        private int mMax;
        private int sets;
        private int accSets;
        private int set;
        private int accTile;
        private int buffer;

        TileEmitter(LoweringContext cx, Activations a, TensorView.Rows weights, PackedWeights packed, int n, int taps, FourBitSite site,
                    int groupWidth, Output out, Plan plan, int perUnit, int units) {
            this.cx = cx;
            this.a = a;
            this.weights = weights;
            this.packed = packed;
            this.n = n;
            this.nt = Math.min(n, cx.target.cols());
            this.k = a.k();
            this.taps = taps;
            this.floor = packed == null ? 0 : packed.floor();
            this.site = site;
            this.groups = site == null ? 0 : site.groups(k);
            this.groupWidth = groupWidth;
            this.out = out;
            this.plan = plan;
            this.perUnit = perUnit;
            this.gathers = site != null && site.gather() >= 0;
            int perTile = plan.imagesPerTile(a);
            for (int image = 0; image < a.images(); image += perTile) {
                if (perTile > 1) {
                    int count = Math.min(perTile, a.images() - image);
                    tiles.add(new RowTile(image, 0, count * units, count));
                    continue;
                }
                for (int u0 = 0; u0 < units; u0 += plan.units) {
                    tiles.add(new RowTile(image, u0, Math.min(plan.units, units - u0), 1));
                }
            }
        }

        void emit(String layer) {
            allocate(layer);
            var code = cx.code;
            if (site != null) {
                code.add(new Instruction.Mvin(site.shiftTable(), spTable, 1, groups, 0, 1, groups));
                if (gathers) {
                    code.add(new Instruction.Mvin(site.gather(), spGatherTable, 1, 2 * k, 0, 1, 2 * k));
                }
            }
            if (plan.resident) {
                residentWeights();
            } else {
                rowsOuter();
            }
        }

        private void allocate(String layer) {
            var t = cx.target;
            Scratchpad sp = cx.scratchpad(layer);
            int aRowsMax = plan.activationRows(a);
            int colTiles = (n + nt - 1) / nt;
            sets = activationSets(plan, a, k, nt, groups, site, tiles.size() * (plan.resident ? colTiles : 1), t);
            spA = new int[sets];
            spA4 = new int[sets];
            spSh = new int[sets];
            spG = new int[sets];
            for (int i = 0; i < sets; i++) {
                spA[i] = sp.alloc((long) aRowsMax * k, "activations");
                spG[i] = gathers ? sp.alloc((long) aRowsMax * k, "reordered activations") : spA[i];
                // 4-bit codes replace their channels' int8 values in place: those are dead once extracted
                spA4[i] = spG[i];
                spSh[i] = site != null ? sp.alloc((long) aRowsMax * groups, "activation shifts") : 0;
            }
            spTable = site != null ? sp.alloc(groups, "static shift table") : -1;
            spGatherTable = gathers ? sp.alloc(2L * k, "reorder table") : -1;
            mMax = plan.units * perUnit;
            // Two accumulator halves where a tile's rows fit twice: the next tile's bias lands and its folds start while this
            // tile is requantized; with one, the bias load waits for the requant and the load queue (in order) behind it.
            // Rows outer alternates them across column tiles, resident weights across row tiles.
            boolean several = plan.resident ? tiles.size() > 1 : n > nt;
            accSets = several && 2 * mMax <= t.accumulatorRows() ? 2 : 1;
            spOut = sp.alloc((long) mMax * nt, "output tile");
            spW = new int[plan.buffers];
            spWs = new int[plan.buffers];
            spP = new int[plan.buffers];
            for (int b = 0; b < plan.buffers; b++) {
                spW[b] = sp.alloc((long) plan.tapChunk * plan.kChunk * nt, "weights");
                spWs[b] = site != null ? sp.alloc((long) groups * nt, "weight shifts") : 0;
                spP[b] = sp.alloc(out.pstride() == 0 ? 8 : 8L * nt, "multipliers");
            }
            cx.done(sp);
        }

        /** Each row tile loads its activations once; every column tile's weights load again for it. */
        private void rowsOuter() {
            int tile = 0;
            for (RowTile rt : tiles) {
                int as = activations(rt);
                for (int n0 = 0; n0 < n; n0 += nt) {
                    int cols = Math.min(nt, n - n0);
                    int acc = (tile % accSets) * mMax;
                    int b = tile++ % plan.buffers;
                    for (WeightChunk w : weightChunks()) {
                        int wb = buffer++ % plan.buffers;
                        weights(n0, cols, w, wb);
                        if (w.first()) {
                            // the first weights ahead of the bias, multipliers and shifts: the load queue runs in order, and these
                            // small loads wait on the accumulator rows and buffers the tiles before still use, where the weights need not
                            bias(rt, n0, cols, acc);
                            columnParams(n0, cols, b);
                        }
                        fold(rt, as, cols, b, wb, acc, w);
                    }
                    finish(rt, n0, cols, acc, b);
                }
            }
        }

        /** What one weight buffer holds of a column tile: taps [t0, t0 + taps) of input channels [kb, kb + k). */
        private record WeightChunk(int t0, int taps, int kb, int k) {
            boolean first() {
                return t0 == 0 && kb == 0;
            }
        }

        /** A column tile's weights in the plan's chunks: of kernel taps, or of a one-tap product's input channels. */
        private List<WeightChunk> weightChunks() {
            List<WeightChunk> out = new ArrayList<>();
            if (plan.kChunk < k) {
                for (int kb = 0; kb < k; kb += plan.kChunk) {
                    out.add(new WeightChunk(0, 1, kb, Math.min(plan.kChunk, k - kb)));
                }
            } else {
                for (int t0 = 0; t0 < taps; t0 += plan.tapChunk) {
                    out.add(new WeightChunk(t0, Math.min(plan.tapChunk, taps - t0), 0, k));
                }
            }
            return out;
        }

        /**
         * Each column tile's weights (every tap) load once, and every row tile streams through them. With two buffers the next
         * column tile's weights load right after this one's first row tile, under its other row tiles' folds.
         */
        private void residentWeights() {
            int colTiles = (n + nt - 1) / nt;
            columnTile(0);
            for (int c = 0; c < colTiles; c++) {
                int n0 = c * nt;
                int cols = Math.min(nt, n - n0);
                int b = c % plan.buffers;
                for (int i = 0; i < tiles.size(); i++) {
                    RowTile rt = tiles.get(i);
                    int as = activations(rt);
                    int acc = (accTile++ % accSets) * mMax;
                    bias(rt, n0, cols, acc);
                    fold(rt, as, cols, b, b, acc, new WeightChunk(0, taps, 0, k));
                    finish(rt, n0, cols, acc, b);
                    // the next weights may overwrite only a buffer no later fold of this column tile reads
                    boolean next = c + 1 < colTiles && (plan.buffers == 2 ? i == 0 : i == tiles.size() - 1);
                    if (next) {
                        columnTile(c + 1);
                    }
                }
            }
        }

        /** A column tile's weights, multipliers and weight shifts, into buffer (tile mod buffers). */
        private void columnTile(int c) {
            int n0 = c * nt;
            int cols = Math.min(nt, n - n0);
            int b = c % plan.buffers;
            weights(n0, cols, new WeightChunk(0, taps, 0, k), b);
            columnParams(n0, cols, b);
        }

        /** A row tile's activations into the next set: gathered, extracted, configured for the folds. Returns the set. */
        private int activations(RowTile rt) {
            var code = cx.code;
            int as = set++ % sets;
            if (plan.imagesPerTile(a) > 1) {
                // whole images, one after another in the band: the fold's rows are every pixel of each in turn
                ConvGeometry g = a.conv();
                int perImage = g.h() * g.w();
                code.add(new Instruction.ConfigConv(rt.images() * g.h(), g.w(), g.h(), g.ow(), g.kh(), g.kw(), g.sh(), g.sw(), g.padh(), g.padw(),
                        g.dil(), 0, g.oh()));
                for (int j = 0; j < rt.images(); j++) {
                    ViewDma.load(code, a.rows().shifted((rt.image() + j) * a.imageStride()), 0, perImage, spA[as] + j * perImage * k, k);
                }
                extract(as, rt.images() * perImage);
                return as;
            }
            int aRow0;
            int aRows;
            if (a.conv() == null) {
                aRow0 = rt.u0();
                aRows = rt.units();
            } else {
                ConvGeometry g = a.conv();
                int iy0 = g.firstInputRow(rt.u0());
                int iy1 = g.endInputRow(rt.u0() + rt.units());
                aRow0 = iy0 * g.w();
                aRows = (iy1 - iy0) * g.w();
                code.add(new Instruction.ConfigConv(iy1 - iy0, g.w(), g.h(), g.ow(), g.kh(), g.kw(), g.sh(), g.sw(), g.padh(), g.padw(),
                        g.dil(), iy0));
            }
            ViewDma.load(code, a.rows().shifted(rt.image() * a.imageStride()), aRow0, aRows, spA[as], k);
            extract(as, aRows);
            return as;
        }

        /** Gathers and extracts the rows of activation set {@code as} and points the folds at them. */
        private void extract(int as, int aRows) {
            var code = cx.code;
            if (gathers) {
                // the site's order could not be folded into a producer: gather each row's channels here, in the scratchpad
                code.add(new Instruction.Gather(spA[as], spG[as], aRows, k, k, k, spGatherTable));
                cx.reorderBytes += (long) aRows * k;
            }
            if (site != null) {
                code.add(new Instruction.Extract(spG[as], k, spA4[as], k, spSh[as], groups, aRows, site.groupWidth(), site.register(), 2, spTable,
                        site.unsigned()));
            }
            code.add(new Instruction.ConfigWs(spG[as], k, spA4[as], k, spSh[as], groups));
        }

        /**
         * A chunk of a column tile's weights into buffer wb. Taps: one load per tap, not one for the chunk, as a fold's
         * preload waits only for its own rows, so the first taps' folds run while the later taps' weights land (a 3x3 layer
         * whose weights are the DMA's bound overlaps them).
         */
        private void weights(int n0, int cols, WeightChunk w, int wb) {
            for (int tap = w.t0(); tap < w.t0() + w.taps(); tap++) {
                channels(n0, cols, tap, w.kb(), w.k(), spW[wb] + (tap - w.t0()) * w.k() * cols);
            }
        }

        /**
         * Input channels [kb, kb + kc) of one tap of a column tile's weights into scratchpad rows from {@code dst}: those below the
         * floor as codes unpacked from their packed rows, the rest as int8 rows (the tile the loop reads).
         */
        private void channels(int n0, int cols, int tap, int kb, int kc, int dst) {
            int codes = Math.max(0, Math.min(kc, floor - kb));
            if (codes > 0) {
                int rowBytes = PackedWeights.rowBytes(cols);
                cx.code.add(new Instruction.MvinW4(packed.address(n0, tap, taps, n) + kb * rowBytes, dst, codes, cols, rowBytes, cols));
            }
            if (kc > codes) {
                // the int8 rows hold channels [floor, k) of each tap
                ViewDma.load(cx.code, weights.columns(n0, cols), tap * (k - floor) + kb + codes - floor, kc - codes, dst + codes * cols, cols);
            }
        }

        /** A row tile's bias into accumulator rows from acc. */
        private void bias(RowTile rt, int n0, int cols, int acc) {
            cx.code.add(new Instruction.MvinAcc(out.bias() + (out.biasPerColumn() ? 4 * n0 : 0), acc, rt.units() * perUnit, cols, 0));
        }

        /** A column tile's requantization multipliers and weight shifts into buffer b. */
        private void columnParams(int n0, int cols, int b) {
            var code = cx.code;
            code.add(out.pstride() == 0 ? new Instruction.Mvin(out.params(), spP[b], 1, 8, 0, 1, 8)
                    : new Instruction.Mvin(out.params() + 8 * n0, spP[b], 1, 8 * cols, 0, 1, 8 * cols));
            if (site != null) {
                code.add(new Instruction.Mvin(site.weightShifts() + n0, spWs[b], groups, cols, n, 1, cols));
            }
        }

        /**
         * The folds of a weight chunk on activation set {@code as}. A chunk of input channels is a loop of its own: the activation
         * operands start at its first channel, the weight shifts at its first group, and its register holds its share of the
         * layer's 4-bit channels.
         */
        private void fold(RowTile rt, int as, int cols, int b, int wb, int acc, WeightChunk w) {
            int register = site == null ? 0 : w.k() < k ? cx.register(new LoweringContext.ChannelChunk(site.register(), w.kb(), w.k()))
                    : site.register();
            int g0 = site != null ? w.kb() / site.groupWidth() : 0;
            if (w.k() < k) {
                cx.code.add(new Instruction.ConfigWs(spG[as] + w.kb(), k, spA4[as] + w.kb(), k, site != null ? spSh[as] + g0 : 0, groups));
            }
            cx.code.add(new Instruction.LoopWs(spW[wb], cols, site != null ? spWs[b] + g0 * cols : 0, cols, acc, rt.units() * perUnit, cols,
                    w.k(), w.t0(), w.taps(), groupWidth, register, a.conv() != null ? 1 : 0, rt.u0() * perUnit,
                    Math.max(0, Math.min(w.k(), floor - w.kb()))));
        }

        /** Requantizes a finished tile and stores it. */
        private void finish(RowTile rt, int n0, int cols, int acc, int b) {
            int m = rt.units() * perUnit;
            cx.code.add(new Instruction.Requant(acc, spOut, m, cols, cols, spP[b], out.pstride(), out.min(), out.max()));
            int each = m / rt.images();
            for (int j = 0; j < rt.images(); j++) {
                ViewDma.store(cx.code, out.rows().shifted((rt.image() + j) * out.imageStride()).columns(n0, cols), rt.u0() * perUnit, each,
                        spOut + j * each * cols, cols);
            }
        }
    }

    /** A second activation set lets the next tile's rows load while this tile computes (when it fits). */
    private static int activationSets(Plan plan, Activations a, int k, int nt, int groups, FourBitSite site, int loads, org.flexiq.isa.Target t) {
        long rows = plan.activationRows(a);
        long activationSet = rows * k * (site != null && site.gather() >= 0 ? 2 : 1) + (site != null ? rows * groups : 0) + 32;
        return loads > 1 && plan.bytes(a, k, nt, groups, site) + activationSet + 256 <= t.scratchpadBytes() ? 2 : 1;
    }

    /**
     * Tile sizes: output units (rows, or output rows of a conv) per tile, kernel taps and input channels per weight load (a
     * one-tap product's channels in chunks: {@code kChunk} < k), weight buffers; and the loop order (resident: weights outer).
     */
    private record Plan(int units, int tapChunk, int kChunk, int buffers, boolean resident) {
        /** Whole images per tile, where a tile spans several (its units are k x OH); else 1. */
        int imagesPerTile(Activations a) {
            return a.conv() != null && units > a.conv().oh() ? units / a.conv().oh() : 1;
        }

        int activationRows(Activations a) {
            if (a.conv() == null) {
                return units;
            }
            if (imagesPerTile(a) > 1) {
                return imagesPerTile(a) * a.conv().h() * a.conv().w();
            }
            ConvGeometry g = a.conv();
            int rows = 0;
            for (int u0 = 0; u0 < g.oh(); u0 += units) {
                rows = Math.max(rows, g.endInputRow(Math.min(g.oh(), u0 + units)) - g.firstInputRow(u0));
            }
            return rows * g.w();
        }

        /** The output rows (M) of each row tile, every image's. */
        int[] tileRows(Activations a, int units, int perUnit) {
            int k = imagesPerTile(a);
            if (k > 1) {
                int[] m = new int[(a.images() + k - 1) / k];
                for (int i = 0; i < m.length; i++) {
                    m[i] = Math.min(k, a.images() - i * k) * units * perUnit;
                }
                return m;
            }
            int perImage = (units + this.units - 1) / this.units;
            int[] m = new int[perImage * a.images()];
            for (int i = 0; i < m.length; i++) {
                int u0 = i % perImage * this.units;
                m[i] = Math.min(this.units, units - u0) * perUnit;
            }
            return m;
        }

        long bytes(Activations a, int k, int nt, int groups, FourBitSite site) {
            long rows = activationRows(a);
            long m = a.conv() == null ? units : (long) units * a.conv().ow();
            long total = rows * k + m * nt + buffers * ((long) tapChunk * kChunk * nt + 8L * nt + 64);
            if (site != null) {
                total += rows * groups + groups + buffers * (long) groups * nt + 64;
                if (site.gather() >= 0) {
                    total += rows * k + 2L * k + 8;
                }
            }
            return total;
        }
    }
}
