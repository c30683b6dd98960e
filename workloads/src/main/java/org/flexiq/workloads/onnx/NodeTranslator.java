package org.flexiq.workloads.onnx;

import org.flexiq.workloads.ir.Activation;
import org.flexiq.workloads.ir.Add;
import org.flexiq.workloads.ir.AvgPool;
import org.flexiq.workloads.ir.BatchNorm;
import org.flexiq.workloads.ir.Concat;
import org.flexiq.workloads.ir.Constant;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.Embedding;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Gelu;
import org.flexiq.workloads.ir.GlobalAvgPool;
import org.flexiq.workloads.ir.LayerNorm;
import org.flexiq.workloads.ir.Linear;
import org.flexiq.workloads.ir.MatMul;
import org.flexiq.workloads.ir.MaxPool;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.Relu;
import org.flexiq.workloads.ir.Relu6;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.Silu;
import org.flexiq.workloads.ir.Slice;
import org.flexiq.workloads.ir.Softmax;
import org.flexiq.workloads.ir.Tanh;
import org.flexiq.workloads.ir.Transpose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates one ONNX node on activations into IR layers, or refuses it naming what is supported. Weights
 * must be known at import time (initializers or folded constants); ONNX axes are mapped past the batch.
 */
final class NodeTranslator {
    static final String SUPPORTED = "Conv, Gemm, MatMul, Add, Sub, Mul, Div (by constants that fold), Relu, Clip, Tanh, "
            + "Sigmoid*x, Erf GELU, Gelu, Softmax, LayerNormalization, BatchNormalization, MaxPool, AveragePool, "
            + "GlobalAveragePool, ReduceMean, Flatten, Reshape, Transpose, Concat, Gather, Split, Slice, Squeeze, Unsqueeze, "
            + "Identity, Dropout, Expand, Cast, QuantizeLinear/DequantizeLinear";

    private final OnnxImporter c;

    NodeTranslator(OnnxImporter context) {
        this.c = context;
    }

    /** Inputs each op needs present (the rest are optional). */
    private static int required(OnnxNode n) {
        return switch (n.op()) {
            case "Conv", "Gemm", "MatMul", "Add", "Sub", "Mul", "Div", "Gather", "Reshape", "Expand", "LayerNormalization",
                 "QuantizeLinear", "DequantizeLinear" -> 2;
            case "Slice" -> n.opset < 10 ? 1 : 3; // starts and ends were attributes before opset 10
            case "BatchNormalization" -> 5;
            default -> 1;
        };
    }

    List<Value> translate(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        int need = required(n);
        for (int i = 0; i < need; i++) {
            if (i >= in.size() || in.get(i) == null) {
                throw n.unsupported("input " + i + " is missing (" + n.op() + " needs " + need + ")");
            }
        }
        return switch (n.op()) {
            case "Conv" -> one(conv(n, in));
            case "Gemm" -> one(gemm(n, in));
            case "MatMul" -> one(matMul(n, in));
            case "Add", "Sub" -> one(addOrSub(n, in));
            case "Mul", "Div" -> one(scale(n, in));
            case "Relu" -> one(unary(n, in, new Relu()));
            case "Tanh" -> one(unary(n, in, new Tanh()));
            case "Clip" -> one(clip(n, in));
            case "Gelu" -> one(gelu(n, in));
            case "Softmax" -> one(softmax(n, in, 1.0));
            case "LayerNormalization" -> layerNormalization(n, in);
            case "BatchNormalization" -> one(batchNorm(n, in));
            case "MaxPool", "AveragePool" -> pool(n, in);
            case "GlobalAveragePool" -> one(globalPool(n, live(n, in, 0), true));
            case "ReduceMean" -> one(reduceMean(n, in));
            case "Flatten" -> one(reshapeTo(n, live(n, in, 0), DimensionRules.flatten(c.onnxDims(live(n, in, 0)), (int) n.i("axis", 1), n)));
            case "Reshape" -> one(reshapeTo(n, live(n, in, 0), DimensionRules.reshape(c.onnxDims(live(n, in, 0)),
                    known(n, in, 1, "shape").asLongs(), n.i("allowzero", 0) != 0, n)));
            case "Squeeze" -> one(reshapeTo(n, live(n, in, 0), DimensionRules.squeeze(c.onnxDims(live(n, in, 0)), axes(n, in), n)));
            case "Unsqueeze" -> one(reshapeTo(n, live(n, in, 0), DimensionRules.unsqueeze(c.onnxDims(live(n, in, 0)), axes(n, in), n)));
            case "Transpose" -> one(transpose(n, in));
            case "Concat" -> one(concat(n, in));
            case "Gather" -> one(gather(n, in));
            case "Slice" -> one(slice(n, in));
            case "Split" -> split(n, in);
            case "Identity" -> one(live(n, in, 0));
            case "Dropout" -> one(dropout(n, in));
            case "Expand" -> one(expand(n, in));
            case "Cast" -> one(cast(n, in));
            case "QuantizeLinear", "DequantizeLinear" -> one(qdq(n, in));
            default -> throw n.unsupported("op type " + n.op() + " is not supported on activations; supported: " + SUPPORTED);
        };
    }

    private static List<Value> one(Value v) {
        return List.of(v);
    }

    // ---- helpers -------------------------------------------------------------------------------------------

