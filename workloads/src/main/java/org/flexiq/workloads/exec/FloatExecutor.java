package org.flexiq.workloads.exec;

import org.flexiq.workloads.ir.Activation;
import org.flexiq.workloads.ir.Add;
import org.flexiq.workloads.ir.Mul;
import org.flexiq.workloads.ir.AvgPool;
import org.flexiq.workloads.ir.BatchNorm;
import org.flexiq.workloads.ir.Concat;
import org.flexiq.workloads.ir.Constant;
import org.flexiq.workloads.ir.Conv2d;
import org.flexiq.workloads.ir.Embedding;
import org.flexiq.workloads.ir.Flatten;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.GlobalAvgPool;
import org.flexiq.workloads.ir.Graph;
import org.flexiq.workloads.ir.IrException;
import org.flexiq.workloads.ir.Layer;
import org.flexiq.workloads.ir.LayerNorm;
import org.flexiq.workloads.ir.Linear;
import org.flexiq.workloads.ir.MatMul;
import org.flexiq.workloads.ir.MaxPool;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.Reshape;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.Slice;
import org.flexiq.workloads.ir.Softmax;
import org.flexiq.workloads.ir.Tensor;
import org.flexiq.workloads.ir.TensorInfo;
import org.flexiq.workloads.ir.Transpose;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs a float model: the reference semantics of every layer kind. Calibration observes each node's output
 * through an {@link Observer}; a tensor is dropped as soon as its last consumer has run.
 */
public final class FloatExecutor {
    /** Sees every node's output as it is produced (calibration statistics). */
    @FunctionalInterface
    public interface Observer {
        void onOutput(Node node, FloatTensor output);
    }

    private final Model model;
    private final Map<String, Integer> lastUse = new HashMap<>();

    public FloatExecutor(Model model) {
        this.model = model;
        List<Node> nodes = model.graph().nodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                lastUse.put(in, i);
            }
        }
        for (String out : model.graph().outputs()) {
            lastUse.put(out, Integer.MAX_VALUE);
        }
    }

    public Map<String, FloatTensor> run(Map<String, FloatTensor> inputs) {
        return run(inputs, (n, t) -> { });
    }

    public Map<String, FloatTensor> run(Map<String, FloatTensor> inputs, Observer observer) {
        Graph g = model.graph();
        Map<String, FloatTensor> live = new HashMap<>();
        for (TensorInfo info : g.inputs()) {
            FloatTensor t = inputs.get(info.name());
            if (t == null) {
                throw new IrException("input '" + info.name() + "' is missing");
            }
            if (!t.shape().equals(info.shape())) {
                throw new IrException("input '" + info.name() + "' has shape " + t.shape() + ", the graph expects " + info.shape());
            }
            live.put(info.name(), t);
        }
        List<Node> nodes = g.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            Node n = nodes.get(i);
            List<FloatTensor> in = new ArrayList<>(n.inputs().size());
            for (String s : n.inputs()) {
                in.add(live.get(s));
            }
            FloatTensor out = new FloatTensor(g.shape(n.name()), execute(n, in, g.shape(n.name())));
            observer.onOutput(n, out);
            live.put(n.name(), out);
            for (String s : n.inputs()) {
                if (lastUse.getOrDefault(s, -1) == i) {
                    live.remove(s);
                }
            }
        }
        Map<String, FloatTensor> result = new LinkedHashMap<>();
        for (String o : g.outputs()) {
            result.put(o, live.get(o));
        }
        return result;
    }

    private float[] param(Node n, String role) {
        Tensor t = model.tensors().get(n.name() + "." + role);
        if (!(t instanceof FloatTensor f)) {
            throw new IrException(n.name() + "." + role + " is " + t.dtype().id() + ", the float executor needs f32");
        }
        return f.data();
    }

    private float[] execute(Node n, List<FloatTensor> in, Shape out) {
        Layer l = n.layer();
        float[] x = in.isEmpty() ? null : in.get(0).data();
        Shape s = in.isEmpty() ? null : in.get(0).shape();
        // Java 17 has no pattern switch; Layer is sealed, and the final throw names any kind left out here.
        if (l instanceof Conv2d c) {
            return FloatKernels.conv2d(x, s, c, param(n, "weight"), c.bias() ? param(n, "bias") : null, out);
        } else if (l instanceof Linear lin) {
            return FloatKernels.linear(x, s.elementCount() / s.last(), s.last(), param(n, "weight"),
                    lin.bias() ? param(n, "bias") : null, lin.outFeatures());
        } else if (l instanceof MatMul) {
            Shape b = in.get(1).shape();
            return FloatKernels.matmul(x, in.get(1).data(), (int) s.product(0, s.rank() - 2), s.dim(-2), s.dim(-1), b.dim(-1));
        } else if (l instanceof Add) {
            return FloatKernels.add(x, s, in.get(1).data(), in.get(1).shape());
        } else if (l instanceof Mul) {
            return FloatKernels.mul(x, s, in.get(1).data(), in.get(1).shape());
        } else if (l instanceof Concat c) {
            List<float[]> parts = new ArrayList<>();
            List<Shape> shapes = new ArrayList<>();
            for (FloatTensor t : in) {
                parts.add(t.data());
                shapes.add(t.shape());
            }
            float[] y = new float[out.elementCount()];
            DataMovement.concat(parts, shapes, c.axis(), out, y);
            return y;
        } else if (l instanceof Activation a) {
            return FloatKernels.activation(x, a);
        } else if (l instanceof MaxPool p) {
            return FloatKernels.pool(x, s, out, p.window(), true);
        } else if (l instanceof AvgPool p) {
            return FloatKernels.pool(x, s, out, p.window(), false);
        } else if (l instanceof GlobalAvgPool) {
            return FloatKernels.globalAvgPool(x, s);
        } else if (l instanceof LayerNorm ln) {
            return FloatKernels.layerNorm(x, s.last(), ln.eps(), param(n, "gamma"), param(n, "beta"));
        } else if (l instanceof BatchNorm bn) {
            return FloatKernels.batchNorm(x, s.dim(0), bn.eps(), param(n, "gamma"), param(n, "beta"), param(n, "mean"), param(n, "var"));
        } else if (l instanceof Softmax sm) {
            return FloatKernels.softmax(x, s, sm);
        } else if (l instanceof Flatten || l instanceof Reshape) {
            return x; // same elements, same order: tensors are never written after they are made
        } else if (l instanceof Transpose t) {
            return FloatKernels.transpose(x, s, t.perm(), out);
        } else if (l instanceof Slice sl) {
            float[] y = new float[out.elementCount()];
            DataMovement.slice(x, s, sl.axis(), sl.start(), sl.end(), y);
            return y;
        } else if (l instanceof Constant) {
            return param(n, "value");
        } else if (l instanceof Embedding e) {
            return FloatKernels.embedding(x, e.vocab(), e.dim(), param(n, "weight"), n.name());
        }
        throw new IllegalStateException("the float executor has no kernel for " + l.kind());
    }
}
