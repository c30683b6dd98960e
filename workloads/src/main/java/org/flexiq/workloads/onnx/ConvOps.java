package org.flexiq.workloads.onnx;

import org.flexiq.workloads.ir.Concat;
import org.flexiq.workloads.ir.Constant;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.Slice;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Conv and ConvTranspose over 1 or 2 spatial axes, as the IR's Conv2d: a 1-D input is viewed as one row; padding that
 * is larger on one side is the difference in zero rows or columns joined on; groups that are not depthwise are one
 * convolution per group on its channels, joined by a Concat (at most 64); a transposed convolution is the ordinary
 * convolution of the input stretched by its stride (zeros between its elements), padded by the kernel's span less its
 * own padding, with the kernel flipped and its channel axes swapped per group.
 */
final class ConvOps extends OpTranslator {
    ConvOps(OnnxImporter context) {
        super(context);
    }

    /** The node's input as [C, H, W] (a 1-D one as one row), with its spatial lengths and whether it was 1-D. */
    private record Planar(String tensor, int channels, int h, int w, boolean oneD) {
    }

    /** What both kinds read: the input as [C, H, W], the weight and bias, the kernel, strides, dilations and groups. */
    private record Operands(Value.Live x, ConstTensor w, ConstTensor b, Planar p, int[] k, long[] strides, long[] dil, int group) {
    }

