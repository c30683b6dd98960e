package org.flexiq.workloads.onnx;

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

/** Small ONNX models built with ONNX's generated protobuf classes, for the importer's error and edge cases. */
public final class OnnxTestModels {
    private OnnxTestModels() {
    }

    public static ValueInfoProto input(String name, int elemType, Object... dims) {
        TensorShapeProto.Builder s = TensorShapeProto.newBuilder();
        for (Object d : dims) {
            s.addDim(d instanceof String p ? TensorShapeProto.Dimension.newBuilder().setDimParam(p)
                    : TensorShapeProto.Dimension.newBuilder().setDimValue(((Number) d).longValue()));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(elemType).setShape(s))).build();
    }

    public static ValueInfoProto output(String name) {
        return ValueInfoProto.newBuilder().setName(name).build();
    }

    public static TensorProto floats(String name, float[] values, long... dims) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            b.putFloat(v);
        }
        return TensorProto.newBuilder().setName(name).setDataType(TensorDecoder.FLOAT).addAllDims(box(dims))
                .setRawData(ByteString.copyFrom(b.array())).build();
    }

    public static TensorProto int8s(String name, byte[] values, long... dims) {
        return TensorProto.newBuilder().setName(name).setDataType(TensorDecoder.INT8).addAllDims(box(dims))
                .setRawData(ByteString.copyFrom(values)).build();
    }

    private static java.util.List<Long> box(long[] dims) {
        java.util.List<Long> l = new java.util.ArrayList<>();
        for (long d : dims) {
            l.add(d);
        }
        return l;
    }

    public static NodeProto node(String op, String[] in, String[] out, AttributeProto... attrs) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(out[0] + "_node");
        for (String s : in) {
            n.addInput(s);
        }
        for (String s : out) {
            n.addOutput(s);
        }
        for (AttributeProto a : attrs) {
            n.addAttribute(a);
        }
        return n.build();
    }

    public static AttributeProto ints(String name, long... v) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long x : v) {
            a.addInts(x);
        }
        return a.build();
    }

    public static AttributeProto f(String name, float v) {
        return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(v).build();
    }

    public static ModelProto model(int opset, GraphProto graph) {
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("OnnxTestModels")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(opset)).setGraph(graph).build();
    }

    /** x [N, 4] -> Gemm(W [3, 4], transB) -> Relu -> y: a model every path accepts. */
    public static ModelProto gemmRelu() {
        float[] w = new float[12];
        for (int i = 0; i < w.length; i++) {
            w[i] = (i % 5 - 2) * 0.25f;
        }
        AttributeProto transB = AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT).setI(1).build();
        GraphProto g = GraphProto.newBuilder().setName("gemm_relu")
                .addInput(input("x", TensorDecoder.FLOAT, "N", 4))
                .addInitializer(floats("W", w, 3, 4))
                .addInitializer(floats("b", new float[]{0.1f, -0.2f, 0.3f}, 3))
                .addNode(node("Gemm", new String[]{"x", "W", "b"}, new String[]{"h"}, transB))
                .addNode(node("Relu", new String[]{"h"}, new String[]{"y"}))
                .addOutput(output("y")).build();
        return model(13, g);
    }
}
