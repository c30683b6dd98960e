package org.flexiq.workloads.onnx;

import org.flexiq.workloads.ir.Concat;
import org.flexiq.workloads.ir.Constant;
import org.flexiq.workloads.ir.Embedding;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.MatMul;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.Slice;
import org.flexiq.workloads.ir.Transpose;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Nodes that only move data: reshapes, Transpose, Concat, Gather, Slice and Split, with the batch kept in front. */
final class DataMovementOps extends OpTranslator {
    DataMovementOps(OnnxImporter context) {
        super(context);
    }

    /** A reshape-like node: the ONNX output dimensions, keeping the batch in front. */
    Value reshapeTo(OnnxNode n, Value.Live x, int[] onnxOut) throws OnnxNode.UnsupportedNodeException {
        int[] irOut = onnxOut;
        if (x.batched() && (onnxOut.length < 2 || onnxOut[0] != c.batch)) {
            x = explicitBatch(n, x, "output " + Arrays.toString(onnxOut) + " does not keep the batch (" + c.batch + ") as its first dimension");
        } else if (x.batched()) {
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

    Value transpose(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
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
        if (x.batched() && perm[0] != 0) {
            x = explicitBatch(n, x, "perm " + Arrays.toString(perm) + " moves the batch dimension");
        }
        int off = x.batched() ? 1 : 0;
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

    Value concat(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
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
                l = rebatched(n, l, like);
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

    Value gather(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
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
        long[] picked = new long[idx.size()];
        for (int i = 0; i < picked.length; i++) {
            long v = idx.longAt(i) < 0 ? idx.longAt(i) + dim : idx.longAt(i);
            if (v < 0 || v >= dim) {
                throw n.unsupported("index " + idx.longAt(i) + " is out of range for dimension " + dim);
            }
            picked[i] = v;
        }
        String name = n.output(0);
        String g = pick(n, x.tensor(), axis, picked, name);
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

    /**
     * The elements at {@code indices} (in range) along IR {@code axis}: runs of consecutive indices are slices, several
     * runs are joined by a Concat (ours takes up to 64).
     */
    private String pick(OnnxNode n, String tensor, int axis, long[] indices, String name) throws OnnxNode.UnsupportedNodeException {
        List<int[]> runs = new ArrayList<>();
        for (long v : indices) {
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
        List<String> parts = new ArrayList<>();
        for (int[] r : runs) {
            parts.add(c.ir.add(name + ".slice", new Slice(axis, r[0], r[1]), tensor));
        }
        return parts.size() == 1 ? parts.get(0) : c.ir.add(name + ".concat", new Concat(axis), parts.toArray(new String[0]));
    }

    /**
     * Pad on any axes but the batch, one axis at a time: {@code constant} joins rows of its value on by a Concat;
     * {@code edge} and {@code reflect} pick the input's own elements (its first or last, or its mirror image without the
     * border) as slices joined by a Concat. Negative pads (cropping) and {@code wrap} are refused.
     */
    Value pad(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        String mode = n.s("mode", "constant");
        if (!mode.equals("constant") && !mode.equals("edge") && !mode.equals("reflect")) {
            throw n.unsupported("mode " + mode + " is not supported (constant, edge, reflect)");
        }
        boolean attrs = n.opset < 11; // pads and value were attributes before opset 11
        long[] pads = attrs ? n.ints("pads") : known(n, in, 1, "pads").asLongs();
        ConstTensor v = attrs ? null : optionalKnown(n, in, 2, "constant_value");
        float value = attrs ? n.f("value", 0f) : v == null ? 0f : (float) v.scalar();
        int rank = c.onnxDims(x).length;
        ConstTensor axesInput = attrs ? null : optionalKnown(n, in, 3, "axes");
        long[] axes = axesInput != null ? axesInput.asLongs() : java.util.stream.LongStream.range(0, rank).toArray();
        if (pads == null || pads.length != 2L * axes.length) {
            throw n.unsupported("pads " + Arrays.toString(pads) + ": expected " + 2 * axes.length + " values");
        }
        String t = x.tensor();
        for (int i = 0; i < axes.length; i++) {
            long before = pads[i];
            long after = pads[i + axes.length];
            if (before == 0 && after == 0) {
                continue;
            }
            if (before < 0 || after < 0 || before > SpatialPads.MAX_PAD || after > SpatialPads.MAX_PAD) {
                throw n.unsupported("pads " + Arrays.toString(pads) + ": each must be in [0, " + SpatialPads.MAX_PAD + "] (cropping is not supported)");
            }
            int axis = irAxis(n, x, axes[i]);
            String name = n.output(0) + ".axis" + axis;
            t = mode.equals("constant") ? joinConstant(name, t, axis, (int) before, (int) after, value)
                    : pick(n, t, axis, padIndices(n, mode, c.ir.shape(t).dim(axis), (int) before, (int) after), name);
        }
        return t.equals(x.tensor()) ? x : new Value.Live(c.ir.reshape(n.output(0), t, c.ir.shape(t).dims()), x.batched());
    }

    /** The source index of each output position of an edge or reflect pad along an axis of {@code dim} elements. */
    private static long[] padIndices(OnnxNode n, String mode, int dim, int before, int after) throws OnnxNode.UnsupportedNodeException {
        boolean reflect = mode.equals("reflect");
        if (reflect && (before >= dim || after >= dim)) {
            throw n.unsupported("reflect padding of " + before + " / " + after + " needs more than " + dim + " elements along the axis");
        }
        long[] idx = new long[before + dim + after];
        for (int j = 0; j < idx.length; j++) {
            int k = j - before;
            idx[j] = k < 0 ? (reflect ? -k : 0) : k >= dim ? (reflect ? 2L * (dim - 1) - k : dim - 1) : k;
        }
        return idx;
    }

    /**
     * Resize (opset 10 on) and Upsample (before), one axis at a time. Nearest: the source index of each output position by
     * ONNX's coordinate transformation and rounding, then either each input element repeated s times (a view with a new
     * axis, s copies joined by a Concat, a view back: any length) or the picked elements' runs joined by a Concat (at most
     * 64 runs). Linear and cubic: the interpolation is a matrix along the axis (each output a weighted sum of 2 or 4
     * neighbours, edge-padded or, with exclude_outside, renormalized), applied as a MatMul with the axis moved last and
     * back. Crop-and-resize and antialiasing are refused.
     */
    Value resize(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        String mode = n.s("mode", "nearest");
        if (!mode.equals("nearest") && !mode.equals("linear") && !mode.equals("cubic")) {
            throw n.unsupported("mode " + mode + " is not supported (nearest, linear, cubic)");
        }
        if (n.i("antialias", 0) != 0) {
            throw n.unsupported("antialias = 1 is not supported");
        }
        boolean upsample = n.op().equals("Upsample");
        String transform = upsample ? "asymmetric" : n.s("coordinate_transformation_mode", n.opset < 11 ? "asymmetric" : "half_pixel");
        String rounding = upsample || n.opset < 11 ? "floor" : n.s("nearest_mode", "round_prefer_floor");
        int[] dims = c.onnxDims(x);
        double[] scale = new double[dims.length];
        int[] out = new int[dims.length];
        ConstTensor scales;
        ConstTensor sizes = null;
        if (upsample) {
            scales = n.opset < 9 ? null : known(n, in, 1, "scales");
            float[] attr = n.opset < 9 ? n.floats("scales") : null;
            scales = scales != null ? scales : attr == null ? null : ConstTensor.ofFloats(new int[]{attr.length}, attr);
        } else {
            int si = n.opset < 11 ? 1 : 2; // opset 10 has no roi input
            scales = optionalKnown(n, in, si, "scales");
            sizes = n.opset < 11 ? null : optionalKnown(n, in, 3, "sizes");
            if (scales != null && scales.size() == 0) {
                scales = null;
            }
        }
        if ((scales == null) == (sizes == null)) {
            throw n.unsupported("needs exactly one of scales and sizes");
        }
        if (transform.equals("tf_crop_and_resize") || n.has("axes") || !n.s("keep_aspect_ratio_policy", "stretch").equals("stretch")) {
            throw n.unsupported("coordinate_transformation_mode tf_crop_and_resize, the axes attribute and aspect-ratio policies "
                    + "are not supported");
        }
        ConstTensor given = scales != null ? scales : sizes;
        if (given.size() != dims.length) {
            throw n.unsupported((scales != null ? "scales" : "sizes") + " has " + given.size() + " values for rank " + dims.length);
        }
        for (int i = 0; i < dims.length; i++) {
            double o = scales != null ? Math.floor(dims[i] * (double) scales.get(i)) : sizes.get(i);
            if (!(o >= 1) || o > 1 << 16 || scales != null && !(scales.get(i) > 0)) {
                throw n.unsupported("axis " + i + ": output length " + o + " is not in [1, 65536]");
            }
            out[i] = (int) o;
            scale[i] = scales != null ? scales.get(i) : o / dims[i];
        }
        String t = x.tensor();
        String name = n.output(0);
        for (int i = 0; i < dims.length; i++) {
            if (!mode.equals("nearest")) {
                double[][] w = interpolation(transform, mode.equals("cubic") ? 4 : 2, (float) n.f("cubic_coeff_a", -0.75f),
                        n.i("exclude_outside", 0) != 0, dims[i], out[i], scale[i]);
                if (!isIdentity(w)) {
                    t = alongAxis(n, name + ".axis" + i, t, irAxis(n, x, i), w);
                }
                continue;
            }
            long[] idx = nearestSources(transform, rounding, dims[i], out[i], scale[i]);
            boolean identity = out[i] == dims[i] && java.util.stream.IntStream.range(0, dims[i]).allMatch(j -> idx[j] == j);
            if (identity) {
                continue;
            }
            int axis = irAxis(n, x, i);
            int s = out[i] / dims[i];
            boolean repeats = out[i] == s * dims[i] && s <= 64
                    && java.util.stream.IntStream.range(0, out[i]).allMatch(j -> idx[j] == j / s);
            t = repeats ? repeated(name + ".axis" + axis, t, axis, s) : pick(n, t, axis, idx, name + ".axis" + axis);
        }
        return t.equals(x.tensor()) ? x : new Value.Live(c.ir.reshape(name, t, c.ir.shape(t).dims()), x.batched());
    }

    /** For each of {@code out} positions, the input element nearest it (ONNX Resize's formulas, clamped to the input). */
    static long[] nearestSources(String transform, String rounding, int in, int out, double scale) {
        long[] idx = new long[out];
        for (int j = 0; j < out; j++) {
            double x = switch (transform) {
                case "half_pixel" -> (j + 0.5) / scale - 0.5;
                case "pytorch_half_pixel" -> scale * in != 1 ? (j + 0.5) / scale - 0.5 : 0;
                case "align_corners" -> scale * in != 1 ? j * (in - 1) / (scale * in - 1) : 0;
                case "tf_half_pixel_for_nn" -> (j + 0.5) / scale;
                default -> j / scale; // asymmetric
            };
            double r = switch (rounding) {
                case "round_prefer_ceil" -> Math.floor(x + 0.5);
                case "floor" -> Math.floor(x);
                case "ceil" -> Math.ceil(x);
                default -> x == Math.floor(x) + 0.5 ? Math.floor(x) : Math.round(x); // round_prefer_floor
            };
            idx[j] = (long) Math.max(0, Math.min(in - 1, r));
        }
        return idx;
    }

    /**
     * The [out][in] matrix of a linear (2 taps) or cubic (4 taps) resize along one axis, as ONNX's reference computes it:
     * the taps are the nearest input positions to the source coordinate (ties to the smaller), weighted by the
     * interpolation's coefficients at its fractional part; taps past the input read its edge, or with {@code exclude}
     * get no weight, the rest renormalized.
     */
    static double[][] interpolation(String transform, int taps, double a, boolean exclude, int in, int out, double scale) {
        double[][] w = new double[out][in];
        for (int j = 0; j < out; j++) {
            double x = switch (transform) {
                case "half_pixel" -> (j + 0.5) / scale - 0.5;
                case "pytorch_half_pixel" -> scale * in != 1 ? (j + 0.5) / scale - 0.5 : -0.5;
                // the output length unfloored (scale x in), as ONNX's reference takes it
                case "align_corners" -> scale * in != 1 ? j * (in - 1) / (scale * in - 1) : 0;
                case "tf_half_pixel_for_nn" -> (j + 0.5) / scale;
                default -> j / scale; // asymmetric
            };
            double fl = Math.floor(x);
            boolean whole = x == fl;
            double r = whole ? 1 : x - fl;
            long base = (long) fl - taps / 2 + (whole ? 0 : 1);
            double[] c = taps == 2 ? new double[]{1 - r, r} : new double[]{
                    ((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
                    ((a + 2) * r - (a + 3)) * r * r + 1,
                    ((a + 2) * (1 - r) - (a + 3)) * (1 - r) * (1 - r) + 1,
                    ((a * ((1 - r) + 1) - 5 * a) * ((1 - r) + 1) + 8 * a) * ((1 - r) + 1) - 4 * a};
            double kept = 0;
            for (int k = 0; k < taps; k++) {
                long at = base + k;
                if (exclude && (at < 0 || at >= in)) {
                    c[k] = 0;
                }
                kept += c[k];
            }
            for (int k = 0; k < taps; k++) {
                int at = (int) Math.max(0, Math.min(in - 1, base + k));
                w[j][at] += exclude ? c[k] / kept : c[k];
            }
        }
        return w;
    }

    private static boolean isIdentity(double[][] w) {
        for (int j = 0; j < w.length; j++) {
            if (w.length != w[j].length) {
                return false;
            }
            for (int k = 0; k < w[j].length; k++) {
                if (w[j][k] != (j == k ? 1 : 0)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * {@code t} times the matrix {@code w} [out][in] along IR {@code axis}: the axis moved last, the rest viewed as one,
     * a MatMul by the matrix as a Constant [1, in, out], viewed and moved back. A MatMul, not a Linear: the matrix mixes
     * positions, not channels, so it is no 4-bit layer and needs no channel groups.
     */
    private String alongAxis(OnnxNode n, String name, String t, int axis, double[][] w) throws OnnxNode.UnsupportedNodeException {
        int[] d = c.ir.shape(t).dims();
        int rank = d.length;
        int out = w.length;
        int in = w[0].length;
        if ((long) out * in > 1 << 22) {
            throw n.unsupported("a " + in + " -> " + out + " interpolation matrix is larger than " + (1 << 22) + " entries");
        }
        List<Integer> perm = new ArrayList<>();
        for (int k = 0; k < rank; k++) {
            if (k != axis) {
                perm.add(k);
            }
        }
        perm.add(axis);
        boolean last = axis == rank - 1;
        String moved = last ? t : c.ir.add(name + ".last", new Transpose(perm), t);
        int[] md = c.ir.shape(moved).dims();
        int rows = c.ir.shape(moved).elementCount() / in;
        float[] flat = new float[in * out];
        for (int j = 0; j < out; j++) {
            for (int k = 0; k < in; k++) {
                flat[k * out + j] = (float) w[j][k]; // [in, out]: the product's right side
            }
        }
        Shape ms = Shape.of(1, in, out);
        String matrix = c.ir.add(name + ".matrix", new Constant(ms), Map.of("value", new FloatTensor(ms, flat)));
        String product = c.ir.add(name + ".interpolate", new MatMul(), c.ir.reshape(name + ".rows", moved, new int[]{1, rows, in}), matrix);
        int[] od = md.clone();
        od[rank - 1] = out;
        String shaped = c.ir.reshape(name + ".shaped", product, od);
        if (last) {
            return shaped;
        }
        List<Integer> back = new ArrayList<>();
        for (int k = 0; k < rank; k++) {
            back.add(k < axis ? k : k == axis ? rank - 1 : k - 1);
        }
        return c.ir.add(name + ".back", new Transpose(back), shaped);
    }

    /** {@code t} with each element along IR {@code axis} repeated {@code s} times: a view, s copies joined, a view back. */
    private String repeated(String name, String t, int axis, int s) {
        int[] d = c.ir.shape(t).dims();
        String v = unitAxisAfter(name, t, axis);
        String[] copies = new String[s];
        Arrays.fill(copies, v);
        String joined = c.ir.add(name + ".repeat", new Concat(axis + 1), copies);
        int[] back = d.clone();
        back[axis] *= s;
        return c.ir.reshape(name + ".back", joined, back);
    }

    /** Tile: along each axis but the batch, the whole tensor's copies joined by a Concat (at most 64). */
    Value tile(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        Value.Live x = live(n, in, 0);
        long[] repeats = known(n, in, 1, "repeats").asLongs();
        int[] dims = c.onnxDims(x);
        if (repeats.length != dims.length) {
            throw n.unsupported("repeats " + Arrays.toString(repeats) + " has " + repeats.length + " values for rank " + dims.length);
        }
        String t = x.tensor();
        for (int i = 0; i < dims.length; i++) {
            if (repeats[i] == 1) {
                continue;
            }
            if (repeats[i] < 1 || repeats[i] > 64) {
                throw n.unsupported("repeats " + Arrays.toString(repeats) + ": each must be in [1, 64]");
            }
            int axis = irAxis(n, x, i);
            String[] copies = new String[(int) repeats[i]];
            Arrays.fill(copies, t);
            t = c.ir.add(n.output(0) + ".axis" + axis, new Concat(axis), copies);
        }
        return t.equals(x.tensor()) ? x : new Value.Live(c.ir.reshape(n.output(0), t, c.ir.shape(t).dims()), x.batched());
    }

    Value slice(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
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
            if (a.length() < 1) {
                throw n.unsupported("the slice is empty; only non-empty slices are supported");
            }
            int ax = irAxis(n, x, a.axis());
            String name = n.output(0) + (step++ == 0 ? "" : "#" + step);
            if (a.step() == 1) {
                t = c.ir.add(name, new Slice(ax, (int) a.start(), (int) a.start() + a.length()), t);
            } else {
                // another step (a reversal too): the picked elements, as slices of their runs joined by a Concat
                long[] picked = new long[a.length()];
                for (int i = 0; i < picked.length; i++) {
                    picked[i] = a.start() + (long) i * a.step();
                }
                t = pick(n, t, ax, picked, name);
            }
        }
        return new Value.Live(t, x.batched());
    }

    List<Value> split(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
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
}
