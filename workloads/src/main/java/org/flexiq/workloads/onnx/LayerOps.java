package org.flexiq.workloads.onnx;

import org.flexiq.workloads.ir.Add;
import org.flexiq.workloads.ir.Activation;
import org.flexiq.workloads.ir.BatchNorm;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.GlobalAvgPool;
import org.flexiq.workloads.ir.LayerNorm;
import org.flexiq.workloads.ir.Linear;
import org.flexiq.workloads.ir.MaxPool;
import org.flexiq.workloads.ir.MatMul;
import org.flexiq.workloads.ir.Mul;
import org.flexiq.workloads.ir.Neg;
import org.flexiq.workloads.ir.PoolWindow;
import org.flexiq.workloads.ir.Power;
import org.flexiq.workloads.ir.Scale;
import org.flexiq.workloads.ir.InverseStdDev;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.Transpose;
import org.flexiq.workloads.ir.UnaryMath;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Nodes with weights (Gemm, MatMul, the normalizations) and the reductions. */
final class LayerOps extends OpTranslator {
    LayerOps(OnnxImporter context) {
        super(context);
    }

    Value gemm(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live a = live(n, in, 0);
        ConstTensor b = known(n, in, 1, "B");
        ConstTensor cc = optionalKnown(n, in, 2, "C");
        if (b.rank() != 2 || c.onnxDims(a).length != 2) {
            throw n.unsupported("needs a 2-D activation and a 2-D B, got " + b.describe());
        }
        if (n.i("transA", 0) != 0) {
            if (a.batched()) {
                throw n.unsupported("transA = 1 moves the batch dimension (A's rows), which import keeps per sample");
            }
            a = new Value.Live(c.ir.add(n.output(0) + ".a", new Transpose(List.of(1, 0)), a.tensor()), false);
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
        if (cc != null && (cc.size() == 1 || cc.size() == nOut && (cc.rank() < 2 || cc.dims()[0] == 1))) {
            bias = new float[nOut];
            for (int j = 0; j < nOut; j++) {
                bias[j] = (float) (beta * cc.get(cc.size() == 1 ? 0 : j));
            }
        } else if (cc != null) {
            // C varies over A's rows: a Linear without bias, then an Add of beta C (a batched A's rows are the batch: refused)
            Value.Live y = linear(n, a, nOut, w.dims()[1], wf, null, n.output(0) + ".product");
            ConstTensor scaled = cc.map(v -> beta * v);
            if (ConstantFolding.broadcast(c.onnxDims(y), scaled.dims()) == null
                    || !Arrays.equals(ConstantFolding.broadcast(c.onnxDims(y), scaled.dims()), c.onnxDims(y))) {
                throw n.unsupported("C " + cc.describe() + " does not broadcast onto the product " + Arrays.toString(c.onnxDims(y)));
            }
            return emit(n, new Add(), Map.of(), y.batched(), y.tensor(), constantLike(n, scaled, y, ".c"));
        }
        return linear(n, a, nOut, w.dims()[1], wf, bias);
    }

    Value.Live linear(OnnxNode n, Value.Live x, int nOut, int k, float[] weight, float[] bias) {
        return linear(n, x, nOut, k, weight, bias, n.output(0));
    }

    private Value.Live linear(OnnxNode n, Value.Live x, int nOut, int k, float[] weight, float[] bias, String name) {
        Map<String, FloatTensor> p = new HashMap<>();
        p.put("weight", tensor(Shape.of(nOut, k), weight));
        if (bias != null) {
            p.put("bias", tensor(Shape.of(nOut), bias));
        }
        return new Value.Live(c.ir.add(name, new Linear(nOut, bias != null), p, x.tensor()), x.batched());
    }

    Value matMul(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
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

    List<Value> layerNormalization(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        int rank = c.onnxDims(x).length;
        long axis = n.i("axis", -1);
        int a = (int) (axis < 0 ? axis + rank : axis);
        if (a < 0 || a >= rank) {
            throw n.unsupported("axis " + axis + " is out of range for rank " + rank);
        }
        ConstTensor gamma = known(n, in, 1, "scale");
        ConstTensor beta = optionalKnown(n, in, 2, "B");
        double eps = n.f("epsilon", 1e-5f);
        if (a == rank - 1 && !usesExtraOutputs(n)) {
            return one(layerNorm(n.output(0), x, eps, gamma, beta, n));
        }
        boolean[] reduced = new boolean[rank];
        for (int i = a; i < rank; i++) {
            reduced[i] = true;
        }
        return normalizedFromLayers(n, x, reduced, eps, gamma, beta);
    }

    /**
     * InstanceNormalization: each sample's channels normalized over their spatial positions, then scaled and shifted per
     * channel, from the same layers as LayerNormalization's function body.
     */
    Value instanceNormalization(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        int[] d = c.onnxDims(x);
        if (!x.batched() || d.length < 3) {
            throw n.unsupported("needs a batched [N, C, ...] input with spatial axes");
        }
        int[] perChannel = new int[d.length - 1];
        Arrays.fill(perChannel, 1);
        perChannel[0] = d[1];
        ConstTensor[] k = new ConstTensor[2];
        String[] names = {"scale", "B"};
        for (int i = 0; i < 2; i++) {
            ConstTensor t = known(n, in, i + 1, names[i]);
            if (t.size() != d[1]) {
                throw n.unsupported(names[i] + " has " + t.size() + " values for " + d[1] + " channels");
            }
            k[i] = ConstTensor.ofFloats(perChannel, t.asFloats());
        }
        boolean[] reduced = new boolean[d.length];
        for (int i = 2; i < d.length; i++) {
            reduced[i] = true;
        }
        return normalizedFromLayers(n, x, reduced, n.f("epsilon", 1e-5f), k[0], k[1]).get(0);
    }

    /**
     * A normalization over the {@code reduced} axes (LayerNormalization's from its axis on, with its Mean and InvStdDev
     * outputs; InstanceNormalization's spatial ones), as ONNX's function body computes it: Mean, D = X - Mean, Var = mean
     * of D², InvStdDev = 1 / sqrt(Var + eps), Y = D InvStdDev Scale + B, from ReduceMean's layers, Neg, Add, Mul and an
     * inverse-square-root table.
     */
    private List<Value> normalizedFromLayers(OnnxNode n, Value.Live x, boolean[] reduced, double eps, ConstTensor gamma, ConstTensor beta)
            throws OnnxNode.UnsupportedNodeException {
        String base = n.output(0);
        Value.Live mean = meanOver(n, x, reduced, true, base + ".mean");
        String centered = c.ir.add(base + ".centered", new Add(), x.tensor(), c.ir.add(base + ".negmean", new Neg(), mean.tensor()));
        Value.Live variance = meanOver(n, new Value.Live(c.ir.add(base + ".square", new Mul(), centered, centered), x.batched()),
                reduced, true, base + ".variance");
        String inv = c.ir.add(base + ".invstddev", new InverseStdDev((float) eps), variance.tensor());
        // the scale is a required input; the bias is optional
        Value.Live normalized = new Value.Live(c.ir.add(base + ".normalized", new Mul(), centered, inv), x.batched());
        String y = c.ir.add(base + (beta != null ? ".scaled" : ""), new Mul(), normalized.tensor(), constantLike(n, gamma, normalized, ".scale"));
        if (beta != null) {
            y = c.ir.add(base, new Add(), y, constantLike(n, beta, normalized, ".bias"));
        }
        return List.of(new Value.Live(y, x.batched()), mean, new Value.Live(inv, x.batched()));
    }

    Value.Live layerNorm(String name, Value.Live x, double eps, ConstTensor gamma, ConstTensor beta, OnnxNode n)
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

    Value batchNorm(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
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
        org.flexiq.workloads.ir.Node producer = c.ir.producer(x.tensor());
        boolean folds = producer != null && producer.layer() instanceof Conv2d && c.index.consumers(n.input(0)).size() == 1
                && !c.index.graphOutputs.contains(n.input(0));
        if (folds) {
            return emit(n, new BatchNorm(n.f("epsilon", 1e-5f)), p, true, x.tensor());
        }
        // pre-activation (DenseNet's BN after a Concat, ResNet v2's): no Conv2d to fold into, so its per-channel affine,
        // x a + b with a = gamma / sqrt(var + eps) and b = beta - mean a, as a Mul and an Add by Constants
        double eps = n.f("epsilon", 1e-5f);
        float[] a = new float[ch];
        float[] sh = new float[ch];
        for (int i = 0; i < ch; i++) {
            a[i] = (float) (p.get("gamma").data()[i] / Math.sqrt(p.get("var").data()[i] + eps));
            sh[i] = p.get("beta").data()[i] - p.get("mean").data()[i] * a[i];
        }
        int[] perChannel = new int[c.onnxDims(x).length - 1];
        Arrays.fill(perChannel, 1);
        perChannel[0] = ch;
        String scaled = c.ir.add(n.output(0) + ".scale", new Mul(), x.tensor(), constantLike(n, ConstTensor.ofFloats(perChannel, a), x, ".a"));
        return emit(n, new Add(), Map.of(), true, scaled, constantLike(n, ConstTensor.ofFloats(perChannel, sh), x, ".b"));
    }

    Value globalPool(OnnxNode n, Value.Live x, boolean keepDims) throws OnnxNode.UnsupportedNodeException {
        if (!x.batched() || c.onnxDims(x).length != 4) {
            throw n.unsupported("needs a batched [N, C, H, W] input");
        }
        String name = c.ir.add(n.output(0) + (keepDims ? ".pool" : ""), new GlobalAvgPool(), x.tensor());
        if (!keepDims) {
            return new Value.Live(name, true);
        }
        return new Value.Live(c.ir.reshape(n.output(0), name, new int[]{c.ir.shape(name).dim(0), 1, 1}), true);
    }

    /**
     * The Reduce ops over any axes but the batch, and GlobalMaxPool: over H and W of a batched [N, C, H, W] a mean is
     * global average pooling; otherwise the reduced axes are transposed last, the tensor viewed as [kept, 1, reduced] and
     * pooled (mean or max), and the result shaped as ONNX gives it. The others are a mean or a max with element-wise
     * tables around it: Sum the mean times the count; SumSquare, L1 and L2 of the squares or magnitudes (L2's root
     * after); LogSum and LogSumExp the log of a sum (of exponentials); Min the negated max of the negated input.
     * ReduceProd is refused.
     */
    Value reduce(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        String op = n.op();
        int rank = c.onnxDims(x).length;
        boolean global = op.equals("GlobalMaxPool");
        long[] axes = global ? new long[]{2, 3} : n.has("axes") ? n.ints("axes")
                : (in.size() > 1 && in.get(1) != null ? known(n, in, 1, "axes").asLongs() : null);
        if (global && (!x.batched() || rank != 4)) {
            throw n.unsupported("needs a batched [N, C, H, W] input");
        }
        boolean keep = global || n.i("keepdims", 1) != 0;
        if (axes == null || axes.length == 0) {
            if (n.i("noop_with_empty_axes", 0) != 0) {
                return x;
            }
            axes = new long[rank];
            for (int i = 0; i < rank; i++) {
                axes[i] = i;
            }
        }
        boolean[] reduced = new boolean[rank];
        for (long a : axes) {
            long k = a < 0 ? a + rank : a;
            if (k < 0 || k >= rank) {
                throw n.unsupported("axis " + a + " is out of range for rank " + rank);
            }
            reduced[(int) k] = true;
        }
        if (op.equals("ReduceMean") && x.batched() && rank == 4 && !reduced[0] && !reduced[1] && reduced[2] && reduced[3]) {
            return globalPool(n, x, keep);
        }
        String name = n.output(0);
        Activation before = switch (op) {
            case "ReduceMin" -> new Neg();
            case "ReduceL1" -> new UnaryMath(UnaryMath.Function.ABS);
            case "ReduceL2", "ReduceSumSquare" -> new Power(2);
            case "ReduceLogSumExp" -> new UnaryMath(UnaryMath.Function.EXP);
            default -> null;
        };
        Value.Live t = before == null ? x : new Value.Live(c.ir.add(name + ".elementwise", before, x.tensor()), x.batched());
        boolean max = op.equals("ReduceMax") || op.equals("ReduceMin") || global;
        boolean sum = !max && !op.equals("ReduceMean");
        List<Activation> after = new ArrayList<>();
        if (sum) {
            int count = 1;
            int[] d = c.onnxDims(x);
            for (int i = 0; i < rank; i++) {
                count *= reduced[i] ? d[i] : 1;
            }
            after.add(new Scale(count));
        }
        switch (op) {
            case "ReduceMin" -> after.add(new Neg());
            case "ReduceL2" -> after.add(new UnaryMath(UnaryMath.Function.SQRT));
            case "ReduceLogSum", "ReduceLogSumExp" -> after.add(new UnaryMath(UnaryMath.Function.LOG));
            default -> {
            }
        }
        Value.Live r = over(n, t, reduced, keep, after.isEmpty() ? name : name + ".reduced", max);
        for (int i = 0; i < after.size(); i++) {
            r = new Value.Live(c.ir.add(i == after.size() - 1 ? name : name + ".after" + i, after.get(i), r.tensor()), r.batched());
        }
        return r;
    }

    /** The mean of {@code x} over its {@code reduced} ONNX axes. */
    private Value.Live meanOver(OnnxNode n, Value.Live x, boolean[] reduced, boolean keep, String name) throws OnnxNode.UnsupportedNodeException {
        return over(n, x, reduced, keep, name, false);
    }

    /**
     * The mean or the max of {@code x} over its {@code reduced} ONNX axes: reduced axes last, viewed as [kept, 1, reduced],
     * pooled; a max over more than 255 elements (the NPU's window) in stages of at most 255, the last stage's window
     * padded at its end.
     */
    private Value.Live over(OnnxNode n, Value.Live x, boolean[] reduced, boolean keep, String name, boolean max) throws OnnxNode.UnsupportedNodeException {
        if (x.batched() && reduced[0]) {
            throw n.unsupported("reduces over the batch dimension (axis 0), which import keeps per sample");
        }
        int off = x.batched() ? 1 : 0;
        int[] dims = c.ir.shape(x.tensor()).dims();
        List<Integer> perm = new ArrayList<>();
        List<Integer> outDims = new ArrayList<>();
        int kept = 1;
        int pooled = 1;
        for (int i = 0; i < dims.length; i++) {
            if (!reduced[i + off]) {
                perm.add(i);
                outDims.add(dims[i]);
                kept *= dims[i];
            } else if (keep) {
                outDims.add(1);
            }
        }
        for (int i = 0; i < dims.length; i++) {
            if (reduced[i + off]) {
                perm.add(i);
                pooled *= dims[i];
            }
        }
        if (outDims.isEmpty()) {
            throw n.unsupported("a reduction over every axis without keepdims gives a scalar, which the IR has no shape for");
        }
        String t = x.tensor();
        if (!perm.equals(java.util.stream.IntStream.range(0, dims.length).boxed().toList())) {
            t = c.ir.add(name + ".transpose", new Transpose(perm), t);
        }
        String rows = c.ir.reshape(name + ".rows", t, new int[]{kept, 1, pooled});
        String pool;
        if (max) {
            pool = rows;
            for (int width = pooled, stage = 0; width > 1; stage++) {
                int window = Math.min(width, 255);
                int outW = (width + window - 1) / window;
                PoolWindow w = new PoolWindow(1, window, 1, window, 1, 0, 0, 0, outW * window - width);
                pool = c.ir.add(name + ".max" + stage, new MaxPool(w), pool);
                width = outW;
            }
        } else {
            pool = c.ir.add(name + ".pool", new GlobalAvgPool(), rows);
        }
        return new Value.Live(c.ir.reshape(name, pool, outDims.stream().mapToInt(Integer::intValue).toArray()), x.batched());
    }
}
