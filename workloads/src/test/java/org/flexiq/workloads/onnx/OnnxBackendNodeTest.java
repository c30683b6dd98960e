package org.flexiq.workloads.onnx;

import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import org.flexiq.workloads.exec.FloatExecutor;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.TensorInfo;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ONNX's own operator conformance tests (Debian's libonnx-testdata: model.onnx with input and expected output
 * .pb files, written by ONNX's reference implementation): every test of an op we support is imported and run
 * by the float executor, and where import accepts it, the outputs equal ONNX's within its backend tolerance.
 * Where import refuses a test (an attribute or a layout the IR has no layer for), the refusal must be a clean
 * one-line error; the counts per op are in workloads/README.md and floors here keep them from sliding.
 *
 * <p>How a single-node test becomes a model: its weights, shapes and axes arrive as graph inputs, so the
 * harness makes every input but the first an initializer (the form exporters write); when that is refused it
 * tries all inputs as activations (Add, MatMul of two tensors). Dimension 0 is read as the batch, run sample by
 * sample, when all activations share it; else the shapes are taken as they are.
 */
class OnnxBackendNodeTest {
    /** Debian's libonnx-testdata; -Donnx.node.data=DIR runs another set laid out the same way. */
    static final Path DATA = Path.of(System.getProperty("onnx.node.data", "/usr/share/libonnx-testdata/data/node"));

    /** Ops we translate, and the number of their node tests that must pass (measured, 2026-11-30, ONNX 1.12 data). */
    static final Map<String, Integer> FLOORS = new TreeMap<>(Map.ofEntries(
            Map.entry("Conv", 6), Map.entry("Gemm", 11), Map.entry("MatMul", 3), Map.entry("Add", 0), Map.entry("Sub", 3),
            Map.entry("Mul", 3), Map.entry("Div", 3), Map.entry("Relu", 1), Map.entry("Clip", 8), Map.entry("Tanh", 2),
            Map.entry("Softmax", 7), Map.entry("LayerNormalization", 19), Map.entry("BatchNormalization", 2),
            Map.entry("MaxPool", 12), Map.entry("AveragePool", 13), Map.entry("GlobalAveragePool", 2), Map.entry("Flatten", 9),
            Map.entry("Reshape", 9), Map.entry("Transpose", 7), Map.entry("Concat", 12), Map.entry("Gather", 4),
            Map.entry("Split", 6), Map.entry("Slice", 7), Map.entry("Squeeze", 2), Map.entry("Unsqueeze", 8),
            Map.entry("Identity", 1), Map.entry("Sigmoid", 2), Map.entry("Erf", 1), Map.entry("Gelu", 0),
            Map.entry("ReduceMean", 8), Map.entry("Neg", 2), Map.entry("Reciprocal", 2), Map.entry("Dropout", 5), Map.entry("Expand", 2), Map.entry("Cast", 14), Map.entry("Pad", 3),
            Map.entry("LeakyRelu", 3), Map.entry("Elu", 3), Map.entry("Selu", 3), Map.entry("Celu", 1), Map.entry("HardSigmoid", 3),
            Map.entry("HardSwish", 1), Map.entry("ThresholdedRelu", 3), Map.entry("Softplus", 2), Map.entry("Softsign", 2),
            Map.entry("Exp", 2), Map.entry("Log", 2), Map.entry("Abs", 1), Map.entry("Sqrt", 2), Map.entry("Floor", 2), Map.entry("Ceil", 2),
            Map.entry("Round", 1), Map.entry("Sign", 1), Map.entry("Pow", 1), Map.entry("Resize", 21),
            Map.entry("Upsample", 1), Map.entry("GlobalMaxPool", 2), Map.entry("ReduceSum", 10), Map.entry("ReduceMax", 8),
            Map.entry("ReduceMin", 8), Map.entry("ReduceSumSquare", 8), Map.entry("ReduceL1", 8), Map.entry("ReduceL2", 8),
            Map.entry("ReduceLogSum", 5), Map.entry("ReduceLogSumExp", 8), Map.entry("ConvTranspose", 9),
            Map.entry("InstanceNormalization", 2), Map.entry("PRelu", 2), Map.entry("Sum", 3), Map.entry("Mean", 3), Map.entry("Max", 8),
            Map.entry("Min", 8), Map.entry("Tile", 2)));

    record Outcome(String test, String op, boolean passed, String refusal) {
    }

