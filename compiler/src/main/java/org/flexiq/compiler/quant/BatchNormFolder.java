package org.flexiq.compiler.quant;

import org.flexiq.workloads.ir.BatchNorm;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.IrException;
import org.flexiq.workloads.ir.MapTensorSource;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.ParamSpec;
import org.flexiq.workloads.ir.Tensor;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds every BatchNorm that directly follows a Conv2d (whose output nothing else reads) into that
 * convolution: W' = W g / sqrt(var + eps), b' = (b - mean) g / sqrt(var + eps) + beta. The BatchNorm node
 * disappears and its readers read the convolution. A BatchNorm anywhere else is refused: integer inference
 * has no standalone BatchNorm.
 */
public final class BatchNormFolder {
    private BatchNormFolder() {
    }

    public static Model fold(Model model) {
        Graph g = model.graph();
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            if (!(n.layer() instanceof BatchNorm bn)) {
                continue;
            }
            Node conv = convBefore(g, n);
            Conv2d c = (Conv2d) conv.layer();
            float[] w = data(model, conv.name() + ".weight").clone();
            float[] b = c.bias() ? data(model, conv.name() + ".bias").clone() : new float[c.outChannels()];
            float[] gamma = data(model, n.name() + ".gamma");
            float[] beta = data(model, n.name() + ".beta");
            float[] mean = data(model, n.name() + ".mean");
            float[] var = data(model, n.name() + ".var");
            int per = w.length / c.outChannels();
            for (int o = 0; o < c.outChannels(); o++) {
                double k = gamma[o] / Math.sqrt(var[o] + bn.eps());
                for (int i = o * per; i < (o + 1) * per; i++) {
                    w[i] = (float) (w[i] * k);
                }
                b[o] = (float) ((b[o] - mean[o]) * k + beta[o]);
            }
            tensors.put(conv.name() + ".weight", new FloatTensor(model.tensors().get(conv.name() + ".weight").shape(), w));
            tensors.put(conv.name() + ".bias", new FloatTensor(org.flexiq.workloads.ir.Shape.of(c.outChannels()), b));
        }
        if (tensors.isEmpty()) {
            return model;
        }
        Graph folded = foldGraph(g);
        Map<String, Tensor> all = new LinkedHashMap<>();
        for (Map.Entry<String, ParamSpec> p : folded.paramTensors().entrySet()) {
            Tensor t = tensors.get(p.getKey());
            all.put(p.getKey(), t != null ? t : model.tensors().get(p.getKey()));
        }
        return new Model(folded, new MapTensorSource(all), model.metadata());
    }

    /**
     * The graph {@link #fold} leaves, from the graph alone (no weights read): each folded convolution gains a bias and
     * its BatchNorm's readers read it. The timing-only path needs exactly this structure.
     */
    public static Graph foldGraph(Graph g) {
        Map<String, String> rename = new HashMap<>();
        Map<String, Node> foldedConvs = new HashMap<>();
        for (Node n : g.nodes()) {
            if (n.layer() instanceof BatchNorm) {
                Node conv = convBefore(g, n);
                Conv2d c = (Conv2d) conv.layer();
                Conv2d withBias = new Conv2d(c.outChannels(), c.kernelH(), c.kernelW(), c.strideH(), c.strideW(),
                        c.padH(), c.padW(), c.dilation(), c.groups(), true);
                foldedConvs.put(conv.name(), new Node(conv.name(), withBias, conv.inputs()));
                rename.put(n.name(), conv.name());
            }
        }
        if (rename.isEmpty()) {
            return g;
        }
        List<Node> nodes = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (rename.containsKey(n.name())) {
                continue;
            }
            Node base = foldedConvs.getOrDefault(n.name(), n);
            List<String> inputs = new ArrayList<>();
            for (String in : base.inputs()) {
                inputs.add(rename.getOrDefault(in, in));
            }
            nodes.add(new Node(base.name(), base.layer(), inputs));
        }
        List<String> outputs = new ArrayList<>();
        for (String o : g.outputs()) {
            outputs.add(rename.getOrDefault(o, o));
        }
        return Graph.of(g.name(), g.inputs(), nodes, outputs);
    }

    /** The Conv2d a BatchNorm folds into; refused when there is none that only the BatchNorm reads. */
    private static Node convBefore(Graph g, Node bn) {
        Node conv = foldable(g, bn.inputs().get(0));
        if (conv == null) {
            throw new IrException(bn.name() + ": BatchNorm does not follow a Conv2d that only it reads, so it cannot be folded");
        }
        return conv;
    }

    private static Node foldable(Graph g, String tensor) {
        for (Node n : g.nodes()) {
            if (n.name().equals(tensor)) {
                return n.layer() instanceof Conv2d && g.consumers(tensor).size() == 1 ? n : null;
            }
        }
        return null;
    }

    private static float[] data(Model m, String name) {
        return ((FloatTensor) m.tensors().get(name)).data();
    }
}
