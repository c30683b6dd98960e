package org.flexiq.compiler.quant;

import org.flexiq.isa.arith.FixedPoint;
import org.flexiq.isa.arith.FourBit;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.flexiq.workloads.flx.FlxFile;
import org.flexiq.workloads.flx.FlxFormatException;
import org.flexiq.workloads.flx.FlxReader;
import org.flexiq.workloads.flx.FlxWriter;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Int32Tensor;
import org.flexiq.workloads.ir.Int8Tensor;
import org.flexiq.workloads.ir.MapTensorSource;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.ir.Shape;
import org.flexiq.workloads.ir.Tensor;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A {@link QuantizedModel} as a version-2 .flx file (workloads/README.md gives the container; the
 * quantization section is documented in compiler/README.md). Int8 weights, int32 biases and requantizers,
 * lookup tables and channel data are tensors; scales, small multipliers, sites and MAX_4BIT_CH per layer per
 * ratio are in the header. Static 4-bit shift tables are stored for the NPU beside the data they derive from.
 */
public final class QuantizedFlx {
    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private QuantizedFlx() {
    }

    public static void write(Path target, QuantizedModel m) throws IOException {
        Quantizer.requireValues(m, "writing " + target);
        Map<String, Tensor> t = new LinkedHashMap<>();
        ObjectNode q = JSON.objectNode();
        q.put("groupWidth", m.groupWidth());
        ArrayNode ratios = q.putArray("ratios");
        m.ratios().forEach(ratios::add);
        ObjectNode scales = q.putObject("scales");
        new TreeMap<>(m.scales()).forEach(scales::put);
        ObjectNode nodes = q.putObject("nodes");
        for (Node n : m.graph().nodes()) {
            NodeQuant nq = m.nodes().get(n.name());
            if (nq != null) {
                nodes.set(n.name(), node(n.name(), nq, t));
            }
        }
        ArrayNode sites = q.putArray("sites");
        ObjectNode layers = q.putObject("layers");
        for (Site s : m.sites().values()) {
            ObjectNode o = sites.addObject();
            o.put("tensor", s.tensor());
            o.put("axis", s.axis());
            o.put("channels", s.channels());
            ArrayNode consumers = o.putArray("consumers");
            s.consumers().forEach(consumers::add);
            if (s.producer() != null) {
                o.put("producer", s.producer());
            }
            o.put("reorder", s.gather() != null);
            if (s.codes() == FourBit.Codes.UNSIGNED) {
                // absent means signed: files written before unsigned codes read as they did
                o.put("codes", "unsigned");
            }
            if (s.judgedShift() != null) {
                // the ashift tensor below is then the shifts themselves, not a table derived from the profile
                o.put("staticShifts", "outputs");
            }
            ArrayNode counts = o.putArray("fourBitChannels");
            for (int c : s.fourBitChannels()) {
                counts.add(c);
            }
            t.put(s.tensor() + ".channelMax", new Int32Tensor(Shape.of(s.channels()), s.channelMax().clone()));
            t.put(s.tensor() + ".order", new Int32Tensor(Shape.of(s.channels()), s.order().clone()));
            if (s.profile() != null) {
                t.put(s.tensor() + ".shiftError", new FloatTensor(Shape.of(s.channels(), ShiftProfile.SHIFTS), s.profile().error().clone()));
                t.put(s.tensor() + ".meanSquare", new FloatTensor(Shape.of(s.channels()), s.profile().meanSquare().clone()));
            }
            if (s.gather() != null) {
                t.put(s.tensor() + ".gather", new Int32Tensor(Shape.of(s.channels()), s.gather().clone()));
            }
            t.put(s.tensor() + ".ashift", bytes(Shape.of(s.channels() / m.groupWidth()),
                    BitExtractor.staticShifts(s, m.groupWidth(), Extraction.STATIC)));
            for (String c : s.consumers()) {
                NodeQuant.Gemm g = (NodeQuant.Gemm) m.nodes().get(c);
                t.put(c + ".wshift", bytes(Shape.of(g.outChannels(), s.channels() / m.groupWidth()),
                        BitExtractor.weightShifts(g, s, m.groupWidth(), Extraction.STATIC)));
                ObjectNode layer = layers.putObject(c);
                layer.put("site", s.tensor());
                ObjectNode max4 = layer.putObject("max4bitChannels");
                for (int r = 0; r < m.ratios().size(); r++) {
                    max4.put(ratioKey(m.ratios().get(r)), s.fourBitChannels()[r]);
                }
            }
        }
        FlxWriter.write(target, new Model(m.graph(), new MapTensorSource(t), m.metadata()), q);
    }

