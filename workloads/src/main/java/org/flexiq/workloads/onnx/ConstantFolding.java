package org.flexiq.workloads.onnx;

import org.flexiq.workloads.ir.Binary16;

import ai.onnx.proto.OnnxMl.AttributeProto;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.DoubleBinaryOperator;
import java.util.function.LongBinaryOperator;

/**
 * Evaluates, at import time, the nodes whose inputs are all known: the shape arithmetic exporters emit
 * (Shape, Gather, Concat, Unsqueeze, Reshape, ConstantOfShape, Where, Expand...) and weight preprocessing
 * (Transpose, Cast, DequantizeLinear, element-wise maths). Semantics follow the ONNX operator specification,
 * with numpy broadcasting.
 */
final class ConstantFolding {
    static final Set<String> OPS = Set.of("Identity", "Constant", "Shape", "Size", "Gather", "Unsqueeze", "Squeeze",
            "Concat", "Reshape", "Flatten", "Cast", "Add", "Sub", "Mul", "Div", "Mod", "Pow", "Sqrt", "Neg", "Abs", "Equal",
            "Less", "Greater", "Not", "Where", "Slice", "Transpose", "ConstantOfShape", "Expand", "Range", "Min", "Max",
            "DequantizeLinear", "Floor", "Ceil", "Relu", "Erf", "Exp", "Reciprocal", "Dropout", "ScatterND");

    private ConstantFolding() {
    }

    /** Inputs each op needs present; the rest are optional. */
    private static int required(String op) {
        return switch (op) {
            case "Constant" -> 0;
            case "Gather", "Reshape", "Add", "Sub", "Mul", "Div", "Mod", "Pow", "Min", "Max", "Equal", "Less", "Greater", "Expand",
                 "DequantizeLinear" -> 2;
            case "Where", "Range", "ScatterND" -> 3;
            default -> 1;
        };
    }

