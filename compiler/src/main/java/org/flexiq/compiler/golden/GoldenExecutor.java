package org.flexiq.compiler.golden;

import org.flexiq.isa.arith.IntArithmetic;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.NodeQuant;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Quantizer;
import org.flexiq.compiler.quant.Site;
import org.flexiq.workloads.exec.DataMovement;
import org.flexiq.workloads.ir.Add;
import org.flexiq.workloads.ir.AvgPool;
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
import org.flexiq.workloads.ir.Mul;
import org.flexiq.workloads.ir.MaxPool;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.Reshape;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.Slice;
import org.flexiq.workloads.ir.Softmax;
import org.flexiq.workloads.ir.TensorInfo;
import org.flexiq.workloads.ir.Transpose;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Integer-only inference of a quantized model at one 4-bit ratio and extraction mode: the reference every
 * other execution path must equal bit for bit. Activations are int8 codes; Conv2d and Linear accumulate in
 * int32 over the values of 8-bit codes, or of 4-bit codes for the channels the ratio makes 4-bit.
 * An executor is immutable after construction and may run samples from several threads at once.
 */
public final class GoldenExecutor {
    private final QuantizedModel model;
    private final double ratio;
    private final Extraction extraction;
    /** How matrix products run their inner product on this JVM (no output depends on it). */
    private final InnerProduct layout;
    private final Map<String, SiteLowering> lowerings = new HashMap<>();
    private final Map<String, ProductWeights> weights = new HashMap<>();
    private final Map<String, Integer> lastUse = new HashMap<>();
    /** Per node, the source index of each output element: a Transpose's input, a broadcast Add or Mul's second operand (made once, read by every sample). */
    private final Map<String, int[]> sourceIndex = new HashMap<>();
    private final Map<String, AddTable> addTables = new HashMap<>();

    public GoldenExecutor(QuantizedModel model, double ratio, Extraction extraction) {
        Quantizer.requireValues(model, "the golden executor");
        this.model = model;
        this.ratio = ratio;
        this.extraction = extraction;
        this.layout = InnerProduct.host();
        for (Site s : model.sites().values()) {
            lowerings.put(s.tensor(), new SiteLowering(s, model.fourBitChannels(s, ratio), model.groupWidth(), extraction));
        }
        for (Node n : model.graph().nodes()) {
            if (model.nodes().get(n.name()) instanceof NodeQuant.Add a) {
                addTables.put(n.name(), AddTable.of(a));
            }
            if (model.nodes().get(n.name()) instanceof NodeQuant.Gemm q) {
                Site s = model.siteOf(n.name());
                int[] w = s == null ? SiteLowering.plainWeights(q) : lowerings.get(s.tensor()).weights(q);
                weights.put(n.name(), n.layer() instanceof Conv2d c ? IntKernels.convWeights(w, c, layout)
                        : IntKernels.linearWeights(w, q.outChannels(), layout));
            }
        }
        Graph g = model.graph();
        for (Node n : g.nodes()) {
            if (n.layer() instanceof Transpose t) {
                sourceIndex.put(n.name(), DataMovement.transposeIndex(g.shape(n.inputs().get(0)), t.perm(), g.shape(n.name())));
            } else if ((n.layer() instanceof Add || n.layer() instanceof Mul) && !g.shape(n.inputs().get(0)).equals(g.shape(n.inputs().get(1)))) {
                sourceIndex.put(n.name(), DataMovement.broadcastIndex(g.shape(n.inputs().get(0)), g.shape(n.inputs().get(1))));
            }
        }
        List<Node> nodes = g.nodes();
        for (int i = 0; i < nodes.size(); i++) {
            for (String in : nodes.get(i).inputs()) {
                lastUse.put(in, i);
            }
        }
        for (String o : model.graph().outputs()) {
            lastUse.put(o, Integer.MAX_VALUE);
        }
    }

    public QuantizedModel model() {
        return model;
    }

    public double ratio() {
        return ratio;
    }

    public Extraction extraction() {
        return extraction;
    }

