package org.flexiq.compiler.quant;

import org.flexiq.workloads.ir.AvgPool;
import org.flexiq.workloads.ir.Concat;
import org.flexiq.workloads.ir.Flatten;
import org.flexiq.workloads.ir.GlobalAvgPool;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Layer;
import org.flexiq.workloads.ir.MaxPool;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.Reshape;
import org.flexiq.workloads.ir.Slice;
import org.flexiq.workloads.ir.Transpose;

import java.util.Map;

/**
 * Whether a tensor's int8 codes can never be negative, from the quantized graph alone (never from data): a clamp
 * with a lower bound of 0 or more (ReLU, ReLU6, Clip), a table whose entries are all 0 or more, or ops that only move,
 * compare or average such codes (pools, Concat, layout). Such a site can take unsigned 4-bit codes whatever the input.
 */
public final class NonNegativeCodes {
    private NonNegativeCodes() {
    }

    public static boolean of(Graph g, Map<String, NodeQuant> nodes, String tensor) {
        if (g.inputs().stream().anyMatch(i -> i.name().equals(tensor))) {
            return false;
        }
        Node n = g.node(tensor);
        NodeQuant q = nodes.get(n.name());
        if (q instanceof NodeQuant.Clamp c) {
            return c.min() >= 0;
        }
        if (q instanceof NodeQuant.Lookup l) {
            for (byte v : l.table()) {
                if (v < 0) {
                    return false;
                }
            }
            return true;
        }
        Layer layer = n.layer();
        // rescaled by non-negative multipliers (FixedPoint) with rounding that keeps 0 and above at 0 and above
        boolean keepsSign = layer instanceof MaxPool || layer instanceof AvgPool || layer instanceof GlobalAvgPool || layer instanceof Concat
                || layer instanceof Flatten || layer instanceof Reshape || layer instanceof Transpose || layer instanceof Slice;
        if (!keepsSign || n.inputs().isEmpty()) {
            return false;
        }
        for (String in : n.inputs()) {
            if (!of(g, nodes, in)) {
                return false;
            }
        }
        return true;
    }
}
