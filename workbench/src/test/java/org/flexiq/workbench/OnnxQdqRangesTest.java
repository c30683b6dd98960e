package org.flexiq.workbench;

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
import org.flexiq.compiler.quant.CalibrationMethod;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.QuantizerOptions;
import org.flexiq.workloads.ir.Model;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A QDQ graph's activation scales become the quantizer's: they replace what calibration would have measured. */
class OnnxQdqRangesTest {
    @TempDir
    Path dir;

    @Test
    void qdqScalesAreTheActivationScales() throws Exception {
        // x -Q/DQ(0.02, int8 0)-> Gemm -> Relu -Q/DQ(0.05, uint8 0)-> Gemm -> y
        GraphProto.Builder g = GraphProto.newBuilder().setName("qdq")
                .addInput(ValueInfoProto.newBuilder().setName("x").setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(1).setShape(TensorShapeProto.newBuilder()
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(8))))))
                .addInitializer(floats("w1", 8, 8)).addInitializer(floats("w2", 4, 8))
                .addInitializer(scalar("s1", 0.02f)).addInitializer(zero("z1", 3))
                .addInitializer(scalar("s2", 0.05f)).addInitializer(zero("z2", 2))
                .addNode(node("QuantizeLinear", "xq", "x", "s1", "z1")).addNode(node("DequantizeLinear", "xd", "xq", "s1", "z1"))
                .addNode(gemm("h", "xd", "w1")).addNode(node("Relu", "r", "h"))
                .addNode(node("QuantizeLinear", "rq", "r", "s2", "z2")).addNode(node("DequantizeLinear", "rd", "rq", "s2", "z2"))
                .addNode(gemm("y", "rd", "w2"))
                .addOutput(ValueInfoProto.newBuilder().setName("y"));
        Path f = dir.resolve("qdq.onnx");
        Files.write(f, ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(g).build().toByteArray());
        Model m = ModelSource.resolve(f.toString()).model();
        QuantizedModel q = Quantization.int8(m, "qdq", CalibrationData.load("synthetic:8", m.graph(), 0),
                new QuantizerOptions(8, CalibrationMethod.MAX));
        assertEquals((double) 0.02f, q.scales().get("x"), 1e-12, "int8 zero point 0: the pair's scale itself");
        // uint8 zero point 0 carries 0..255 x 0.05 (ONNX scales are float32); the ReLU keeps its input's scale, so the range is the Gemm's
        assertEquals(255 * (double) 0.05f / 127, q.scales().get("h"), 1e-12);
        assertEquals(255 * (double) 0.05f / 127, q.scales().get("r"), 1e-12);
    }

    private static TensorProto floats(String name, int rows, int cols) {
        ByteBuffer b = ByteBuffer.allocate(rows * cols * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < rows * cols; i++) {
            b.putFloat(((i * 7) % 11 - 5) * 0.05f);
        }
        return TensorProto.newBuilder().setName(name).setDataType(1).addDims(rows).addDims(cols).setRawData(ByteString.copyFrom(b.array())).build();
    }

    private static TensorProto scalar(String name, float v) {
        return TensorProto.newBuilder().setName(name).setDataType(1).addFloatData(v).build();
    }

    private static TensorProto zero(String name, int type) {
        return TensorProto.newBuilder().setName(name).setDataType(type).setRawData(ByteString.copyFrom(new byte[1])).build();
    }

    private static NodeProto node(String op, String out, String... in) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).addOutput(out);
        for (String s : in) {
            n.addInput(s);
        }
        return n.build();
    }

    private static NodeProto gemm(String out, String x, String w) {
        return node("Gemm", out, x, w).toBuilder().addAttribute(AttributeProto.newBuilder().setName("transB")
                .setType(AttributeProto.AttributeType.INT).setI(1)).build();
    }
}
