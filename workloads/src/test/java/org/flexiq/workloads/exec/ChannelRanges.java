package org.flexiq.workloads.exec;

import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Linear;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.Shape;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Per input channel max |x| of every Conv2d and Linear layer over a batch (test helper). */
final class ChannelRanges {
    private ChannelRanges() {
    }

    static Map<String, double[]> measure(Model m, List<Map<String, FloatTensor>> batch) {
        Map<String, double[]> ranges = new LinkedHashMap<>();
        Map<String, FloatTensor> produced = new HashMap<>();
        FloatExecutor exec = new FloatExecutor(m);
        for (Map<String, FloatTensor> sample : batch) {
            produced.clear();
            produced.putAll(sample);
            exec.run(sample, (node, out) -> {
                produced.put(node.name(), out);
                if (node.layer() instanceof Conv2d || node.layer() instanceof Linear) {
                    FloatTensor in = produced.get(node.inputs().get(0));
                    double[] r = ranges.computeIfAbsent(node.name(), k -> new double[channels(node, in.shape())]);
                    accumulate(node, in, r);
                }
            });
        }
        return ranges;
    }

    private static int channels(Node n, Shape s) {
        return n.layer() instanceof Conv2d ? s.dim(0) : s.last();
    }

    private static void accumulate(Node n, FloatTensor in, double[] r) {
        float[] d = in.data();
        if (n.layer() instanceof Conv2d) {
            int inner = d.length / r.length;
            for (int i = 0; i < d.length; i++) {
                r[i / inner] = Math.max(r[i / inner], Math.abs(d[i]));
            }
        } else {
            for (int i = 0; i < d.length; i++) {
                r[i % r.length] = Math.max(r[i % r.length], Math.abs(d[i]));
            }
        }
    }

    /** Ratio of the 90th to the 10th percentile of the channel ranges (zero ranges ignored). */
    static double spread(double[] r) {
        double[] s = Arrays.stream(r).filter(v -> v > 0).sorted().toArray();
        return s.length < 2 ? 1 : s[(int) (0.9 * (s.length - 1))] / s[(int) (0.1 * (s.length - 1))];
    }
}
