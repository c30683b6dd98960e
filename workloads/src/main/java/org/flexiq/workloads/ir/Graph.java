package org.flexiq.workloads.ir;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A model's structure: a DAG of {@link Node}s over named tensors. Construction validates everything:
 * unique names, every input resolved, no cycle, every layer's shape inference. Nodes are kept in a
 * topological order (the given order wherever it already is one), so executors can run them in sequence.
 * A Graph holds no weights; see {@code Model}.
 */
public final class Graph {
    private final String name;
    private final List<TensorInfo> inputs;
    private final List<Node> nodes;
    private final List<String> outputs;
    private final Map<String, Shape> shapes;
    private final Map<String, Node> byName;

    private Graph(String name, List<TensorInfo> inputs, List<Node> nodes, List<String> outputs, Map<String, Shape> shapes) {
        this.name = name;
        this.inputs = inputs;
        this.nodes = nodes;
        this.outputs = outputs;
        this.shapes = shapes;
        Map<String, Node> m = new HashMap<>();
        for (Node n : nodes) {
            m.put(n.name(), n);
        }
        this.byName = m;
    }

    /**
     * Builds and validates a graph. Errors name the offending part as a field path:
     * {@code inputs[0]}, {@code nodes[12] 'conv1'}, {@code outputs[0]}.
     */
    public static Graph of(String name, List<TensorInfo> inputs, List<Node> nodes, List<String> outputs) {
        if (name == null || name.isBlank()) {
            throw new IrException("name: the graph has no name");
        }
        Objects.requireNonNull(inputs, "inputs");
        Objects.requireNonNull(nodes, "nodes");
        Objects.requireNonNull(outputs, "outputs");
        if (inputs.isEmpty() && nodes.stream().allMatch(n -> n.layer().minInputs() > 0)) {
            throw new IrException("inputs: the graph has no inputs");
        }
        if (outputs.isEmpty()) {
            throw new IrException("outputs: the graph has no outputs");
        }
        Map<String, Integer> producerIndex = new HashMap<>();
        Set<String> inputNames = new HashSet<>();
        for (int i = 0; i < inputs.size(); i++) {
            TensorInfo t = inputs.get(i);
            if (t == null) {
                throw new IrException("inputs[" + i + "]: missing");
            }
            if (!inputNames.add(t.name())) {
                throw new IrException("inputs[" + i + "]: duplicate tensor name '" + t.name() + "'");
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            if (n == null) {
                throw new IrException("nodes[" + i + "]: missing");
            }
            if (inputNames.contains(n.name()) || producerIndex.putIfAbsent(n.name(), i) != null) {
                throw new IrException("nodes[" + i + "] '" + n.name() + "': duplicate tensor name");
            }
        }
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            int arity = n.inputs().size();
            Layer l = n.layer();
            if (arity < l.minInputs() || arity > l.maxInputs()) {
                String want = l.minInputs() == l.maxInputs() ? String.valueOf(l.minInputs()) : l.minInputs() + ".." + l.maxInputs();
                throw new IrException(where(i, n) + ": " + l.kind() + " takes " + want + " input(s), got " + arity);
            }
            for (String in : n.inputs()) {
                if (!inputNames.contains(in) && !producerIndex.containsKey(in)) {
                    throw new IrException(where(i, n) + ": input '" + in + "' is neither a graph input nor a node output");
                }
            }
        }
        List<Node> order = topologicalOrder(nodes, producerIndex);
        Map<String, Shape> shapes = new LinkedHashMap<>();
        for (TensorInfo t : inputs) {
            shapes.put(t.name(), t.shape());
        }
        for (Node n : order) {
            List<Shape> in = new ArrayList<>(n.inputs().size());
            for (String s : n.inputs()) {
                in.add(shapes.get(s));
            }
            try {
                Shape out = n.layer().outputShape(in);
                n.layer().params(in); // parameter shapes must be constructible too
                shapes.put(n.name(), out);
            } catch (IrException e) {
                throw new IrException(where(producerIndex.get(n.name()), n) + ": " + e.getMessage());
            }
        }
        for (int i = 0; i < outputs.size(); i++) {
            if (!shapes.containsKey(outputs.get(i))) {
                throw new IrException("outputs[" + i + "]: '" + outputs.get(i) + "' is not a tensor of the graph");
            }
        }
        return new Graph(name, List.copyOf(inputs), List.copyOf(order), List.copyOf(outputs), Collections.unmodifiableMap(shapes));
    }

