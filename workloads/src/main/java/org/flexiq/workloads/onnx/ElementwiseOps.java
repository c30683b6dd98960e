package org.flexiq.workloads.onnx;

import org.flexiq.workloads.ir.Activation;
import org.flexiq.workloads.ir.Add;
import org.flexiq.workloads.ir.Constant;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Gelu;
import org.flexiq.workloads.ir.Linear;
import org.flexiq.workloads.ir.Mul;
import org.flexiq.workloads.ir.Neg;
import org.flexiq.workloads.ir.UnaryMath;
import org.flexiq.workloads.ir.Scale;
import org.flexiq.workloads.ir.LeakyRelu;
import org.flexiq.workloads.ir.Power;
import org.flexiq.workloads.ir.RoundToFloat16;
import org.flexiq.workloads.ir.Reciprocal;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.Relu;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.Clip;
import org.flexiq.workloads.ir.Relu6;
import org.flexiq.workloads.ir.Softmax;
import org.flexiq.workloads.ir.Transpose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Element-wise nodes: Add, Sub, Mul and Div (by constants folded into the layer before where they can be),
 * activations, Softmax, Expand, and the nodes that change no value (Dropout, Cast, QDQ pairs).
 */
final class ElementwiseOps extends OpTranslator {
    /** The most elements an Expand may produce per sample. */
    private static final long MAX_EXPANDED = 1L << 26;

    ElementwiseOps(OnnxImporter context) {
        super(context);
    }

    Value addOrSub(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        boolean sub = n.op().equals("Sub");
        if (in.get(0) instanceof Value.Live a && in.get(1) instanceof Value.Live b) {
            // a - b is a + (-b): the IR's Add with a Neg table before it
            return binary(n, a, sub ? negated(n, b) : b, new Add());
        }
        Value.Live x = in.get(0) instanceof Value.Live l ? l : live(n, in, 1);
        ConstTensor k = known(n, in, x == in.get(0) ? 1 : 0, "operand");
        if (sub && x == in.get(0)) {
            k = k.map(v -> -v);
        } else if (sub) {
            x = negated(n, x); // k - x = (-x) + k
        }
        return withConstant(n, x, k, new Add());
    }

    /**
     * Mul or Div. By a constant: folded into the Conv or Linear that produced the activation (scalar or one factor
     * per output channel) when nothing else reads that layer's output, else a {@link Mul} by a Constant layer. Of two
     * activations: a Mul, the divisor first turned into its reciprocal by a table.
     */
    Value scale(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        boolean div = n.op().equals("Div");
        if (in.get(0) instanceof Value.Live a && in.get(1) instanceof Value.Live b) {
            return binary(n, a, div ? reciprocal(n, b) : b, new Mul());
        }
        Value.Live x = in.get(0) instanceof Value.Live l ? l : live(n, in, 1);
        ConstTensor k = known(n, in, x == in.get(0) ? 1 : 0, "operand");
        if (div && x != in.get(0)) {
            return withConstant(n, reciprocal(n, x), k, new Mul()); // k / x
        }
        Value folded = foldIntoProducer(n, x, x == in.get(0) ? n.input(0) : n.input(1), k, div);
        return folded != null ? folded : withConstant(n, x, div ? k.map(v -> 1 / v) : k, new Mul());
    }

    private Value.Live negated(OnnxNode n, Value.Live x) {
        return new Value.Live(c.ir.add(n.output(0) + ".neg", new Neg(), x.tensor()), x.batched());
    }

    private Value.Live reciprocal(OnnxNode n, Value.Live x) {
        return new Value.Live(c.ir.add(n.output(0) + ".reciprocal", new Reciprocal(), x.tensor()), x.batched());
    }