    /** Quantizes float inputs (token ids stay integers) into a fresh state. */
    public IntState inputs(Map<String, FloatTensor> inputs) {
        IntState state = new IntState();
        Graph g = model.graph();
        for (TensorInfo info : g.inputs()) {
            FloatTensor t = inputs.get(info.name());
            if (t == null || !t.shape().equals(info.shape())) {
                throw new IrException("input '" + info.name() + "' must have shape " + info.shape());
            }
            if (g.consumers(info.name()).stream().anyMatch(n -> n.layer() instanceof Embedding)) {
                int[] ids = new int[t.data().length];
                for (int i = 0; i < ids.length; i++) {
                    ids[i] = Math.round(t.data()[i]);
                }
                state.ids.put(info.name(), ids);
            } else {
                double s = model.scale(info.name());
                byte[] q = new byte[t.data().length];
                for (int i = 0; i < q.length; i++) {
                    q[i] = IntArithmetic.saturateInt8(Math.round(t.data()[i] / s));
                }
                state.tensors.put(info.name(), q);
            }
        }
        return state;
    }

    /** Runs every node; returns the int8 outputs. */
    public Map<String, byte[]> run(Map<String, FloatTensor> inputs) {
        IntState s = inputs(inputs);
        run(s, 0, model.graph().nodes().size());
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (String o : model.graph().outputs()) {
            out.put(o, s.tensors.get(o));
        }
        return out;
    }

    /** Dequantized outputs: code x scale. */
    public Map<String, float[]> runDequantized(Map<String, FloatTensor> inputs) {
        Map<String, float[]> out = new LinkedHashMap<>();
        run(inputs).forEach((k, v) -> out.put(k, dequantize(k, v)));
        return out;
    }

    public float[] dequantize(String tensor, byte[] codes) {
        double s = model.scale(tensor);
        float[] f = new float[codes.length];
        for (int i = 0; i < f.length; i++) {
            f[i] = (float) (codes[i] * s);
        }
        return f;
    }

    /** Runs nodes [from, to) in topological order on {@code state}, dropping tensors after their last reader. */
    public void run(IntState state, int from, int to) {
        List<Node> nodes = model.graph().nodes();
        for (int i = from; i < to; i++) {
            Node n = nodes.get(i);
            state.tensors.put(n.name(), execute(n, state));
            for (String in : n.inputs()) {
                if (lastUse.getOrDefault(in, -1) == i) {
                    state.tensors.remove(in);
                    state.ids.remove(in);
                }
            }
        }
    }