    private static String where(int index, Node n) {
        return "nodes[" + index + "] '" + n.name() + "'";
    }

    /** Kahn's algorithm, taking the lowest original index first so an already sorted list is kept as is. */
    private static List<Node> topologicalOrder(List<Node> nodes, Map<String, Integer> producerIndex) {
        int n = nodes.size();
        int[] pending = new int[n];
        List<List<Integer>> consumers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            consumers.add(new ArrayList<>());
        }
        for (int i = 0; i < n; i++) {
            for (String in : nodes.get(i).inputs()) {
                Integer p = producerIndex.get(in);
                if (p != null) {
                    pending[i]++;
                    consumers.get(p).add(i);
                }
            }
        }
        java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            if (pending[i] == 0) {
                ready.add(i);
            }
        }
        List<Node> order = new ArrayList<>(n);
        while (!ready.isEmpty()) {
            int i = ready.poll();
            order.add(nodes.get(i));
            for (int c : consumers.get(i)) {
                if (--pending[c] == 0) {
                    ready.add(c);
                }
            }
        }
        if (order.size() < n) {
            for (int i = 0; i < n; i++) {
                if (pending[i] > 0) {
                    throw new IrException(where(i, nodes.get(i)) + ": part of a cycle in the graph");
                }
            }
        }
        return order;
    }

    public String name() {
        return name;
    }

    public List<TensorInfo> inputs() {
        return inputs;
    }

    /** The nodes in topological order. */
    public List<Node> nodes() {
        return nodes;
    }

    public List<String> outputs() {
        return outputs;
    }

    public Node node(String name) {
        Node n = byName.get(name);
        if (n == null) {
            throw new IrException("no node named '" + name + "'");
        }
        return n;
    }

    public Shape shape(String tensor) {
        Shape s = shapes.get(tensor);
        if (s == null) {
            throw new IrException("no tensor named '" + tensor + "'");
        }
        return s;
    }

    public List<Shape> inputShapes(Node n) {
        List<Shape> in = new ArrayList<>(n.inputs().size());
        for (String s : n.inputs()) {
            in.add(shapes.get(s));
        }
        return in;
    }

    public List<ParamSpec> params(Node n) {
        return n.layer().params(inputShapes(n));
    }

    public long macs(Node n) {
        return n.layer().macs(inputShapes(n), shape(n.name()));
    }

    /** Trainable parameter elements of one node (buffers excluded). */
    public long paramCount(Node n) {
        long c = 0;
        for (ParamSpec p : params(n)) {
            c += p.trainable() ? p.shape().elementCount() : 0;
        }
        return c;
    }

    public long totalMacs() {
        long c = 0;
        for (Node n : nodes) {
            c += macs(n);
        }
        return c;
    }

    public long totalParams() {
        long c = 0;
        for (Node n : nodes) {
            c += paramCount(n);
        }
        return c;
    }

    /** Every parameter and buffer tensor of the graph, by tensor name, in node order. */
    public Map<String, ParamSpec> paramTensors() {
        Map<String, ParamSpec> all = new LinkedHashMap<>();
        for (Node n : nodes) {
            for (ParamSpec p : params(n)) {
                all.put(p.tensorName(n.name()), p);
            }
        }
        return all;
    }

    /** Nodes that read {@code tensor}, in topological order. */
    public List<Node> consumers(String tensor) {
        List<Node> c = new ArrayList<>();
        for (Node n : nodes) {
            if (n.inputs().contains(tensor)) {
                c.add(n);
            }
        }
        return c;
    }
}