    /** The node's outputs from known inputs (null entries are omitted optional inputs). */
    static List<ConstTensor> fold(OnnxNode n, List<ConstTensor> in, TensorDecoder decoder) throws OnnxNode.UnsupportedNodeException {
        for (int i = 0; i < required(n.op()); i++) {
            if (i >= in.size() || in.get(i) == null) {
                throw n.unsupported("input " + i + " is missing (" + n.op() + " needs " + required(n.op()) + ")");
            }
        }
        ConstTensor a = in.isEmpty() ? null : in.get(0);
        return switch (n.op()) {
            case "Identity" -> List.of(a);
            case "Dropout" -> {
                if (in.size() > 2 && in.get(2) != null && in.get(2).scalar() != 0 || n.outputCount() > 1 && !n.output(1).isEmpty()) {
                    throw n.unsupported("training mode and the mask output are not supported; inference only");
                }
                yield List.of(a);
            }
            case "Constant" -> List.of(constant(n, decoder));
            case "Shape" -> List.of(shapeOf(a.dims(), n));
            case "Size" -> List.of(ConstTensor.ofLongs(new int[0], new long[]{a.size()}));
            case "Gather" -> List.of(gather(a, in.get(1), (int) n.i("axis", 0), n));
            case "Unsqueeze" -> List.of(a.withDims(DimensionRules.unsqueeze(a.dims(), axesOf(n, in, 1), n)));
            case "Squeeze" -> List.of(a.withDims(DimensionRules.squeeze(a.dims(), axesOf(n, in, 1), n)));
            case "Concat" -> List.of(concat(in, (int) n.i("axis", 0), n));
            case "Reshape" -> List.of(a.withDims(DimensionRules.reshape(a.dims(), in.get(1).asLongs(), n.i("allowzero", 0) != 0, n)));
            case "Flatten" -> List.of(a.withDims(DimensionRules.flatten(a.dims(), (int) n.i("axis", 1), n)));
            case "Cast" -> List.of(cast(a, (int) n.i("to", TensorDecoder.FLOAT)));
            case "Add" -> List.of(binary(a, in.get(1), Double::sum, Long::sum, n));
            case "Sub" -> List.of(binary(a, in.get(1), (x, y) -> x - y, (x, y) -> x - y, n));
            case "Mul" -> List.of(binary(a, in.get(1), (x, y) -> x * y, (x, y) -> x * y, n));
            case "Div" -> List.of(binary(a, in.get(1), (x, y) -> x / y, (x, y) -> y == 0 ? 0 : x / y, n));
            case "Pow" -> List.of(binary(a, in.get(1), Math::pow, (x, y) -> (long) Math.pow(x, y), n));
            // fmod = 0: the remainder takes the divisor's sign (Python's %); fmod = 1: the dividend's (C's fmod)
            case "Mod" -> List.of(n.i("fmod", 0) != 0
                    ? binary(a, in.get(1), (x, y) -> x % y, (x, y) -> y == 0 ? 0 : x % y, n)
                    : binary(a, in.get(1), (x, y) -> x - Math.floor(x / y) * y, (x, y) -> y == 0 ? 0 : Math.floorMod(x, y), n));
            case "Min" -> List.of(binary(a, in.get(1), Math::min, Math::min, n));
            case "Max" -> List.of(binary(a, in.get(1), Math::max, Math::max, n));
            case "Equal" -> List.of(toBool(binary(a, in.get(1), (x, y) -> x == y ? 1 : 0, (x, y) -> x == y ? 1 : 0, n)));
            case "Less" -> List.of(toBool(binary(a, in.get(1), (x, y) -> x < y ? 1 : 0, (x, y) -> x < y ? 1 : 0, n)));
            case "Greater" -> List.of(toBool(binary(a, in.get(1), (x, y) -> x > y ? 1 : 0, (x, y) -> x > y ? 1 : 0, n)));
            case "Sqrt" -> List.of(unary(a, Math::sqrt));
            case "Neg" -> List.of(a.integral() ? map(a, x -> -x) : unary(a, x -> -x));
            case "Abs" -> List.of(a.integral() ? map(a, Math::abs) : unary(a, Math::abs));
            case "Floor" -> List.of(unary(a, Math::floor));
            case "Ceil" -> List.of(unary(a, Math::ceil));
            case "Relu" -> List.of(a.integral() ? map(a, x -> Math.max(x, 0)) : unary(a, x -> Math.max(x, 0)));
            case "Exp" -> List.of(unary(a, Math::exp));
            case "Reciprocal" -> List.of(unary(a, x -> 1 / x));
            case "Erf" -> List.of(unary(a, x -> org.apache.commons.numbers.gamma.Erf.value(x)));
            case "Not" -> List.of(map(a, x -> x == 0 ? 1 : 0));
            case "Where" -> List.of(where(a, in.get(1), in.get(2), n));
            case "ScatterND" -> List.of(scatterNd(a, in.get(1), in.get(2), n));
            case "Slice" -> List.of(slice(a, n, in));
            case "Transpose" -> List.of(transpose(a, n.ints("perm")));
            case "ConstantOfShape" -> List.of(constantOfShape(a, n, decoder));
            case "Expand" -> List.of(expand(a, in.get(1).asLongs(), n));
            case "Range" -> List.of(range(a, in.get(1), in.get(2), n));
            case "DequantizeLinear" -> List.of(dequantize(a, in.get(1), in.size() > 2 ? in.get(2) : null, (int) n.i("axis", 1), n));
            default -> throw n.unsupported("cannot be evaluated at import time");
        };
    }

    static ConstTensor shapeOf(int[] dims, OnnxNode n) {
        int r = dims.length;
        int start = (int) n.i("start", 0);
        int end = (int) n.i("end", r);
        start = Math.max(0, Math.min(r, start < 0 ? start + r : start));
        end = Math.max(0, Math.min(r, end < 0 ? end + r : end));
        long[] v = new long[Math.max(0, end - start)];
        for (int k = 0; k < v.length; k++) {
            v[k] = dims[start + k];
        }
        return ConstTensor.vector(v);
    }

    /** Axes from the attribute (opsets before 13) or from input {@code idx} (13 on); null when neither. */
    static long[] axesOf(OnnxNode n, List<ConstTensor> in, int idx) {
        if (n.has("axes")) {
            return n.ints("axes");
        }
        return in.size() > idx && in.get(idx) != null ? in.get(idx).asLongs() : null;
    }

