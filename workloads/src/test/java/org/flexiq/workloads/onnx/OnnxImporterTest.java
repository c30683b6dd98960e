package org.flexiq.workloads.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.StringStringEntryProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import org.flexiq.workloads.exec.FloatExecutor;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.ir.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;

import static org.flexiq.workloads.onnx.OnnxTestModels.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxImporterTest {
    @TempDir
    Path dir;

    private Path write(String name, ModelProto m) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, m.toByteArray());
        return p;
    }

    private static float[] run(Model m, float[] x) {
        Shape s = m.graph().inputs().get(0).shape();
        return new FloatExecutor(m).run(Map.of(m.graph().inputs().get(0).name(), new FloatTensor(s, x))).values().iterator().next().data();
    }

    @Test
    void gemmWithTransposedWeightBecomesALinearLayer() throws IOException {
        Model m = OnnxImporter.read(write("g.onnx", gemmRelu()));
        assertEquals("[Linear, Relu]", m.graph().nodes().stream().map(n -> n.layer().kind()).toList().toString());
        assertEquals(Shape.of(4), m.graph().inputs().get(0).shape());
        float[] y = run(m, new float[]{1, 2, 3, 4});
        // W[j,k] = ((4j + k) % 5 - 2) / 4: rows [-.5 -.25 0 .25], [.5 -.5 -.25 0], [.25 .5 -.5 -.25]; y = relu(W x + b)
        assertArrayEquals(new float[]{0.1f, 0, 0}, y, 1e-6f);
    }

    @Test
    void externalDataIsReadFromBesideTheModel() throws IOException {
        ModelProto m = gemmRelu();
        TensorProto w = m.getGraph().getInitializer(0);
        Files.write(dir.resolve("weights.bin"), concat(new byte[16], w.getRawData().toByteArray()));
        TensorProto ext = w.toBuilder().clearRawData().setDataLocation(TensorProto.DataLocation.EXTERNAL)
                .addExternalData(kv("location", "weights.bin")).addExternalData(kv("offset", "16"))
                .addExternalData(kv("length", String.valueOf(w.getRawData().size()))).build();
        ModelProto external = m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, ext)).build();
        Model a = OnnxImporter.read(write("inline.onnx", m));
        Model b = OnnxImporter.read(write("external.onnx", external));
        float[] x = {0.5f, -1, 2, 0.25f};
        assertArrayEquals(run(a, x), run(b, x));

        Files.delete(dir.resolve("weights.bin"));
        OnnxImportException missing = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(dir.resolve("external.onnx")));
        assertTrue(missing.getMessage().contains("initializer 'W': external data file"), missing.getMessage());
        TensorProto escape = ext.toBuilder().setExternalData(0, kv("location", "../weights.bin")).build();
        Path p = write("escape.onnx", m.toBuilder().setGraph(m.getGraph().toBuilder().setInitializer(0, escape)).build());
        OnnxImportException out = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(p));
        assertTrue(out.getMessage().contains("outside the model's folder"), out.getMessage());
    }

    private static StringStringEntryProto kv(String k, String v) {
        return StringStringEntryProto.newBuilder().setKey(k).setValue(v).build();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void qdqWeightsAreDequantizedAndActivationPairsRead() throws IOException {
        // x -> QuantizeLinear -> DequantizeLinear -> MatMul(DequantizeLinear(W int8, per-tensor scale 0.5)) -> y
        byte[] wq = {2, -4, 6, 8, -2, 0};
        GraphProto g = GraphProto.newBuilder().setName("qdq")
                .addInput(input("x", TensorDecoder.FLOAT, 1, 3))
                .addInitializer(int8s("Wq", wq, 3, 2))
                .addInitializer(floats("ws", new float[]{0.5f}))
                .addInitializer(floats("xs", new float[]{0.1f}))
                .addInitializer(int8s("xz", new byte[]{0}))
                .addNode(node("QuantizeLinear", new String[]{"x", "xs", "xz"}, new String[]{"xq"}))
                .addNode(node("DequantizeLinear", new String[]{"xq", "xs", "xz"}, new String[]{"xd"}))
                .addNode(node("DequantizeLinear", new String[]{"Wq", "ws"}, new String[]{"W"}))
                .addNode(node("MatMul", new String[]{"xd", "W"}, new String[]{"y"}))
                .addOutput(output("y")).build();
        Model m = OnnxImporter.read(write("qdq.onnx", model(13, g)));
        assertEquals("[Linear]", m.graph().nodes().stream().map(n -> n.layer().kind()).toList().toString());
        // W = 0.5 * [[2, -4], [6, 8], [-2, 0]]; y = x W
        assertArrayEquals(new float[]{1 + 6 - 3, -2 + 8}, run(m, new float[]{1, 2, 3}), 1e-6f);
    }

    @Test
    void unsupportedNodesAreNamedOneLineEach() throws IOException {
        GraphProto g = GraphProto.newBuilder().setName("bad")
                .addInput(input("x", TensorDecoder.FLOAT, 1, 4))
                .addNode(node("Sin", new String[]{"x"}, new String[]{"s"}))
                .addNode(node("Relu", new String[]{"s"}, new String[]{"r"}))
                .addNode(node("Hardmax", new String[]{"x"}, new String[]{"l"}))
                .addNode(node("Add", new String[]{"r", "l"}, new String[]{"y"}))
                .addOutput(output("y")).build();
        Path p = write("bad.onnx", model(13, g));
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(p));
        assertEquals(p + ": node 0 's_node' (Sin): op type Sin is not supported on activations; supported: "
                + NodeTranslator.SUPPORTED, e.getMessage());
        OnnxImport survey = OnnxImporter.survey(p);
        assertEquals(null, survey.model());
        assertEquals(2, survey.unsupported().size(), survey.unsupported().toString()); // Relu and Add are downstream, not listed
        assertTrue(survey.unsupported().get(1).startsWith("node 2 'l_node' (Hardmax)"), survey.unsupported().get(1));
    }

    @Test
    void graphsBeforeOpset7AreTakenOnlyForOpsUnchangedSinceOpset1() throws IOException {
        GraphProto pool = GraphProto.newBuilder().setName("old")
                .addInput(input("x", TensorDecoder.FLOAT, 1, 2, 2, 2))
                .addNode(node("GlobalAveragePool", new String[]{"x"}, new String[]{"p"}))
                .addNode(node("Flatten", new String[]{"p"}, new String[]{"y"}))
                .addOutput(output("y")).build();
        Model m = OnnxImporter.read(write("opset1.onnx", model(1, pool)));
        assertArrayEquals(new float[]{2.5f, 6.5f}, run(m, new float[]{1, 2, 3, 4, 5, 6, 7, 8}), 1e-6f);
        // Add took a broadcast attribute before opset 7: its graph is refused at the node, in one line
        GraphProto add = pool.toBuilder().setNode(1, node("Add", new String[]{"p", "p"}, new String[]{"y"})).build();
        Path p = write("opset6.onnx", model(6, add));
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(p));
        assertTrue(e.getMessage().startsWith(p + ": node 1 'y_node' (Add): Add changed its definition by opset 7; from a graph of "
                + "opset 6 only Abs, Ceil, Elu, Exp,"), e.getMessage());
    }

    @Test
    void poolFormsTheIrCannotHoldAreRefusedByName() throws IOException {
        AttributeProto countPad = AttributeProto.newBuilder().setName("count_include_pad").setType(AttributeProto.AttributeType.INT).setI(1).build();
        AttributeProto ceil = AttributeProto.newBuilder().setName("ceil_mode").setType(AttributeProto.AttributeType.INT).setI(1).build();
        Object[][] cases = {
                {"AveragePool", new long[]{1, 2, 6, 6}, new AttributeProto[]{ints("kernel_shape", 3, 3), ints("pads", 1, 1, 0, 0), countPad},
                        "count_include_pad = 1 with asymmetric padding is not supported"},
                {"AveragePool", new long[]{1, 2, 6, 6}, new AttributeProto[]{ints("kernel_shape", 3, 3), ints("strides", 2, 2), ints("pads", 1, 1, 1, 1),
                        countPad, ceil}, "count_include_pad = 1 with ceil_mode adding padding is not supported"},
                {"MaxPool", new long[]{1, 2, 9, 9}, new AttributeProto[]{ints("kernel_shape", 2, 2), ints("dilations", 1, 2)},
                        "dilations 1 and 2 differ; only equal dilations are supported"},
                {"MaxPool", new long[]{1, 2, 3, 3, 3, 3}, new AttributeProto[]{ints("kernel_shape", 2, 2, 2, 2)},
                        "only 1-D, 2-D and 3-D windows on a batched [N, C, ...] input are supported"},
                {"MaxPool", new long[]{1, 2, 6, 6}, new AttributeProto[]{ints("kernel_shape", 2, 2), ints("pads", 2, 0, 0, 0)},
                        "axis 0: window 2, stride 1, dilation 1 and padding 2 / 0 (padding must be smaller than the window)"},
        };
        for (Object[] c : cases) {
            long[] dims = (long[]) c[1];
            Object[] shape = new Object[dims.length];
            for (int i = 0; i < dims.length; i++) {
                shape[i] = dims[i];
            }
            GraphProto g = GraphProto.newBuilder().setName("pool").addInput(input("x", TensorDecoder.FLOAT, shape))
                    .addNode(node((String) c[0], new String[]{"x"}, new String[]{"y"}, (AttributeProto[]) c[2])).addOutput(output("y")).build();
            Path p = write("pool.onnx", model(13, g));
            OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(p));
            assertEquals(p + ": node 0 'y_node' (" + c[0] + "): " + c[3], e.getMessage());
        }
    }

    @Test
    void aMaxOverMoreThanTheNpusWindowIsPooledInStages() throws IOException {
        GraphProto g = GraphProto.newBuilder().setName("max").addInput(input("x", TensorDecoder.FLOAT, "N", 2, 600))
                .addNode(node("ReduceMax", new String[]{"x"}, new String[]{"y"}, ints("axes", 2))).addOutput(output("y")).build();
        Model m = OnnxImporter.read(write("max.onnx", model(13, g)));
        // 600 -> 3 (windows of 255, the last padded by 165) -> 1
        assertEquals("[Reshape, MaxPool, MaxPool, Reshape]", m.graph().nodes().stream().map(n -> n.layer().kind()).toList().toString());
        float[] x = new float[1200];
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) Math.sin(i * 0.37);
        }
        x[517] = 5; // in the first row's third window, the padded one
        x[1100] = 3;
        assertArrayEquals(new float[]{5, 3}, run(m, x), 0f);
    }

    @Test
    void corruptAndTruncatedFilesAreRefusedInOneLine() throws IOException {
        byte[] good = Files.readAllBytes(PytorchExportTest.file("fmnist-vit"));
        int refused = 0;
        for (int len : new int[]{0, 1, 7, 100, 1000, good.length / 3, good.length / 2, good.length - 1}) {
            Path p = dir.resolve("cut" + len + ".onnx");
            Files.write(p, Arrays.copyOf(good, len));
            try {
                OnnxImporter.read(p);
            } catch (OnnxImportException e) {
                assertEquals(1, e.getMessage().lines().count(), e.getMessage());
                assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
                refused++;
            }
        }
        assertEquals(8, refused, "every truncation refused");
        java.util.Random r = new java.util.Random(3);
        for (int k = 0; k < 50; k++) {
            byte[] b = good.clone();
            for (int j = 0; j < 8; j++) {
                b[r.nextInt(b.length)] ^= (byte) (1 << r.nextInt(8));
            }
            Path p = dir.resolve("flip" + k + ".onnx");
            Files.write(p, b);
            try {
                OnnxImporter.read(p); // a flip inside a weight is still a valid model
            } catch (OnnxImportException e) {
                assertEquals(1, e.getMessage().lines().count(), e.getMessage());
            }
        }
    }

    @Test
    void symbolicDimensionsPastTheBatchAreRefusedByName() throws IOException {
        ModelProto m = gemmRelu();
        ModelProto sym = m.toBuilder().setGraph(m.getGraph().toBuilder().setInput(0, input("x", TensorDecoder.FLOAT, "N", "K"))).build();
        OnnxImportException e = assertThrows(OnnxImportException.class, () -> OnnxImporter.read(write("sym.onnx", sym)));
        assertEquals(dir.resolve("sym.onnx") + ": input 'x': dimension 1 is symbolic ('K'), expected a fixed size >= 1 "
                + "(only the batch may be symbolic)", e.getMessage());
    }
}
