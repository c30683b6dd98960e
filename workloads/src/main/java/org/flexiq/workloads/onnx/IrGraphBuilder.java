package org.flexiq.workloads.onnx;

import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.IrException;
import org.flexiq.workloads.ir.Layer;
import org.flexiq.workloads.ir.MapTensorSource;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.ParamSpec;
import org.flexiq.workloads.ir.Reshape;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.Tensor;
import org.flexiq.workloads.ir.TensorInfo;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Graph IR being built by the importer: nodes in order, every tensor's shape (inferred by the layers as
 * nodes are added, so a bad attribute fails at its node), and parameter tensors. Names are ONNX value names,
 * made unique. {@link #build} drops what the outputs do not need (reshapes that were folded through).
 */
final class IrGraphBuilder {
    private final List<TensorInfo> inputs = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Node> byName = new HashMap<>();
    private final Map<String, Shape> shapes = new HashMap<>();
    private final Map<String, Tensor> tensors = new LinkedHashMap<>();

    String input(String name, Shape shape) {
        String n = unique(name);
        inputs.add(new TensorInfo(n, shape));
        shapes.put(n, shape);
        return n;
    }

    Shape shape(String tensor) {
        return shapes.get(tensor);
    }

    /** The node producing {@code tensor}, or null for a graph input. */
    Node producer(String tensor) {
        return byName.get(tensor);
    }

    /** Adds a node named after {@code name}; {@code params} holds a tensor per role the layer asks for. */
    String add(String name, Layer layer, Map<String, FloatTensor> params, String... in) {
        List<Shape> inShapes = new ArrayList<>();
        for (String s : in) {
            inShapes.add(shapes.get(s));
        }
        Shape out = layer.outputShape(inShapes);
        String n = unique(name);
        for (ParamSpec p : layer.params(inShapes)) {
            FloatTensor t = params.get(p.role());
            if (t == null || !t.shape().equals(p.shape())) {
                throw new IrException(p.role() + (t == null ? " is missing" : " is " + t.shape() + ", the layer needs " + p.shape()
                        + " for its input " + inShapes));
            }
            tensors.put(p.tensorName(n), t);
        }
        Node node = new Node(n, layer, List.of(in));
        nodes.add(node);
        byName.put(n, node);
        shapes.put(n, out);
        return n;
    }

    String add(String name, Layer layer, String... in) {
        return add(name, layer, Map.of(), in);
    }

    FloatTensor param(String node, String role) {
        return (FloatTensor) tensors.get(node + "." + role);
    }

    void replaceParam(String node, String role, FloatTensor t) {
        tensors.put(node + "." + role, t);
    }

    /**
     * {@code tensor} with IR dimensions {@code dims}: itself when they already match; otherwise one Reshape of
     * the tensor its chain of reshapes started from, so GlobalAvgPool-Reshape-Flatten collapses to nothing.
     */
    String reshape(String name, String tensor, int[] dims) {
        String src = tensor;
        Node p;
        while ((p = byName.get(src)) != null && p.layer() instanceof Reshape) {
            src = p.inputs().get(0);
        }
        if (Arrays.equals(shapes.get(src).dims(), dims)) {
            return src;
        }
        List<Integer> target = new ArrayList<>();
        for (int d : dims) {
            target.add(d);
        }
        return add(name, new Reshape(target), src);
    }

    private String unique(String name) {
        String base = name == null || name.isBlank() ? "node" : name;
        String n = base;
        for (int k = 2; shapes.containsKey(n) || tensors.containsKey(n); k++) {
            n = base + "#" + k;
        }
        shapes.put(n, null); // reserve
        return n;
    }

    /** The graph with only the nodes the outputs depend on, and their tensors. */
    Model build(String graphName, List<String> outputs, Map<String, String> metadata) {
        Set<String> live = new HashSet<>();
        Deque<String> todo = new ArrayDeque<>(outputs);
        while (!todo.isEmpty()) {
            String t = todo.pop();
            Node p = byName.get(t);
            if (live.add(t) && p != null) {
                todo.addAll(p.inputs());
            }
        }
        List<Node> kept = new ArrayList<>();
        Map<String, Tensor> keptTensors = new LinkedHashMap<>();
        for (Node n : nodes) {
            if (live.contains(n.name())) {
                kept.add(n);
            }
        }
        Set<String> keptNames = new HashSet<>();
        for (Node n : kept) {
            keptNames.add(n.name());
        }
        for (Map.Entry<String, Tensor> e : tensors.entrySet()) {
            String owner = e.getKey().substring(0, e.getKey().lastIndexOf('.'));
            if (keptNames.contains(owner)) {
                keptTensors.put(e.getKey(), e.getValue());
            }
        }
        Graph g = Graph.of(graphName, inputs, kept, outputs);
        return new Model(g, new MapTensorSource(keptTensors), metadata);
    }
}
