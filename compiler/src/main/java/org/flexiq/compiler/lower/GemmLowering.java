package org.flexiq.compiler.lower;

import org.flexiq.compiler.quant.BitExtractor;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.NodeQuant;
import org.flexiq.compiler.quant.Site;
import org.flexiq.isa.arith.FixedPoint;
import org.flexiq.isa.arith.FourBit;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.Shape;

/** Conv2d (groups = 1), Linear and MatMul onto the array through {@link GemmTiling}. */
final class GemmLowering {
    private GemmLowering() {
    }

    /**
     * A Conv2d/Linear's constants in DRAM: int8 weights [taps (K - floor), N] (the channels from the packed weights' floor
     * on), the packed 4-bit codes of the channels below it (null where there are none), bias, multipliers and its site's
     * tables.
     */
    record Constants(int weights, GemmTiling.PackedWeights packed, int bias, int params, GemmTiling.FourBitSite site) {
        /** Input channels per tap held as int8 weights. */
        int int8Channels(int k) {
            return packed == null ? k : k - packed.floor();
        }
    }

    /** Weights [O, K, taps] as the array reads them, input channels [floor, K) of each tap: [taps (K - floor), N]. */
    private static byte[] transposed(NodeQuant.Gemm q, int floor) {
        int k = q.inChannels();
        int taps = q.taps();
        int o = q.outChannels();
        int rows = k - floor;
        byte[] w = new byte[taps * rows * o];
        for (int oc = 0; oc < o; oc++) {
            for (int c = floor; c < k; c++) {
                for (int t = 0; t < taps; t++) {
                    w[(t * rows + c - floor) * o + oc] = q.weight()[(oc * k + c) * taps + t];
                }
            }
        }
        return w;
    }

    /**
     * The 4-bit codes of input channels [0, floor) in {@link GemmTiling.PackedWeights}' layout: each the preload's own lowering of
     * the int8 weight with its (column, group) shift, so the array multiplies the same codes either way.
     */
    private static byte[] codes(NodeQuant.Gemm q, GemmTiling.PackedWeights p, int[] ws, int groups, int g) {
        int k = q.inChannels();
        int taps = q.taps();
        int o = q.outChannels();
        byte[] b = new byte[(int) p.bytes(taps, o)];
        for (int n0 = 0; n0 < o; n0 += p.tileCols()) {
            int cols = Math.min(p.tileCols(), o - n0);
            for (int t = 0; t < taps; t++) {
                int row = p.address(n0, t, taps, o) - p.base();
                for (int c = 0; c < p.floor(); c++, row += GemmTiling.PackedWeights.rowBytes(cols)) {
                    for (int x = 0; x < cols; x++) {
                        int oc = n0 + x;
                        int code = FourBit.lower(q.weight()[(oc * k + c) * taps + t], ws[oc * groups + c / g]);
                        b[row + x / 2] |= (byte) ((code & 0xF) << (x % 2 == 0 ? 0 : 4));
                    }
                }
            }
        }
        return b;
    }

    static Constants constants(LoweringContext cx, Node n, NodeQuant.Gemm q) {
        int k = q.inChannels();
        int taps = q.taps();
        int o = q.outChannels();
        Site site = cx.model.siteOf(n.name());
        int floor = site == null ? 0 : cx.model.fourBitChannels(site, cx.minRatio);
        // a timing-only model's weights and shifts are zeros: reserved, not rearranged
        int weights = cx.timingOnly ? cx.image.reserve((long) taps * (k - floor) * o) : cx.image.put(transposed(q, floor));
        int bias = cx.image.putInts(q.bias());
        int params = cx.image.put(multipliers(q.requant()));
        cx.weightBytes += (long) taps * (k - floor) * o;
        if (site == null) {
            return new Constants(weights, null, bias, params, null);
        }
        int g = cx.model.groupWidth();
        int groups = site.channels() / g;
        int weightShifts;
        int shiftTable;
        // the codes in blocks of the column tiles GemmTiling will take: min(N, C) columns
        GemmTiling.PackedWeights layout = floor > 0 ? new GemmTiling.PackedWeights(0, floor, Math.min(o, cx.target.cols())) : null;
        GemmTiling.PackedWeights packed = null;
        if (cx.timingOnly) {
            weightShifts = cx.image.reserve((long) groups * o);
            shiftTable = cx.image.reserve(groups);
            if (layout != null) {
                packed = layout.at(cx.image.reserve(layout.bytes(taps, o)));
            }
        } else {
            int[] ws = BitExtractor.weightShifts(q, site, g, Extraction.STATIC);
            if (layout != null) {
                packed = layout.at(cx.image.put(codes(q, layout, ws, groups, g)));
            }
            byte[] wsT = new byte[groups * o];
            for (int oc = 0; oc < o; oc++) {
                for (int j = 0; j < groups; j++) {
                    wsT[j * o + oc] = (byte) ws[oc * groups + j];
                }
            }
            weightShifts = cx.image.put(wsT);
            int[] as = BitExtractor.staticShifts(site, g, Extraction.STATIC);
            byte[] asB = new byte[as.length];
            for (int j = 0; j < as.length; j++) {
                asB[j] = (byte) as[j];
            }
            shiftTable = cx.image.put(asB);
        }
        if (packed != null) {
            cx.weightBytes += packed.bytes(taps, o);
            cx.packedWeightBytes += packed.bytes(taps, o);
        }
        Integer gather = cx.gatherTables.get(site.tensor());
        return new Constants(weights, packed, bias, params, new GemmTiling.FourBitSite(cx.register(n.name()), g, shiftTable, weightShifts,
                gather == null ? -1 : gather, site.codes() == FourBit.Codes.UNSIGNED ? 1 : 0));
    }

