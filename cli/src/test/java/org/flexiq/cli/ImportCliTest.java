package org.flexiq.cli;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.flexiq.cli.SimCliTest.sim;

/** sim import, sim inspect MODEL.onnx and an .onnx given where a model is taken, with their exit codes. */
class ImportCliTest {
    static final Path VIT = Path.of("../workloads/src/test/resources/onnx/fmnist-vit.onnx");
    static final Path RESNET = Path.of("../workloads/src/test/resources/onnx/fmnist-resnet.onnx");

    @TempDir
    Path dir;

    @Test
    void importWritesTheSameBytesEveryTimeAndInspectReadsThem() throws IOException {
        Path a = dir.resolve("a.flx");
        Path b = dir.resolve("b.flx");
        SimCliTest.Result r = sim("import", VIT.toString(), "-o", a.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).startsWith("wrote " + a + ": torch_jit, 99 layers, 139.02 k params");
        assertThat(sim("import", VIT.toString(), "-o", b.toString()).code()).isZero();
        assertThat(Files.readAllBytes(a)).isEqualTo(Files.readAllBytes(b));
        SimCliTest.Result i = sim("inspect", a.toString());
        assertThat(i.code()).isZero();
        assertThat(i.out()).contains("source=onnx", "onnx.producer=pytorch 1.13.0", "LayerNorm", "Gelu", "Softmax");
    }

    @Test
    void inspectShowsWhatImportMakesOfAnOnnxFile() {
        SimCliTest.Result i = sim("inspect", VIT.toString());
        assertThat(i.code()).as(i.err()).isZero();
        assertThat(i.out()).contains("ONNX opset 13, pytorch 1.13.0: 384 nodes -> 99 layers", "17 decomposed patterns recognized",
                "every ONNX node imported");
    }