    private byte[] execute(Node n, IntState st) {
        Graph g = model.graph();
        Layer l = n.layer();
        NodeQuant q = model.nodes().get(n.name());
        Shape out = g.shape(n.name());
        byte[] x = n.inputs().isEmpty() ? null : st.tensors.get(n.inputs().get(0));
        Shape s = n.inputs().isEmpty() ? null : g.shape(n.inputs().get(0));
        // Java 17 has no pattern switch; Layer is sealed, and the final throw names any kind left out here.
        if (l instanceof Conv2d c) {
            return IntKernels.conv2d(activations(n, x, s), s, c, weights.get(n.name()), (NodeQuant.Gemm) q, out);
        } else if (l instanceof Linear) {
            return IntKernels.linear(activations(n, x, s), s.elementCount() / s.last(), weights.get(n.name()), (NodeQuant.Gemm) q);
        } else if (l instanceof MatMul) {
            Shape b = g.shape(n.inputs().get(1));
            return IntKernels.matmul(x, st.tensors.get(n.inputs().get(1)), (int) s.product(0, s.rank() - 2), s.dim(-2), s.dim(-1), b.dim(-1),
                    ((NodeQuant.MatMul) q).requant(), layout);
        } else if (l instanceof Add || l instanceof Mul) {
            byte[] b = st.tensors.get(n.inputs().get(1));
            int[] bi = sourceIndex.get(n.name());
            byte[] y = new byte[x.length];
            if (q instanceof NodeQuant.Add) {
                AddTable t = addTables.get(n.name());
                for (int i = 0; i < y.length; i++) {
                    y[i] = t.apply(x[i], b[bi == null ? i : bi[i]]);
                }
            } else {
                for (int i = 0; i < y.length; i++) {
                    y[i] = IntKernels.mul(x[i], b[bi == null ? i : bi[i]], (NodeQuant.Mul) q);
                }
            }
            return y;
        } else if (l instanceof Concat c) {
            List<byte[]> parts = new ArrayList<>();
            List<Shape> shapes = new ArrayList<>();
            NodeQuant.Rescale r = (NodeQuant.Rescale) q;
            for (int k = 0; k < n.inputs().size(); k++) {
                byte[] in = st.tensors.get(n.inputs().get(k));
                byte[] scaled = new byte[in.length];
                for (int i = 0; i < in.length; i++) {
                    scaled[i] = IntArithmetic.saturateInt8(r.multipliers().get(k).apply(in[i]));
                }
                parts.add(scaled);
                shapes.add(g.shape(n.inputs().get(k)));
            }
            byte[] y = new byte[out.elementCount()];
            DataMovement.concat(parts, shapes, c.axis(), out, y);
            return y;
        } else if (q instanceof NodeQuant.Clamp c) {
            byte[] y = new byte[x.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = (byte) IntArithmetic.saturate(x[i], c.min(), c.max());
            }
            return y;
        } else if (q instanceof NodeQuant.Lookup t) {
            byte[] y = new byte[x.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = t.table()[x[i] + 128];
            }
            return y;
        } else if (l instanceof MaxPool p) {
            return IntKernels.pool(x, s, out, p.window(), null);
        } else if (l instanceof AvgPool p) {
            return IntKernels.pool(x, s, out, p.window(), ((NodeQuant.Rescale) q).multipliers().get(0));
        } else if (l instanceof GlobalAvgPool) {
            int hw = s.dim(1) * s.dim(2);
            byte[] y = new byte[s.dim(0)];
            for (int c = 0; c < y.length; c++) {
                long sum = 0;
                for (int i = c * hw; i < (c + 1) * hw; i++) {
                    sum += x[i];
                }
                y[c] = IntKernels.mean(sum, hw, ((NodeQuant.Rescale) q).multipliers().get(0));
            }
            return y;
        } else if (l instanceof LayerNorm) {
            return IntKernels.layerNorm(x, s.last(), (NodeQuant.LayerNorm) q);
        } else if (l instanceof Softmax sm) {
            return IntKernels.softmax(x, s, sm.causal(), ((NodeQuant.Softmax) q).exp());
        } else if (l instanceof Flatten || l instanceof Reshape) {
            return x; // same codes, same order: state arrays are never written after they are made
        } else if (l instanceof Transpose) {
            int[] index = sourceIndex.get(n.name());
            byte[] y = new byte[x.length];
            for (int i = 0; i < y.length; i++) {
                y[i] = x[index[i]];
            }
            return y;
        } else if (l instanceof Slice sl) {
            byte[] y = new byte[out.elementCount()];
            DataMovement.slice(x, s, sl.axis(), sl.start(), sl.end(), y);
            return y;
        } else if (l instanceof Constant) {
            return ((NodeQuant.Values) q).values();
        } else if (l instanceof Embedding e) {
            int[] ids = st.ids.get(n.inputs().get(0));
            byte[] table = ((NodeQuant.Values) q).values();
            byte[] y = new byte[ids.length * e.dim()];
            for (int t = 0; t < ids.length; t++) {
                if (ids[t] < 0 || ids[t] >= e.vocab()) {
                    throw new IrException(n.name() + ": token id " + ids[t] + " at position " + t + " is not in [0, " + e.vocab() + ")");
                }
                System.arraycopy(table, ids[t] * e.dim(), y, t * e.dim(), e.dim());
            }
            return y;
        }
        throw new IllegalStateException("the golden executor has no kernel for " + l.kind());
    }