    static String ratioKey(double r) {
        return String.format(Locale.ROOT, "%s", r);
    }

    private static Int8Tensor bytes(Shape s, int[] v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return new Int8Tensor(s, b);
    }

    private static ArrayNode fixed(FixedPoint f) {
        return JSON.arrayNode().add(f.multiplier()).add(f.shift());
    }

    private static ObjectNode node(String name, NodeQuant nq, Map<String, Tensor> t) {
        ObjectNode o = JSON.objectNode();
        if (nq instanceof NodeQuant.Gemm g) {
            o.put("kind", "gemm").put("outChannels", g.outChannels()).put("inChannels", g.inChannels()).put("taps", g.taps());
            t.put(name + ".qweight", new Int8Tensor(Shape.of(g.outChannels(), g.inChannels(), g.taps()), g.weight().clone()));
            t.put(name + ".qbias", new Int32Tensor(Shape.of(g.outChannels()), g.bias().clone()));
            int[] rq = new int[2 * g.outChannels()];
            for (int i = 0; i < g.outChannels(); i++) {
                rq[2 * i] = g.requant()[i].multiplier();
                rq[2 * i + 1] = g.requant()[i].shift();
            }
            t.put(name + ".requant", new Int32Tensor(Shape.of(g.outChannels(), 2), rq));
        } else if (nq instanceof NodeQuant.MatMul mm) {
            o.put("kind", "matmul").set("requant", fixed(mm.requant()));
        } else if (nq instanceof NodeQuant.Mul mul) {
            o.put("kind", "mul").set("requant", fixed(mul.requant()));
        } else if (nq instanceof NodeQuant.Add a) {
            o.put("kind", "add");
            o.set("a", fixed(a.a()));
            o.set("b", fixed(a.b()));
        } else if (nq instanceof NodeQuant.Rescale r) {
            ArrayNode arr = o.put("kind", "rescale").putArray("multipliers");
            r.multipliers().forEach(f -> arr.add(fixed(f)));
        } else if (nq instanceof NodeQuant.Clamp c) {
            o.put("kind", "clamp").put("min", c.min()).put("max", c.max());
        } else if (nq instanceof NodeQuant.Lookup l) {
            o.put("kind", "lookup");
            t.put(name + ".table", new Int8Tensor(Shape.of(256), l.table().clone()));
        } else if (nq instanceof NodeQuant.Values v) {
            o.put("kind", "values");
            t.put(name + ".values", new Int8Tensor(Shape.of(v.values().length), v.values().clone()));
        } else if (nq instanceof NodeQuant.Softmax s) {
            o.put("kind", "softmax");
            t.put(name + ".exp", new Int32Tensor(Shape.of(256), s.exp().clone()));
        } else {
            NodeQuant.LayerNorm ln = (NodeQuant.LayerNorm) nq;
            o.put("kind", "layernorm").put("eps", ln.eps());
            t.put(name + ".gamma_q", new Int32Tensor(Shape.of(ln.gamma().length), ln.gamma().clone()));
            t.put(name + ".beta_q", new Int32Tensor(Shape.of(ln.beta().length), ln.beta().clone()));
        }
        return o;
    }

    /** Reads a quantized .flx; a float model or a malformed quantization section is a FlxFormatException. */
    public static QuantizedModel read(Path file) throws IOException {
        FlxFile f = FlxReader.read(file);
        if (!f.quantized()) {
            throw new FlxFormatException(file, "version", "a float model (version 1); quantize it first: sim quantize " + file);
        }
        return new Decoder(file, f).model();
    }

