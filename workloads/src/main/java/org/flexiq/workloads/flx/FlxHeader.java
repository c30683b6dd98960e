package org.flexiq.workloads.flx;

import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.TensorInfo;

import java.util.List;
import java.util.Map;

/** The JSON header of a .flx file, as it is written. */
record FlxHeader(GraphSpec graph, List<FlxTensorEntry> tensors, Map<String, String> metadata) {

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
