package org.flexiq.compiler.lower;

import org.flexiq.isa.Instruction;

import java.util.List;

/**
 * Element-wise and row-wise work on the vector unit: tiles of rows go DRAM -> scratchpad -> vector op ->
 * DRAM. Element-wise ops walk the output in its physical order, reading each input through its view.
 */
final class VectorLowering {
    /** What the vector unit does to a tile; a copy (a materialized view) does nothing between load and store. */
    enum Kind { COPY, LUT, ADD, MUL }

    private VectorLowering() {
    }

    /**
     * @param inputs one or two views with the output's logical shape (broadcast already applied)
     * @param table  DRAM address of the 256-byte table (LUT), the two multipliers (ADD) or the one (MUL)
     */
    static void elementwise(LoweringContext cx, String layer, Kind kind, TensorView out, List<TensorView> inputs, int table) {
        elementwise(cx, layer, kind, out, inputs, table, -1);
    }

    /** The same, then a table lookup on the result in the scratchpad ({@code post} >= 0: a fused ReLU after a residual add). */
    static void elementwise(LoweringContext cx, String layer, Kind kind, TensorView out, List<TensorView> inputs, int table, int post) {
        int[] order = out.physicalOrder();
        TensorView.Rows o = out.permute(order).rows();
        TensorView.Rows a = inputs.get(0).permute(order).rows();
        TensorView.Rows b = inputs.size() > 1 ? inputs.get(1).permute(order).rows() : null;
        int cols = o.cols();
        Scratchpad sp = cx.scratchpad(layer);
        int tableBytes = kind == Kind.LUT ? 256 : kind == Kind.MUL ? 8 : 16;
        int spTable = kind == Kind.COPY ? -1 : sp.alloc(tableBytes, "table");
        int spPost = post < 0 ? -1 : sp.alloc(256, "fused table");
        int buffers = (b == null ? 1 : 2) + (kind == Kind.COPY ? 0 : 1);
        Tiles t = tiles(cx, layer, o.count(), (long) buffers * cols, 64 + 512 + 16);
        int[] spA = new int[t.sets()];
        int[] spB = new int[t.sets()];
        int[] spO = new int[t.sets()];
        for (int s = 0; s < t.sets(); s++) {
            spA[s] = sp.alloc((long) t.rows() * cols, "input tile");
            spB[s] = b == null ? -1 : sp.alloc((long) t.rows() * cols, "second input tile");
            spO[s] = kind == Kind.COPY ? spA[s] : sp.alloc((long) t.rows() * cols, "output tile");
        }
        cx.done(sp);
        if (spTable >= 0) {
            cx.code.add(new Instruction.Mvin(table, spTable, 1, tableBytes, 0, 1, tableBytes));
        }
        if (spPost >= 0) {
            cx.code.add(new Instruction.Mvin(post, spPost, 1, 256, 0, 1, 256));
        }
        for (int r0 = 0, i = 0; r0 < o.count(); r0 += t.rows(), i++) {
            int rows = Math.min(t.rows(), o.count() - r0);
            int s = i % t.sets();
            ViewDma.load(cx.code, a, r0, rows, spA[s], cols);
            if (b != null) {
                ViewDma.load(cx.code, b, r0, rows, spB[s], cols);
            }
            if (kind == Kind.LUT) {
                cx.code.add(new Instruction.Lut(spA[s], spO[s], rows, cols, cols, cols, spTable));
            } else if (kind == Kind.ADD) {
                cx.code.add(new Instruction.Add(spA[s], spB[s], spO[s], rows, cols, cols, cols, cols, spTable));
            } else if (kind == Kind.MUL) {
                cx.code.add(new Instruction.Mul(spA[s], spB[s], spO[s], rows, cols, cols, cols, cols, spTable));
            }
            if (spPost >= 0) {
                cx.code.add(new Instruction.Lut(spO[s], spO[s], rows, cols, cols, cols, spPost));
            }
            ViewDma.store(cx.code, o, r0, rows, spO[s], cols);
        }
    }

    /** Softmax over the last dim; causal rows see columns up to their index in their matrix. */
    static void softmax(LoweringContext cx, String layer, TensorView in, TensorView out, boolean causal, int expTable) {
        TensorView.Rows x = in.rows();
        TensorView.Rows y = out.rows();
        int d = x.cols();
        int matrixRows = in.rank() >= 2 ? in.shape()[in.rank() - 2] : 1;
        Scratchpad sp = cx.scratchpad(layer);
        int spT = sp.alloc(1024, "exp table");
        Tiles t = tiles(cx, layer, x.count(), 2L * d, 1024 + 64);
        int rt = causal ? Math.min(t.rows(), matrixRows) : t.rows();
        int[] spX = new int[t.sets()];
        int[] spY = new int[t.sets()];
        for (int s = 0; s < t.sets(); s++) {
            spX[s] = sp.alloc((long) rt * d, "input tile");
            spY[s] = sp.alloc((long) rt * d, "output tile");
        }
        cx.done(sp);
        cx.code.add(new Instruction.Mvin(expTable, spT, 1, 1024, 0, 1, 1024));
        for (int r0 = 0, i = 0; r0 < x.count(); i++) {
            int rows = Math.min(rt, x.count() - r0);
            if (causal) {
                rows = Math.min(rows, matrixRows - r0 % matrixRows); // a tile stays inside one matrix
            }
            int s = i % t.sets();
            ViewDma.load(cx.code, x, r0, rows, spX[s], d);
            cx.code.add(new Instruction.Softmax(spX[s], spY[s], rows, d, d, d, spT, causal ? 1 : 0, causal ? r0 % matrixRows : 0));
            ViewDma.store(cx.code, y, r0, rows, spY[s], d);
            r0 += rows;
        }
    }

