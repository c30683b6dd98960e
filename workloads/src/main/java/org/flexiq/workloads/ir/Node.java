package org.flexiq.workloads.ir;

import java.util.List;

/**
 * One layer applied to named input tensors. The node's output tensor carries the node's name, and its
 * parameters are the tensors {@code <name>.<role>} for each of the layer's {@link ParamSpec}s.
 */
public record Node(String name, Layer layer, List<String> inputs) {
    public Node {
        if (name == null || name.isBlank()) {
            throw new IrException("node name is missing");
        }
        if (layer == null) {
            throw new IrException("node '" + name + "' has no layer");
        }
        inputs = List.copyOf(inputs == null ? List.of() : inputs);
    }
}