    /** Reading with the JSON path of each field at hand, so every error names it. */
    private static final class Decoder {
        private final Path file;
        private final FlxFile f;
        private final Map<String, Tensor> tensors = new LinkedHashMap<>();

        Decoder(Path file, FlxFile f) {
            this.file = file;
            this.f = f;
            for (String n : f.model().tensors().names()) {
                tensors.put(n, f.model().tensors().get(n));
            }
        }

        private FlxFormatException bad(String field, String what) {
            return new FlxFormatException(file, field, what);
        }

        private JsonNode req(JsonNode o, String field, String path) throws FlxFormatException {
            JsonNode v = o == null ? null : o.get(field);
            if (v == null || v.isNull()) {
                throw bad(path + "." + field, "missing");
            }
            return v;
        }

        private int integer(JsonNode o, String field, String path) throws FlxFormatException {
            JsonNode v = req(o, field, path);
            if (!v.canConvertToInt()) {
                throw bad(path + "." + field, "expected an integer, found " + v);
            }
            return v.asInt();
        }

        private FixedPoint fixed(JsonNode v, String path) throws FlxFormatException {
            if (v == null || !v.isArray() || v.size() != 2 || !v.get(0).canConvertToInt() || !v.get(1).canConvertToInt()) {
                throw bad(path, "expected [multiplier, shift]");
            }
            try {
                return new FixedPoint(v.get(0).asInt(), v.get(1).asInt());
            } catch (IllegalArgumentException e) {
                throw bad(path, e.getMessage());
            }
        }

        private <T extends Tensor> T tensor(String name, Class<T> type, int elements) throws FlxFormatException {
            Tensor t = tensors.get(name);
            if (t == null) {
                throw bad("tensors", "tensor '" + name + "' is missing");
            }
            if (!type.isInstance(t)) {
                throw bad("tensors '" + name + "'.dtype", t.dtype().id() + " is not the expected type");
            }
            if (elements >= 0 && t.shape().elementCount() != elements) {
                throw bad("tensors '" + name + "'.shape", t.shape() + " does not hold " + elements + " elements");
            }
            return type.cast(t);
        }