    /**
     * What a matrix-product node (Conv2d with one group, or Linear) computes from, decomposed as FlexiQ's
     * kernels see it: its int8 input in stored channel order, which stored channels are 4-bit and in which
     * group, the static activation shifts (the kernels find dynamic ones themselves) and the weight shift of
     * every (output channel, group). {@code state} must hold the node's input (run the nodes before it first).
     */
    public GemmOperands gemmOperands(String node, IntState state) {
        Node n = model.graph().node(node);
        if (!(model.nodes().get(node) instanceof NodeQuant.Gemm q)) {
            throw new IllegalArgumentException(node + " is not a matrix product with weights");
        }
        String input = n.inputs().get(0);
        byte[] x = state.tensors.get(input);
        Shape s = model.graph().shape(input);
        Site site = model.siteOf(node);
        if (site == null || lowerings.get(site.tensor()).allEightBit()) {
            int[] v = site == null ? new int[x.length] : lowerings.get(site.tensor()).gathered(x, s);
            if (site == null) {
                for (int i = 0; i < v.length; i++) {
                    v[i] = x[i];
                }
            }
            int channels = site == null ? (n.layer() instanceof Conv2d ? s.dim(0) : s.last()) : site.channels();
            int[] none = new int[channels];
            java.util.Arrays.fill(none, -1);
            return new GemmOperands(v, s, none, 0, model.groupWidth(), new int[0], new int[0], q, org.flexiq.isa.arith.FourBit.Codes.SIGNED);
        }
        SiteLowering l = lowerings.get(site.tensor());
        int[] v = l.gathered(x, s);
        return new GemmOperands(v, s, l.groupOf(), l.fourBitGroups(), model.groupWidth(), l.weightShifts(q), l.staticShifts(), q, site.codes());
    }

    /**
     * A matrix product's operands: {@code x} int8 activations in stored channel order ([C, H, W] or [..., K]);
     * {@code groupOf[c]} the 4-bit group of stored channel c, or -1 for an 8-bit channel; weight shifts
     * [output channel * groups + group] (groups counted over the
     * whole site: only the first {@code fourBitGroups} are 4-bit); {@code staticShifts} the static table of
     * the 4-bit groups, or null under dynamic extraction; {@code codes} the site's 4-bit activation codes.
     */
    public record GemmOperands(int[] x, Shape inputShape, int[] groupOf, int fourBitGroups, int groupWidth, int[] weightShift,
                               int[] staticShifts, NodeQuant.Gemm weights, org.flexiq.isa.arith.FourBit.Codes codes) {
        public int siteGroups() {
            return groupOf.length / groupWidth;
        }
    }

    /** Runs one node on {@code state} (for a caller that computes some nodes itself, then hands the output back with {@link IntState#put}). */
    public void runNode(int index, IntState state) {
        run(state, index, index + 1);
    }

    private int[] activations(Node n, byte[] x, Shape s) {
        Site site = model.siteOf(n.name());
        if (site == null) {
            int[] v = new int[x.length];
            for (int i = 0; i < v.length; i++) {
                v[i] = x[i];
            }
            return v;
        }
        return lowerings.get(site.tensor()).activations(x, s);
    }

    /** Live tensors of one sample during a run: int8 codes, and token ids for Embedding inputs. */
    public static final class IntState {
        final Map<String, byte[]> tensors = new HashMap<>();
        final Map<String, int[]> ids = new HashMap<>();

        public IntState copy() {
            IntState c = new IntState();
            c.tensors.putAll(tensors);
            c.ids.putAll(ids);
            return c;
        }

        public byte[] tensor(String name) {
            return tensors.get(name);
        }

        /** Sets a tensor computed outside the golden executor (an emulated kernel's output). */
        public void put(String name, byte[] codes) {
            tensors.put(name, codes);
        }

        /** Token ids of an input read by an Embedding, or null. */
        public int[] ids(String name) {
            return ids.get(name);
        }

        public long bytes() {
            long b = 0;
            for (byte[] t : tensors.values()) {
                b += t.length;
            }
            for (int[] t : ids.values()) {
                b += 4L * t.length;
            }
            return b;
        }
    }
}
