package org.flexiq.workloads.zoo;

import org.flexiq.workloads.ir.Activation;
import org.flexiq.workloads.ir.BatchNorm;
import org.flexiq.workloads.ir.Constant;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.Layer;
import org.flexiq.workloads.ir.LayerNorm;
import org.flexiq.workloads.ir.Linear;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.ParamSpec;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.TensorInfo;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a zoo graph node by node, inferring shapes as it goes (so architectures can ask a tensor's channel
 * count) and recording how each parameter is drawn.
 */
final class GraphBuilder {
    /** Log-normal shape of per-channel weight scales: e^(2 x 1.15 x 0.7) ~ 5x between channels one sigma apart. */
    static final double CHANNEL_SIGMA = 0.7;

    private final String name;
    private final List<TensorInfo> inputs = new ArrayList<>();
    private final List<Node> nodes = new ArrayList<>();
    private final Map<String, Shape> shapes = new HashMap<>();
    private final Map<String, WeightInit> inits = new LinkedHashMap<>();

    GraphBuilder(String name) {
        this.name = name;
    }

    String input(String tensor, Shape shape) {
        inputs.add(new TensorInfo(tensor, shape));
        shapes.put(tensor, shape);
        return tensor;
    }

    Shape shape(String tensor) {
        return shapes.get(tensor);
    }

    int channels(String tensor) {
        return shapes.get(tensor).dim(0);
    }

    /** Adds a node; {@code roleInits} gives an initializer per parameter role (in the layer's order). */
    String node(String nodeName, Layer layer, Map<String, WeightInit> roleInits, String... in) {
        List<Shape> inShapes = new ArrayList<>();
        for (String s : in) {
            inShapes.add(shapes.get(s));
        }
        shapes.put(nodeName, layer.outputShape(inShapes));
        for (ParamSpec p : layer.params(inShapes)) {
            WeightInit init = roleInits.get(p.role());
            if (init == null) {
                throw new IllegalStateException(nodeName + " needs an initializer for " + p.role());
            }
            inits.put(p.tensorName(nodeName), init);
        }
        nodes.add(new Node(nodeName, layer, List.of(in)));
        return nodeName;
    }

    String op(String nodeName, Layer layer, String... in) {
        return node(nodeName, layer, Map.of(), in);
    }

    String act(String nodeName, Activation a, String in) {
        return op(nodeName, a, in);
    }

    /** He-style initialization (std sqrt(2 / fan-in)) for convolutions followed by ReLU-like activations. */
    String conv(String nodeName, String in, Conv2d conv) {
        int fanIn = channels(in) / conv.groups() * conv.kernelH() * conv.kernelW();
        return node(nodeName, conv, Map.of(
                "weight", new WeightInit.ChannelScaledNormal(Math.sqrt(2.0 / fanIn), CHANNEL_SIGMA),
                "bias", new WeightInit.Normal(0, 0.02)), in);
    }

    String conv(String nodeName, String in, int out, int kernel, int stride, int pad) {
        return conv(nodeName, in, Conv2d.square(out, kernel, stride, pad, 1, false));
    }

    /** BatchNorm whose gamma centres on {@code gammaCenter} (small at the end of a residual branch). */
    String bn(String nodeName, String in, double gammaCenter) {
        return node(nodeName, new BatchNorm(1e-5), Map.of(
                "gamma", new WeightInit.LogNormal(gammaCenter, 0.5),
                "beta", new WeightInit.Normal(0, 0.1),
                "mean", new WeightInit.Normal(0, 0.05),
                "var", new WeightInit.LogNormal(1, 0.3)), in);
    }

    /** Linear with std gain / sqrt(fan-in) and log-normally spread output channels. */
    String linear(String nodeName, String in, int out, boolean bias, double gain) {
        int fanIn = shapes.get(in).last();
        return node(nodeName, new Linear(out, bias), Map.of(
                "weight", new WeightInit.ChannelScaledNormal(gain / Math.sqrt(fanIn), CHANNEL_SIGMA),
                "bias", new WeightInit.Normal(0, 0.02)), in);
    }

    /** LayerNorm with log-normal gamma: trained transformers show a few large-range channels here. */
    String layerNorm(String nodeName, String in, double eps) {
        return node(nodeName, new LayerNorm(eps), Map.of(
                "gamma", new WeightInit.LogNormal(1, 0.6),
                "beta", new WeightInit.Normal(0, 0.05)), in);
    }

    String constant(String nodeName, Shape shape, double std) {
        return node(nodeName, new Constant(shape), Map.of("value", new WeightInit.Normal(0, std)));
    }

    Graph build(String... outputs) {
        return Graph.of(name, inputs, nodes, List.of(outputs));
    }

    Map<String, WeightInit> inits() {
        return inits;
    }
}