    private static ConstTensor constant(OnnxNode n, TensorDecoder decoder) throws OnnxNode.UnsupportedNodeException {
        AttributeProto a;
        if ((a = n.attribute("value")) != null) {
            try {
                return decoder.decode(a.getT(), n.label() + " value");
            } catch (TensorDecoder.TensorFormatException e) {
                throw new OnnxNode.UnsupportedNodeException(e.getMessage());
            }
        } else if ((a = n.attribute("value_float")) != null) {
            return ConstTensor.ofFloats(new int[0], new float[]{a.getF()});
        } else if ((a = n.attribute("value_floats")) != null) {
            float[] f = new float[a.getFloatsCount()];
            for (int i = 0; i < f.length; i++) {
                f[i] = a.getFloats(i);
            }
            return ConstTensor.ofFloats(new int[]{f.length}, f);
        } else if ((a = n.attribute("value_int")) != null) {
            return ConstTensor.ofLongs(new int[0], new long[]{a.getI()});
        } else if ((a = n.attribute("value_ints")) != null) {
            return ConstTensor.vector(n.ints("value_ints"));
        }
        throw n.unsupported("needs a value, value_float(s) or value_int(s) attribute (sparse and string constants are not supported)");
    }

    private static ConstTensor gather(ConstTensor data, ConstTensor idx, int axis, OnnxNode n) throws OnnxNode.UnsupportedNodeException {
        int r = data.rank();
        if (axis < 0) {
            axis += r;
        }
        if (axis < 0 || axis >= r) {
            throw n.unsupported("axis out of range for " + data.describe());
        }
        int outer = (int) prod(data.dims(), 0, axis);
        int dim = data.dims()[axis];
        int inner = (int) prod(data.dims(), axis + 1, r);
        int[] od = new int[r - 1 + idx.rank()];
        System.arraycopy(data.dims(), 0, od, 0, axis);
        System.arraycopy(idx.dims(), 0, od, axis, idx.rank());
        System.arraycopy(data.dims(), axis + 1, od, axis + idx.rank(), r - axis - 1);
        int k = idx.size();
        int[] src = new int[outer * k * inner];
        int o = 0;
        for (int a = 0; a < outer; a++) {
            for (int j = 0; j < k; j++) {
                long i = idx.longAt(j);
                if (i < 0) {
                    i += dim;
                }
                if (i < 0 || i >= dim) {
                    throw n.unsupported("index " + idx.longAt(j) + " is out of range for dimension " + dim);
                }
                for (int b = 0; b < inner; b++) {
                    src[o++] = (int) ((a * (long) dim + i) * inner + b);
                }
            }
        }
        return pick(data, od, src);
    }

    private static ConstTensor pick(ConstTensor data, int[] dims, int[] src) {
        if (data.integral()) {
            long[] v = new long[src.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = data.longs()[src[i]];
            }
            return ConstTensor.ofLongs(dims, v);
        }
        float[] v = new float[src.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = data.floats()[src[i]];
        }
        return ConstTensor.ofFloats(dims, v);
    }

    private static ConstTensor concat(List<ConstTensor> in, int axis, OnnxNode n) throws OnnxNode.UnsupportedNodeException {
        int r = in.get(0).rank();
        if (axis < 0) {
            axis += r;
        }
        boolean integral = true;
        int total = 0;
        for (ConstTensor t : in) {
            if (t.rank() != r || axis < 0 || axis >= r) {
                throw n.unsupported("inputs of ranks " + r + " and " + t.rank() + " cannot be concatenated on axis " + axis);
            }
            for (int d = 0; d < r; d++) {
                if (d != axis && t.dims()[d] != in.get(0).dims()[d]) {
                    throw n.unsupported("inputs " + in.get(0).describe() + " and " + t.describe() + " differ off the concatenation axis");
                }
            }
            integral &= t.integral();
            total += t.dims()[axis];
        }
        int[] od = in.get(0).dims().clone();
        od[axis] = total;
        int outer = (int) prod(od, 0, axis);
        int inner = (int) prod(od, axis + 1, r);
        double[] v = new double[(int) ConstTensor.count(od)];
        int o = 0;
        for (int a = 0; a < outer; a++) {
            for (ConstTensor t : in) {
                int run = t.dims()[axis] * inner;
                for (int j = 0; j < run; j++) {
                    v[o++] = t.get(a * run + j);
                }
            }
        }
        return fromDoubles(od, v, integral);
    }