    @Test
    void everySupportedOpPassesWhatItImports() throws IOException {
        Assumptions.assumeTrue(Files.isDirectory(DATA), "libonnx-testdata is not installed");
        List<String> wrong = new ArrayList<>();
        List<Outcome> outcomes = runAll(DATA, wrong);
        Map<String, int[]> perOp = new TreeMap<>();
        for (Outcome o : outcomes) {
            int[] c = perOp.computeIfAbsent(o.op(), k -> new int[2]);
            c[0]++;
            c[1] += o.passed() ? 1 : 0;
        }
        StringBuilder table = new StringBuilder();
        perOp.forEach((op, c) -> table.append(String.format("| %s | %d | %d |%n", op, c[0], c[1])));
        System.out.print(table);
        if (Boolean.getBoolean("onnx.refusals")) { // -Donnx.refusals=true lists why each test was refused
            for (Outcome o : outcomes) {
                if (!o.passed()) {
                    System.out.println("refused " + o.test() + ": " + o.refusal());
                }
            }
        }
        assertTrue(wrong.isEmpty(), "imported but computed wrong outputs: " + wrong);
        for (Map.Entry<String, Integer> f : FLOORS.entrySet()) {
            int passed = perOp.getOrDefault(f.getKey(), new int[2])[1];
            assertTrue(passed >= f.getValue(), f.getKey() + ": " + passed + " node tests pass, the floor is " + f.getValue());
        }
    }

    /**
     * Pools and convolutions of the forms the Debian set lacks (3-D pools with padding, dilation and ceil rounding; 1-D;
     * ceil rounding that drops a window starting in the padding; asymmetric and SAME padding with strides), their
     * expected outputs computed by PyTorch (tools/window_cases.py): every case imports and matches.
     */
    @Test
    void windowsCheckedAgainstPytorchAllPass() throws IOException {
        List<String> wrong = new ArrayList<>();
        List<Outcome> outcomes = runAll(Path.of("src/test/resources/onnx/windows"), wrong);
        assertEquals(25, outcomes.size());
        assertTrue(wrong.isEmpty(), "imported but computed wrong outputs: " + wrong);
        assertEquals(List.of(), outcomes.stream().filter(o -> !o.passed()).map(o -> o.test() + ": " + o.refusal()).toList());
    }

    /** Every single-node test under {@code root} whose op has a floor. */
    private List<Outcome> runAll(Path root, List<String> wrong) throws IOException {
        List<Outcome> outcomes = new ArrayList<>();
        try (Stream<Path> dirs = Files.list(root)) {
            for (Path dir : dirs.sorted().toList()) {
                Path model = dir.resolve("model.onnx");
                Path data = dir.resolve("test_data_set_0");
                if (!Files.exists(model) || !Files.isDirectory(data)) {
                    continue;
                }
                ModelProto m;
                try (InputStream in = Files.newInputStream(model)) {
                    m = ModelProto.parseFrom(in);
                }
                if (m.getGraph().getNodeCount() != 1 || !FLOORS.containsKey(m.getGraph().getNode(0).getOpType())) {
                    continue;
                }
                outcomes.add(run(dir, m, m.getGraph().getNode(0).getOpType(), data, wrong));
            }
        }
        return outcomes;
    }

    private Outcome run(Path dir, ModelProto m, String op, Path data, List<String> wrong) throws IOException {
        List<TensorProto> inputs = new ArrayList<>();
        List<TensorProto> outputs = new ArrayList<>();
        for (int i = 0; Files.exists(data.resolve("input_" + i + ".pb")); i++) {
            inputs.add(readTensor(data.resolve("input_" + i + ".pb")));
        }
        for (int i = 0; Files.exists(data.resolve("output_" + i + ".pb")); i++) {
            outputs.add(readTensor(data.resolve("output_" + i + ".pb")));
        }
        String test = dir.getFileName().toString();
        String firstRefusal = null;
        GraphProto g = m.getGraph();
        for (boolean allLive : new boolean[]{false, true}) {
            for (OnnxImporter.Batch batch : OnnxImporter.Batch.values()) {
                ModelProto variant = variant(m, inputs, allLive);
                Model imported;
                try {
                    imported = OnnxImporter.read(variant, dir.resolve("model.onnx"), batch);
                } catch (OnnxImportException e) {
                    assertEquals(1, e.getMessage().lines().count(), "one-line refusal: " + e.getMessage());
                    firstRefusal = firstRefusal == null ? e.getMessage().substring(e.getMessage().indexOf(": ") + 2) : firstRefusal;
                    continue;
                }
                String mismatch = compare(imported, variant, inputs, outputs, g, batch);
                if (mismatch != null) {
                    wrong.add(test + " (" + batch + (allLive ? ", all inputs live" : "") + "): " + mismatch);
                    return new Outcome(test, op, false, mismatch);
                }
                return new Outcome(test, op, true, null);
            }
        }
        return new Outcome(test, op, false, firstRefusal);
    }

