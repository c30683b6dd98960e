package org.flexiq.workloads.onnx;

import java.util.Arrays;

/**
 * ONNX's shape rules for the data-movement ops, shared by constant folding and by the translation of the same
 * ops on activations: Unsqueeze, Squeeze, Reshape (0 copies, -1 infers) and Flatten.
 */
final class DimensionRules {
    private DimensionRules() {
    }

    static int[] unsqueeze(int[] dims, long[] axes, OnnxNode n) throws OnnxNode.UnsupportedNodeException {
        if (axes == null) {
            throw n.unsupported("needs axes");
        }
        int r = dims.length + axes.length;
        boolean[] inserted = new boolean[r];
        for (long a : axes) {
            int k = (int) (a < 0 ? a + r : a);
            if (k < 0 || k >= r || inserted[k]) {
                throw n.unsupported("axes " + Arrays.toString(axes) + " are out of range or repeated for rank " + r);
            }
            inserted[k] = true;
        }
        int[] out = new int[r];
        for (int i = 0, j = 0; i < r; i++) {
            out[i] = inserted[i] ? 1 : dims[j++];
        }
        return out;
    }

    static int[] squeeze(int[] dims, long[] axes, OnnxNode n) throws OnnxNode.UnsupportedNodeException {
        int r = dims.length;
        boolean[] drop = new boolean[r];
        if (axes == null) {
            for (int i = 0; i < r; i++) {
                drop[i] = dims[i] == 1;
            }
        } else {
            for (long a : axes) {
                int k = (int) (a < 0 ? a + r : a);
                if (k < 0 || k >= r || dims[k] != 1) {
                    throw n.unsupported("axis " + a + " is not a dimension of size 1 in " + Arrays.toString(dims));
                }
                drop[k] = true;
            }
        }
        return Arrays.stream(range(r)).filter(i -> !drop[i]).map(i -> dims[i]).toArray();
    }

    static int[] reshape(int[] dims, long[] target, boolean allowZero, OnnxNode n) throws OnnxNode.UnsupportedNodeException {
        long count = ConstTensor.count(dims);
        int[] out = new int[target.length];
        int infer = -1;
        long known = 1;
        for (int i = 0; i < target.length; i++) {
            long t = target[i];
            if (t == 0 && !allowZero) {
                if (i >= dims.length) {
                    throw n.unsupported("shape " + Arrays.toString(target) + " copies dimension " + i + " of a rank-" + dims.length + " input");
                }
                t = dims[i];
            }
            if (t == -1) {
                if (infer >= 0) {
                    throw n.unsupported("shape " + Arrays.toString(target) + " infers more than one dimension");
                }
                infer = i;
                continue;
            }
            if (t < 0 || t > Integer.MAX_VALUE) {
                throw n.unsupported("shape " + Arrays.toString(target) + " has dimension " + t);
            }
            out[i] = (int) t;
            known *= t;
        }
        if (infer >= 0) {
            if (known == 0 || count % known != 0) {
                throw n.unsupported("shape " + Arrays.toString(target) + " does not fit " + count + " elements");
            }
            out[infer] = (int) (count / known);
        } else if (known != count) {
            throw n.unsupported("shape " + Arrays.toString(target) + " does not fit " + Arrays.toString(dims));
        }
        return out;
    }

    static int[] flatten(int[] dims, int axis, OnnxNode n) throws OnnxNode.UnsupportedNodeException {
        int r = dims.length;
        int a = axis < 0 ? axis + r : axis;
        if (a < 0 || a > r) {
            throw n.unsupported("axis " + axis + " is out of range for rank " + r);
        }
        return new int[]{(int) ConstantFolding.prod(dims, 0, a), (int) ConstantFolding.prod(dims, a, r)};
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }
}