    static void layerNorm(LoweringContext cx, String layer, TensorView in, TensorView out, int params) {
        TensorView.Rows x = in.rows();
        TensorView.Rows y = out.rows();
        int d = x.cols();
        Scratchpad sp = cx.scratchpad(layer);
        int spP = sp.alloc(8L * d + 8, "gamma, beta, eps");
        Tiles t = tiles(cx, layer, x.count(), 2L * d, 8L * d + 64);
        int[] spX = new int[t.sets()];
        int[] spY = new int[t.sets()];
        for (int s = 0; s < t.sets(); s++) {
            spX[s] = sp.alloc((long) t.rows() * d, "input tile");
            spY[s] = sp.alloc((long) t.rows() * d, "output tile");
        }
        cx.done(sp);
        cx.code.add(new Instruction.Mvin(params, spP, 1, 8 * d + 8, 0, 1, 8 * d + 8));
        for (int r0 = 0, i = 0; r0 < x.count(); r0 += t.rows(), i++) {
            int rows = Math.min(t.rows(), x.count() - r0);
            int s = i % t.sets();
            ViewDma.load(cx.code, x, r0, rows, spX[s], d);
            cx.code.add(new Instruction.LayerNorm(spX[s], spY[s], rows, d, d, d, spP));
            ViewDma.store(cx.code, y, r0, rows, spY[s], d);
        }
    }

    /** Rows of a DRAM table picked by int32 ids (token embedding). */
    static void embedding(LoweringContext cx, String layer, TensorView ids, int table, int vocab, int dim, TensorView out) {
        TensorView.Rows y = out.rows();
        int tokens = y.count();
        Scratchpad sp = cx.scratchpad(layer);
        Tiles t = tiles(cx, layer, tokens, dim + 4L, 64);
        int[] spIds = new int[t.sets()];
        int[] spY = new int[t.sets()];
        for (int s = 0; s < t.sets(); s++) {
            spIds[s] = sp.alloc(4L * t.rows(), "token ids");
            spY[s] = sp.alloc((long) t.rows() * dim, "rows");
        }
        cx.done(sp);
        for (int r0 = 0, i = 0; r0 < tokens; r0 += t.rows(), i++) {
            int rows = Math.min(t.rows(), tokens - r0);
            int s = i % t.sets();
            // ids are int32: as bytes they are rows x 4 with the view's element stride per id
            cx.code.add(new Instruction.Mvin(ids.base() + r0 * ids.strides()[0], spIds[s], rows, 4, ids.strides()[0], 1, 4));
            cx.code.add(new Instruction.MvinIdx(table, spY[s], spIds[s], rows, dim, dim, vocab, dim));
            ViewDma.store(cx.code, y, r0, rows, spY[s], dim);
        }
    }

    /**
     * Rows per tile, and the buffer sets consecutive tiles alternate between. With one set the next tile's load waits for
     * this tile's vector op (it would overwrite its operands), and the op for the store before it, so load, op and store
     * run one after another. A program tuned for a DRAM rate takes two sets, and at least {@link #PIPELINED_TILES} tiles
     * where the rows allow, so loads, vector ops and stores overlap and only the first load and the last store stay exposed;
     * more tiles cost a dispatch cycle per instruction and nothing else (vector ops cost per row; DMA latency overlaps). A
     * program without a rate keeps the largest tiles, one set.
     */
    static Tiles tiles(LoweringContext cx, String layer, int rows, long bytesPerRow, long fixed) {
        int largest = rowsPerTile(cx, layer, rows, bytesPerRow, fixed);
        if (cx.dramBytesPerCycle == 0 || rows < 2) {
            return new Tiles(largest, 1);
        }
        long twoSets = (cx.target.scratchpadBytes() - fixed - 64) / (2 * bytesPerRow);
        if (twoSets < 1) {
            return new Tiles(largest, 1);
        }
        return new Tiles((int) Math.min(Math.min(twoSets, largest), (rows + PIPELINED_TILES - 1) / PIPELINED_TILES), 2);
    }

    /**
     * Tiles a layer is cut into at least (a window layer's bands too), where it has the rows, so that its pipeline's fill and
     * drain are a small share.
     */
    static final int PIPELINED_TILES = 4;

    /** Rows per tile and the buffer sets the tiles alternate between (1 or 2). */
    record Tiles(int rows, int sets) {
    }

    /** The most rows of {@code bytesPerRow} that fit beside {@code fixed} bytes, capped by the instruction's 16-bit row count. */
    static int rowsPerTile(LoweringContext cx, String layer, int rows, long bytesPerRow, long fixed) {
        long fit = (cx.target.scratchpadBytes() - fixed - 64) / Math.max(1, bytesPerRow);
        if (fit < 1) {
            throw new InfeasibleException("layer " + layer + ": one row of " + bytesPerRow + " bytes does not fit the "
                    + cx.target.scratchpadBytes() + "-byte scratchpad");
        }
        return (int) Math.min(Math.min(rows, fit), 65535);
    }
}
