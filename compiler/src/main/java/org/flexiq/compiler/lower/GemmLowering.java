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

    /** A Conv2d/Linear's constants in DRAM: weights [taps K, N], bias, multipliers and its site's tables. */
    record Constants(int weights, int bias, int params, GemmTiling.FourBitSite site) {
    }

    /** Weights [O, K, taps] as the array reads them: [taps K, N]. */
    private static byte[] transposed(NodeQuant.Gemm q) {
        int k = q.inChannels();
        int taps = q.taps();
        int o = q.outChannels();
        byte[] w = new byte[taps * k * o];
        for (int oc = 0; oc < o; oc++) {
            for (int c = 0; c < k; c++) {
                for (int t = 0; t < taps; t++) {
                    w[(t * k + c) * o + oc] = q.weight()[(oc * k + c) * taps + t];
                }
            }
        }
        return w;
    }

    static Constants constants(LoweringContext cx, Node n, NodeQuant.Gemm q) {
        int k = q.inChannels();
        int taps = q.taps();
        int o = q.outChannels();
        // a timing-only model's weights and shifts are zeros: reserved, not rearranged
        int weights = cx.timingOnly ? cx.image.reserve((long) taps * k * o) : cx.image.put(transposed(q));
        int bias = cx.image.putInts(q.bias());
        int params = cx.image.put(multipliers(q.requant()));
        Site site = cx.model.siteOf(n.name());
        if (site == null) {
            return new Constants(weights, bias, params, null);
        }
        int g = cx.model.groupWidth();
        int groups = site.channels() / g;
        int weightShifts;
        int shiftTable;
        if (cx.timingOnly) {
            weightShifts = cx.image.reserve((long) groups * o);
            shiftTable = cx.image.reserve(groups);
        } else {
            int[] ws = BitExtractor.weightShifts(q, site, g, Extraction.STATIC);
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
        Integer gather = cx.gatherTables.get(site.tensor());
        return new Constants(weights, bias, params, new GemmTiling.FourBitSite(cx.register(n.name()), g, shiftTable, weightShifts,
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

    private static TensorView.Rows weightRows(Constants c, int rows, int n) {
        return new TensorView.Rows(c.weights(), new int[]{rows}, new int[]{n}, n, 1);
    }

    static void linear(LoweringContext cx, Node n, TensorView x, NodeQuant.Gemm q, Constants c, TensorView out, int min, int max) {
        int k = q.inChannels();
        GemmTiling.emit(cx, n.name(), new GemmTiling.Activations(x.rows(), k, null), weightRows(c, k, q.outChannels()), q.outChannels(), 1,
                c.site(), groupWidth(cx), new GemmTiling.Output(out.rows(), c.bias(), true, c.params(), 8, min, max));
    }

    static void conv(LoweringContext cx, Node n, TensorView x, Conv2d conv, NodeQuant.Gemm q, Constants c, TensorView out, int min, int max) {
        Shape in = cx.model.graph().shape(n.inputs().get(0));
        Shape o = cx.model.graph().shape(n.name());
        ConvGeometry g = new ConvGeometry(in.dim(1), in.dim(2), o.dim(1), o.dim(2), conv.kernelH(), conv.kernelW(), conv.strideH(),
                conv.strideW(), conv.padH(), conv.padW(), conv.dilation());
        TensorView.Rows outPixels = out.permute(LoweringContext.CHANNELS_LAST).rows();
        if (g.taps() == 1 && g.padh() == 0 && g.padw() == 0) {
            // A 1x1 convolution is a matrix product over the pixels it reads: the input view subsampled by the
            // stride (channels-last rows), with no bands and no halo.
            TensorView hwc = x.permute(LoweringContext.CHANNELS_LAST);
            int[] st = hwc.strides();
            TensorView sampled = new TensorView(hwc.base(), new int[]{g.oh(), g.ow(), q.inChannels()},
                    new int[]{st[0] * g.sh(), st[1] * g.sw(), st[2]});
            GemmTiling.emit(cx, n.name(), new GemmTiling.Activations(sampled.rows(), q.inChannels(), null), weightRows(c, q.inChannels(),
                    q.outChannels()), q.outChannels(), 1, c.site(), groupWidth(cx),
                    new GemmTiling.Output(outPixels, c.bias(), true, c.params(), 8, min, max));
            return;
        }
        TensorView.Rows pixels = x.permute(LoweringContext.CHANNELS_LAST).rows();
        GemmTiling.emit(cx, n.name(), new GemmTiling.Activations(pixels, q.inChannels(), g), weightRows(c, g.taps() * q.inChannels(),
                q.outChannels()), q.outChannels(), g.taps(), c.site(), groupWidth(cx),
                new GemmTiling.Output(outPixels, c.bias(), true, c.params(), 8, min, max));
    }

    /** a [..., M, K] x b [..., K, N]: per batch index, b's slice takes the weights' place. */
    static void matmul(LoweringContext cx, Node n, NodeQuant.MatMul q, int zeroRow, int params, TensorView out) {
        TensorView a = cx.views.get(n.inputs().get(0));
        TensorView b = cx.views.get(n.inputs().get(1));
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
            GemmTiling.emit(cx, n.name(), new GemmTiling.Activations(ai.rows(), k, null), bi.rows(), nCols, 1, null, groupWidth(cx),
                    new GemmTiling.Output(oi.rows(), zeroRow, false, params, 0, -128, 127));
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
