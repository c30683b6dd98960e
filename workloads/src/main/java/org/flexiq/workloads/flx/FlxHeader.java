package org.flexiq.workloads.flx;

import com.fasterxml.jackson.databind.JsonNode;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.TensorInfo;

import java.util.List;
import java.util.Map;

/** The JSON header of a version-1 .flx file (a float model). */
record FlxHeader(GraphSpec graph, List<FlxTensorEntry> tensors, Map<String, String> metadata) {

    /** The JSON header of a version-2 .flx file: a quantized model, whose section the compiler defines. */
    record Quantized(GraphSpec graph, List<FlxTensorEntry> tensors, Map<String, String> metadata, JsonNode quantization) {
    }

    /** A graph as data, before validation. */
    record GraphSpec(String name, List<TensorInfo> inputs, List<Node> nodes, List<String> outputs) {
        static GraphSpec of(Graph g) {
            return new GraphSpec(g.name(), g.inputs(), g.nodes(), g.outputs());
        }

        Graph toGraph() {
            return Graph.of(name, inputs, nodes, outputs);
        }
    }
}
