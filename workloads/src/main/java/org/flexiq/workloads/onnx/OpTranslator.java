package org.flexiq.workloads.onnx;

import org.flexiq.workloads.ir.Concat;
import org.flexiq.workloads.ir.Constant;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What every translation of ONNX nodes into IR layers needs: its inputs as activations or known tensors, ONNX axes
 * mapped past the batch, and layers added to the IR graph. Subclasses group the ops by what they are.
 */
abstract class OpTranslator {
    final OnnxImporter c;

    OpTranslator(OnnxImporter context) {
        this.c = context;
    }

    static List<Value> one(Value v) {
        return List.of(v);
    }

    Value.Live live(OnnxNode n, List<Value> in, int i) throws OnnxNode.UnsupportedNodeException {
        Value v = i < in.size() ? in.get(i) : null;
        if (v instanceof Value.Live l) {
            return l;
        }
        throw n.unsupported("input " + i + (v == null ? " is missing" : " must be an activation, not a constant"));
    }

    ConstTensor known(OnnxNode n, List<Value> in, int i, String what) throws OnnxNode.UnsupportedNodeException {
        Value v = i < in.size() ? in.get(i) : null;
        if (v instanceof Value.Known k) {
            return k.tensor();
        }
        throw n.unsupported(what + " (input " + i + ") " + (v == null ? "is missing" : "must be known at import time (an initializer or constant)"));
    }

    ConstTensor optionalKnown(OnnxNode n, List<Value> in, int i, String what) throws OnnxNode.UnsupportedNodeException {
        return i < in.size() && in.get(i) != null ? known(n, in, i, what) : null;
    }

    long[] axes(OnnxNode n, List<Value> in) throws OnnxNode.UnsupportedNodeException {
        if (n.has("axes")) {
            return n.ints("axes");
        }
        ConstTensor a = optionalKnown(n, in, 1, "axes");
        return a == null ? null : a.asLongs();
    }

    /**
     * {@code x} with its batch as an explicit leading axis of length 1, for a node that moves the batch among the other
     * axes or merges it with one (attention that runs sequence-first, windows folded into the batch): the IR runs one
     * sample, so this is the graph at batch 1. A batch fixed at another size cannot be made one sample.
     */
    Value.Live explicitBatch(OnnxNode n, Value.Live x, String why) throws OnnxNode.UnsupportedNodeException {
        if (c.batch != 1) {
            throw n.unsupported(why + ", which a graph whose batch is fixed at " + c.batch + " cannot run one sample at a time");
        }
        return new Value.Live(c.ir.reshape(n.output(0) + ".sample", x.tensor(), c.onnxDims(x)), false);
    }

    /**
     * {@code u}, an activation with an explicit leading axis of length 1, as batched again to meet the batched {@code like}
     * of its rank (ONNX broadcasts a 1 onto the batch of one sample); else {@code u} unchanged.
     */
    Value.Live rebatched(OnnxNode n, Value.Live u, Value.Live like) {
        int[] d = c.ir.shape(u.tensor()).dims();
        if (u.batched() || !like.batched() || d.length != c.onnxDims(like).length || d.length < 2 || d[0] != 1 || c.batch != 1) {
            return u;
        }
        return new Value.Live(c.ir.reshape(n.output(0) + ".batched", u.tensor(), Arrays.copyOfRange(d, 1, d.length)), true);
    }

    /** ONNX axis (negative counts from the end) to the IR's, refusing the batch axis. */
    int irAxis(OnnxNode n, Value.Live l, long axis) throws OnnxNode.UnsupportedNodeException {
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

    Value.Live emit(OnnxNode n, org.flexiq.workloads.ir.Layer layer, Map<String, FloatTensor> params, boolean batched, String... inputs) {
        return new Value.Live(c.ir.add(n.output(0), layer, params, inputs), batched);
    }

    static FloatTensor tensor(Shape s, float[] data) {
        return new FloatTensor(s, data);
    }

    /** {@code k} as an IR Constant broadcastable onto {@code like} (leading 1s added; the batch's 1 dropped). */
    String constantLike(OnnxNode n, ConstTensor k, Value.Live like, String suffix) throws OnnxNode.UnsupportedNodeException {
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

    static long[] orDefault(long[] v, long... dflt) {
        return v == null ? dflt : v;
    }

    /** {@code t} viewed with a new axis of length 1 after IR {@code axis}, along which a Concat interleaves. */
    String unitAxisAfter(String name, String t, int axis) {
        int[] d = c.ir.shape(t).dims();
        int[] split = new int[d.length + 1];
        System.arraycopy(d, 0, split, 0, axis + 1);
        split[axis + 1] = 1;
        System.arraycopy(d, axis + 1, split, axis + 2, d.length - axis - 1);
        return c.ir.reshape(name + ".view", t, split);
    }

    /** {@code t} with {@code before} and {@code after} rows of {@code value} joined on along IR {@code axis} by a Concat. */
    String joinConstant(String name, String t, int axis, int before, int after, float value) {
        List<String> parts = new ArrayList<>();
        for (int side = 0; side < 2; side++) {
            int rows = side == 0 ? before : after;
            if (side == 1) {
                parts.add(t);
            }
            if (rows > 0) {
                int[] dims = c.ir.shape(t).dims().clone();
                dims[axis] = rows;
                Shape s = Shape.of(dims);
                parts.add(c.ir.add(name + (side == 0 ? ".before" : ".after"), new Constant(s), Map.of("value", tensor(s, filled(s.elementCount(), value)))));
            }
        }
        return c.ir.add(name + ".padded", new Concat(axis), parts.toArray(new String[0]));
    }

    static float[] filled(int n, float v) {
        float[] f = new float[n];
        Arrays.fill(f, v);
        return f;
    }

    /** Whether any output past the first is read by a node or is a graph output. */
    boolean usesExtraOutputs(OnnxNode n) {
        for (int k = 1; k < n.outputCount(); k++) {
            String o = n.output(k);
            if (!o.isEmpty() && (!c.index.consumers(o).isEmpty() || c.index.graphOutputs.contains(o))) {
                return true;
            }
        }
        return false;
    }
}