    private Value.Live live(OnnxNode n, List<Value> in, int i) throws OnnxNode.UnsupportedNodeException {
        Value v = i < in.size() ? in.get(i) : null;
        if (v instanceof Value.Live l) {
            return l;
        }
        throw n.unsupported("input " + i + (v == null ? " is missing" : " must be an activation, not a constant"));
    }

    private ConstTensor known(OnnxNode n, List<Value> in, int i, String what) throws OnnxNode.UnsupportedNodeException {
        Value v = i < in.size() ? in.get(i) : null;
        if (v instanceof Value.Known k) {
            return k.tensor();
        }
        throw n.unsupported(what + " (input " + i + ") " + (v == null ? "is missing" : "must be known at import time (an initializer or constant)"));
    }

    private ConstTensor optionalKnown(OnnxNode n, List<Value> in, int i, String what) throws OnnxNode.UnsupportedNodeException {
        return i < in.size() && in.get(i) != null ? known(n, in, i, what) : null;
    }

    private long[] axes(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        if (n.has("axes")) {
            return n.ints("axes");
        }
        ConstTensor a = optionalKnown(n, in, 1, "axes");
        return a == null ? null : a.asLongs();
    }

    /** ONNX axis (negative counts from the end) to the IR's, refusing the batch axis. */
    private int irAxis(OnnxNode n, Value.Live l, long axis) throws OnnxNode.UnsupportedNodeException {
        int r = c.onnxDims(l).length;
        long a = axis < 0 ? axis + r : axis;
        if (a < 0 || a >= r) {
            throw n.unsupported("axis " + axis + " is out of range for rank " + r);
        }
        if (l.batched() && a == 0) {
            throw n.unsupported("works across the batch dimension (axis 0), which import keeps per sample");
        }
        return (int) a - (l.batched() ? 1 : 0);
    }

    private Value.Live emit(OnnxNode n, org.flexiq.workloads.ir.Layer layer, Map<String, FloatTensor> params, boolean batched, String... inputs) {
        return new Value.Live(c.ir.add(n.output(0), layer, params, inputs), batched);
    }

    private static FloatTensor tensor(Shape s, float[] data) {
        return new FloatTensor(s, data);
    }

    /** {@code k} as an IR Constant broadcastable onto {@code like} (leading 1s added; the batch's 1 dropped). */
    private String constantLike(OnnxNode n, ConstTensor k, Value.Live like, String suffix) throws OnnxNode.UnsupportedNodeException {
        int rank = c.onnxDims(like).length;
        if (k.rank() > rank) {
            throw n.unsupported("constant " + k.describe() + " has a higher rank than the activation it combines with");
        }
        int[] d = new int[rank];
        Arrays.fill(d, 1);
        System.arraycopy(k.dims(), 0, d, rank - k.rank(), k.rank());
        if (like.batched()) {
            if (d[0] != 1) {
                throw n.unsupported("constant " + k.describe() + " varies along the batch dimension");
            }
            d = Arrays.copyOfRange(d, 1, rank);
        }
        Shape s = Shape.of(d);
        return c.ir.add(n.output(0) + suffix, new Constant(s), Map.of("value", k.toFloatTensor(s)));
    }

    // ---- layers --------------------------------------------------------------------------------------------

    private Value conv(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        ConstTensor w = known(n, in, 1, "weight");
        ConstTensor b = optionalKnown(n, in, 2, "bias");
        if (w.rank() != 4 || !x.batched() || c.onnxDims(x).length != 4) {
            throw n.unsupported("only 2-D convolutions of a batched [N, C, H, W] input are supported (weight " + w.describe() + ")");
        }
        int[] xd = c.onnxDims(x);
        int[] k = {w.dims()[2], w.dims()[3]};
        long[] ks = n.ints("kernel_shape");
        if (ks != null && (ks.length != 2 || ks[0] != k[0] || ks[1] != k[1])) {
            throw n.unsupported("kernel_shape " + Arrays.toString(ks) + " disagrees with the weight " + w.describe());
        }
        long[] strides = orDefault(n.ints("strides"), 1, 1);
        long[] dil = orDefault(n.ints("dilations"), 1, 1);
        if (dil[0] != dil[1]) {
            throw n.unsupported("dilations " + Arrays.toString(dil) + ": only equal dilations are supported");
        }
        int[] pads = pads(n, new int[]{xd[2], xd[3]}, k, strides, dil);
        int group = (int) n.i("group", 1);
        if (w.dims()[1] * group != xd[1]) {
            throw n.unsupported("weight " + w.describe() + " with group " + group + " does not fit " + xd[1] + " input channels");
        }
        int o = w.dims()[0];
        Conv2d layer = new Conv2d(o, k[0], k[1], (int) strides[0], (int) strides[1], pads[0], pads[1], (int) dil[0], group, b != null);
        Map<String, FloatTensor> p = new HashMap<>();
        p.put("weight", w.toFloatTensor(Shape.of(w.dims())));
        if (b != null) {
            if (b.size() != o) {
                throw n.unsupported("bias has " + b.size() + " values for " + o + " output channels");
            }
            p.put("bias", b.toFloatTensor(Shape.of(o)));
        }
        return emit(n, layer, p, true, x.tensor());
    }

    private static long[] orDefault(long[] v, long... dflt) {
        return v == null ? dflt : v;
    }