    static byte[] multipliers(FixedPoint... fps) {
        int[] v = new int[2 * fps.length];
        for (int i = 0; i < fps.length; i++) {
            v[2 * i] = fps[i].multiplier();
            v[2 * i + 1] = fps[i].shift();
        }
        byte[] b = new byte[4 * v.length];
        for (int i = 0; i < v.length; i++) {
            for (int s = 0; s < 4; s++) {
                b[4 * i + s] = (byte) (v[i] >>> (8 * s));
            }
        }
        return b;
    }

    /** The int8 weight rows of {@code taps} taps of k input channels each (those below the packed floor are not among them). */
    private static TensorView.Rows weightRows(Constants c, int taps, int k, int n) {
        return new TensorView.Rows(c.weights(), new int[]{taps * c.int8Channels(k)}, new int[]{n}, n, 1);
    }

    /** x [..., K] of every image as one matrix of rows: the batch's rows share each weight load. */
    static void linear(LoweringContext cx, Node n, TensorView x, NodeQuant.Gemm q, Constants c, TensorView out, int min, int max) {
        int k = q.inChannels();
        GemmTiling.emit(cx, n.name(), new GemmTiling.Activations(x.rows().overImages(cx.batch, x.batchStride()), k, null),
                weightRows(c, 1, k, q.outChannels()), c.packed(), q.outChannels(), 1, c.site(), groupWidth(cx),
                new GemmTiling.Output(out.rows().overImages(cx.batch, out.batchStride()), c.bias(), true, c.params(), 8, min, max, 0));
    }

    static void conv(LoweringContext cx, Node n, TensorView x, Conv2d conv, NodeQuant.Gemm q, Constants c, TensorView out, int min, int max) {
        Shape in = cx.model.graph().shape(n.inputs().get(0));
        Shape o = cx.model.graph().shape(n.name());
        ConvGeometry g = new ConvGeometry(in.dim(1), in.dim(2), o.dim(1), o.dim(2), conv.kernelH(), conv.kernelW(), conv.strideH(),
                conv.strideW(), conv.padH(), conv.padW(), conv.dilation());
        TensorView.Rows outPixels = out.permute(LoweringContext.CHANNELS_LAST).rows();
        if (g.taps() == 1 && g.padh() == 0 && g.padw() == 0) {
            // A 1x1 convolution is a matrix product over the pixels it reads: the input view subsampled by the
            // stride (channels-last rows), with no bands and no halo; every image's pixels are one matrix.
            TensorView hwc = x.permute(LoweringContext.CHANNELS_LAST);
            int[] st = hwc.strides();
            TensorView sampled = new TensorView(hwc.base(), new int[]{g.oh(), g.ow(), q.inChannels()},
                    new int[]{st[0] * g.sh(), st[1] * g.sw(), st[2]});
            GemmTiling.emit(cx, n.name(), new GemmTiling.Activations(sampled.rows().overImages(cx.batch, x.batchStride()), q.inChannels(), null),
                    weightRows(c, 1, q.inChannels(), q.outChannels()), c.packed(), q.outChannels(), 1, c.site(), groupWidth(cx),
                    new GemmTiling.Output(outPixels.overImages(cx.batch, out.batchStride()), c.bias(), true, c.params(), 8, min, max, 0));
            return;
        }
        TensorView.Rows pixels = x.permute(LoweringContext.CHANNELS_LAST).rows();
        GemmTiling.emit(cx, n.name(), new GemmTiling.Activations(pixels, q.inChannels(), g, cx.batch, x.batchStride()), weightRows(c, g.taps(),
                q.inChannels(), q.outChannels()), c.packed(), q.outChannels(), g.taps(), c.site(), groupWidth(cx),
                new GemmTiling.Output(outPixels, c.bias(), true, c.params(), 8, min, max, out.batchStride()));
    }

    /** One image's a [..., M, K] x b [..., K, N]: per batch index (a head, say), b's slice takes the weights' place. */
    static void matmul(LoweringContext cx, Node n, TensorView a, TensorView b, NodeQuant.MatMul q, int zeroRow, int params, TensorView out) {
        int r = a.rank();
        if (b.rank() != r) {
            throw new InfeasibleException("layer " + n.name() + ": batched matmul operands of ranks " + r + " and " + b.rank());
        }
        int batch = 1;
        for (int d = 0; d < r - 2; d++) {
            if (a.shape()[d] != b.shape()[d]) {
                throw new InfeasibleException("layer " + n.name() + ": broadcast batch dims are not supported");
            }
            batch *= a.shape()[d];
        }
        int k = a.shape()[r - 1];
        int nCols = b.shape()[r - 1];
        for (int i = 0; i < batch; i++) {
            TensorView ai = batchSlice(a, i);
            TensorView bi = batchSlice(b, i);
            TensorView oi = batchSlice(out, i);
            GemmTiling.emit(cx, n.name(), new GemmTiling.Activations(ai.rows(), k, null), bi.rows(), null, nCols, 1, null, groupWidth(cx),
                    new GemmTiling.Output(oi.rows(), zeroRow, false, params, 0, -128, 127, 0));
        }
    }

    /** The last two dims of a view at flat batch index i. */
    private static TensorView batchSlice(TensorView v, int i) {
        int r = v.rank();
        int base = v.base();
        for (int d = r - 3; d >= 0; d--) {
            base += (i % v.shape()[d]) * v.strides()[d];
            i /= v.shape()[d];
        }
        return new TensorView(base, new int[]{v.shape()[r - 2], v.shape()[r - 1]}, new int[]{v.strides()[r - 2], v.strides()[r - 1]});
    }

    private static int groupWidth(LoweringContext cx) {
        return Math.max(2, cx.model.groupWidth());
    }
}
