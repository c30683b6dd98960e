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
     */
    static void emit(LoweringContext cx, String layer, ConvGeometry g, int channels, TensorView.Rows in, TensorView.Rows out,
                     int avgParams, Depthwise dw) {
        Scratchpad sp = cx.scratchpad(layer);
        int taps = g.taps();
        int spW = dw == null ? -1 : sp.alloc((long) channels * taps, "depthwise weights");
        int spBias = dw == null ? -1 : sp.alloc(4L * channels, "depthwise bias");
        int spP = dw != null ? sp.alloc(8L * channels, "multipliers") : avgParams >= 0 ? sp.alloc(8, "multiplier") : -1;
        int ty = g.oh();
        while (ty > 1 && (bandRows(g, ty) * g.w() + (long) ty * g.ow()) * channels + 14L * channels + 128 > cx.target.scratchpadBytes()) {
            ty = (ty + 1) / 2;
        }
        while (ty > 1 && (long) ty * g.ow() > 65535) {
            ty = (ty + 1) / 2;
        }
        int spIn = sp.alloc((long) bandRows(g, ty) * g.w() * channels, "input band");
        int spOut = sp.alloc((long) ty * g.ow() * channels, "output band");
        cx.done(sp);
        if (dw != null) {
            cx.code.add(new Instruction.Mvin(dw.weights(), spW, 1, channels * taps, 0, 1, channels * taps));
            cx.code.add(new Instruction.Mvin(dw.bias(), spBias, 1, 4 * channels, 0, 1, 4 * channels));
            cx.code.add(new Instruction.Mvin(dw.params(), spP, 1, 8 * channels, 0, 1, 8 * channels));
        } else if (spP >= 0) {
            cx.code.add(new Instruction.Mvin(avgParams, spP, 1, 8, 0, 1, 8));
        }
        for (int oy0 = 0; oy0 < g.oh(); oy0 += ty) {
            int rows = Math.min(ty, g.oh() - oy0);
            int iy0 = g.firstInputRow(oy0);
            int iy1 = g.endInputRow(oy0 + rows);
            cx.code.add(new Instruction.ConfigConv(iy1 - iy0, g.w(), g.h(), g.ow(), g.kh(), g.kw(), g.sh(), g.sw(), g.padh(), g.padw(),
                    g.dil(), iy0));
            ViewDma.load(cx.code, in, iy0 * g.w(), (iy1 - iy0) * g.w(), spIn, channels);
            int m = rows * g.ow();
            int obase = oy0 * g.ow();
            cx.code.add(dw != null ? new Instruction.DwConv(spIn, channels, spOut, channels, m, channels, obase, spW, spBias, spP)
                    : new Instruction.Pool(spIn, channels, spOut, channels, m, channels, obase, avgParams >= 0 ? 1 : 0, Math.max(spP, 0)));
            ViewDma.store(cx.code, out, obase, m, spOut, channels);
        }
    }

    private static int bandRows(ConvGeometry g, int ty) {
        int rows = 0;
        for (int oy0 = 0; oy0 < g.oh(); oy0 += ty) {
            rows = Math.max(rows, g.endInputRow(Math.min(g.oh(), oy0 + ty)) - g.firstInputRow(oy0));
        }
        return rows;
    }
}