    /** Symmetric [padH, padW] from pads or auto_pad; asymmetric padding is refused. */
    private static int[] pads(OnnxNode n, int[] in, int[] k, long[] strides, long[] dil) throws OnnxNode.UnsupportedNodeException {
        String auto = n.s("auto_pad", "NOTSET");
        int[] out = new int[2];
        if (auto.equals("SAME_UPPER") || auto.equals("SAME_LOWER")) {
            for (int i = 0; i < 2; i++) {
                long outDim = (in[i] + strides[i] - 1) / strides[i];
                long total = Math.max(0, (outDim - 1) * strides[i] + (k[i] - 1) * dil[i] + 1 - in[i]);
                if (total % 2 != 0) {
                    throw n.unsupported("auto_pad " + auto + " needs asymmetric padding here (total " + total + "); only symmetric padding is supported");
                }
                out[i] = (int) (total / 2);
            }
            return out;
        }
        if (!auto.equals("NOTSET") && !auto.equals("VALID")) {
            throw n.unsupported("auto_pad " + auto + " is not supported (NOTSET, VALID, SAME_UPPER, SAME_LOWER)");
        }
        long[] p = auto.equals("VALID") ? null : n.ints("pads");
        if (p == null) {
            return out;
        }
        if (p.length != 4 || p[0] != p[2] || p[1] != p[3]) {
            throw n.unsupported("pads " + Arrays.toString(p) + ": only symmetric 2-D padding (top = bottom, left = right) is supported");
        }
        out[0] = (int) p[0];
        out[1] = (int) p[1];
        return out;
    }

    private Value gemm(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live a = live(n, in, 0);
        ConstTensor b = known(n, in, 1, "B");
        ConstTensor cc = optionalKnown(n, in, 2, "C");
        if (n.i("transA", 0) != 0) {
            throw n.unsupported("transA = 1 is not supported (the activation must be A)");
        }
        if (b.rank() != 2 || c.onnxDims(a).length != 2) {
            throw n.unsupported("needs a 2-D activation and a 2-D B, got " + b.describe());
        }
        boolean transB = n.i("transB", 0) != 0;
        float alpha = n.f("alpha", 1f);
        float beta = n.f("beta", 1f);
        ConstTensor w = transB ? b : ConstantFolding.transpose(b, null); // [N, K]
        int nOut = w.dims()[0];
        float[] wf = w.asFloats().clone();
        for (int i = 0; i < wf.length; i++) {
            wf[i] *= alpha;
        }
        float[] bias = null;
        if (cc != null) {
            if (cc.size() != 1 && cc.size() != nOut || cc.rank() == 2 && cc.dims()[0] != 1) {
                throw n.unsupported("C " + cc.describe() + " must be a scalar or one value per output (" + nOut + ")");
            }
            bias = new float[nOut];
            for (int j = 0; j < nOut; j++) {
                bias[j] = (float) (beta * cc.get(cc.size() == 1 ? 0 : j));
            }
        }
        return linear(n, a, nOut, w.dims()[1], wf, bias);
    }

    private Value.Live linear(OnnxNode n, Value.Live x, int nOut, int k, float[] weight, float[] bias) {
        Map<String, FloatTensor> p = new HashMap<>();
        p.put("weight", tensor(Shape.of(nOut, k), weight));
        if (bias != null) {
            p.put("bias", tensor(Shape.of(nOut), bias));
        }
        return emit(n, new Linear(nOut, bias != null), p, x.batched(), x.tensor());
    }

    private Value matMul(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live a = live(n, in, 0);
        if (in.get(1) instanceof Value.Known k) {
            if (k.tensor().rank() != 2) {
                throw n.unsupported("a constant right operand must be 2-D, got " + k.tensor().describe());
            }
            ConstTensor w = ConstantFolding.transpose(k.tensor(), null);
            int nOut = w.dims()[0];
            // PyTorch's Linear exports as MatMul then Add(bias): take the bias into the layer.
            OnnxNode add = c.index.soleConsumer(n.output(0));
            String other = add == null || !add.op().equals("Add") ? null
                    : add.input(0).equals(n.output(0)) ? add.input(1) : add.input(0);
            ConstTensor bias = other == null || other.equals(n.output(0)) || !(c.values.get(other) instanceof Value.Known kb) ? null : kb.tensor();
            if (bias != null && bias.size() == nOut && bias.dims()[bias.rank() - 1] == nOut) {
                Value.Live out = linear(n, a, nOut, w.dims()[1], w.asFloats().clone(), bias.asFloats().clone());
                c.values.put(add.output(0), out);
                c.absorbed.add(add.index);
                return out;
            }
            return linear(n, a, nOut, w.dims()[1], w.asFloats().clone(), null);
        }
        Value.Live b = live(n, in, 1);
        return emit(n, new MatMul(), Map.of(), a.batched() || b.batched(), a.tensor(), b.tensor());
    }

