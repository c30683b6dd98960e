package org.flexiq.workloads.ir;

import java.util.Map;
import java.util.Objects;

/**
 * A graph with its tensors (weights, buffers and, for quantized models, their integer forms) and free-form
 * string metadata (zoo name, seed, provenance).
 */
public record Model(Graph graph, TensorSource tensors, Map<String, String> metadata) {
    /**
     * Metadata key prefix of an activation range the model itself fixes: {@code quant.givenRange.TENSOR = R} (what ONNX
     * import records from a QDQ pair); the quantizer then gives that tensor the scale R / 127 instead of calibrating it.
     */
    public static final String GIVEN_RANGE = "quant.givenRange.";

    public Model {
        Objects.requireNonNull(graph, "graph");
        Objects.requireNonNull(tensors, "tensors");
        metadata = Map.copyOf(metadata == null ? Map.of() : metadata);
    }
}