    private Operands operands(OnnxNode n, List<Value> in, String what) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        ConstTensor w = known(n, in, 1, "weight");
        Planar p = planar(n, x, w, what);
        return new Operands(x, w, optionalKnown(n, in, 2, "bias"), p, kernel(n, w, p), spatial(n, "strides", p), spatial(n, "dilations", p),
                (int) n.i("group", 1));
    }

    Value conv(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Operands op = operands(n, in, "convolutions");
        Value.Live x = op.x();
        ConstTensor w = op.w();
        Planar p = op.p();
        int[] k = op.k();
        long[] strides = op.strides();
        int group = op.group();
        SpatialPads sp = pads(n, p, k, strides, op.dil());
        if (group < 1 || w.dims()[1] * group != p.channels()) {
            throw n.unsupported("weight " + w.describe() + " with group " + group + " does not fit " + p.channels() + " input channels");
        }
        int o = w.dims()[0];
        FloatTensor weight = w.toFloatTensor(Shape.of(o, w.dims()[1], k[0], k[1]));
        return finish(n, x, p, conv2d(n, p.tensor(), sp.begin(), sp.end(), k, strides, dilation(n, op.dil(), k), group, weight, bias(n, op.b(), o)));
    }

    /**
     * ConvTranspose: output length = stride (in - 1) + output_padding + span - pads, or pads from output_shape or SAME
     * auto_pad as ONNX defines them (SAME_UPPER puts the odd element of the total at the end).
     */
    Value convTranspose(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Operands op = operands(n, in, "transposed convolutions");
        Value.Live x = op.x();
        ConstTensor w = op.w();
        ConstTensor b = op.b();
        Planar p = op.p();
        int[] k = op.k();
        long[] strides = op.strides();
        long[] dil = op.dil();
        int group = op.group();
        long[] outPad = spatial(n, "output_padding", p, 0);
        if (group < 1 || w.dims()[0] != p.channels() || p.channels() % group != 0) {
            throw n.unsupported("weight " + w.describe() + " with group " + group + " does not fit " + p.channels() + " input channels");
        }
        int[] len = {p.h(), p.w()};
        int[] begin = new int[2];
        int[] end = new int[2];
        long[] outShape = n.ints("output_shape");
        String auto = n.s("auto_pad", "NOTSET");
        if (outShape != null || auto.startsWith("SAME")) {
            long[] target = outShape != null ? spatialValues(n, "output_shape", outShape, p) : new long[]{len[0] * strides[0], len[1] * strides[1]};
            for (int i = 0; i < 2; i++) {
                // a negative total lengthens the output past its last input (ONNX's reference halves it rounding down)
                long total = strides[i] * (len[i] - 1) + outPad[i] + (k[i] - 1) * dil[i] + 1 - target[i];
                if (Math.abs(total) > 2L * SpatialPads.MAX_PAD) {
                    throw n.unsupported("output length " + target[i] + " needs padding " + total + " (at most " + 2 * SpatialPads.MAX_PAD + " either way)");
                }
                long half = Math.floorDiv(total, 2);
                begin[i] = (int) (auto.equals("SAME_UPPER") ? half : total - half);
                end[i] = (int) (total - begin[i]);
            }
        } else {
            SpatialPads given = pads(n, p, k, new long[]{1, 1}, dil);
            begin = given.begin();
            end = given.end();
        }
        // the equivalent convolution pads by the kernel's span less the transposed one's padding, plus output_padding after
        int[] cb = new int[2];
        int[] ce = new int[2];
        for (int i = 0; i < 2; i++) {
            if (strides[i] > SpatialPads.MAX_PAD || outPad[i] < 0 || outPad[i] >= Math.max(strides[i], dil[i])) {
                throw n.unsupported("stride " + strides[i] + " and output_padding " + outPad[i] + ": output_padding must be in [0, max(stride, dilation))");
            }
            cb[i] = (int) ((k[i] - 1) * dil[i] - begin[i]);
            ce[i] = (int) ((k[i] - 1) * dil[i] - end[i] + outPad[i]);
        }
        String t = p.tensor();
        for (int axis = 0; axis < 2; axis++) {
            t = stretched(n.output(0) + ".stretch" + axis, t, axis + 1, (int) strides[axis]);
            t = cropped(n, n.output(0) + ".crop" + axis, t, axis + 1, Math.max(0, -cb[axis]), Math.max(0, -ce[axis]));
            cb[axis] = Math.max(0, cb[axis]);
            ce[axis] = Math.max(0, ce[axis]);
        }
        int perGroupIn = p.channels() / group;
        int perGroupOut = w.dims()[1];
        int o = perGroupOut * group;
        float[] src = w.asFloats();
        float[] flipped = new float[o * perGroupIn * k[0] * k[1]];
        for (int g = 0; g < group; g++) {
            for (int ci = 0; ci < perGroupIn; ci++) {
                for (int co = 0; co < perGroupOut; co++) {
                    for (int y = 0; y < k[0]; y++) {
                        for (int z = 0; z < k[1]; z++) {
                            int from = (((g * perGroupIn + ci) * perGroupOut + co) * k[0] + y) * k[1] + z;
                            int to = (((g * perGroupOut + co) * perGroupIn + ci) * k[0] + (k[0] - 1 - y)) * k[1] + (k[1] - 1 - z);
                            flipped[to] = src[from];
                        }
                    }
                }
            }
        }
        FloatTensor weight = new FloatTensor(Shape.of(o, perGroupIn, k[0], k[1]), flipped);
        long[] ones = {1, 1};
        return finish(n, x, p, conv2d(n, t, cb, ce, k, ones, dilation(n, dil, k), group, weight, bias(n, b, o)));
    }

    private Planar planar(OnnxNode n, Value.Live x, ConstTensor w, String what) throws OnnxNode.UnsupportedNodeException {
        int[] xd = c.onnxDims(x);
        if (!x.batched() || xd.length < 3 || xd.length > 4 || w.rank() != xd.length) {
            throw n.unsupported("only 1-D and 2-D " + what + " of a batched [N, C, ...] input are supported (weight " + w.describe() + ")");
        }
        if (xd.length == 3) {
            return new Planar(c.ir.reshape(n.output(0) + ".row", x.tensor(), new int[]{xd[1], 1, xd[2]}), xd[1], 1, xd[2], true);
        }
        return new Planar(x.tensor(), xd[1], xd[2], xd[3], false);
    }

    /** The node's padding (explicit or SAME) as [H, W] begin and end, a 1-D node's on W. */
    private static SpatialPads pads(OnnxNode n, Planar p, int[] k, long[] strides, long[] dil) throws OnnxNode.UnsupportedNodeException {
        if (!p.oneD()) {
            return SpatialPads.of(n, new int[]{p.h(), p.w()}, new long[]{k[0], k[1]}, strides, dil);
        }
        SpatialPads row = SpatialPads.of(n, new int[]{p.w()}, new long[]{k[1]}, new long[]{strides[1]}, new long[]{dil[1]});
        return new SpatialPads(new int[]{0, row.begin()[0]}, new int[]{0, row.end()[0]});
    }

    private static int[] kernel(OnnxNode n, ConstTensor w, Planar p) throws OnnxNode.UnsupportedNodeException {
        int[] k = p.oneD() ? new int[]{1, w.dims()[2]} : new int[]{w.dims()[2], w.dims()[3]};
        long[] ks = n.ints("kernel_shape");
        long[] expect = p.oneD() ? new long[]{k[1]} : new long[]{k[0], k[1]};
        if (ks != null && !Arrays.equals(ks, expect)) {
            throw n.unsupported("kernel_shape " + Arrays.toString(ks) + " disagrees with the weight " + w.describe());
        }
        return k;
    }

    /** A per-axis attribute as [H, W] (a 1-D node's single value on W), 1 where absent. */
    private static long[] spatial(OnnxNode n, String attr, Planar p) throws OnnxNode.UnsupportedNodeException {
        return spatial(n, attr, p, 1);
    }

    private static long[] spatial(OnnxNode n, String attr, Planar p, long dflt) throws OnnxNode.UnsupportedNodeException {
        long[] v = n.ints(attr);
        return v == null ? new long[]{dflt, dflt} : spatialValues(n, attr, v, p);
    }

    private static long[] spatialValues(OnnxNode n, String attr, long[] v, Planar p) throws OnnxNode.UnsupportedNodeException {
        if (v.length != (p.oneD() ? 1 : 2)) {
            throw n.unsupported(attr + " " + Arrays.toString(v) + ": expected " + (p.oneD() ? 1 : 2) + " values");
        }
        return p.oneD() ? new long[]{1, v[0]} : v;
    }

    /** The IR's single dilation: both axes must agree, but an axis with a one-wide kernel has none to speak of. */
    private static int dilation(OnnxNode n, long[] dil, int[] k) throws OnnxNode.UnsupportedNodeException {
        long dh = k[0] == 1 ? dil[1] : dil[0];
        long dw = k[1] == 1 ? dil[0] : dil[1];
        if (dh != dw || dh < 1 || dh > SpatialPads.MAX_PAD) {
            throw n.unsupported("dilations " + Arrays.toString(dil) + ": only equal dilations in [1, " + SpatialPads.MAX_PAD + "] are supported");
        }
        return (int) dh;
    }

    private static FloatTensor bias(OnnxNode n, ConstTensor b, int o) throws OnnxNode.UnsupportedNodeException {
        if (b == null) {
            return null;
        }
        if (b.size() != o) {
            throw n.unsupported("bias has " + b.size() + " values for " + o + " output channels");
        }
        return b.toFloatTensor(Shape.of(o));
    }

    /** A Conv2d over [C, H, W] with padding per side: the excess of one side over the other joined on as zeros. */
    private String conv2d(OnnxNode n, String t, int[] begin, int[] end, int[] k, long[] strides, int dil, int group, FloatTensor weight,
                          FloatTensor bias) {
        for (int axis = 0; axis < 2; axis++) {
            int extra = begin[axis] - end[axis];
            if (extra != 0) {
                t = joinConstant(n.output(0) + ".pad" + axis, t, axis + 1, Math.max(extra, 0), Math.max(-extra, 0), 0f);
            }
        }
        int o = weight.shape().dim(0);
        int in = c.ir.shape(t).dim(0);
        int ph = Math.min(begin[0], end[0]);
        int pw = Math.min(begin[1], end[1]);
        if (group == 1 || group == in && group == o) {
            return c.ir.add(n.output(0) + ".conv", new Conv2d(o, k[0], k[1], (int) strides[0], (int) strides[1], ph, pw, dil, group, bias != null),
                    convParams(weight, bias, 0, o), t);
        }
        // grouped but not depthwise (ResNeXt, RegNet): one convolution per group on its slice of the channels, joined
        int perIn = in / group;
        int perOut = o / group;
        String[] parts = new String[group];
        for (int g = 0; g < group; g++) {
            String slice = c.ir.add(n.output(0) + ".group" + g + ".in", new Slice(0, g * perIn, (g + 1) * perIn), t);
            parts[g] = c.ir.add(n.output(0) + ".group" + g, new Conv2d(perOut, k[0], k[1], (int) strides[0], (int) strides[1], ph, pw, dil, 1,
                    bias != null), convParams(weight, bias, g * perOut, perOut), slice);
        }
        return c.ir.add(n.output(0) + ".conv", new Concat(0), parts);
    }

    /** The weight (and bias) of output channels {@code from} .. {@code from + count - 1}. */
    private static Map<String, FloatTensor> convParams(FloatTensor weight, FloatTensor bias, int from, int count) {
        int per = weight.shape().elementCount() / weight.shape().dim(0);
        Map<String, FloatTensor> params = new HashMap<>();
        params.put("weight", new FloatTensor(weight.shape().withDim(0, count), Arrays.copyOfRange(weight.data(), from * per, (from + count) * per)));
        if (bias != null) {
            params.put("bias", new FloatTensor(Shape.of(count), Arrays.copyOfRange(bias.data(), from, from + count)));
        }
        return params;
    }

    /** The convolution's output under the node's name, viewed back to [C, L] for a 1-D node. */
    private Value finish(OnnxNode n, Value.Live x, Planar p, String out) {
        int[] d = c.ir.shape(out).dims();
        int[] shaped = p.oneD() ? new int[]{d[0], d[2]} : d;
        return new Value.Live(c.ir.reshape(n.output(0), out, shaped), x.batched());
    }

    /** {@code t} with {@code s - 1} zeros after each element along IR {@code axis} but the last: a view, zeros joined, a view back, cut. */
    private String stretched(String name, String t, int axis, int s) {
        if (s == 1) {
            return t;
        }
        int[] d = c.ir.shape(t).dims();
        String v = unitAxisAfter(name, t, axis);
        int[] zd = c.ir.shape(v).dims().clone();
        zd[axis + 1] = s - 1;
        Shape zs = Shape.of(zd);
        String zeros = c.ir.add(name + ".zeros", new Constant(zs), Map.of("value", tensor(zs, new float[zs.elementCount()])));
        String joined = c.ir.add(name + ".join", new Concat(axis + 1), v, zeros);
        int[] back = d.clone();
        back[axis] *= s;
        String flat = c.ir.reshape(name + ".back", joined, back);
        return c.ir.add(name, new Slice(axis, 0, (d[axis] - 1) * s + 1), flat);
    }

    /** {@code t} without {@code before} and {@code after} elements at the ends of IR {@code axis} (padding past the kernel's span). */
    private String cropped(OnnxNode n, String name, String t, int axis, int before, int after) throws OnnxNode.UnsupportedNodeException {
        if (before == 0 && after == 0) {
            return t;
        }
        int len = c.ir.shape(t).dim(axis);
        if (before + after >= len) {
            throw n.unsupported("padding past the kernel's span leaves nothing of the input");
        }
        return c.ir.add(name, new Slice(axis, before, len - after), t);
    }
}