    private Value addOrSub(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        boolean sub = n.op().equals("Sub");
        if (in.get(0) instanceof Value.Live a && in.get(1) instanceof Value.Live b) {
            if (sub) {
                throw n.unsupported("subtracting one activation from another is not supported (an activation minus a constant is)");
            }
            int[] da = c.ir.shape(a.tensor()).dims();
            int[] db = c.ir.shape(b.tensor()).dims();
            if (ConstantFolding.broadcast(da, db) == null || a.batched() != b.batched()) {
                throw n.unsupported("inputs " + Arrays.toString(c.onnxDims(a)) + " and " + Arrays.toString(c.onnxDims(b)) + " do not broadcast");
            }
            // IR Add broadcasts its second input only: put the full-size one first, at equal ranks.
            boolean swap = !Arrays.equals(ConstantFolding.broadcast(da, db), da);
            Value.Live big = swap ? b : a;
            Value.Live small = swap ? a : b;
            if (!Arrays.equals(ConstantFolding.broadcast(da, db), c.ir.shape(big.tensor()).dims())) {
                throw n.unsupported("inputs " + Arrays.toString(da) + " and " + Arrays.toString(db) + " both broadcast; only one side may");
            }
            String s = small.tensor();
            int rank = c.ir.shape(big.tensor()).rank();
            int[] sd = c.ir.shape(s).dims();
            if (sd.length < rank) {
                int[] padded = new int[rank];
                Arrays.fill(padded, 1);
                System.arraycopy(sd, 0, padded, rank - sd.length, sd.length);
                s = c.ir.reshape(n.output(0) + ".rhs", s, padded);
            }
            return emit(n, new Add(), Map.of(), big.batched(), big.tensor(), s);
        }
        if (in.get(0) instanceof Value.Known && sub) {
            throw n.unsupported("a constant minus an activation is not supported (an activation minus a constant is)");
        }
        Value.Live x = in.get(0) instanceof Value.Live l ? l : live(n, in, 1);
        ConstTensor k = known(n, in, x == in.get(0) ? 1 : 0, "operand");
        if (ConstantFolding.broadcast(c.onnxDims(x), k.dims()) == null
                || !Arrays.equals(ConstantFolding.broadcast(c.onnxDims(x), k.dims()), c.onnxDims(x))) {
            throw n.unsupported("constant " + k.describe() + " does not broadcast onto " + Arrays.toString(c.onnxDims(x)));
        }
        if (sub) {
            float[] neg = k.asFloats().clone();
            for (int i = 0; i < neg.length; i++) {
                neg[i] = -neg[i];
            }
            k = ConstTensor.ofFloats(k.dims(), neg);
        }
        String kn = constantLike(n, k, x, ".const");
        return emit(n, new Add(), Map.of(), x.batched(), x.tensor(), kn);
    }

    /**
     * Mul or Div of an activation by a constant: folded into the Conv or Linear that produced the activation
     * (scalar or one factor per output channel), when nothing else reads that layer's output.
     */
    private Value scale(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        boolean div = n.op().equals("Div");
        Value.Live x = in.get(0) instanceof Value.Live l ? l : (!div && in.get(1) instanceof Value.Live l2 ? l2 : null);
        ConstTensor k = x == null ? null : (in.get(x == in.get(0) ? 1 : 0) instanceof Value.Known kk ? kk.tensor() : null);
        String why = "an activation can be multiplied or divided by a constant only when it folds into the Conv, Gemm or MatMul "
                + "before it, feeds a Softmax, or is part of a LayerNorm, GELU or SiLU pattern";
        if (x == null || k == null) {
            throw n.unsupported(why);
        }
        Node p = c.ir.producer(x.tensor());
        String xName = x == in.get(0) ? n.input(0) : n.input(1);
        boolean single = c.index.soleConsumer(xName) == n;
        if (p == null || !single || !(p.layer() instanceof Linear || p.layer() instanceof Conv2d)) {
            throw n.unsupported(why);
        }
        int outCh = p.layer() instanceof Linear lin ? lin.outFeatures() : ((Conv2d) p.layer()).outChannels();
        int[] od = c.onnxDims(x);
        int chAxis = p.layer() instanceof Linear ? od.length - 1 : 1;
        float[] f = new float[outCh];
        for (int j = 0; j < outCh; j++) {
            f[j] = Float.NaN;
        }
        if (k.size() == 1) {
            Arrays.fill(f, (float) k.get(0));
        } else {
            int[] kd = new int[od.length];
            Arrays.fill(kd, 1);
            if (k.rank() > od.length) {
                throw n.unsupported(why);
            }
            System.arraycopy(k.dims(), 0, kd, od.length - k.rank(), k.rank());
            for (int d = 0; d < kd.length; d++) {
                if (kd[d] != 1 && d != chAxis) {
                    throw n.unsupported(why + " (the constant " + k.describe() + " varies off the channel axis)");
                }
            }
            if (kd[chAxis] != outCh) {
                throw n.unsupported(why);
            }
            for (int j = 0; j < outCh; j++) {
                f[j] = (float) k.get(j);
            }
        }
        FloatTensor w = c.ir.param(p.name(), "weight");
        float[] nw = w.data().clone();
        int per = nw.length / outCh;
        for (int j = 0; j < outCh; j++) {
            for (int i = 0; i < per; i++) {
                nw[j * per + i] = div ? nw[j * per + i] / f[j] : nw[j * per + i] * f[j];
            }
        }
        c.ir.replaceParam(p.name(), "weight", new FloatTensor(w.shape(), nw));
        FloatTensor b = c.ir.param(p.name(), "bias");
        if (b != null) {
            float[] nb = b.data().clone();
            for (int j = 0; j < outCh; j++) {
                nb[j] = div ? nb[j] / f[j] : nb[j] * f[j];
            }
            c.ir.replaceParam(p.name(), "bias", new FloatTensor(b.shape(), nb));
        }
        return x;
    }

