package org.flexiq.compiler.lower;

import org.flexiq.isa.Instruction;

/**
 * Pooling and depthwise convolution on the vector unit: bands of output rows, each with the input rows its
 * windows read, held channels-last in the scratchpad (one row per pixel).
 */
final class WindowLowering {
    /** Depthwise constants in DRAM: weights [C, taps], bias int32 [C], multipliers [C]. */
    record Depthwise(int weights, int bias, int params) {
    }

    private WindowLowering() {
    }

    /**
     * @param avgParams DRAM address of the average's multiplier, or -1 for max pooling
     * @param dw        depthwise constants, or null for pooling
     * @param post      DRAM address of a 256-byte table applied to the output band before it is stored (a clamp after a
     *                  depthwise convolution), or -1
     */
    static void emit(LoweringContext cx, String layer, ConvGeometry g, int channels, TensorView.Rows in, TensorView.Rows out,
                     int avgParams, Depthwise dw, int post) {
        Scratchpad sp = cx.scratchpad(layer);
        int taps = g.taps();
        int spW = dw == null ? -1 : sp.alloc((long) channels * taps, "depthwise weights");
        int spBias = dw == null ? -1 : sp.alloc(4L * channels, "depthwise bias");
        int spP = dw != null ? sp.alloc(8L * channels, "multipliers") : avgParams >= 0 ? sp.alloc(8, "multiplier") : -1;
        int spPost = post < 0 ? -1 : sp.alloc(256, "fused table");
        Bands bands = bands(cx, g, channels, 14L * channels + 128 + (post < 0 ? 0 : 256));
        int ty = bands.rows();
        int[] spIn = new int[bands.sets()];
        int[] spOut = new int[bands.sets()];
        for (int s = 0; s < bands.sets(); s++) {
            spIn[s] = sp.alloc((long) bandRows(g, ty) * g.w() * channels, "input band");
            spOut[s] = sp.alloc((long) ty * g.ow() * channels, "output band");
        }
        cx.done(sp);
        if (dw != null) {
            cx.code.add(new Instruction.Mvin(dw.weights(), spW, 1, channels * taps, 0, 1, channels * taps));
            cx.code.add(new Instruction.Mvin(dw.bias(), spBias, 1, 4 * channels, 0, 1, 4 * channels));
            cx.code.add(new Instruction.Mvin(dw.params(), spP, 1, 8 * channels, 0, 1, 8 * channels));
        } else if (spP >= 0) {
            cx.code.add(new Instruction.Mvin(avgParams, spP, 1, 8, 0, 1, 8));
        }
        if (spPost >= 0) {
            cx.code.add(new Instruction.Mvin(post, spPost, 1, 256, 0, 1, 256));
        }
        for (int oy0 = 0, i = 0; oy0 < g.oh(); oy0 += ty, i++) {
            int rows = Math.min(ty, g.oh() - oy0);
            int s = i % bands.sets();
            int iy0 = g.firstInputRow(oy0);
            int iy1 = g.endInputRow(oy0 + rows);
            cx.code.add(new Instruction.ConfigConv(iy1 - iy0, g.w(), g.h(), g.ow(), g.kh(), g.kw(), g.sh(), g.sw(), g.padh(), g.padw(),
                    g.dil(), iy0));
            ViewDma.load(cx.code, in, iy0 * g.w(), (iy1 - iy0) * g.w(), spIn[s], channels);
            int m = rows * g.ow();
            int obase = oy0 * g.ow();
            cx.code.add(dw != null ? new Instruction.DwConv(spIn[s], channels, spOut[s], channels, m, channels, obase, spW, spBias, spP)
                    : new Instruction.Pool(spIn[s], channels, spOut[s], channels, m, channels, obase, avgParams >= 0 ? 1 : 0, Math.max(spP, 0)));
            if (spPost >= 0) {
                cx.code.add(new Instruction.Lut(spOut[s], spOut[s], m, channels, channels, channels, spPost));
            }
            ViewDma.store(cx.code, out, obase, m, spOut[s], channels);
        }
    }

    /** Output rows per band and the buffer sets consecutive bands alternate between (1 or 2). */
    private record Bands(int rows, int sets) {
    }

    /**
     * The largest bands that fit; in a program tuned for a DRAM rate, two sets of them and at least
     * {@link VectorLowering#PIPELINED_TILES} bands where the output has the rows, so that a band's load and store overlap the vector
     * work of its neighbours (as {@link VectorLowering#tiles}). Smaller bands re-read more of the rows their windows share.
     */
    private static Bands bands(LoweringContext cx, ConvGeometry g, int channels, long fixed) {
        int single = largestBand(cx, g, channels, 1, fixed);
        if (cx.dramBytesPerCycle == 0 || g.oh() < 2) {
            return new Bands(single, 1);
        }
        int two = largestBand(cx, g, channels, 2, fixed);
        if (!fits(cx, g, channels, two, 2, fixed)) {
            return new Bands(single, 1);
        }
        int pieces = VectorLowering.PIPELINED_TILES;
        return new Bands(Math.min(two, (g.oh() + pieces - 1) / pieces), 2);
    }

    /** The most output rows per band (halving from the whole output) whose {@code sets} band pairs fit, or 1. */
    private static int largestBand(LoweringContext cx, ConvGeometry g, int channels, int sets, long fixed) {
        int ty = g.oh();
        while (ty > 1 && !fits(cx, g, channels, ty, sets, fixed)) {
            ty = (ty + 1) / 2;
        }
        while (ty > 1 && (long) ty * g.ow() > 65535) {
            ty = (ty + 1) / 2;
        }
        return ty;
    }

    /** {@code fixed}: the layer's other buffers (weights, bias, multipliers, a table) and alignment. */
    private static boolean fits(LoweringContext cx, ConvGeometry g, int channels, int ty, int sets, long fixed) {
        return sets * (bandRows(g, ty) * g.w() + (long) ty * g.ow()) * channels + fixed <= cx.target.scratchpadBytes();
    }

    private static int bandRows(ConvGeometry g, int ty) {
        int rows = 0;
        for (int oy0 = 0; oy0 < g.oh(); oy0 += ty) {
            rows = Math.max(rows, g.endInputRow(Math.min(g.oh(), oy0 + ty)) - g.firstInputRow(oy0));
        }
        return rows;
    }
}
