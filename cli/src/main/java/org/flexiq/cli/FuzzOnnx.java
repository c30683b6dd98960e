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

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * ONNX inputs for {@code sim fuzz}: a small valid CNN (Conv, BatchNormalization, Relu, MaxPool,
 * GlobalAveragePool, Flatten, Gemm, Softmax, with a dynamic batch), then either its bytes flipped or cut, or the
 * message edited where the importer must validate it: an attribute, a dimension, an op type, an input name, an
 * initializer's type or dims, the opset. The edited message is re-serialized, so protobuf parses it.
 */
final class FuzzOnnx {
    private static final String[] OPS = {"Conv", "Relu", "Gemm", "MatMul", "Softmax", "Reshape", "Sigmoid", "LeakyRelu", "Loop", "", "Add",
        "Concat", "Transpose", "Gather", "Slice", "Split", "MaxPool", "AveragePool", "Cast"};
    private static final long[] BAD = {0, -1, 1, 2, 3, 7, Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, 1L << 40};

    private FuzzOnnx() {
    }

    static ModelProto base() {
        GraphProto.Builder g = GraphProto.newBuilder().setName("fuzz_cnn")
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(1).setShape(TensorShapeProto.newBuilder()
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                                .addDim(dim(1)).addDim(dim(8)).addDim(dim(8))))))
                .addInitializer(floats("cw", 4, 1, 3, 3)).addInitializer(floats("cb", 4))
                .addInitializer(floats("g", 4)).addInitializer(floats("b", 4)).addInitializer(floats("m", 4)).addInitializer(ones("v", 4))
                .addInitializer(floats("fw", 10, 4)).addInitializer(floats("fb", 10))
                .addNode(node("Conv", List.of("x", "cw", "cb"), "c", ints("kernel_shape", 3, 3), ints("pads", 1, 1, 1, 1), ints("strides", 1, 1)))
                .addNode(node("BatchNormalization", List.of("c", "g", "b", "m", "v"), "bn"))
                .addNode(node("Relu", List.of("bn"), "r"))
                // asymmetric padding and ceil rounding: edits of either reach the pool window's own checks
                .addNode(node("MaxPool", List.of("r"), "p", ints("kernel_shape", 2, 2), ints("strides", 2, 2), ints("pads", 0, 0, 1, 1),
                        AttributeProto.newBuilder().setName("ceil_mode").setType(AttributeProto.AttributeType.INT).setI(1).build()))
                .addNode(node("GlobalAveragePool", List.of("p"), "gap"))
                .addNode(node("Flatten", List.of("gap"), "f"))
                .addNode(node("Gemm", List.of("f", "fw", "fb"), "fc", AttributeProto.newBuilder().setName("transB")
                        .setType(AttributeProto.AttributeType.INT).setI(1).build()))
                .addNode(node("Softmax", List.of("fc"), "y"))
                .addOutput(ValueInfoProto.newBuilder().setName("y"));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("sim fuzz")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13)).setGraph(g).build();
    }

    private static TensorShapeProto.Dimension dim(long v) {
        return TensorShapeProto.Dimension.newBuilder().setDimValue(v).build();
    }

    private static TensorProto floats(String name, long... dims) {
        int n = (int) Arrays.stream(dims).reduce(1, (a, b) -> a * b);
        ByteBuffer b = ByteBuffer.allocate(n * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < n; i++) {
            b.putFloat(((i * 5) % 9 - 4) * 0.1f);
        }
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1).setRawData(ByteString.copyFrom(b.array()));
        Arrays.stream(dims).forEach(t::addDims);
        return t.build();
    }

    private static TensorProto ones(String name, int n) {
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(1).addDims(n);
        for (int i = 0; i < n; i++) {
            t.addFloatData(1f);
        }
        return t.build();
    }

    private static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        Arrays.stream(v).forEach(a::addInts);
        return a.build();
    }

    private static NodeProto node(String op, List<String> in, String out, AttributeProto... attrs) {
        return NodeProto.newBuilder().setOpType(op).addAllInput(in).addOutput(out).addAllAttribute(List.of(attrs)).build();
    }

    /** The base model with its bytes damaged (half the cases) or one field of its message edited. */
    static byte[] mutate(ModelProto base, SplittableRandom rng) {
        if (rng.nextBoolean()) {
            byte[] b = base.toByteArray();
            if (rng.nextBoolean()) {
                return Arrays.copyOf(b, rng.nextInt(b.length));
            }
            for (int k = 1 + rng.nextInt(4); k > 0; k--) {
                b[rng.nextInt(b.length)] ^= (byte) (1 << rng.nextInt(8));
            }
            return b;
        }
        ModelProto.Builder m = base.toBuilder();
        GraphProto.Builder g = m.getGraphBuilder();
        long bad = BAD[rng.nextInt(BAD.length)];
        switch (rng.nextInt(8)) {
            case 0 -> { // an attribute value
                NodeProto.Builder n = g.getNodeBuilder(rng.nextInt(g.getNodeCount()));
                if (n.getAttributeCount() > 0) {
                    AttributeProto.Builder a = n.getAttributeBuilder(rng.nextInt(n.getAttributeCount()));
                    if (a.getIntsCount() > 0) {
                        a.setInts(rng.nextInt(a.getIntsCount()), bad);
                    } else {
                        a.setI(bad);
                    }
                } else {
                    n.addAttribute(AttributeProto.newBuilder().setName("axis").setType(AttributeProto.AttributeType.INT).setI(bad));
                }
            }
            case 1 -> g.getNodeBuilder(rng.nextInt(g.getNodeCount())).setOpType(OPS[rng.nextInt(OPS.length)]);
            case 2 -> { // an input renamed, dropped or duplicated
                NodeProto.Builder n = g.getNodeBuilder(rng.nextInt(g.getNodeCount()));
                int i = rng.nextInt(n.getInputCount());
                switch (rng.nextInt(3)) {
                    case 0 -> n.setInput(i, "missing");
                    case 1 -> {
                        List<String> in = new java.util.ArrayList<>(n.getInputList());
                        in.remove(i);
                        n.clearInput().addAllInput(in);
                    }
                    default -> n.addInput(n.getInput(i));
                }
            }
            case 3 -> { // a graph input dimension
                TensorShapeProto.Builder s = g.getInputBuilder(0).getTypeBuilder().getTensorTypeBuilder().getShapeBuilder();
                int d = rng.nextInt(s.getDimCount());
                if (rng.nextInt(4) == 0) {
                    s.setDim(d, TensorShapeProto.Dimension.newBuilder().setDimParam("S"));
                } else {
                    s.setDim(d, dim(bad));
                }
            }
            case 4 -> { // an initializer's dims
                TensorProto.Builder t = g.getInitializerBuilder(rng.nextInt(g.getInitializerCount()));
                if (t.getDimsCount() > 0 && rng.nextBoolean()) {
                    t.setDims(rng.nextInt(t.getDimsCount()), bad);
                } else {
                    t.addDims(Math.max(1, Math.min(bad, 4)));
                }
            }
            case 5 -> g.getInitializerBuilder(rng.nextInt(g.getInitializerCount())).setDataType((int) Math.floorMod(bad, 20));
            case 6 -> m.setOpsetImport(0, OperatorSetIdProto.newBuilder().setVersion(bad));
            default -> { // a node moved before its producer, or dropped
                int i = rng.nextInt(g.getNodeCount());
                NodeProto n = g.getNode(i);
                g.removeNode(i);
                if (rng.nextBoolean()) {
                    g.addNode(rng.nextInt(g.getNodeCount() + 1), n);
                }
            }
        }
        return m.build().toByteArray();
    }
}
