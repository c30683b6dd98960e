package org.flexiq.workloads.ir;

import java.util.Map;
import java.util.Objects;

/**
 * A graph with its tensors (weights, buffers and, for quantized models, their integer forms) and free-form
 * string metadata (zoo name, seed, provenance).
 */
public record Model(Graph graph, TensorSource tensors, Map<String, String> metadata) {
    public Model {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(tensors, "tensors");
        metadata = Map.copyOf(metadata == null ? Map.of() : metadata);
    }
}
