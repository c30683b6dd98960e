package org.flexiq.workloads.onnx;

import org.flexiq.workloads.ir.AvgPool;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Layer;
import org.flexiq.workloads.ir.MaxPool;
import org.flexiq.workloads.ir.PoolWindow;
import org.flexiq.workloads.ir.Shape;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * MaxPool and AveragePool over 1, 2 or 3 spatial axes, with any window, stride, dilation, padding (asymmetric too) and
 * ceil-mode rounding. The IR pools [C, H, W]: a 1-D input is viewed as one row; a 3-D window, being a product of
 * intervals, is pooled over H and W with the depths folded into the channels, then over the depths with H and W
 * folded into one axis. Both maximum and mean are separable this way: the window's valid positions are a product
 * too, so the mean over them is the mean over depths of the means over (H, W).
 */
final class PoolOps extends OpTranslator {
    PoolOps(OnnxImporter context) {
        super(context);
    }

    /** A pooling step's axes: window, stride, dilation and padding per axis of a [C, H, W] tensor. */
    private record Step(int kh, int kw, int sh, int sw, int dh, int dw, int top, int left, int bottom, int right) {
    }

    List<Value> pool(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        boolean max = n.op().equals("MaxPool");
        if (usesExtraOutputs(n)) {
            throw n.unsupported("the Indices output is not supported");
        }
        int[] xd = c.onnxDims(x);
        int axes = xd.length - 2;
        long[] ks = n.ints("kernel_shape");
        if (!x.batched() || axes < 1 || axes > 3) {
            throw n.unsupported("only 1-D, 2-D and 3-D windows on a batched [N, C, ...] input are supported");
        }
        if (ks == null || ks.length != axes) {
            throw n.unsupported("kernel_shape " + Arrays.toString(ks) + ": expected " + axes + " values for input " + Arrays.toString(xd));
        }
        long[] ones = new long[axes];
        Arrays.fill(ones, 1);
        long[] strides = orDefault(n.ints("strides"), ones);
        long[] dil = orDefault(n.ints("dilations"), ones);
        if (strides.length != axes || dil.length != axes) {
            throw n.unsupported("strides " + Arrays.toString(strides) + " and dilations " + Arrays.toString(dil) + ": expected " + axes + " values each");
        }
        int[] size = Arrays.copyOfRange(xd, 2, xd.length);
        SpatialPads pads = SpatialPads.of(n, size, ks, strides, dil);
        int[] begin = pads.begin().clone();
        int[] end = pads.end().clone();
        boolean ceil = n.i("ceil_mode", 0) != 0 && n.s("auto_pad", "NOTSET").matches("NOTSET|VALID");
        boolean ceilPadded = false;
        for (int i = 0; i < axes; i++) {
            long span = (ks[i] - 1) * dil[i] + 1;
            if (ks[i] < 1 || strides[i] < 1 || dil[i] < 1 || begin[i] >= span || end[i] >= span) {
                throw n.unsupported("axis " + i + ": window " + ks[i] + ", stride " + strides[i] + ", dilation " + dil[i]
                        + " and padding " + begin[i] + " / " + end[i] + " (padding must be smaller than the window)");
            }
            if (ceil) {
                // ceil rounding keeps a last window that starts inside the input or its leading padding
                long room = size[i] + begin[i] + end[i] - span;
                long out = room < 0 ? 0 : Math.floorDiv(room + strides[i] - 1, strides[i]) + 1;
                if (out > 1 && (out - 1) * strides[i] >= size[i] + begin[i]) {
                    out--;
                }
                int extra = (int) Math.max(0, (out - 1) * strides[i] + span - (size[i] + begin[i] + end[i]));
                end[i] += extra;
                ceilPadded |= extra > 0;
            }
        }
        boolean countPad = !max && n.i("count_include_pad", 0) != 0 && (pads.any() || ceilPadded);
        if (countPad && ceilPadded) {
            throw n.unsupported("count_include_pad = 1 with ceil_mode adding padding is not supported");
        }
        int ch = xd[1];
        String name = n.output(0);
        String out = switch (axes) {
            case 1 -> {
                String row = c.ir.reshape(name + ".row", x.tensor(), new int[]{ch, 1, size[0]});
                String pooled = pool2d(n, name + ".pool", row, ch, max, countPad,
                        new Step(1, (int) ks[0], 1, (int) strides[0], 1, (int) dil[0], 0, begin[0], 0, end[0]));
                yield c.ir.reshape(name, pooled, new int[]{ch, c.ir.shape(pooled).dim(2)});
            }
            case 2 -> pool2d(n, name, x.tensor(), ch, max, countPad, new Step((int) ks[0], (int) ks[1], (int) strides[0],
                    (int) strides[1], (int) dil[0], (int) dil[1], begin[0], begin[1], end[0], end[1]));
            default -> {
                String planes = c.ir.reshape(name + ".planes", x.tensor(), new int[]{ch * size[0], size[1], size[2]});
                String hw = pool2d(n, name + ".hw", planes, ch * size[0], max, countPad, new Step((int) ks[1], (int) ks[2],
                        (int) strides[1], (int) strides[2], (int) dil[1], (int) dil[2], begin[1], begin[2], end[1], end[2]));
                Shape s = c.ir.shape(hw);
                String depth = c.ir.reshape(name + ".depth", hw, new int[]{ch, size[0], s.dim(1) * s.dim(2)});
                String pooled = pool2d(n, name + ".d", depth, ch, max, countPad,
                        new Step((int) ks[0], 1, (int) strides[0], 1, (int) dil[0], 1, begin[0], 0, end[0], 0));
                yield c.ir.reshape(name, pooled, new int[]{ch, c.ir.shape(pooled).dim(1), s.dim(1), s.dim(2)});
            }
        };
        return one(new Value.Live(out, true));
    }

    /**
     * One pooling layer over a [ch, H, W] tensor. A mean that counts its padding is a depthwise convolution with weights
     * 1 / window (the IR's AvgPool leaves padding out of the mean), which pads symmetrically only.
     */
    private String pool2d(OnnxNode n, String name, String t, int ch, boolean max, boolean countPad, Step s)
            throws OnnxNode.UnsupportedNodeException {
        // a dilation along an axis whose window is one wide changes nothing
        int dh = s.kh() == 1 ? s.dw() : s.dh();
        int dw = s.kw() == 1 ? s.dh() : s.dw();
        if (dh != dw) {
            throw n.unsupported("dilations " + s.dh() + " and " + s.dw() + " differ; only equal dilations are supported");
        }
        Layer layer;
        Map<String, FloatTensor> params = Map.of();
        if (countPad) {
            if (s.top() != s.bottom() || s.left() != s.right()) {
                throw n.unsupported("count_include_pad = 1 with asymmetric padding is not supported");
            }
            int taps = s.kh() * s.kw();
            layer = new Conv2d(ch, s.kh(), s.kw(), s.sh(), s.sw(), s.top(), s.left(), dh, ch, false);
            params = Map.of("weight", tensor(Shape.of(ch, 1, s.kh(), s.kw()), filled(ch * taps, 1f / taps)));
        } else {
            PoolWindow w = new PoolWindow(s.kh(), s.kw(), s.sh(), s.sw(), dh, s.top(), s.left(), s.bottom(), s.right());
            layer = max ? new MaxPool(w) : new AvgPool(w);
        }
        return c.ir.add(name, layer, params, t);
    }
}
