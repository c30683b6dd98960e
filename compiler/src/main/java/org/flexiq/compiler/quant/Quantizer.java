package org.flexiq.compiler.quant;

import org.flexiq.isa.arith.FourBit;
import org.flexiq.isa.arith.IntArithmetic;
import org.flexiq.isa.arith.FixedPoint;
import org.flexiq.workloads.ir.Activation;
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
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.ParamSpec;
import org.flexiq.workloads.ir.Relu;
import org.flexiq.workloads.ir.Relu6;
import org.flexiq.workloads.ir.Reshape;
import org.flexiq.workloads.ir.Slice;
import org.flexiq.workloads.ir.Softmax;
import org.flexiq.workloads.ir.TensorInfo;
import org.flexiq.workloads.ir.Transpose;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Int8 post-training quantization (DESIGN.md's numeric contract): BatchNorm folded, one symmetric scale per
 * activation tensor, one per output channel of every weight, int32 biases, fixed-point requantization.
 * The result has FlexiQ's sites with identity orders and no stored ratios; a selector adds those.
 */
public final class Quantizer {
    private Quantizer() {
    }

    public static QuantizedModel quantize(Model model, List<Map<String, FloatTensor>> calibration, QuantizerOptions options) {
        Model folded = BatchNormFolder.fold(model);
        Graph g = folded.graph();
        // the sites are fixed by the graph's shapes; their outputs seen while calibrating are kept for the code histograms
        KeptOutputs kept = KeptOutputs.ofHeapShare(shapeSites(g, options.groupWidth()).keySet());
        CalibrationStats stats;
        Map<String, Double> scales;
        Map<String, Site> sites;
        Map<String, long[][]> codes;
        Map<String, Double> given = throughScaleKeepers(g, givenRanges(model.metadata()));
        try {
            stats = Calibrator.calibrate(folded, calibration, options.calibration(), kept);
            scales = scales(g, stats, given);
            sites = findSites(g, t -> channelCodes(stats.channelMax().get(t), scales.get(t)), options.groupWidth());
            codes = Calibrator.codeHistograms(folded, calibration, scales, sites.values(), kept);
        } finally {
            kept.release();
        }
        Map<String, NodeQuant> nodes = new HashMap<>();
        for (Node n : g.nodes()) {
            NodeQuant q = quantizeNode(folded, n, scales);
            if (q != null) {
                nodes.put(n.name(), q);
            }
        }
        if (options.unsignedCodes()) {
            sites.replaceAll((t, s) -> NonNegativeCodes.of(g, nodes, t) ? s.withCodes(FourBit.Codes.UNSIGNED) : s);
        }
        sites.replaceAll((t, s) -> s.withProfile(ShiftProfile.of(codes.get(t), s.codes())));
        Map<String, String> meta = new LinkedHashMap<>(model.metadata());
        long used = given.keySet().stream().filter(scales::containsKey).count();
        meta.put("quant.calibration", options.calibration() + " over " + stats.samples() + " samples"
                + (used > 0 ? ", " + used + " activation ranges given by the model (" + Model.GIVEN_RANGE + "*)" : ""));
        meta.put("quant.groupWidth", Integer.toString(options.groupWidth()));
        if (options.unsignedCodes()) {
            meta.put("quant.unsignedCodes", sites.values().stream().filter(s -> s.codes() == FourBit.Codes.UNSIGNED).count() + " of " + sites.size()
                    + " sites (never negative)");
        }
        noteEightBitOnly(g, sites, options.groupWidth(), meta);
        return new QuantizedModel(g, scales, nodes, sites, options.groupWidth(), List.of(), meta);
    }

    /**
     * The timing-only model of {@code model}'s graph: the structure {@link #quantize} gives (BatchNorm folded, one node
     * quantization of the right kind and size per node, the same sites with the same producers), with no weights read and
     * no calibration run. Every value is zero and every scale 1/127, so it computes nothing meaningful: cycles depend on
     * shapes and the per-ratio 4-bit channel counts only. Marked by {@link #TIMING_ONLY} in its metadata, which the value
     * paths (golden executor, .flx writer) refuse.
     */
    public static QuantizedModel timingOnly(Graph graph, int groupWidth, Map<String, String> metadata) {
        if (groupWidth < 1 || groupWidth > 4096) {
            throw new IllegalArgumentException("group width must be in 1..4096, got " + groupWidth); // as QuantizerOptions says
        }
        Graph g = BatchNormFolder.foldGraph(graph);
        Map<String, Double> scales = new HashMap<>();
        g.inputs().forEach(t -> scales.put(t.name(), 1.0 / 127));
        Map<String, NodeQuant> nodes = new HashMap<>();
        for (Node n : g.nodes()) {
            scales.put(n.name(), 1.0 / 127);
            NodeQuant q = zeroQuant(g, n);
            if (q != null) {
                nodes.put(n.name(), q);
            }
        }
        Map<String, Site> sites = shapeSites(g, groupWidth);
        Map<String, String> meta = new LinkedHashMap<>(metadata);
        meta.put(TIMING_ONLY, "shapes only: no weights, calibration or selection");
        meta.put("quant.groupWidth", Integer.toString(groupWidth));
        return new QuantizedModel(g, scales, nodes, sites, groupWidth, List.of(), meta);
    }

    /** Metadata key naming the 4-bit-capable layers that stay 8-bit because G does not divide their input channels. */
    public static final String EIGHT_BIT_ONLY = "quant.eightBitOnly";

    private static void noteEightBitOnly(Graph g, Map<String, Site> sites, int groupWidth, Map<String, String> meta) {
        List<String> kept = new ArrayList<>();
        for (Node n : g.nodes()) {
            if (eligible(g, n) && !sites.containsKey(n.inputs().get(0))) {
                kept.add(n.name());
            }
        }
        if (!kept.isEmpty()) {
            meta.put(EIGHT_BIT_ONLY, kept.size() + " layer(s) stay 8-bit, their input channels not a multiple of G = " + groupWidth + ": "
                    + String.join(", ", kept.subList(0, Math.min(5, kept.size()))) + (kept.size() > 5 ? ", ..." : ""));
        }
    }

    /** Metadata key of a {@link #timingOnly} model. */
    public static final String TIMING_ONLY = "quant.timingOnly";

    /** Refuses a {@link #timingOnly} model where values are needed. */
    public static void requireValues(QuantizedModel m, String what) {
        if (m.metadata().containsKey(TIMING_ONLY)) {
            throw new IllegalArgumentException(what + " needs values, and " + m.graph().name() + " is a timing-only model (shapes only)");
        }
    }

    /** A node's quantization of the kind {@link #expectedQuant} names, sized from the graph, all values zero. */
    private static NodeQuant zeroQuant(Graph g, Node n) {
        Class<? extends NodeQuant> kind = expectedQuant(n.layer());
        if (kind == null) {
            return null;
        }
        Map<String, Integer> sizes = new HashMap<>();
        for (ParamSpec p : g.params(n)) {
            sizes.put(p.role(), p.shape().elementCount());
        }
        FixedPoint unit = FixedPoint.of(1.0);
        if (kind == NodeQuant.Gemm.class) {
            int out = n.layer() instanceof Conv2d c ? c.outChannels() : ((Linear) n.layer()).outFeatures();
            int taps = n.layer() instanceof Conv2d c ? c.kernelH() * c.kernelW() : 1;
            int weights = sizes.get("weight");
            FixedPoint[] requant = new FixedPoint[out];
            java.util.Arrays.fill(requant, unit);
            return new NodeQuant.Gemm(new byte[weights], new int[out], requant, out, weights / out / taps, taps);
        } else if (kind == NodeQuant.MatMul.class) {
            return new NodeQuant.MatMul(unit);
        } else if (kind == NodeQuant.Add.class) {
            return new NodeQuant.Add(unit, unit);
        } else if (kind == NodeQuant.Mul.class) {
            return new NodeQuant.Mul(unit);
        } else if (kind == NodeQuant.Rescale.class) {
            return new NodeQuant.Rescale(java.util.Collections.nCopies(n.layer() instanceof Concat ? n.inputs().size() : 1, unit));
        } else if (kind == NodeQuant.Clamp.class) {
            return new NodeQuant.Clamp(0, 127);
        } else if (kind == NodeQuant.Lookup.class) {
            return new NodeQuant.Lookup(new byte[256]);
        } else if (kind == NodeQuant.Softmax.class) {
            return new NodeQuant.Softmax(new int[256]);
        } else if (kind == NodeQuant.LayerNorm.class) {
            return new NodeQuant.LayerNorm(new int[sizes.get("gamma")], new int[sizes.get("beta")], 0);
        }
        return new NodeQuant.Values(new byte[sizes.get(n.layer() instanceof Constant ? "value" : "weight")]);
    }

    /** Kinds whose output reuses the input's scale: they only move, compare or clamp values. */
    static boolean keepsScale(Layer l) {
        return l instanceof Relu || l instanceof Relu6 || l instanceof MaxPool || l instanceof Flatten
                || l instanceof Reshape || l instanceof Transpose || l instanceof Slice;
    }

    /** The ranges a model fixes itself ({@link Model#GIVEN_RANGE}), by tensor. */
    private static Map<String, Double> givenRanges(Map<String, String> metadata) {
        Map<String, Double> r = new HashMap<>();
        metadata.forEach((k, v) -> {
            if (k.startsWith(Model.GIVEN_RANGE)) {
                try {
                    double d = Double.parseDouble(v);
                    if (d > 0 && Double.isFinite(d)) {
                        r.put(k.substring(Model.GIVEN_RANGE.length()), d);
                        return;
                    }
                } catch (NumberFormatException e) {
                    // refused below
                }
                throw new IllegalArgumentException("metadata " + k + " is '" + v + "', expected a positive finite range");
            }
        });
        return r;
    }

    /**
     * A range given for the output of a kind that keeps its input's scale (a QDQ pair after a ReLU or a reshape)
     * is the range of the tensor that scale comes from.
     */
    private static Map<String, Double> throughScaleKeepers(Graph g, Map<String, Double> given) {
        Set<String> produced = new HashSet<>();
        g.nodes().forEach(n -> produced.add(n.name()));
        Map<String, Double> r = new HashMap<>();
        given.forEach((t, v) -> {
            String u = t;
            while (produced.contains(u) && keepsScale(g.node(u).layer())) {
                u = g.node(u).inputs().get(0);
            }
            r.merge(u, v, Math::max);
        });
        return r;
    }

    private static Map<String, Double> scales(Graph g, CalibrationStats stats, Map<String, Double> given) {
        Map<String, Double> s = new HashMap<>();
        for (TensorInfo in : g.inputs()) {
            s.put(in.name(), scaleOf(given.getOrDefault(in.name(), stats.range().get(in.name()))));
        }
        for (Node n : g.nodes()) {
            Layer l = n.layer();
            if (keepsScale(l)) {
                s.put(n.name(), s.get(n.inputs().get(0)));
            } else if (l instanceof Softmax) {
                s.put(n.name(), 1.0 / 127);
            } else {
                s.put(n.name(), scaleOf(given.getOrDefault(n.name(), stats.range().get(n.name()))));
            }
        }
        return s;
    }

    private static double scaleOf(Double range) {
        return range == null || !(range > 0) ? 1.0 / 127 : range / 127;
    }

    static byte quantize(double v, double scale) {
        return IntArithmetic.saturateInt8(roundHalfAway(v / scale));
    }

    static long roundHalfAway(double v) {
        return (long) (v >= 0 ? Math.floor(v + 0.5) : -Math.floor(-v + 0.5));
    }

    private static float[] data(Model m, Node n, String role) {
        return ((FloatTensor) m.tensors().get(n.name() + "." + role)).data();
    }

    private static NodeQuant quantizeNode(Model m, Node n, Map<String, Double> scales) {
        Layer l = n.layer();
        double sOut = scales.get(n.name());
        double sIn = n.inputs().isEmpty() ? 0 : scales.get(n.inputs().get(0));
        if (l instanceof Conv2d || l instanceof Linear) {
            return gemm(m, n, sIn, sOut);
        } else if (l instanceof MatMul) {
            return new NodeQuant.MatMul(FixedPoint.of(sIn * scales.get(n.inputs().get(1)) / sOut));
        } else if (l instanceof Add) {
            return new NodeQuant.Add(FixedPoint.of(sIn / sOut), FixedPoint.of(scales.get(n.inputs().get(1)) / sOut));
        } else if (l instanceof Mul) {
            return new NodeQuant.Mul(FixedPoint.of(sIn * scales.get(n.inputs().get(1)) / sOut));
        } else if (l instanceof Concat) {
            List<FixedPoint> f = new ArrayList<>();
            for (String in : n.inputs()) {
                f.add(FixedPoint.of(scales.get(in) / sOut));
            }
            return new NodeQuant.Rescale(f);
        } else if (l instanceof AvgPool || l instanceof GlobalAvgPool) {
            return new NodeQuant.Rescale(List.of(FixedPoint.of(sIn / sOut)));
        } else if (l instanceof Relu) {
            return new NodeQuant.Clamp(0, 127);
        } else if (l instanceof Relu6) {
            return new NodeQuant.Clamp(0, (int) Math.min(127, roundHalfAway(6 / sIn)));
        } else if (l instanceof Activation a) {
            byte[] table = new byte[256];
            for (int x = -128; x < 128; x++) {
                table[x + 128] = quantize(a.apply((float) (x * sIn)), sOut);
            }
            return new NodeQuant.Lookup(table);
        } else if (l instanceof Softmax sm) {
            int[] exp = new int[256];
            for (int d = 0; d < 256; d++) {
                exp[d] = (int) roundHalfAway(Math.exp(-sm.scale() * sIn * d) * 65536);
            }
            return new NodeQuant.Softmax(exp);
        } else if (l instanceof LayerNorm ln) {
            float[] gamma = data(m, n, "gamma");
            float[] beta = data(m, n, "beta");
            int[] gq = new int[gamma.length];
            int[] bq = new int[beta.length];
            for (int i = 0; i < gq.length; i++) {
                gq[i] = IntArithmetic.saturate(roundHalfAway(gamma[i] / sOut * 65536), -(1 << 30), 1 << 30);
                bq[i] = IntArithmetic.saturate(roundHalfAway(beta[i] / sOut * 65536), -(1 << 30), 1 << 30);
            }
            double d = gamma.length;
            long eps = Math.min(1L << 50, roundHalfAway(ln.eps() * d * d / (sIn * sIn)));
            return new NodeQuant.LayerNorm(gq, bq, eps);
        } else if (l instanceof Constant) {
            return new NodeQuant.Values(quantizeAll(data(m, n, "value"), sOut));
        } else if (l instanceof Embedding) {
            return new NodeQuant.Values(quantizeAll(data(m, n, "weight"), sOut));
        } else if (keepsScale(l)) {
            return null;
        }
        throw new IrException(n.name() + ": quantization has no rule for layer kind " + l.kind());
    }

    /**
     * The quantization a node of this layer kind carries in a quantized model, or null for the kinds that keep their
     * input's codes (pooling by max, reshapes): what a file read back must hold, node by node.
     */
    public static Class<? extends NodeQuant> expectedQuant(Layer l) {
        if (l instanceof Conv2d || l instanceof Linear) {
            return NodeQuant.Gemm.class;
        } else if (l instanceof MatMul) {
            return NodeQuant.MatMul.class;
        } else if (l instanceof Add) {
            return NodeQuant.Add.class;
        } else if (l instanceof Mul) {
            return NodeQuant.Mul.class;
        } else if (l instanceof Concat || l instanceof AvgPool || l instanceof GlobalAvgPool) {
            return NodeQuant.Rescale.class;
        } else if (l instanceof Relu || l instanceof Relu6) {
            return NodeQuant.Clamp.class;
        } else if (l instanceof Activation) {
            return NodeQuant.Lookup.class;
        } else if (l instanceof Softmax) {
            return NodeQuant.Softmax.class;
        } else if (l instanceof LayerNorm) {
            return NodeQuant.LayerNorm.class;
        } else if (l instanceof Constant || l instanceof Embedding) {
            return NodeQuant.Values.class;
        }
        return null;
    }

    private static byte[] quantizeAll(float[] v, double scale) {
        byte[] q = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            q[i] = quantize(v[i], scale);
        }
        return q;
    }

    private static NodeQuant.Gemm gemm(Model m, Node n, double sIn, double sOut) {
        float[] w = data(m, n, "weight");
        int out;
        int taps;
        boolean hasBias;
        if (n.layer() instanceof Conv2d c) {
            out = c.outChannels();
            taps = c.kernelH() * c.kernelW();
            hasBias = c.bias();
        } else {
            Linear lin = (Linear) n.layer();
            out = lin.outFeatures();
            taps = 1;
            hasBias = lin.bias();
        }
        int per = w.length / out;
        byte[] q = new byte[w.length];
        int[] bias = new int[out];
        FixedPoint[] requant = new FixedPoint[out];
        float[] b = hasBias ? data(m, n, "bias") : null;
        for (int o = 0; o < out; o++) {
            double max = 0;
            for (int i = o * per; i < (o + 1) * per; i++) {
                max = Math.max(max, Math.abs(w[i]));
            }
            double sw = max > 0 ? max / 127 : 1.0 / 127;
            for (int i = o * per; i < (o + 1) * per; i++) {
                q[i] = quantize(w[i], sw);
            }
            bias[o] = b == null ? 0 : IntArithmetic.saturate(roundHalfAway(b[o] / (sIn * sw)), Integer.MIN_VALUE, Integer.MAX_VALUE);
            requant[o] = FixedPoint.of(sIn * sw / sOut);
        }
        return new NodeQuant.Gemm(q, bias, requant, out, per / taps, taps);
    }

    /**
     * A Conv2d (not grouped) or Linear may compute in 4 bits unless it reads the model's raw input (directly or
     * through layout-only ops such as Flatten): the first layer stays 8-bit, as is usual for low-bit models.
     */
    static boolean eligible(Graph g, Node n) {
        boolean gemm = (n.layer() instanceof Conv2d c && c.groups() == 1) || n.layer() instanceof Linear;
        if (!gemm) {
            return false;
        }
        String t = n.inputs().get(0);
        while (true) {
            String current = t;
            if (g.inputs().stream().anyMatch(i -> i.name().equals(current))) {
                return false;
            }
            Layer l = g.node(t).layer();
            if (!(l instanceof Flatten || l instanceof Reshape || l instanceof Transpose || l instanceof Slice)) {
                return true;
            }
            t = g.node(t).inputs().get(0);
        }
    }

    /** Calibrated per-channel maxima in int8 codes of the tensor's scale. */
    private static int[] channelCodes(float[] channelMax, double scale) {
        int[] cmq = new int[channelMax.length];
        for (int c = 0; c < cmq.length; c++) {
            cmq[c] = (int) Math.min(127, roundHalfAway(channelMax[c] / scale));
        }
        return cmq;
    }

    /** The sites from the shapes alone (channel maxima all 0): the same tensors, consumers and producers as with data. */
    private static Map<String, Site> shapeSites(Graph g, int groupWidth) {
        return findSites(g, t -> new int[g.shape(t).dim(Calibrator.channelAxis(g, t))], groupWidth);
    }

    private static Map<String, Site> findSites(Graph g, java.util.function.Function<String, int[]> channelMax, int groupWidth) {
        Map<String, List<String>> consumers = new LinkedHashMap<>();
        for (Node n : g.nodes()) {
            if (eligible(g, n)) {
                consumers.computeIfAbsent(n.inputs().get(0), k -> new ArrayList<>()).add(n.name());
            }
        }
        Map<String, Site> sites = new LinkedHashMap<>();
        String firstSkipped = null;
        for (Map.Entry<String, List<String>> e : consumers.entrySet()) {
            String t = e.getKey();
            int axis = Calibrator.channelAxis(g, t);
            int channels = g.shape(t).dim(axis);
            if (channels % groupWidth != 0) {
                // FlexiQ groups a layer's input channels by G: a layer whose channels G does not divide (a squeeze-and-
                // excitation block's few) stays 8-bit, as the first layer does
                firstSkipped = firstSkipped != null ? firstSkipped : e.getValue().get(0) + ": its " + channels
                        + " input channels are not a multiple of the group width " + groupWidth;
                continue;
            }
            int[] cmq = channelMax.apply(t);
            String producer = foldableProducer(g, t, e.getValue());
            sites.put(t, new Site(t, axis, channels, e.getValue(), cmq, Site.identity(channels), new int[0], null, producer, null,
                    FourBit.Codes.SIGNED));
        }
        if (sites.isEmpty() && firstSkipped != null) {
            throw new IrException(firstSkipped + ", nor are any other 4-bit-capable layer's (choose a group width that divides some)");
        }
        return sites;
    }

    /**
     * The Conv2d/Linear whose output rows can carry the site's channel order: reached from the site through
     * single-reader channel-wise ops, with every reader of the site a 4-bit-capable GEMM, and nothing on the
     * way a graph output. Null when the order must be applied by a run-time reorder instead.
     */
    static String foldableProducer(Graph g, String site, List<String> siteConsumers) {
        if (g.consumers(site).size() != siteConsumers.size()) {
            return null;
        }
        String t = site; // always a node output: sites never are graph inputs, and the walk stops before one
        while (true) {
            if (g.outputs().contains(t)) {
                return null;
            }
            Node p = g.node(t);
            Layer l = p.layer();
            if ((l instanceof Conv2d c && c.groups() == 1) || l instanceof Linear) {
                return p.name();
            }
            boolean channelWise = l instanceof Activation || l instanceof MaxPool || l instanceof AvgPool || l instanceof GlobalAvgPool;
            if (!channelWise) {
                return null;
            }
            String in = p.inputs().get(0);
            if (g.consumers(in).size() != 1 || g.inputs().stream().anyMatch(i -> i.name().equals(in))) {
                return null;
            }
            t = in;
        }
    }
}
