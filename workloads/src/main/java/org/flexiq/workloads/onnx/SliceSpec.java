package org.flexiq.workloads.onnx;

import java.util.ArrayList;
import java.util.List;

/**
 * A Slice node's ranges, normalized as the ONNX specification says: negative starts and ends count from the
 * end, both are clamped to the dimension, and a negative step walks backwards.
 */
record SliceSpec(List<Axis> axes) {
    record Axis(int axis, long start, long step, int length) {
    }

    /** From attributes (opsets 1-9) or inputs 1-4 (10 on), against input dimensions {@code dims}. */
    static SliceSpec of(OnnxNode n, List<ConstTensor> in, int[] dims) throws OnnxNode.UnsupportedNodeException {
        long[] starts;
        long[] ends;
        long[] axes;
        long[] steps = null;
        if (n.opset < 10 && n.has("starts")) {
            starts = n.ints("starts");
            ends = n.ints("ends");
            axes = n.ints("axes");
        } else {
            if (in.size() < 3 || in.get(1) == null || in.get(2) == null) {
                throw n.unsupported("needs constant starts and ends");
            }
            starts = in.get(1).asLongs();
            ends = in.get(2).asLongs();
            axes = in.size() > 3 && in.get(3) != null ? in.get(3).asLongs() : null;
            steps = in.size() > 4 && in.get(4) != null ? in.get(4).asLongs() : null;
        }
        if (ends == null || starts.length != ends.length || (axes != null && axes.length != starts.length)
                || (steps != null && steps.length != starts.length)) {
            throw n.unsupported("starts, ends, axes and steps must have the same length");
        }
        int r = dims.length;
        List<Axis> out = new ArrayList<>();
        boolean[] seen = new boolean[r];
        for (int i = 0; i < starts.length; i++) {
            long a = axes == null ? i : axes[i];
            int ax = (int) (a < 0 ? a + r : a);
            if (ax < 0 || ax >= r || seen[ax]) {
                throw n.unsupported("axis " + a + " is out of range or repeated for rank " + r);
            }
            seen[ax] = true;
            long step = steps == null ? 1 : steps[i];
            if (step == 0) {
                throw n.unsupported("step 0");
            }
            long d = dims[ax];
            long s = starts[i] < 0 ? starts[i] + d : starts[i];
            long e = ends[i] < 0 ? ends[i] + d : ends[i];
            if (step > 0) {
                s = Math.max(0, Math.min(d, s));
                e = Math.max(0, Math.min(d, e));
            } else {
                s = Math.max(0, Math.min(d - 1, s));
                e = Math.max(-1, Math.min(d - 1, e));
            }
            long len = step > 0 ? Math.max(0, (e - s + step - 1) / step) : Math.max(0, (s - e - step - 1) / -step);
            out.add(new Axis(ax, s, step, (int) len));
        }
        return new SliceSpec(out);
    }
}