        QuantizedModel model() throws FlxFormatException {
            JsonNode q = f.quantization();
            String p = "quantization";
            int gw = integer(q, "groupWidth", p);
            if (gw < 1) {
                throw bad(p + ".groupWidth", "must be >= 1, got " + gw);
            }
            List<Double> ratios = new ArrayList<>();
            for (JsonNode r : req(q, "ratios", p)) {
                ratios.add(r.asDouble());
            }
            for (int i = 0; i < ratios.size(); i++) {
                if (!(ratios.get(i) > 0 && ratios.get(i) <= 1) || (i > 0 && ratios.get(i) <= ratios.get(i - 1))) {
                    throw bad(p + ".ratios", "expected ascending ratios in (0, 1], found " + ratios);
                }
            }
            Map<String, Double> scales = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> e : req(q, "scales", p).properties()) {
                double s = e.getValue().asDouble();
                if (!(s > 0) || Double.isInfinite(s)) {
                    throw bad(p + ".scales." + e.getKey(), "expected a positive scale, found " + e.getValue());
                }
                scales.put(e.getKey(), s);
            }
            List<String> tensorNames = new ArrayList<>();
            f.model().graph().inputs().forEach(i -> tensorNames.add(i.name()));
            f.model().graph().nodes().forEach(n -> tensorNames.add(n.name()));
            for (String name : tensorNames) {
                if (!scales.containsKey(name)) {
                    throw bad(p + ".scales", "no scale for tensor '" + name + "'");
                }
            }
            Map<String, NodeQuant> nodes = new LinkedHashMap<>();
            JsonNode nodesJson = req(q, "nodes", p);
            for (Node n : f.model().graph().nodes()) {
                JsonNode o = nodesJson.get(n.name());
                if (o != null) {
                    nodes.put(n.name(), node(n.name(), o, p + ".nodes." + n.name()));
                }
                check(n, nodes.get(n.name()), p + ".nodes." + n.name());
            }
            Map<String, Site> sites = new LinkedHashMap<>();
            int i = 0;
            for (JsonNode s : req(q, "sites", p)) {
                String sp = p + ".sites[" + i++ + "]";
                String tensor = req(s, "tensor", sp).asText();
                int channels = integer(s, "channels", sp);
                List<String> consumers = new ArrayList<>();
                for (JsonNode c : req(s, "consumers", sp)) {
                    if (!(nodes.get(c.asText()) instanceof NodeQuant.Gemm g) || g.inChannels() != channels) {
                        throw bad(sp + ".consumers", "'" + c.asText() + "' is not a Conv2d/Linear with " + channels + " input channels");
                    }
                    consumers.add(c.asText());
                }
                int[] counts = new int[ratios.size()];
                JsonNode cj = req(s, "fourBitChannels", sp);
                if (cj.size() != ratios.size()) {
                    throw bad(sp + ".fourBitChannels", "expected one count per stored ratio (" + ratios.size() + ")");
                }
                for (int r = 0; r < counts.length; r++) {
                    counts[r] = cj.get(r).asInt(-1);
                    if (counts[r] < 0 || counts[r] > channels || counts[r] % gw != 0 || (r > 0 && counts[r] < counts[r - 1])) {
                        throw bad(sp + ".fourBitChannels", "counts must be multiples of " + gw + " in 0.." + channels + ", not decreasing: " + cj);
                    }
                }
                if (channels % gw != 0) {
                    throw bad(sp + ".channels", channels + " is not a multiple of the group width " + gw);
                }
                int[] order = permutation(tensor + ".order", channels);
                int[] gather = req(s, "reorder", sp).asBoolean() ? permutation(tensor + ".gather", channels) : null;
                int[] cm = tensor(tensor + ".channelMax", Int32Tensor.class, channels).data().clone();
                for (int c = 0; c < channels; c++) {
                    if (cm[c] < 0 || cm[c] > 127) {
                        throw bad("tensors '" + tensor + ".channelMax'", "element " + c + " is " + cm[c] + ", expected a calibrated int8 magnitude in [0, 127]");
                    }
                }
                int axis = integer(s, "axis", sp);
                Shape shape;
                try {
                    shape = f.model().graph().shape(tensor);
                } catch (org.flexiq.workloads.ir.IrException e) {
                    throw bad(sp + ".tensor", "'" + tensor + "' is not a tensor of the graph");
                }
                if (axis < 0 || axis >= shape.dims().length || shape.dims()[axis] != channels) {
                    throw bad(sp + ".axis", "axis " + axis + " of '" + tensor + "' " + shape + " does not hold its " + channels + " channels");
                }
                String producer = s.hasNonNull("producer") ? s.get("producer").asText() : null;
                FourBit.Codes codes = codes(s, sp, tensor, nodes);
                sites.put(tensor, new Site(tensor, axis, channels, consumers, cm, order, counts, gather, producer,
                        profile(tensor, channels), codes, judgedShift(s, sp, tensor, order, gw)));
            }
            return new QuantizedModel(f.model().graph(), scales, nodes, sites, gw, ratios, f.model().metadata());
        }