    private static ConstTensor fromDoubles(int[] dims, double[] v, boolean integral) {
        if (integral) {
            long[] l = new long[v.length];
            for (int i = 0; i < l.length; i++) {
                l[i] = (long) v[i];
            }
            return ConstTensor.ofLongs(dims, l);
        }
        float[] f = new float[v.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) v[i];
        }
        return ConstTensor.ofFloats(dims, f);
    }

    private static ConstTensor cast(ConstTensor a, int to) {
        boolean toIntegral = switch (to) {
            case TensorDecoder.FLOAT, TensorDecoder.DOUBLE, TensorDecoder.FLOAT16, TensorDecoder.BFLOAT16 -> false;
            default -> true;
        };
        if (to == TensorDecoder.BOOL) {
            return toBool(a);
        }
        if (toIntegral) {
            return ConstTensor.ofLongs(a.dims(), a.asLongs());
        }
        float[] f = a.asFloats();
        if (to == TensorDecoder.FLOAT16) {
            f = f.clone();
            for (int i = 0; i < f.length; i++) {
                f[i] = Binary16.round(f[i]);
            }
        }
        return ConstTensor.ofFloats(a.dims(), f);
    }

    private static ConstTensor toBool(ConstTensor a) {
        long[] l = new long[a.size()];
        for (int i = 0; i < l.length; i++) {
            l[i] = a.get(i) != 0 ? 1 : 0;
        }
        return ConstTensor.ofLongs(a.dims(), l);
    }

    private static ConstTensor unary(ConstTensor a, java.util.function.DoubleUnaryOperator f) {
        float[] src = a.asFloats();
        float[] v = new float[src.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) f.applyAsDouble(src[i]);
        }
        return ConstTensor.ofFloats(a.dims(), v);
    }

    private static ConstTensor map(ConstTensor a, java.util.function.LongUnaryOperator f) {
        long[] src = a.asLongs();
        long[] v = new long[src.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = f.applyAsLong(src[i]);
        }
        return ConstTensor.ofLongs(a.dims(), v);
    }

    /** numpy broadcasting of two shapes; null when they do not broadcast. */
    static int[] broadcast(int[] a, int[] b) {
        int r = Math.max(a.length, b.length);
        int[] o = new int[r];
        for (int i = 0; i < r; i++) {
            int da = i < r - a.length ? 1 : a[i - (r - a.length)];
            int db = i < r - b.length ? 1 : b[i - (r - b.length)];
            if (da != db && da != 1 && db != 1) {
                return null;
            }
            o[i] = da == 1 ? db : da;
        }
        return o;
    }

    /** For each element of the broadcast output, the flat index of the element of {@code in} it reads. */
    static int[] broadcastIndex(int[] in, int[] out) {
        int r = out.length;
        int n = (int) ConstTensor.count(out);
        int[] idx = new int[n];
        int[] stride = new int[r];
        int s = 1;
        for (int d = r - 1; d >= 0; d--) {
            int k = d - (r - in.length);
            stride[d] = k < 0 || in[k] == 1 ? 0 : s;
            s *= k < 0 ? 1 : in[k];
        }
        int[] pos = new int[r];
        for (int i = 0; i < n; i++) {
            int off = 0;
            for (int d = 0; d < r; d++) {
                off += pos[d] * stride[d];
            }
            idx[i] = off;
            for (int d = r - 1; d >= 0 && ++pos[d] == out[d]; d--) {
                pos[d] = 0;
            }
        }
        return idx;
    }

    private static ConstTensor binary(ConstTensor a, ConstTensor b, DoubleBinaryOperator f, LongBinaryOperator g, OnnxNode n)
            throws OnnxNode.UnsupportedNodeException {
        int[] od = broadcast(a.dims(), b.dims());
        if (od == null) {
            throw n.unsupported("inputs " + a.describe() + " and " + b.describe() + " do not broadcast");
        }
        int[] ia = broadcastIndex(a.dims(), od);
        int[] ib = broadcastIndex(b.dims(), od);
        if (a.integral() && b.integral()) {
            long[] v = new long[ia.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = g.applyAsLong(a.longs()[ia[i]], b.longs()[ib[i]]);
            }
            return ConstTensor.ofLongs(od, v);
        }
        float[] fa = a.asFloats();
        float[] fb = b.asFloats();
        float[] v = new float[ia.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) f.applyAsDouble(fa[ia[i]], fb[ib[i]]);
        }
        return ConstTensor.ofFloats(od, v);
    }

    /**
     * ScatterND without reduction: a copy of {@code data} with the slices {@code indices} [..., k] address (the first k
     * axes) replaced by {@code updates} (masks built by slice assignment, as Swin's shifted windows).
     */
    private static ConstTensor scatterNd(ConstTensor data, ConstTensor indices, ConstTensor updates, OnnxNode n)
            throws OnnxNode.UnsupportedNodeException {
        if (!n.s("reduction", "none").equals("none")) {
            throw n.unsupported("reduction " + n.s("reduction", "none") + " is not supported (none)");
        }
        int[] dd = data.dims();
        int[] id = indices.dims();
        int k = id.length == 0 ? 0 : id[id.length - 1];
        if (id.length == 0 || k < 1 || k > dd.length) {
            throw n.unsupported("indices " + indices.describe() + " do not address " + data.describe());
        }
        int slice = 1;
        for (int i = k; i < dd.length; i++) {
            slice *= dd[i];
        }
        int tuples = indices.size() / k;
        if ((long) tuples * slice != updates.size()) {
            throw n.unsupported("updates " + updates.describe() + " do not fill " + tuples + " slices of " + slice);
        }
        boolean ints = data.integral() && updates.integral();
        float[] f = ints ? null : data.asFloats().clone();
        long[] l = ints ? data.asLongs().clone() : null;
        for (int t = 0; t < tuples; t++) {
            long off = 0;
            for (int j = 0; j < k; j++) {
                long ix = indices.longAt(t * k + j);
                ix = ix < 0 ? ix + dd[j] : ix;
                if (ix < 0 || ix >= dd[j]) {
                    throw n.unsupported("index " + indices.longAt(t * k + j) + " is out of range for dimension " + dd[j]);
                }
                off = off * dd[j] + ix;
            }
            for (int e = 0; e < slice; e++) {
                int to = (int) (off * slice + e);
                if (ints) {
                    l[to] = updates.longAt(t * slice + e);
                } else {
                    f[to] = (float) updates.get(t * slice + e);
                }
            }
        }
        return ints ? ConstTensor.ofLongs(dd, l) : ConstTensor.ofFloats(dd, f);
    }

    private static ConstTensor where(ConstTensor c, ConstTensor x, ConstTensor y, OnnxNode n) throws OnnxNode.UnsupportedNodeException {
        int[] cx = broadcast(c.dims(), x.dims());
        int[] od = cx == null ? null : broadcast(cx, y.dims());
        if (od == null) {
            throw n.unsupported("inputs " + c.describe() + ", " + x.describe() + ", " + y.describe() + " do not broadcast");
        }
        int[] ic = broadcastIndex(c.dims(), od);
        int[] ix = broadcastIndex(x.dims(), od);
        int[] iy = broadcastIndex(y.dims(), od);
        double[] v = new double[ic.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = c.get(ic[i]) != 0 ? x.get(ix[i]) : y.get(iy[i]);
        }
        return fromDoubles(od, v, x.integral() && y.integral());
    }

    private static ConstTensor slice(ConstTensor a, OnnxNode n, List<ConstTensor> in) throws OnnxNode.UnsupportedNodeException {
        SliceSpec spec = SliceSpec.of(n, in, a.dims());
        int r = a.rank();
        int[] od = a.dims().clone();
        for (SliceSpec.Axis ax : spec.axes()) {
            od[ax.axis()] = ax.length();
        }
        int count = (int) ConstTensor.count(od);
        int[] src = new int[count];
        int[] pos = new int[r];
        int[] stride = new int[r];
        int s = 1;
        for (int d = r - 1; d >= 0; d--) {
            stride[d] = s;
            s *= a.dims()[d];
        }
        long[] start = new long[r];
        long[] step = new long[r];
        Arrays.fill(step, 1);
        for (SliceSpec.Axis ax : spec.axes()) {
            start[ax.axis()] = ax.start();
            step[ax.axis()] = ax.step();
        }
        for (int i = 0; i < count; i++) {
            long off = 0;
            for (int d = 0; d < r; d++) {
                off += (start[d] + pos[d] * step[d]) * stride[d];
            }
            src[i] = (int) off;
            for (int d = r - 1; d >= 0 && ++pos[d] == od[d]; d--) {
                pos[d] = 0;
            }
        }
        return pick(a, od, src);
    }

    static ConstTensor transpose(ConstTensor a, long[] perm) {
        int r = a.rank();
        int[] p = new int[r];
        for (int d = 0; d < r; d++) {
            p[d] = perm == null ? r - 1 - d : (int) perm[d];
        }
        int[] od = new int[r];
        for (int d = 0; d < r; d++) {
            od[d] = a.dims()[p[d]];
        }
        int[] inStride = new int[r];
        int s = 1;
        for (int d = r - 1; d >= 0; d--) {
            inStride[d] = s;
            s *= a.dims()[d];
        }
        int count = a.size();
        int[] src = new int[count];
        int[] pos = new int[r];
        for (int i = 0; i < count; i++) {
            int off = 0;
            for (int d = 0; d < r; d++) {
                off += pos[d] * inStride[p[d]];
            }
            src[i] = off;
            for (int d = r - 1; d >= 0 && ++pos[d] == od[d]; d--) {
                pos[d] = 0;
            }
        }
        return pick(a, od, src);
    }

    private static ConstTensor constantOfShape(ConstTensor shape, OnnxNode n, TensorDecoder decoder) throws OnnxNode.UnsupportedNodeException {
        long[] s = shape.asLongs();
        int[] dims = new int[s.length];
        long count = 1;
        for (int i = 0; i < s.length; i++) {
            if (s[i] < 0 || (count *= s[i]) > Integer.MAX_VALUE - 8) {
                throw n.unsupported("shape " + Arrays.toString(s) + " is negative or too large");
            }
            dims[i] = (int) s[i];
        }
        ConstTensor value = ConstTensor.ofFloats(new int[]{1}, new float[]{0});
        if (n.has("value")) {
            try {
                value = decoder.decode(n.attribute("value").getT(), n.label() + " value");
            } catch (TensorDecoder.TensorFormatException e) {
                throw new OnnxNode.UnsupportedNodeException(e.getMessage());
            }
        }
        double[] v = new double[(int) count];
        Arrays.fill(v, value.get(0));
        return fromDoubles(dims, v, value.integral());
    }

    private static ConstTensor expand(ConstTensor a, long[] shape, OnnxNode n) throws OnnxNode.UnsupportedNodeException {
        int[] target = new int[shape.length];
        for (int i = 0; i < target.length; i++) {
            target[i] = (int) Math.max(0, Math.min(Integer.MAX_VALUE, shape[i]));
        }
        int[] od = broadcast(a.dims(), target);
        if (od == null || ConstTensor.count(od) > Integer.MAX_VALUE - 8) {
            throw n.unsupported(a.describe() + " cannot expand to " + Arrays.toString(shape));
        }
        return pick(a, od, broadcastIndex(a.dims(), od));
    }

    private static ConstTensor range(ConstTensor start, ConstTensor limit, ConstTensor delta, OnnxNode n) throws OnnxNode.UnsupportedNodeException {
        double s = start.scalar();
        double l = limit.scalar();
        double d = delta.scalar();
        if (!(d != 0) || Double.isNaN(s) || Double.isNaN(l)) {
            throw n.unsupported("needs scalar start, limit and a non-zero delta");
        }
        long count = Math.max((long) Math.ceil((l - s) / d), 0);
        if (count > 1 << 24) {
            throw n.unsupported("range of " + count + " elements is too large to fold");
        }
        double[] v = new double[(int) count];
        for (int i = 0; i < v.length; i++) {
            v[i] = s + i * d;
        }
        return fromDoubles(new int[]{v.length}, v, start.integral() && limit.integral() && delta.integral());
    }

    private static ConstTensor dequantize(ConstTensor x, ConstTensor scale, ConstTensor zero, int axis, OnnxNode n)
            throws OnnxNode.UnsupportedNodeException {
        int r = x.rank();
        float[] v = new float[x.size()];
        if (scale.size() == 1) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) ((x.longAt(i) - (zero == null ? 0 : zero.longAt(0))) * scale.get(0));
            }
            return ConstTensor.ofFloats(x.dims(), v);
        }
        if (axis < 0) {
            axis += r;
        }
        if (axis < 0 || axis >= r || scale.size() != x.dims()[axis]) {
            throw n.unsupported("per-axis scale of " + scale.size() + " values does not fit " + x.describe() + " on axis " + axis);
        }
        int inner = (int) prod(x.dims(), axis + 1, r);
        int dim = x.dims()[axis];
        for (int i = 0; i < v.length; i++) {
            int c = (i / inner) % dim;
            v[i] = (float) ((x.longAt(i) - (zero == null ? 0 : zero.longAt(c))) * scale.get(c));
        }
        return ConstTensor.ofFloats(x.dims(), v);
    }

    static long prod(int[] dims, int from, int to) {
        long p = 1;
        for (int i = from; i < to; i++) {
            p *= dims[i];
        }
        return p;
    }
}