    /** {@code layer} (Add or Mul) of an activation and a constant that broadcasts onto it, as a Constant layer. */
    private Value withConstant(OnnxNode n, Value.Live x, ConstTensor k, org.flexiq.workloads.ir.Layer layer) throws OnnxNode.UnsupportedNodeException {
        if (ConstantFolding.broadcast(c.onnxDims(x), k.dims()) == null
                || !Arrays.equals(ConstantFolding.broadcast(c.onnxDims(x), k.dims()), c.onnxDims(x))) {
            throw n.unsupported("constant " + k.describe() + " does not broadcast onto " + Arrays.toString(c.onnxDims(x)));
        }
        String kn = constantLike(n, k, x, ".const");
        return emit(n, layer, Map.of(), x.batched(), x.tensor(), kn);
    }

    /** {@code layer} (Add or Mul) of two activations; the IR broadcasts its second input only, so the full-size one goes first. */
    private Value binary(OnnxNode n, Value.Live a, Value.Live b, org.flexiq.workloads.ir.Layer layer) throws OnnxNode.UnsupportedNodeException {
        a = rebatched(n, a, b);
        b = rebatched(n, b, a);
        int[] da = c.ir.shape(a.tensor()).dims();
        int[] db = c.ir.shape(b.tensor()).dims();
        if (ConstantFolding.broadcast(da, db) == null || a.batched() != b.batched()) {
            throw n.unsupported("inputs " + Arrays.toString(c.onnxDims(a)) + " and " + Arrays.toString(c.onnxDims(b)) + " do not broadcast");
        }
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
        return emit(n, layer, Map.of(), big.batched(), big.tensor(), s);
    }