        /**
         * The node's quantization agrees with the graph: present exactly for the kinds that carry one, of the kind the
         * layer needs, and a matrix product's weights shaped as the graph's parameters (checked here, before anything
         * runs, rather than as an index error deep in an executor).
         */
        private void check(Node n, NodeQuant nq, String path) throws FlxFormatException {
            Class<? extends NodeQuant> want = Quantizer.expectedQuant(n.layer());
            if (want == null) {
                if (nq != null) {
                    throw bad(path, "a " + n.layer().kind() + " node keeps its input's codes and has no quantization");
                }
                return;
            }
            if (nq == null) {
                throw bad(path, "missing: a " + n.layer().kind() + " node needs its quantization ("
                        + want.getSimpleName().toLowerCase(Locale.ROOT) + ")");
            }
            if (!want.isInstance(nq)) {
                throw bad(path + ".kind", "a " + n.layer().kind() + " node needs " + want.getSimpleName().toLowerCase(Locale.ROOT)
                        + ", found " + nq.getClass().getSimpleName().toLowerCase(Locale.ROOT));
            }
            if (nq instanceof NodeQuant.Clamp c) {
                // every backend clamps int8 codes: bounds outside int8, or crossed, have no meaning any of them agrees on
                if (c.min() < -128 || c.min() > 127) {
                    throw bad(path + ".min", c.min() + " is not an int8 code in [-128, 127]");
                }
                if (c.max() < c.min() || c.max() > 127) {
                    throw bad(path + ".max", c.max() + " is not an int8 code in [min = " + c.min() + ", 127]");
                }
            }
            if (nq instanceof NodeQuant.Gemm g) {
                org.flexiq.workloads.ir.Graph graph = f.model().graph();
                long weights = 0;
                for (org.flexiq.workloads.ir.ParamSpec s : graph.params(n)) {
                    if (s.role().equals("weight")) {
                        weights = s.shape().elementCount();
                    }
                }
                int out = graph.shape(n.name()).dims()[graph.shape(n.name()).dims().length == 1 ? 0
                        : n.layer() instanceof org.flexiq.workloads.ir.Conv2d ? 0 : graph.shape(n.name()).dims().length - 1];
                if ((long) g.outChannels() * g.inChannels() * g.taps() != weights || g.outChannels() != out) {
                    throw bad(path, g.outChannels() + " x " + g.inChannels() + " x " + g.taps() + " weights do not fit the graph's "
                            + n.layer().kind() + " (" + weights + " weights, " + out + " output channels)");
                }
            }
        }

        /** The site's 4-bit codes: signed unless "codes" says unsigned, which only a tensor that is never negative may take. */
        private FourBit.Codes codes(JsonNode s, String sp, String tensor, Map<String, NodeQuant> nodes) throws FlxFormatException {
            if (!s.has("codes")) {
                return FourBit.Codes.SIGNED;
            }
            String c = s.get("codes").asText("");
            if (c.equals("signed")) {
                return FourBit.Codes.SIGNED;
            }
            if (!c.equals("unsigned")) {
                throw bad(sp + ".codes", "expected \"signed\" or \"unsigned\", not " + s.get("codes"));
            }
            if (!NonNegativeCodes.of(f.model().graph(), nodes, tensor)) {
                throw bad(sp + ".codes", "unsigned codes need a tensor that is never negative (after a ReLU), and '" + tensor + "' can be");
            }
            return FourBit.Codes.UNSIGNED;
        }

        /**
         * Per channel, the static shift of its group where "staticShifts" says they were judged at the outputs (then the site's
         * ashift tensor holds them, per group of the order); null where it is absent or "mse" (derived from the profile).
         */
        private int[] judgedShift(JsonNode s, String sp, String tensor, int[] order, int gw) throws FlxFormatException {
            String rule = s.has("staticShifts") ? s.get("staticShifts").asText("") : "mse";
            if (rule.equals("mse")) {
                return null;
            }
            if (!rule.equals("outputs")) {
                throw bad(sp + ".staticShifts", "expected \"mse\" or \"outputs\", not " + s.get("staticShifts"));
            }
            byte[] groups = tensor(tensor + ".ashift", Int8Tensor.class, order.length / gw).data();
            int[] perChannel = new int[order.length];
            for (int k = 0; k < groups.length; k++) {
                if (groups[k] < 0 || groups[k] > ShiftProfile.MAX_SHIFT) {
                    throw bad("tensors '" + tensor + ".ashift'", "element " + k + " is " + groups[k] + ", expected a shift in 0.." + ShiftProfile.MAX_SHIFT);
                }
                for (int i = k * gw; i < (k + 1) * gw; i++) {
                    perChannel[order[i]] = groups[k];
                }
            }
            return perChannel;
        }