    /**
     * ONNX 1.12's data stores bfloat16 inputs as UINT16 tensors of the same bits (its runner reinterprets them by the
     * graph's declared type), so they are read as the model declares them.
     */
    private static TensorProto asDeclared(TensorProto t, ValueInfoProto declared) {
        int type = declared.getType().getTensorType().getElemType();
        return type == TensorDecoder.BFLOAT16 && t.getDataType() == TensorDecoder.UINT16 ? t.toBuilder().setDataType(type).build() : t;
    }

    private static TensorProto readTensor(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            return TensorProto.parseFrom(in);
        }
    }

    /** The test's model with every input but the first moved to the initializers (unless {@code allLive}). */
    private static ModelProto variant(ModelProto m, List<TensorProto> data, boolean allLive) {
        GraphProto.Builder g = m.getGraph().toBuilder().clearInput();
        List<ValueInfoProto> in = m.getGraph().getInputList();
        for (int i = 0; i < in.size(); i++) {
            if (i == 0 || allLive) {
                g.addInput(in.get(i));
            } else if (i < data.size()) {
                g.addInitializer(data.get(i).toBuilder().setName(in.get(i).getName()));
            }
        }
        return m.toBuilder().setGraph(g).build();
    }

    /** Runs the imported model on the test's inputs; null when every output matches, else what differs. */
    private static String compare(Model model, ModelProto variant, List<TensorProto> inputs, List<TensorProto> outputs,
                                  GraphProto original, OnnxImporter.Batch batch) throws IOException {
        TensorDecoder dec = new TensorDecoder(null);
        Map<String, ConstTensor> feed = new HashMap<>();
        List<ValueInfoProto> declared = original.getInputList();
        Set<String> live = new java.util.HashSet<>();
        for (ValueInfoProto v : variant.getGraph().getInputList()) {
            live.add(v.getName());
        }
        for (int i = 0; i < declared.size() && i < inputs.size(); i++) {
            if (live.contains(declared.get(i).getName())) {
                try {
                    feed.put(declared.get(i).getName(), dec.decode(asDeclared(inputs.get(i), declared.get(i)), "input " + i));
                } catch (TensorDecoder.TensorFormatException e) {
                    return e.getMessage();
                }
            }
        }
        int samples = batch == OnnxImporter.Batch.LEADING ? feed.values().iterator().next().dims()[0] : 1;
        FloatExecutor exec = new FloatExecutor(model);
        List<float[]> got = new ArrayList<>();
        for (int k = 0; k < model.graph().outputs().size(); k++) {
            got.add(new float[0]);
        }
        for (int s = 0; s < samples; s++) {
            Map<String, FloatTensor> in = new HashMap<>();
            for (TensorInfo t : model.graph().inputs()) {
                ConstTensor c = feed.get(t.name());
                float[] all = c.asFloats();
                int per = t.shape().elementCount();
                in.put(t.name(), new FloatTensor(t.shape(), Arrays.copyOfRange(all, s * per, (s + 1) * per)));
            }
            Map<String, FloatTensor> out = exec.run(in);
            int k = 0;
            for (FloatTensor t : out.values()) {
                float[] prev = got.get(k);
                float[] next = Arrays.copyOf(prev, prev.length + t.data().length);
                System.arraycopy(t.data(), 0, next, prev.length, t.data().length);
                got.set(k++, next);
            }
        }
        for (int k = 0; k < outputs.size() && k < got.size(); k++) {
            ConstTensor want;
            try {
                want = dec.decode(outputs.get(k), "output " + k);
            } catch (TensorDecoder.TensorFormatException e) {
                return e.getMessage();
            }
            float[] w = want.asFloats();
            float[] y = got.get(k);
            if (w.length != y.length) {
                return "output " + k + " has " + y.length + " elements, ONNX's has " + w.length;
            }
            for (int i = 0; i < w.length; i++) {
                // numpy.testing.assert_allclose as ONNX's backend tests call it: rtol 1e-3, atol 1e-7; a little
                // more absolute room for float32 sums computed in another order.
                if (Math.abs(y[i] - w[i]) > 1e-5 + 1e-3 * Math.abs(w[i]) && !(Float.isNaN(w[i]) && Float.isNaN(y[i]))) {
                    return "output " + k + " element " + i + " is " + y[i] + ", ONNX's is " + w[i];
                }
            }
        }
        return null;
    }
}
