package org.flexiq.workloads.onnx;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Who produces and who consumes each ONNX value, the graph's outputs, and the values known before the walk. */
final class OnnxGraphIndex {
    final List<OnnxNode> nodes;
    final Map<String, ConstTensor> known;
    final Set<String> graphOutputs;
    private final Map<String, Integer> producer = new HashMap<>();
    private final Map<String, List<Integer>> consumers = new HashMap<>();

    OnnxGraphIndex(List<OnnxNode> nodes, Map<String, ConstTensor> known, Set<String> graphOutputs) {
        this.nodes = nodes;
        this.known = known;
        this.graphOutputs = graphOutputs;
        for (OnnxNode n : nodes) {
            for (int k = 0; k < n.outputCount(); k++) {
                producer.put(n.output(k), n.index);
            }
            for (String in : n.inputs()) {
                if (!in.isEmpty()) {
                    consumers.computeIfAbsent(in, x -> new ArrayList<>()).add(n.index);
                }
            }
        }
    }

    OnnxNode producer(String value) {
        Integer i = producer.get(value);
        return i == null ? null : nodes.get(i);
    }

    List<OnnxNode> consumers(String value) {
        List<OnnxNode> out = new ArrayList<>();
        for (int i : consumers.getOrDefault(value, List.of())) {
            out.add(nodes.get(i));
        }
        return out;
    }

    /** The only consumer of {@code value} when it has exactly one and is not a graph output; else null. */
    OnnxNode soleConsumer(String value) {
        List<Integer> c = consumers.getOrDefault(value, List.of());
        return c.size() == 1 && !graphOutputs.contains(value) ? nodes.get(c.get(0)) : null;
    }

    /** The known scalar value of {@code value}, or NaN when it is not a known one-element tensor. */
    double scalar(String value) {
        ConstTensor t = known.get(value);
        return t == null ? Double.NaN : t.scalar();
    }

    boolean isKnown(String value) {
        return known.containsKey(value);
    }
}
