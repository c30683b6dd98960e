package org.flexiq.workloads.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import org.flexiq.workloads.ir.Constant;
import org.flexiq.workloads.ir.IrException;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.Shape;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Imports a float ONNX model into the Graph IR. The walk goes node by node in the file's (topological) order:
 * nodes whose inputs are all known are evaluated (constant folding, which also settles exporters' dynamic
 * shape arithmetic); recognized decomposed subgraphs become one layer; every other node is translated by
 * {@link NodeTranslator} or refused in one line naming it.
 *
 * <p>The IR runs one sample: with {@link Batch#LEADING} (models) dimension 0 of every graph input is the batch,
 * symbolic or a number, and the IR leaves it out; with {@link Batch#NONE} the ONNX shapes are the IR's.
 */
public final class OnnxImporter {
    /** How graph inputs' leading dimension is read. */
    public enum Batch { LEADING, NONE }

    /** Opsets whose semantics this importer implements for the default domain (before 7 only for LEGACY_OPS). */
    static final int MIN_OPSET = 1;
    static final int FULL_OPSET = 7;
    /**
     * Ops whose definition for float tensors did not change from opset 1 to opset 7, the only ones taken from graphs of
     * opsets 1 to 6: those with one version before 7 (the Reduce ops' next, at 11, only took negative axes), and the
     * element-wise ones whose opset-6 version only dropped {@code consumed_inputs}, a legacy attribute with no effect on
     * values.
     */
    static final Set<String> LEGACY_OPS = Set.of("GlobalAveragePool", "Flatten", "Identity", "Transpose", "Softmax", "MatMul", "Gather",
            "Relu", "LeakyRelu", "Elu", "Selu", "HardSigmoid", "Sigmoid", "Tanh", "Softplus", "Softsign", "Exp", "Log", "Abs", "Sqrt",
            "Floor", "Ceil", "Neg", "Reciprocal", "InstanceNormalization", "GlobalMaxPool", "ReduceMean", "ReduceSum", "ReduceMax", "ReduceMin", "ReduceSumSquare",
            "ReduceL1", "ReduceL2", "ReduceLogSum", "ReduceLogSumExp");
    static final int MAX_OPSET = 21;

    final Path file;
    final Batch batchMode;
    final IrGraphBuilder ir = new IrGraphBuilder();
    final Map<String, Value> values = new HashMap<>();
    final TensorDecoder decoder;
    OnnxGraphIndex index;
    /** The batch size shapes are folded with (the graph inputs' leading dimension; 1 when symbolic). */
    int batch = 1;
    /** Activation ranges fixed by QDQ pairs, per IR tensor (the quantizer's given ranges). */
    final Map<String, Double> givenRanges = new java.util.TreeMap<>();
    /** IR inputs whose ONNX type is an integer type (token ids). */
    final Set<String> integralInputs = new HashSet<>();
    /** Nodes a translation took into an earlier layer (the Add of a MatMul's bias). */
    final Set<Integer> absorbed = new HashSet<>();
    private final boolean strict;
    private final List<String> unsupported = new ArrayList<>();
    private int folded;

    private OnnxImporter(Path file, Batch batchMode, boolean strict) {
        this.file = file;
        this.batchMode = batchMode;
        this.strict = strict;
        Path dir = file.toAbsolutePath().getParent();
        this.decoder = new TensorDecoder(dir);
    }

    /** Imports {@code file}, reading dimension 0 of its inputs as the batch; refuses the first unsupported node. */
    public static Model read(Path file) throws IOException {
        return read(file, Batch.LEADING);
    }

    public static Model read(Path file, Batch batch) throws IOException {
        return read(parse(file), file, batch);
    }

    /** Imports a parsed model; {@code file} names it in errors and locates its external data. */
    static Model read(ModelProto model, Path file, Batch batch) throws IOException {
        return new OnnxImporter(file, batch, true).run(model).model();
    }

    /** What import makes of {@code file}, listing every unsupported node instead of stopping at the first. */
    public static OnnxImport survey(Path file) throws IOException {
        return new OnnxImporter(file, Batch.LEADING, false).run(parse(file));
    }

    /** Parses the protobuf; a file that is not one (or is truncated inside a message) is refused in one line. */
    static ModelProto parse(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        ModelProto m;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setSizeLimit(Integer.MAX_VALUE);
            in.setRecursionLimit(200);
            m = ModelProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new OnnxImportException(file, "not an ONNX model, or truncated (protobuf: " + firstLine(e.getMessage()) + ")");
        }
        if (m.getIrVersion() <= 0 || !m.hasGraph() || m.getOpsetImportCount() == 0) {
            throw new OnnxImportException(file, "not an ONNX model, or truncated (" + (m.getIrVersion() <= 0 ? "ir_version is missing"
                    : !m.hasGraph() ? "graph is missing" : "opset_import is missing") + ")");
        }
        return m;
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private OnnxImport run(ModelProto m) throws IOException {
        int opset = -1;
        for (OperatorSetIdProto o : m.getOpsetImportList()) {
            if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
                opset = (int) o.getVersion();
            }
        }
        if (opset < MIN_OPSET || opset > MAX_OPSET) {
            throw new OnnxImportException(file, "opset_import: default-domain opset " + (opset < 0 ? "is missing" : opset)
                    + ", supported " + MIN_OPSET + " to " + MAX_OPSET);
        }
        GraphProto g = m.getGraph();
        Map<String, ConstTensor> known = new HashMap<>();
        for (TensorProto t : g.getInitializerList()) {
            try {
                known.put(t.getName(), decoder.decode(t, "initializer '" + t.getName() + "'"));
            } catch (TensorDecoder.TensorFormatException e) {
                throw new OnnxImportException(file, e.getMessage());
            }
        }
        declareInputs(g, known.keySet());
        List<OnnxNode> nodes = new ArrayList<>();
        for (NodeProto n : g.getNodeList()) {
            nodes.add(new OnnxNode(nodes.size(), n, opset));
        }
        Set<String> outputs = new HashSet<>();
        for (ValueInfoProto o : g.getOutputList()) {
            outputs.add(o.getName());
        }
        prefold(nodes, known);
        index = new OnnxGraphIndex(nodes, known, outputs);
        for (Map.Entry<String, ConstTensor> e : known.entrySet()) {
            values.putIfAbsent(e.getKey(), new Value.Known(e.getValue()));
        }
        // the patterns' ops (Pow, Div, ReduceMean...) all changed by opset 7
        List<PatternMatch> matches = opset < FULL_OPSET ? List.of() : DecomposedPatterns.find(index);
        Map<Integer, PatternMatch> atLast = new HashMap<>();
        Set<Integer> covered = new HashSet<>();
        for (PatternMatch pm : matches) {
            atLast.put(pm.last(), pm);
            covered.addAll(pm.covered());
        }
        NodeTranslator translator = new NodeTranslator(this);
        for (OnnxNode n : nodes) {
            if (covered.contains(n.index) && !atLast.containsKey(n.index) || absorbed.contains(n.index)) {
                continue;
            }
            if (n.opset < FULL_OPSET && !LEGACY_OPS.contains(n.op())) {
                refuse(n.label() + ": " + n.op() + " changed its definition by opset " + FULL_OPSET + "; from a graph of opset "
                        + n.opset + " only " + String.join(", ", new TreeSet<>(LEGACY_OPS)) + " are taken", n);
                continue;
            }
            try {
                if (atLast.containsKey(n.index)) {
                    emitPattern(translator, atLast.get(n.index), n);
                } else {
                    step(translator, n);
                }
            } catch (OnnxNode.UnsupportedNodeException e) {
                refuse(e.getMessage(), n);
            } catch (IrException e) {
                refuse(n.label() + ": " + e.getMessage(), n);
            } catch (RuntimeException e) {
                // a combination of inputs and attributes the translation rules do not guard; the fuzz command hunts these
                refuse(n.label() + ": its inputs and attributes do not fit " + n.op(), n);
            }
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("source", "onnx");
        meta.put("onnx.file", String.valueOf(file.getFileName()));
        meta.put("onnx.producer", (m.getProducerName() + " " + m.getProducerVersion()).trim());
        meta.put("onnx.opset", String.valueOf(opset));
        givenRanges.forEach((t, r) -> meta.put(Model.GIVEN_RANGE + t, Double.toString(r)));
        if (!unsupported.isEmpty()) {
            return new OnnxImport(null, unsupported, nodes.size(), folded, matches.size(), opset, meta.get("onnx.producer"));
        }
        List<String> outs = new ArrayList<>();
        for (ValueInfoProto o : g.getOutputList()) {
            outs.add(outputTensor(o.getName()));
        }
        String name = g.getName().isBlank() ? stem(file) : g.getName();
        try {
            Model model = ir.build(name, outs, meta);
            return new OnnxImport(model, List.of(), nodes.size(), folded, matches.size(), opset, meta.get("onnx.producer"));
        } catch (IrException e) {
            throw new OnnxImportException(file, "the imported graph is not valid: " + e.getMessage());
        }
    }

    private static String stem(Path file) {
        String f = String.valueOf(file.getFileName());
        return f.endsWith(".onnx") ? f.substring(0, f.length() - 5) : f;
    }

    private void refuse(String message, OnnxNode n) throws OnnxImportException {
        if (strict) {
            throw new OnnxImportException(file, message);
        }
        unsupported.add(OnnxImportException.oneLine(message));
        for (int k = 0; k < n.outputCount(); k++) {
            values.put(n.output(k), new Value.Missing());
        }
    }

    private void declareInputs(GraphProto g, Set<String> initializers) throws OnnxImportException {
        int first = -1;
        for (ValueInfoProto v : g.getInputList()) {
            if (initializers.contains(v.getName())) {
                continue; // IR < 4 lists initializers among the inputs
            }
            if (!v.getType().hasTensorType()) {
                throw new OnnxImportException(file, "input '" + v.getName() + "': only tensor inputs are supported");
            }
            int type = v.getType().getTensorType().getElemType();
            boolean integral = type == TensorDecoder.INT64 || type == TensorDecoder.INT32;
            // 16-bit floats are held as float32, which holds each of their values exactly
            boolean floating = type == TensorDecoder.FLOAT || type == TensorDecoder.DOUBLE || type == TensorDecoder.FLOAT16
                    || type == TensorDecoder.BFLOAT16;
            if (!floating && !integral) {
                throw new OnnxImportException(file, "input '" + v.getName() + "': element type " + type
                        + " is not supported (float, double, float16, bfloat16; int32 or int64 for ids)");
            }
            List<TensorShapeProto.Dimension> dims = v.getType().getTensorType().getShape().getDimList();
            int skip = batchMode == Batch.LEADING ? 1 : 0;
            if (dims.size() <= skip) {
                throw new OnnxImportException(file, "input '" + v.getName() + "': rank " + dims.size() + ", expected "
                        + (skip == 1 ? "a batch dimension and at least one more" : "at least 1"));
            }
            if (skip == 1 && dims.get(0).hasDimValue()) {
                int b = (int) dims.get(0).getDimValue();
                if (first >= 0 && b != first) {
                    throw new OnnxImportException(file, "input '" + v.getName() + "': batch " + b + ", other inputs have " + first);
                }
                first = b;
            }
            int[] irDims = new int[dims.size() - skip];
            for (int i = skip; i < dims.size(); i++) {
                TensorShapeProto.Dimension d = dims.get(i);
                if (!d.hasDimValue() || d.getDimValue() < 1 || d.getDimValue() > Integer.MAX_VALUE) {
                    throw new OnnxImportException(file, "input '" + v.getName() + "': dimension " + i + " is "
                            + (d.hasDimParam() ? "symbolic ('" + d.getDimParam() + "')" : d.hasDimValue() ? String.valueOf(d.getDimValue()) : "unknown")
                            + ", expected a fixed size >= 1 (only the batch may be symbolic)");
                }
                irDims[i - skip] = (int) d.getDimValue();
            }
            try {
                String t = ir.input(v.getName(), Shape.of(irDims));
                values.put(v.getName(), new Value.Live(t, skip == 1));
                if (integral) {
                    integralInputs.add(t);
                }
            } catch (IrException e) {
                throw new OnnxImportException(file, "input '" + v.getName() + "': " + e.getMessage());
            }
        }
        batch = first > 0 ? first : 1;
    }

    /** Folds, before the walk, every node computable from initializers and constants alone (patterns need their values). */
    private void prefold(List<OnnxNode> nodes, Map<String, ConstTensor> known) {
        for (OnnxNode n : nodes) {
            if (!ConstantFolding.OPS.contains(n.op()) || n.op().equals("Shape") && !known.containsKey(n.input(0))
                    || n.opset < FULL_OPSET && !LEGACY_OPS.contains(n.op())) {
                continue;
            }
            List<ConstTensor> in = new ArrayList<>();
            boolean all = true;
            for (String s : n.inputs()) {
                ConstTensor t = s.isEmpty() ? null : known.get(s);
                all &= s.isEmpty() || t != null;
                in.add(t);
            }
            if (!all) {
                continue;
            }
            try {
                List<ConstTensor> out = ConstantFolding.fold(n, in, decoder);
                for (int k = 0; k < Math.min(out.size(), n.outputCount()); k++) {
                    known.put(n.output(k), out.get(k));
                }
            } catch (OnnxNode.UnsupportedNodeException | RuntimeException e) {
                // left to the walk, which reports it at its node
            }
        }
    }

    private void step(NodeTranslator translator, OnnxNode n) throws OnnxNode.UnsupportedNodeException {
        if (n.outputCount() == 0 || n.output(0).isEmpty()) {
            throw n.unsupported("has no output");
        }
        List<Value> in = new ArrayList<>();
        boolean allKnown = true;
        for (String s : n.inputs()) {
            if (s.isEmpty()) {
                in.add(null);
                continue;
            }
            Value v = values.get(s);
            if (v == null) {
                throw n.unsupported("input '" + s + "' is not a graph input, an initializer or the output of an earlier node");
            }
            if (v instanceof Value.Missing) {
                for (int k = 0; k < n.outputCount(); k++) {
                    values.put(n.output(k), v);
                }
                return;
            }
            allKnown &= v instanceof Value.Known;
            in.add(v);
        }
        if (allKnown && ConstantFolding.OPS.contains(n.op())) {
            List<ConstTensor> c = new ArrayList<>();
            for (Value v : in) {
                c.add(v == null ? null : ((Value.Known) v).tensor());
            }
            List<ConstTensor> out;
            try {
                out = ConstantFolding.fold(n, c, decoder);
            } catch (RuntimeException e) {
                // an input combination the folding rules do not guard (the fuzz command looks for these)
                throw n.unsupported("cannot be evaluated at import time with inputs " + describe(c));
            }
            for (int k = 0; k < Math.min(out.size(), n.outputCount()); k++) {
                values.put(n.output(k), new Value.Known(out.get(k)));
            }
            folded++;
            return;
        }
        if ((n.op().equals("Shape") || n.op().equals("Size")) && in.get(0) instanceof Value.Live l) {
            int[] d = onnxDims(l);
            values.put(n.output(0), new Value.Known(n.op().equals("Shape") ? ConstantFolding.shapeOf(d, n)
                    : ConstTensor.ofLongs(new int[0], new long[]{ConstTensor.count(d)})));
            folded++;
            return;
        }
        List<Value> out = translator.translate(n, in);
        for (int k = 0; k < out.size(); k++) {
            if (!n.output(k).isEmpty()) {
                values.put(n.output(k), out.get(k));
            }
        }
    }

    private static String describe(List<ConstTensor> in) {
        List<String> d = new ArrayList<>();
        for (ConstTensor t : in) {
            d.add(t == null ? "(none)" : t.describe());
        }
        return String.join(", ", d);
    }

    private void emitPattern(NodeTranslator translator, PatternMatch pm, OnnxNode lastNode) throws OnnxNode.UnsupportedNodeException {
        Value x = values.get(pm.input());
        if (x instanceof Value.Missing) {
            values.put(pm.output(), x);
            return;
        }
        if (!(x instanceof Value.Live live)) {
            throw lastNode.unsupported("the pattern's input '" + pm.input() + "' is not an activation");
        }
        values.put(pm.output(), translator.pattern(pm, live));
    }

    /** The ONNX dimensions of an IR tensor (with the batch in front when it has one). */
    int[] onnxDims(Value.Live l) {
        int[] d = ir.shape(l.tensor()).dims();
        if (!l.batched()) {
            return d;
        }
        int[] o = new int[d.length + 1];
        o[0] = batch;
        System.arraycopy(d, 0, o, 1, d.length);
        return o;
    }

    private String outputTensor(String name) throws OnnxImportException {
        Value v = values.get(name);
        if (v instanceof Value.Live l) {
            return l.tensor();
        }
        if (v instanceof Value.Known k) {
            try {
                int[] d = batchMode == Batch.LEADING && k.tensor().rank() > 1 && k.tensor().dims()[0] == 1
                        ? java.util.Arrays.copyOfRange(k.tensor().dims(), 1, k.tensor().rank()) : k.tensor().dims();
                Shape s = Shape.of(d);
                return ir.add(name, new Constant(s), Map.of("value", k.tensor().toFloatTensor(s)));
            } catch (IrException e) {
                throw new OnnxImportException(file, "output '" + name + "' is the constant " + k.tensor().describe() + ": " + e.getMessage());
            }
        }
        throw new OnnxImportException(file, "output '" + name + "' is not produced by any node");
    }
}