    private Value unary(OnnxNode n, List<Value> in, Activation a) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        return emit(n, a, Map.of(), x.batched(), x.tensor());
    }

    private Value clip(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        double lo;
        double hi;
        if (n.opset < 11) {
            lo = n.f("min", Float.NEGATIVE_INFINITY);
            hi = n.f("max", Float.POSITIVE_INFINITY);
        } else {
            ConstTensor min = optionalKnown(n, in, 1, "min");
            ConstTensor max = optionalKnown(n, in, 2, "max");
            lo = min == null ? Double.NEGATIVE_INFINITY : min.scalar();
            hi = max == null ? Double.POSITIVE_INFINITY : max.scalar();
        }
        if (lo == 0 && hi == 6) {
            return unary(n, in, new Relu6());
        }
        if (lo == 0 && hi == Double.POSITIVE_INFINITY) {
            return unary(n, in, new Relu());
        }
        throw n.unsupported("Clip(" + lo + ", " + hi + "): only Clip(0, 6) (ReLU6) and Clip(0, inf) (ReLU) are supported");
    }

    private Value gelu(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        if (!n.s("approximate", "none").equals("none")) {
            throw n.unsupported("approximate = " + n.s("approximate", "") + ": only the exact (erf) GELU is supported");
        }
        return unary(n, in, new Gelu());
    }

    /**
     * Softmax over the last axis is our layer. Over another axis it is composed of ours: from opset 13 a transpose
     * brings the axis last and back; before 13 ONNX takes the softmax over all dimensions from the axis on
     * jointly, which a reshape to one trailing dimension and back gives.
     */
    private Value softmax(OnnxNode n, List<Value> in, double scale) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        int rank = c.onnxDims(x).length;
        long axis = n.i("axis", n.opset < 13 ? 1 : -1);
        if ((axis < 0 ? axis + rank : axis) == rank - 1) {
            return emit(n, new Softmax(scale, false), Map.of(), x.batched(), x.tensor());
        }
        int a = irAxis(n, x, axis);
        int[] d = c.ir.shape(x.tensor()).dims();
        String name = n.output(0);
        if (n.opset < 13) {
            int[] flat = Arrays.copyOf(d, a + 1);
            flat[a] = (int) ConstantFolding.prod(d, a, d.length);
            String sm = c.ir.add(name + ".softmax", new Softmax(scale, false), c.ir.reshape(name + ".flat", x.tensor(), flat));
            return new Value.Live(c.ir.reshape(name, sm, d), x.batched());
        }
        List<Integer> perm = new ArrayList<>();
        for (int i = 0; i < d.length; i++) {
            perm.add(i == a ? d.length - 1 : i == d.length - 1 ? a : i);
        }
        String t = c.ir.add(name + ".in", new Transpose(perm), x.tensor());
        String sm = c.ir.add(name + ".softmax", new Softmax(scale, false), t);
        return new Value.Live(c.ir.add(name, new Transpose(perm), sm), x.batched());
    }

    private List<Value> layerNormalization(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        int rank = c.onnxDims(x).length;
        long axis = n.i("axis", -1);
        if ((axis < 0 ? axis + rank : axis) != rank - 1) {
            throw n.unsupported("axis " + axis + ": only normalization over the last axis is supported");
        }
        if (usesExtraOutputs(n)) {
            throw n.unsupported("its Mean and InvStdDev outputs are not supported (only Y)");
        }
        ConstTensor gamma = known(n, in, 1, "scale");
        ConstTensor beta = optionalKnown(n, in, 2, "B");
        return one(layerNorm(n.output(0), x, n.f("epsilon", 1e-5f), gamma, beta, n));
    }

    private Value.Live layerNorm(String name, Value.Live x, double eps, ConstTensor gamma, ConstTensor beta, OnnxNode n)
            throws OnnxNode.UnsupportedNodeException {
        int d = c.ir.shape(x.tensor()).last();
        if (gamma != null && gamma.size() != d || beta != null && beta.size() != d) {
            throw n.unsupported("scale and bias must have " + d + " values");
        }
        float[] g = gamma == null ? filled(d, 1f) : gamma.asFloats().clone();
        float[] b = beta == null ? new float[d] : beta.asFloats().clone();
        return new Value.Live(c.ir.add(name, new LayerNorm(eps), Map.of("gamma", tensor(Shape.of(d), g), "beta", tensor(Shape.of(d), b)),
                x.tensor()), x.batched());
    }

    private static float[] filled(int n, float v) {
        float[] f = new float[n];
        Arrays.fill(f, v);
        return f;
    }

    private Value batchNorm(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        if (n.i("training_mode", 0) != 0) {
            throw n.unsupported("training_mode = 1 is not supported (inference form only)");
        }
        if (!x.batched() || c.onnxDims(x).length < 2) {
            throw n.unsupported("needs a batched [N, C, ...] input");
        }
        int ch = c.onnxDims(x)[1];
        String[] roles = {"gamma", "beta", "mean", "var"};
        String[] names = {"scale", "B", "input_mean", "input_var"};
        Map<String, FloatTensor> p = new HashMap<>();
        for (int i = 0; i < 4; i++) {
            ConstTensor t = known(n, in, i + 1, names[i]);
            if (t.size() != ch) {
                throw n.unsupported(names[i] + " has " + t.size() + " values for " + ch + " channels");
            }
            p.put(roles[i], t.toFloatTensor(Shape.of(ch)));
        }
        return emit(n, new BatchNorm(n.f("epsilon", 1e-5f)), p, true, x.tensor());
    }

    private List<Value> pool(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        boolean max = n.op().equals("MaxPool");
        if (n.outputCount() > 1 && !n.output(1).isEmpty()) {
            throw n.unsupported("the Indices output is not supported");
        }
        int[] xd = c.onnxDims(x);
        long[] ks = n.ints("kernel_shape");
        if (!x.batched() || xd.length != 4 || ks == null || ks.length != 2 || ks[0] != ks[1]) {
            throw n.unsupported("only square 2-D windows on a batched [N, C, H, W] input are supported");
        }
        long[] strides = orDefault(n.ints("strides"), 1, 1);
        long[] dil = orDefault(n.ints("dilations"), 1, 1);
        if (strides[0] != strides[1] || dil[0] != 1 || dil[1] != 1 || n.i("storage_order", 0) != 0) {
            throw n.unsupported("only equal strides, no dilation and row-major storage are supported");
        }
        int k = (int) ks[0];
        int[] pads = pads(n, new int[]{xd[2], xd[3]}, new int[]{k, k}, strides, dil);
        if (pads[0] != pads[1]) {
            throw n.unsupported("only equal padding on both axes is supported");
        }
        org.flexiq.workloads.ir.Layer layer = max ? new MaxPool(k, (int) strides[0], pads[0]) : new AvgPool(k, (int) strides[0], pads[0]);
        Map<String, FloatTensor> params = Map.of();
        if (!max && pads[0] > 0 && n.i("count_include_pad", 0) != 0) {
            // our AvgPool leaves padding out of the mean; counting it is a depthwise convolution with weights 1 / k^2
            int ch = xd[1];
            layer = new Conv2d(ch, k, k, (int) strides[0], (int) strides[0], pads[0], pads[0], 1, ch, false);
            params = Map.of("weight", tensor(Shape.of(ch, 1, k, k), filled(ch * k * k, 1f / (k * k))));
        }
        Value.Live out = emit(n, layer, params, true, x.tensor());
        if (n.i("ceil_mode", 0) != 0) {
            int s = (int) strides[0];
            for (int i = 2; i < 4; i++) {
                long ceil = (xd[i] + 2L * pads[0] - k + s - 1) / s + 1;
                if (ceil != c.onnxDims(out)[i]) {
                    throw n.unsupported("ceil_mode = 1 changes the output size here; only floor rounding is supported");
                }
            }
        }
        return one(out);
    }

    private Value globalPool(OnnxNode n, Value.Live x, boolean keepDims) throws OnnxNode.UnsupportedNodeException {
        if (!x.batched() || c.onnxDims(x).length != 4) {
            throw n.unsupported("needs a batched [N, C, H, W] input");
        }
        String name = c.ir.add(n.output(0) + (keepDims ? ".pool" : ""), new GlobalAvgPool(), x.tensor());
        if (!keepDims) {
            return new Value.Live(name, true);
        }
        return new Value.Live(c.ir.reshape(n.output(0), name, new int[]{c.ir.shape(name).dim(0), 1, 1}), true);
    }

    private Value reduceMean(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        long[] axes = n.has("axes") ? n.ints("axes") : (in.size() > 1 && in.get(1) != null ? known(n, in, 1, "axes").asLongs() : null);
        int rank = c.onnxDims(x).length;
        if (axes != null && axes.length == 2 && rank == 4) {
            long a0 = axes[0] < 0 ? axes[0] + 4 : axes[0];
            long a1 = axes[1] < 0 ? axes[1] + 4 : axes[1];
            if (Math.min(a0, a1) == 2 && Math.max(a0, a1) == 3) {
                return globalPool(n, x, n.i("keepdims", 1) != 0);
            }
        }
        throw n.unsupported("only a mean over the spatial axes [2, 3] (global average pooling) is supported, "
                + "or over the last axis inside a LayerNorm pattern");
    }

    /** A reshape-like node: the ONNX output dimensions, keeping the batch in front. */
    private Value reshapeTo(OnnxNode n, Value.Live x, int[] onnxOut) throws OnnxNode.UnsupportedNodeException {
        int[] irOut = onnxOut;
        if (x.batched()) {
            if (onnxOut.length < 2 || onnxOut[0] != c.batch) {
                throw n.unsupported("output " + Arrays.toString(onnxOut) + " does not keep the batch (" + c.batch + ") as its first dimension");
            }
            irOut = Arrays.copyOfRange(onnxOut, 1, onnxOut.length);
        }
        for (int d : irOut) {
            if (d < 1) {
                throw n.unsupported("output " + Arrays.toString(onnxOut) + " is empty");
            }
        }
        if (irOut.length == 0) {
            throw n.unsupported("a scalar output is not supported");
        }
        return new Value.Live(c.ir.reshape(n.output(0), x.tensor(), irOut), x.batched());
    }

    private Value transpose(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        int r = c.onnxDims(x).length;
        long[] perm = n.ints("perm");
        if (perm == null) {
            perm = new long[r];
            for (int i = 0; i < r; i++) {
                perm[i] = r - 1 - i;
            }
        }
        if (perm.length != r) {
            throw n.unsupported("perm " + Arrays.toString(perm) + " does not fit rank " + r);
        }
        int off = x.batched() ? 1 : 0;
        if (off == 1 && perm[0] != 0) {
            throw n.unsupported("perm " + Arrays.toString(perm) + " moves the batch dimension");
        }
        List<Integer> p = new ArrayList<>();
        boolean identity = true;
        for (int i = off; i < r; i++) {
            p.add((int) perm[i] - off);
            identity &= perm[i] == i;
        }
        if (identity) {
            return x;
        }
        return emit(n, new Transpose(p), Map.of(), x.batched(), x.tensor());
    }

    private Value concat(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live like = null;
        for (Value v : in) {
            if (v instanceof Value.Live l) {
                like = l;
                break;
            }
        }
        if (like == null) {
            throw n.unsupported("no activation input");
        }
        int axis = irAxis(n, like, n.i("axis", 1));
        List<String> ins = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            Value v = in.get(i);
            if (v instanceof Value.Live l) {
                if (l.batched() != like.batched() || c.onnxDims(l).length != c.onnxDims(like).length) {
                    throw n.unsupported("inputs have different ranks");
                }
                ins.add(l.tensor());
            } else if (v instanceof Value.Known k) {
                if (k.tensor().rank() != c.onnxDims(like).length) {
                    throw n.unsupported("constant input " + i + " " + k.tensor().describe() + " has a different rank");
                }
                ins.add(constantLike(n, k.tensor(), like, ".in" + i));
            }
        }
        if (ins.size() == 1) {
            return new Value.Live(ins.get(0), like.batched());
        }
        return emit(n, new Concat(axis), Map.of(), like.batched(), ins.toArray(new String[0]));
    }

    private Value gather(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        if (in.get(0) instanceof Value.Known table && in.get(1) instanceof Value.Live ids) {
            if (table.tensor().rank() != 2 || n.i("axis", 0) != 0 || c.ir.shape(ids.tensor()).rank() != 1) {
                throw n.unsupported("an embedding lookup needs a 2-D table, axis 0 and ids [N, T]");
            }
            int[] d = table.tensor().dims();
            return emit(n, new Embedding(d[0], d[1]), Map.of("weight", table.tensor().toFloatTensor(Shape.of(d))), ids.batched(), ids.tensor());
        }
        Value.Live x = live(n, in, 0);
        ConstTensor idx = known(n, in, 1, "indices");
        int axis = irAxis(n, x, n.i("axis", 0));
        int dim = c.ir.shape(x.tensor()).dim(axis);
        if (idx.size() == 0) {
            throw n.unsupported("empty indices give an empty tensor");
        }
        // Runs of consecutive indices are slices; several runs are concatenated (our Concat takes up to 64).
        List<int[]> runs = new ArrayList<>();
        for (int i = 0; i < idx.size(); i++) {
            long v = idx.longAt(i) < 0 ? idx.longAt(i) + dim : idx.longAt(i);
            if (v < 0 || v >= dim) {
                throw n.unsupported("index " + idx.longAt(i) + " is out of range for dimension " + dim);
            }
            int[] last = runs.isEmpty() ? null : runs.get(runs.size() - 1);
            if (last != null && last[1] == v) {
                last[1]++;
            } else {
                runs.add(new int[]{(int) v, (int) v + 1});
            }
        }
        if (runs.size() > 64) {
            throw n.unsupported("indices form " + runs.size() + " runs; at most 64 (slices joined by one Concat) are supported");
        }
        String name = n.output(0);
        List<String> parts = new ArrayList<>();
        for (int[] r : runs) {
            parts.add(c.ir.add(name + ".slice", new Slice(axis, r[0], r[1]), x.tensor()));
        }
        String g = parts.size() == 1 ? parts.get(0) : c.ir.add(name + ".concat", new Concat(axis), parts.toArray(new String[0]));
        // the gathered axis becomes the indices' dimensions (none for a scalar index)
        int[] sd = c.ir.shape(g).dims();
        int[] out = new int[sd.length - 1 + idx.rank()];
        System.arraycopy(sd, 0, out, 0, axis);
        System.arraycopy(idx.dims(), 0, out, axis, idx.rank());
        System.arraycopy(sd, axis + 1, out, axis + idx.rank(), sd.length - axis - 1);
        if (out.length == 0) {
            throw n.unsupported("a scalar output is not supported");
        }
        return new Value.Live(c.ir.reshape(name, g, out), x.batched());
    }

    private Value slice(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        List<ConstTensor> k = new ArrayList<>();
        k.add(null);
        for (int i = 1; i < in.size(); i++) {
            k.add(optionalKnown(n, in, i, "slice bound"));
        }
        SliceSpec spec = SliceSpec.of(n, k, c.onnxDims(x));
        String t = x.tensor();
        int step = 0;
        for (SliceSpec.Axis a : spec.axes()) {
            int full = c.onnxDims(x)[a.axis()];
            if (a.start() == 0 && a.length() == full && a.step() == 1) {
                continue;
            }
            if (a.step() != 1 || a.length() < 1) {
                throw n.unsupported("only non-empty slices with step 1 are supported");
            }
            int ax = irAxis(n, x, a.axis());
            t = c.ir.add(n.output(0) + (step++ == 0 ? "" : "#" + step), new Slice(ax, (int) a.start(), (int) a.start() + a.length()), t);
        }
        return new Value.Live(t, x.batched());
    }

    private List<Value> split(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        int axis = irAxis(n, x, n.i("axis", 0));
        int dim = c.ir.shape(x.tensor()).dim(axis);
        int parts = n.outputCount();
        long[] sizes = n.has("split") ? n.ints("split") : (in.size() > 1 && in.get(1) != null ? known(n, in, 1, "split").asLongs() : null);
        if (sizes == null) {
            int each = (dim + parts - 1) / parts;
            sizes = new long[parts];
            for (int i = 0; i < parts; i++) {
                sizes[i] = Math.min(each, dim - (long) each * i);
            }
        }
        long total = Arrays.stream(sizes).sum();
        if (sizes.length != parts || total != dim || Arrays.stream(sizes).anyMatch(s -> s < 1)) {
            throw n.unsupported("split " + Arrays.toString(sizes) + " does not divide dimension " + dim + " into " + parts + " non-empty parts");
        }
        List<Value> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < parts; i++) {
            String name = n.output(i).isEmpty() ? n.output(0) + "#" + i : n.output(i);
            out.add(new Value.Live(c.ir.add(name, new Slice(axis, start, start + (int) sizes[i]), x.tensor()), x.batched()));
            start += (int) sizes[i];
        }
        return out;
    }

    /** Whether any output past the first is read by a node or is a graph output. */
    private boolean usesExtraOutputs(OnnxNode n) {
        for (int k = 1; k < n.outputCount(); k++) {
            String o = n.output(k);
            if (!o.isEmpty() && (!c.index.consumers(o).isEmpty() || c.index.graphOutputs.contains(o))) {
                return true;
            }
        }
        return false;
    }

    /** Inference-mode Dropout is the identity; training mode (random) and its mask are refused. */
    private Value dropout(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        ConstTensor training = optionalKnown(n, in, 2, "training_mode");
        if (training != null && training.scalar() != 0 || n.opset < 7 && n.i("is_test", 0) == 0 && n.has("is_test")) {
            throw n.unsupported("training mode (random dropping) is not supported; inference only");
        }
        if (usesExtraOutputs(n)) {
            throw n.unsupported("the mask output is not supported");
        }
        return live(n, in, 0);
    }

    private Value expand(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        long[] shape = known(n, in, 1, "shape").asLongs();
        int[] target = new int[shape.length];
        for (int i = 0; i < shape.length; i++) {
            target[i] = (int) shape[i];
        }
        int[] b = ConstantFolding.broadcast(c.onnxDims(x), target);
        if (b == null || !Arrays.equals(b, c.onnxDims(x))) {
            throw n.unsupported("expanding an activation " + Arrays.toString(c.onnxDims(x)) + " to " + Arrays.toString(shape)
                    + " is not supported (only expansions that keep its shape)");
        }
        return x;
    }

    private Value cast(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        long to = n.i("to", 0);
        Value.Live x = live(n, in, 0);
        boolean toFloat = to == TensorDecoder.FLOAT || to == TensorDecoder.DOUBLE;
        boolean toInt = to == TensorDecoder.INT64 || to == TensorDecoder.INT32;
        // Activations are float32 and integer inputs (token ids) exact in it: these casts change no value.
        if (toFloat || toInt && c.integralInputs.contains(x.tensor())) {
            return x;
        }
        throw n.unsupported("cast of an activation to data type " + to + " is not supported (to float or double; "
                + "integer ids to int32 or int64)");
    }

    /**
     * QDQ activations: QuantizeLinear then DequantizeLinear around an activation is read as the float value it
     * approximates, and the pair's per-tensor scale becomes that tensor's activation range for the quantizer
     * (weights behind DequantizeLinear were folded to float before this point).
     */
    private Value qdq(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        ConstTensor scale = known(n, in, 1, "y_scale");
        ConstTensor zero = optionalKnown(n, in, 2, "y_zero_point");
        if (n.op().equals("QuantizeLinear")) {
            OnnxNode dq = c.index.soleConsumer(n.output(0));
            if (dq == null || !dq.op().equals("DequantizeLinear")) {
                throw n.unsupported("a QuantizeLinear must feed one DequantizeLinear (a QDQ pair); integer activations are not supported");
            }
            if (scale.size() != 1 || !(scale.get(0) > 0) || zero != null && zero.size() != 1) {
                throw n.unsupported("activations take one scale and zero point per tensor (per-axis is for weights)");
            }
            c.givenRanges.merge(x.tensor(), QdqRange.of(scale.get(0), zero), Math::max);
        }
        return x;
    }

    // ---- patterns ------------------------------------------------------------------------------------------

    Value pattern(PatternMatch pm, Value.Live x) throws OnnxNode.UnsupportedNodeException {
        OnnxNode last = c.index.nodes.get(pm.last());
        if (pm instanceof PatternMatch.LayerNormMatch ln) {
            ConstTensor g = ln.gamma() == null ? null : c.index.known.get(ln.gamma());
            ConstTensor b = ln.beta() == null ? null : c.index.known.get(ln.beta());
            return layerNorm(ln.output(), x, ln.eps(), g, b, last);
        } else if (pm instanceof PatternMatch.GeluMatch g) {
            return new Value.Live(c.ir.add(g.output(), new Gelu(), x.tensor()), x.batched());
        } else if (pm instanceof PatternMatch.SiluMatch s) {
            return new Value.Live(c.ir.add(s.output(), new Silu(), x.tensor()), x.batched());
        } else if (pm instanceof PatternMatch.ScaledSoftmaxMatch s) {
            return softmax(c.index.nodes.get(s.softmax()), List.of(x), s.scale());
        }
        throw new IllegalStateException("pattern " + pm);
    }
}