    @Test
    void inspectListsEveryUnsupportedNodeWithExitTwo() throws IOException {
        var m = FuzzOnnx.base().toBuilder();
        m.getGraphBuilder().getNodeBuilder(2).setOpType("Sin");
        // a second branch from the input, with an op of its own we do not take (nodes after the Sin are not listed:
        // they are unsupported only because their input is)
        m.getGraphBuilder().addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("Hardmax").addInput("x").addOutput("z"))
                .addOutput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("z"));
        Path f = Files.write(dir.resolve("two.onnx"), m.build().toByteArray());
        SimCliTest.Result r = sim("inspect", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains("2 not supported", "node 2 'r' (Sin)", "node 8 'z' (Hardmax)");
        assertThat(r.err().strip()).startsWith("sim: " + f + ": 2 unsupported node(s)").doesNotContain("\n");
        com.fasterxml.jackson.databind.JsonNode json = new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(sim("inspect", f.toString(), "--json").out());
        assertThat(json.get("unsupported").size()).isEqualTo(2);
    }

    @Test
    void anOnnxFileRunsWhereAModelIsTaken() {
        SimCliTest.Result r = sim("run", RESNET.toString(), "--group", "8", "--ratio", "0,1", "--npu", "gemmini-like", "--no-check");
        assertThat(r.code()).as(r.err()).isZero();
        SimCliTest.Result z = sim("run", "fmnist-resnet", "--group", "8", "--ratio", "0,1", "--npu", "gemmini-like", "--no-check");
        // the same layers, so the same cycles (the timing path reads shapes only)
        assertThat(cycles(r.out())).isEqualTo(cycles(z.out()));
    }

    /**
     * Sigmoid, Erf, Neg and a general Clip are lookup-table layers, Mul, Sub and Div of activations (and a Div by a
     * constant with no layer before to fold into) are Mul and Add layers with tables, and a ReduceMean over tokens is a
     * transpose, a view and a global average pool: imported, quantized, compiled and run, on both engines, they give
     * the golden executor's integers at every ratio.
     */
    @Test
    void elementwiseLayersAndAReduceMeanRunOnTheNpuAsTheGoldenExecutorComputes() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().setName("lookups")
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(1).setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(8))
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(16))))))
                .addInitializer(weights("w1", 16, 16)).addInitializer(weights("w2", 16, 16)).addInitializer(weights("w3", 16, 16))
                .addInitializer(weights("w4", 4, 32)).addInitializer(divisor("k", 16)).addInitializer(divisor("slopes", 16))
                .addInitializer(TensorProto.newBuilder().setName("twice").setDataType(7).addDims(2).addInt64Data(1).addInt64Data(2))
                .addInitializer(TensorProto.newBuilder().setName("one").setDataType(1).addDims(1).addFloatData(1f))
                .addInitializer(TensorProto.newBuilder().setName("two").setDataType(1).addFloatData(2f))
                .addNode(node("MatMul", "h1", "x", "w1")).addNode(node("Sigmoid", "s", "h1"))
                .addNode(node("MatMul", "h2", "s", "w2")).addNode(node("Clip", "c", "h2").toBuilder()
                        .addAttribute(AttributeProto.newBuilder().setName("min").setType(AttributeProto.AttributeType.FLOAT).setF(-0.3f))
                        .addAttribute(AttributeProto.newBuilder().setName("max").setType(AttributeProto.AttributeType.FLOAT).setF(0.4f)).build())
                // products, a difference and quotients of activations, and a division by a constant no layer before can take
                .addNode(node("Mul", "p", "c", "s")).addNode(node("Sub", "q", "p", "s")).addNode(node("Div", "r", "q", "k"))
                .addNode(node("Add", "t", "s", "one")).addNode(node("Div", "d", "r", "t")).addNode(node("Neg", "v", "d"))
                .addNode(node("MatMul", "h3", "v", "w3")).addNode(node("Erf", "e", "h3"))
                // element-wise functions, each a table: LeakyRelu, HardSigmoid, Abs, Sqrt, a square, Softplus
                .addNode(node("LeakyRelu", "lr", "e")).addNode(node("HardSigmoid", "hs", "lr")).addNode(node("Abs", "ab", "hs"))
                .addNode(node("Sqrt", "sq", "ab")).addNode(node("Pow", "pw", "sq", "two")).addNode(node("Softplus", "sp", "pw"))
                // a max and a sum over the features, broadcast back onto them
                .addNode(node("ReduceMax", "rx", "sp").toBuilder().addAttribute(AttributeProto.newBuilder().setName("axes")
                        .setType(AttributeProto.AttributeType.INTS).addInts(2)).build())
                .addNode(node("ReduceSum", "rs", "sp").toBuilder().addAttribute(AttributeProto.newBuilder().setName("axes")
                        .setType(AttributeProto.AttributeType.INTS).addInts(2)).build())
                .addNode(node("Add", "ra", "rx", "rs")).addNode(node("Mul", "sr", "sp", "ra"))
                // a slope per feature, an element-wise max of two activations and a sum of two
                .addNode(node("PRelu", "pr", "sr", "slopes")).addNode(node("Max", "mx", "pr", "e")).addNode(node("Sum", "su", "mx", "s"))
                .addNode(node("ReduceMean", "m", "su").toBuilder().addAttribute(AttributeProto.newBuilder().setName("axes")
                        .setType(AttributeProto.AttributeType.INTS).addInts(1)).addAttribute(AttributeProto.newBuilder().setName("keepdims")
                        .setType(AttributeProto.AttributeType.INT).setI(0)).build())
                .addNode(node("Tile", "tl", "m", "twice"))
                .addNode(node("Gemm", "y", "tl", "w4").toBuilder().addAttribute(AttributeProto.newBuilder().setName("transB")
                        .setType(AttributeProto.AttributeType.INT).setI(1)).build())
                .addOutput(ValueInfoProto.newBuilder().setName("y"));
        // opset 10: Clip's bounds are attributes and ReduceMean's axes too
        Path f = Files.write(dir.resolve("lookups.onnx"), ModelProto.newBuilder().setIrVersion(8)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(10)).setGraph(g).build().toByteArray());
        SimCliTest.Result i = sim("inspect", f.toString());
        assertThat(i.out()).as(i.err()).contains("every ONNX node imported", "Sigmoid", "Erf", "Clip", "GlobalAvgPool", "Mul",
                "Reciprocal", "Neg", "LeakyRelu", "HardSigmoid", "UnaryMath", "Power");
        for (String engine : new String[]{"fast", "cycle"}) {
            SimCliTest.Result r = sim("run", f.toString(), "--group", "8", "--ratio", "0,0.5,1", "--npu", "gemmini-like", "--engine", engine);
            assertThat(r.code()).as(engine + ": " + r.err()).isZero();
            assertThat(r.out().lines().filter(l -> l.matches("^\\s+(0|0\\.5|1)\\s.*\\smatch$")).count()).as(engine + ":\n" + r.out()).isEqualTo(3);
        }
    }

    /**
     * Pools of every form the IR's window takes: a MaxPool with a non-square window, unequal strides, asymmetric padding
     * and ceil rounding; a dilated AveragePool with SAME_LOWER padding; a 3-D MaxPool (pooled over H and W, then over
     * depth) and a 1-D AveragePool (one row); a strided Conv with asymmetric SAME_UPPER padding (zeros joined on); and
     * Pads in reflect, edge and constant mode; a linear and a nearest Resize; a 1-D Conv and a strided ConvTranspose.
     * Imported, quantized, compiled and run on both engines, they give the golden executor's integers at every ratio.
     */
    @Test
    void poolsOfEveryWindowFormRunOnTheNpuAsTheGoldenExecutorComputes() throws IOException {
        GraphProto.Builder g = GraphProto.newBuilder().setName("pools")
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
                        .setElemType(1).setShape(TensorShapeProto.newBuilder().addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                                .addDim(dim(8)).addDim(dim(9)).addDim(dim(9))))))
                .addInitializer(weights("w1", 16, 8).toBuilder().clearDims().addAllDims(Arrays.asList(16L, 8L, 1L, 1L)))
                .addInitializer(weights("w2", 16, 64).toBuilder().clearDims().addAllDims(Arrays.asList(16L, 16L, 2L, 2L)))
                .addInitializer(weights("w3", 8, 104))
                .addInitializer(weights("k1", 8, 48).toBuilder().clearDims().addAllDims(Arrays.asList(8L, 16L, 3L)))
                .addInitializer(weights("kt", 8, 8).toBuilder().clearDims().addAllDims(Arrays.asList(8L, 4L, 2L)))
                .addInitializer(TensorProto.newBuilder().setName("wider").setDataType(1).addDims(3).addAllFloatData(Arrays.asList(1f, 1f, 1.5f)))
                .addInitializer(TensorProto.newBuilder().setName("taller").setDataType(1).addDims(3).addAllFloatData(Arrays.asList(1f, 2f, 1f))).addInitializer(longs("to5d", 0, 4, 4, 3, 5)).addInitializer(longs("to3d", 0, 8, 9))
                .addInitializer(longs("reflect", 0, 0, 1, 0, 0, 0, 0, 0)).addInitializer(longs("edge", 0, 0, 1, 0, 0, 2))
                .addInitializer(longs("rows", 0, 0, 0, 0, 0, 1)).addInitializer(TensorProto.newBuilder().setName("quarter").setDataType(1).addFloatData(0.25f))
                // Pads: a reflected row on top of the image, an edge pad of the pooled rows, a column of 0.25 after them
                .addNode(attrs(node("Pad", "xp", "x", "reflect"), string("mode", "reflect")))
                .addNode(node("Conv", "c1", "xp", "w1")).addNode(node("Relu", "r1", "c1"))
                .addNode(attrs(node("MaxPool", "m1", "r1"), ints("kernel_shape", 3, 2), ints("strides", 2, 1), ints("pads", 1, 0, 0, 1),
                        ints("ceil_mode", 1)))
                // SAME_UPPER with a stride, as TensorFlow exports write it: one more zero row and column after than before
                .addNode(attrs(node("Conv", "c2", "m1", "w2"), ints("strides", 2, 2)).toBuilder()
                        .addAttribute(AttributeProto.newBuilder().setName("auto_pad").setType(AttributeProto.AttributeType.STRING)
                                .setS(ByteString.copyFromUtf8("SAME_UPPER"))).build())
                .addNode(attrs(node("AveragePool", "a1", "c2"), ints("kernel_shape", 2, 2), ints("dilations", 2, 2)).toBuilder()
                        .addAttribute(AttributeProto.newBuilder().setName("auto_pad").setType(AttributeProto.AttributeType.STRING)
                                .setS(ByteString.copyFromUtf8("SAME_LOWER"))).build())
                .addNode(node("Reshape", "v5", "a1", "to5d"))
                .addNode(attrs(node("MaxPool", "m3", "v5"), ints("kernel_shape", 2, 3, 2), ints("strides", 2, 1, 2), ints("pads", 0, 1, 0, 0, 1, 1)))
                .addNode(node("Reshape", "v3", "m3", "to3d"))
                .addNode(attrs(node("AveragePool", "a2", "v3"), ints("kernel_shape", 3), ints("strides", 2), ints("pads", 1, 1)))
                .addNode(attrs(node("Pad", "pe", "a2", "edge"), string("mode", "edge")))
                .addNode(node("Pad", "pc", "pe", "rows", "quarter"))
                // a linear resize (a Linear along the axis) and a nearest one (rows repeated)
                .addNode(attrs(node("Resize", "rl", "pc", "", "wider"), string("mode", "linear")))
                .addNode(attrs(node("Resize", "rn", "rl", "", "taller"), string("mode", "nearest")))
                // a 1-D convolution and a transposed one with stride 2 (the input stretched by zeros, the kernel flipped)
                .addNode(attrs(node("Conv", "cv1", "rn", "k1"), ints("pads", 1, 1)))
                .addNode(attrs(node("ConvTranspose", "ct", "cv1", "kt"), ints("strides", 2)))
                .addNode(node("Flatten", "f", "ct"))
                .addNode(attrs(node("Gemm", "y", "f", "w3"), ints("transB", 1)))
                .addOutput(ValueInfoProto.newBuilder().setName("y"));
        Path f = Files.write(dir.resolve("pools.onnx"), ModelProto.newBuilder().setIrVersion(9)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(19)).setGraph(g).build().toByteArray());
        SimCliTest.Result i = sim("inspect", f.toString());
        assertThat(i.out()).as(i.err()).contains("every ONNX node imported", "MaxPool", "AvgPool", "Concat", "Constant");
        for (String engine : new String[]{"fast", "cycle"}) {
            SimCliTest.Result r = sim("run", f.toString(), "--group", "8", "--ratio", "0,0.5,1", "--npu", "gemmini-like", "--engine", engine);
            assertThat(r.code()).as(engine + ": " + r.err()).isZero();
            assertThat(r.out().lines().filter(l -> l.matches("^\\s+(0|0\\.5|1)\\s.*\\smatch$")).count()).as(engine + ":\n" + r.out()).isEqualTo(3);
        }
    }

    private static AttributeProto string(String name, String v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.STRING).setS(ByteString.copyFromUtf8(v)).build();
    }

    private static TensorShapeProto.Dimension dim(int v) {
        return TensorShapeProto.Dimension.newBuilder().setDimValue(v).build();
    }

    private static TensorProto longs(String name, long... v) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(7).addDims(v.length);
        for (long x : v) {
            t.addInt64Data(x);
        }
        return t.build();
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name);
        if (name.equals("ceil_mode") || name.equals("transB")) {
            return a.setType(AttributeProto.AttributeType.INT).setI(v[0]).build();
        }
        a.setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    private static NodeProto attrs(NodeProto n, AttributeProto... a) {
        return n.toBuilder().addAllAttribute(Arrays.asList(a)).build();
    }

    private static TensorProto weights(String name, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < rows * cols; k++) {
            b.putFloat(((k * 7) % 13 - 6) * 0.08f);
        }
        return TensorProto.newBuilder().setName(name).setDataType(1).addDims(rows).addDims(cols).setRawData(ByteString.copyFrom(b.array())).build();
    }

    private static TensorProto divisor(String name, int n) {
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < n; k++) {
            b.putFloat((k % 2 == 0 ? 1 : -1) * (0.5f + 0.1f * k));
        }
        return TensorProto.newBuilder().setName(name).setDataType(1).addDims(n).setRawData(ByteString.copyFrom(b.array())).build();
    }

    private static NodeProto node(String op, String out, String... in) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(out).addOutput(out);
        for (String s : in) {
            n.addInput(s);
        }
        return n.build();
    }

    private static String cycles(String out) {
        return Arrays.stream(out.split("\n")).filter(l -> l.matches("^\\s+[01]\\s.*")).map(l -> l.trim().split("\\s+")[1])
                .reduce("", (x, y) -> x + " " + y);
    }

    @Test
    void badFilesExitTwoWithOneLineAndNoOutput() throws IOException {
        byte[] good = Files.readAllBytes(VIT);
        Path cut = dir.resolve("cut.onnx");
        Files.write(cut, Arrays.copyOf(good, good.length / 2));
        Path out = dir.resolve("out.flx");
        SimCliTest.Result r = sim("import", cut.toString(), "-o", out.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err().strip().lines().count()).isEqualTo(1);
        assertThat(r.err()).startsWith("sim: " + cut + ": not an ONNX model, or truncated");
        assertThat(out).doesNotExist();
        SimCliTest.Result run = sim("run", cut.toString(), "--ratio", "0");
        assertThat(run.code()).isEqualTo(2);
        assertThat(run.err().strip().lines().count()).isEqualTo(1);
    }
}