        /** The site's shift profile; null for files written before profiles existed (both tensors absent). */
        private ShiftProfile profile(String tensor, int channels) throws FlxFormatException {
            if (!tensors.containsKey(tensor + ".shiftError") && !tensors.containsKey(tensor + ".meanSquare")) {
                return null;
            }
            float[] err = tensor(tensor + ".shiftError", FloatTensor.class, channels * ShiftProfile.SHIFTS).data().clone();
            float[] ms = tensor(tensor + ".meanSquare", FloatTensor.class, channels).data().clone();
            for (int i = 0; i < err.length; i++) {
                if (!(err[i] >= 0 && err[i] <= 65536)) {
                    throw bad("tensors '" + tensor + ".shiftError'", "element " + i + " is " + err[i] + ", expected a mean squared error in [0, 65536]");
                }
            }
            for (int i = 0; i < ms.length; i++) {
                if (!(ms[i] >= 0 && ms[i] <= 16384)) {
                    throw bad("tensors '" + tensor + ".meanSquare'", "element " + i + " is " + ms[i] + ", expected a mean square in [0, 16384]");
                }
            }
            return new ShiftProfile(err, ms);
        }

        private int[] permutation(String name, int n) throws FlxFormatException {
            int[] p = tensor(name, Int32Tensor.class, n).data().clone();
            boolean[] seen = new boolean[n];
            for (int v : p) {
                if (v < 0 || v >= n || seen[v]) {
                    throw bad("tensors '" + name + "'", "is not a permutation of 0.." + (n - 1));
                }
                seen[v] = true;
            }
            return p;
        }

        private NodeQuant node(String name, JsonNode o, String path) throws FlxFormatException {
            String kind = req(o, "kind", path).asText();
            switch (kind) {
                case "gemm": {
                    int out = integer(o, "outChannels", path);
                    int in = integer(o, "inChannels", path);
                    int taps = integer(o, "taps", path);
                    if (out < 1 || in < 1 || taps < 1) {
                        throw bad(path, "outChannels, inChannels and taps must be >= 1");
                    }
                    byte[] w = tensor(name + ".qweight", Int8Tensor.class, (int) Math.min(Integer.MAX_VALUE, (long) out * in * taps)).data();
                    int[] bias = tensor(name + ".qbias", Int32Tensor.class, out).data();
                    int[] rq = tensor(name + ".requant", Int32Tensor.class, 2 * out).data();
                    FixedPoint[] f = new FixedPoint[out];
                    for (int i = 0; i < out; i++) {
                        try {
                            f[i] = new FixedPoint(rq[2 * i], rq[2 * i + 1]);
                        } catch (IllegalArgumentException e) {
                            throw bad("tensors '" + name + ".requant'[" + i + "]", e.getMessage());
                        }
                    }
                    return new NodeQuant.Gemm(w, bias, f, out, in, taps);
                }
                case "matmul":
                    return new NodeQuant.MatMul(fixed(o.get("requant"), path + ".requant"));
                case "mul":
                    return new NodeQuant.Mul(fixed(o.get("requant"), path + ".requant"));
                case "add":
                    return new NodeQuant.Add(fixed(o.get("a"), path + ".a"), fixed(o.get("b"), path + ".b"));
                case "rescale": {
                    List<FixedPoint> m = new ArrayList<>();
                    int i = 0;
                    for (JsonNode v : req(o, "multipliers", path)) {
                        m.add(fixed(v, path + ".multipliers[" + i++ + "]"));
                    }
                    return new NodeQuant.Rescale(m);
                }
                case "clamp":
                    return new NodeQuant.Clamp(integer(o, "min", path), integer(o, "max", path));
                case "lookup":
                    return new NodeQuant.Lookup(tensor(name + ".table", Int8Tensor.class, 256).data());
                case "values":
                    return new NodeQuant.Values(tensor(name + ".values", Int8Tensor.class, -1).data());
                case "softmax":
                    return new NodeQuant.Softmax(tensor(name + ".exp", Int32Tensor.class, 256).data());
                case "layernorm": {
                    int[] g = tensor(name + ".gamma_q", Int32Tensor.class, -1).data();
                    return new NodeQuant.LayerNorm(g, tensor(name + ".beta_q", Int32Tensor.class, g.length).data(), req(o, "eps", path).asLong());
                }
                default:
                    throw bad(path + ".kind", "unknown kind '" + kind + "'");
            }
        }
    }
}