    /**
     * Mul or Div of an activation by a constant folded into the Conv or Linear that produced it, or null where it
     * cannot be (another reader, another producer, a constant that varies off the channel axis).
     */
    private Value foldIntoProducer(OnnxNode n, Value.Live x, String xName, ConstTensor k, boolean div) {
        Node p = c.ir.producer(x.tensor());
        boolean single = c.index.soleConsumer(xName) == n;
        if (p == null || !single || !(p.layer() instanceof Linear || p.layer() instanceof Conv2d)) {
            return null;
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
                return null;
            }
            System.arraycopy(k.dims(), 0, kd, od.length - k.rank(), k.rank());
            for (int d = 0; d < kd.length; d++) {
                if (kd[d] != 1 && d != chAxis) {
                    return null;
                }
            }
            if (kd[chAxis] != outCh) {
                return null;
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

    Value unary(OnnxNode n, List<Value> in, Activation a) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        return emit(n, a, Map.of(), x.batched(), x.tensor());
    }

    /** x to a power known at import and the same for every element: a table like the other element-wise functions. */
    Value power(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        ConstTensor y = known(n, in, 1, "exponent");
        if (y.size() != 1) {
            throw n.unsupported("exponent " + y.describe() + ": only a scalar exponent is supported (one table per tensor)");
        }
        return unary(n, in, new Power((float) y.scalar()));
    }

    /**
     * PRelu: with one slope, LeakyRelu's table; with a slope per element or channel, Relu(x) - slope Relu(-x) from Relu,
     * Neg, a Mul by the negated slope as a Constant, and an Add.
     */
    Value prelu(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        ConstTensor slope = known(n, in, 1, "slope");
        if (slope.size() == 1) {
            return unary(n, in, new LeakyRelu((float) slope.scalar()));
        }
        String name = n.output(0);
        String positive = c.ir.add(name + ".relu", new Relu(), x.tensor());
        String negative = c.ir.add(name + ".negrelu", new Relu(), c.ir.add(name + ".neg", new Neg(), x.tensor()));
        int[] xd = c.onnxDims(x);
        int[] b = ConstantFolding.broadcast(xd, slope.dims());
        if (b == null || !Arrays.equals(b, xd)) {
            throw n.unsupported("slope " + slope.describe() + " does not broadcast onto " + Arrays.toString(xd));
        }
        String scaled = c.ir.add(name + ".scaled", new Mul(), negative, constantLike(n, slope.map(v -> -v), x, ".slope"));
        return emit(n, new Add(), Map.of(), x.batched(), positive, scaled);
    }

    /**
     * Sum, Mean, Max and Min of several activations, pairwise: Sum by Adds (Mean then scaled by 1 / count); Max and Min
     * as (a + b ± |a - b|) / 2 from Add, Neg, an Abs table and a halving table. A constant scalar among Max's or Min's
     * inputs is a Clip bound.
     */
    Value variadic(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        String op = n.op();
        boolean extreme = op.equals("Max") || op.equals("Min");
        List<Value.Live> live = new ArrayList<>();
        float bound = op.equals("Max") ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
        for (int i = 0; i < in.size(); i++) {
            Value v = in.get(i);
            if (v instanceof Value.Live l) {
                live.add(l);
            } else if (extreme && v instanceof Value.Known k && k.tensor().size() == 1) {
                float kv = (float) k.tensor().scalar();
                bound = op.equals("Max") ? Math.max(bound, kv) : Math.min(bound, kv);
            } else {
                throw n.unsupported("input " + i + " must be an activation" + (extreme ? " or a constant scalar" : ""));
            }
        }
        if (live.isEmpty()) {
            throw n.unsupported("needs at least one activation");
        }
        String name = n.output(0);
        Value.Live acc = live.get(0);
        for (int i = 1; i < live.size(); i++) {
            String step = name + ".step" + i;
            Value.Live b = live.get(i);
            checkSameShape(n, acc, b);
            String sum = c.ir.add(step + ".sum", new Add(), acc.tensor(), b.tensor());
            if (extreme) {
                String diff = c.ir.add(step + ".diff", new Add(), acc.tensor(), c.ir.add(step + ".neg", new Neg(), b.tensor()));
                String spread = c.ir.add(step + ".abs", new UnaryMath(UnaryMath.Function.ABS), diff);
                String both = op.equals("Max") ? c.ir.add(step + ".plus", new Add(), sum, spread)
                        : c.ir.add(step + ".minus", new Add(), sum, c.ir.add(step + ".negspread", new Neg(), spread));
                sum = c.ir.add(step, new Scale(0.5f), both);
            }
            acc = new Value.Live(sum, acc.batched());
        }
        String t = acc.tensor();
        if (op.equals("Mean") && live.size() > 1) {
            t = c.ir.add(name + ".mean", new Scale(1f / live.size()), t);
        }
        if (extreme && Float.isFinite(bound)) {
            t = c.ir.add(name + ".bound", op.equals("Max") ? new Clip(bound, Float.POSITIVE_INFINITY) : new Clip(Float.NEGATIVE_INFINITY, bound), t);
        }
        return t.equals(live.get(0).tensor()) ? live.get(0) : new Value.Live(c.ir.reshape(name, t, c.ir.shape(t).dims()), acc.batched());
    }

    private void checkSameShape(OnnxNode n, Value.Live a, Value.Live b) throws OnnxNode.UnsupportedNodeException {
        if (!Arrays.equals(c.onnxDims(a), c.onnxDims(b)) || a.batched() != b.batched()) {
            throw n.unsupported("inputs " + Arrays.toString(c.onnxDims(a)) + " and " + Arrays.toString(c.onnxDims(b))
                    + " differ; only activations of one shape are supported");
        }
    }

    Value clip(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
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
        if (Double.isNaN(lo) || Double.isNaN(hi)) {
            throw n.unsupported("Clip(" + lo + ", " + hi + "): bounds must be numbers");
        }
        if (lo > hi) {
            // ONNX: every output is max when min > max (numpy's clip order: the max bound last)
            return unary(n, in, new Clip((float) hi, (float) hi));
        }
        return unary(n, in, new Clip((float) lo, (float) hi));
    }

    Value gelu(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
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
    Value softmax(OnnxNode n, List<Value> in, double scale) throws OnnxNode.UnsupportedNodeException {
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

    /** Inference-mode Dropout is the identity, as is training mode with ratio 0; random dropping and the mask are refused. */
    Value dropout(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        ConstTensor training = optionalKnown(n, in, 2, "training_mode");
        ConstTensor ratio = n.opset >= 12 ? optionalKnown(n, in, 1, "ratio") : null;
        boolean drops = ratio == null || ratio.scalar() != 0; // the default ratio is 0.5
        if (training != null && training.scalar() != 0 && drops || n.opset < 7 && n.i("is_test", 0) == 0 && n.has("is_test")) {
            throw n.unsupported("training mode (random dropping) is not supported; inference only");
        }
        if (usesExtraOutputs(n)) {
            throw n.unsupported("the mask output is not supported");
        }
        return live(n, in, 0);
    }

    Value expand(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        long[] shape = known(n, in, 1, "shape").asLongs();
        int[] target = new int[shape.length];
        long count = 1;
        for (int i = 0; i < shape.length; i++) {
            // an expanded activation is materialized (zeros plus the input): bound it before anything is allocated
            if (shape[i] < 0 || (count *= Math.max(1, shape[i])) > MAX_EXPANDED) {
                throw n.unsupported("shape " + Arrays.toString(shape) + " is negative or larger than " + MAX_EXPANDED + " elements");
            }
            target[i] = (int) shape[i];
        }
        int[] dims = c.onnxDims(x);
        int[] b = ConstantFolding.broadcast(dims, target);
        if (b == null) {
            throw n.unsupported("an activation " + Arrays.toString(dims) + " does not broadcast to " + Arrays.toString(shape));
        }
        if (Arrays.equals(b, dims)) {
            return x;
        }
        if (x.batched() && (b.length != dims.length || b[0] != dims[0])) {
            throw n.unsupported("expanding " + Arrays.toString(dims) + " to " + Arrays.toString(b) + " changes the batch dimension");
        }
        // zeros of the expanded shape plus the activation: the IR's Add broadcasts its second input
        int[] ir = x.batched() ? Arrays.copyOfRange(b, 1, b.length) : b;
        String zeros = c.ir.add(n.output(0) + ".zeros", new Constant(Shape.of(ir)), Map.of("value", new FloatTensor(Shape.of(ir),
                new float[(int) ConstTensor.count(ir)])));
        int[] own = c.ir.shape(x.tensor()).dims();
        int[] padded = new int[ir.length];
        Arrays.fill(padded, 1);
        System.arraycopy(own, 0, padded, ir.length - own.length, own.length);
        return emit(n, new Add(), Map.of(), x.batched(), zeros, c.ir.reshape(n.output(0) + ".rhs", x.tensor(), padded));
    }

    Value cast(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        long to = n.i("to", 0);
        Value.Live x = live(n, in, 0);
        boolean toFloat = to == TensorDecoder.FLOAT || to == TensorDecoder.DOUBLE;
        boolean toInt = to == TensorDecoder.INT64 || to == TensorDecoder.INT32;
        // Activations are float32 and integer inputs (token ids) exact in it: these casts change no value.
        if (toFloat || toInt && c.integralInputs.contains(x.tensor())) {
            return x;
        }
        if (to == TensorDecoder.FLOAT16) {
            return unary(n, in, new RoundToFloat16());
        }
        // ONNX leaves Cast's rounding to bfloat16 open (its 1.12 tests truncate; PyTorch rounds to nearest even)
        throw n.unsupported("cast of an activation to data type " + to + " is not supported (to float, double or float16; "
                + "integer ids to int32 or int64)");
    }

    /**
     * QDQ activations: QuantizeLinear then DequantizeLinear around an activation is read as the float value it
     * approximates, and the pair's per-tensor scale becomes that tensor's activation range for the quantizer
     * (weights behind DequantizeLinear were folded to float before this point).
     */
    Value qdq(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
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
}
