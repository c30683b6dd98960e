package org.flexiq.benchmarks;

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
import org.flexiq.workloads.onnx.OnnxImporter;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Importing a 105 MB ONNX file (four 2560x2560 Gemm layers with ReLUs, float32 weights in raw_data, as
 * exporters write them) against only reading its bytes: the goal is at most 2 s beyond the read.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 1, jvmArgs = "-Xmx3g")
public class OnnxImportBenchmark {
    static final int WIDTH = 2560;
    static final int LAYERS = 4;
    private Path dir;
    private Path file;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        dir = Files.createTempDirectory("onnx-bench");
        file = dir.resolve("mlp-105mb.onnx");
        Files.write(file, model().toByteArray());
    }

    static ModelProto model() {
        SplittableRandom r = new SplittableRandom(1);
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"))
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(WIDTH));
        GraphProto.Builder g = GraphProto.newBuilder().setName("mlp").addInput(ValueInfoProto.newBuilder().setName("x")
                .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(shape))));
        String x = "x";
        for (int l = 0; l < LAYERS; l++) {
            ByteBuffer w = ByteBuffer.allocate(WIDTH * WIDTH * 4).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < WIDTH * WIDTH; i++) {
                w.putFloat((float) (r.nextGaussian() * 0.02));
            }
            g.addInitializer(TensorProto.newBuilder().setName("w" + l).setDataType(1).addDims(WIDTH).addDims(WIDTH)
                    .setRawData(ByteString.copyFrom(w.array())));
            g.addNode(NodeProto.newBuilder().setOpType("Gemm").addInput(x).addInput("w" + l).addOutput("fc" + l)
                    .addAttribute(AttributeProto.newBuilder().setName("transB").setType(AttributeProto.AttributeType.INT).setI(1)));
            g.addNode(NodeProto.newBuilder().setOpType("Relu").addInput("fc" + l).addOutput("relu" + l));
            x = "relu" + l;
        }
        g.addOutput(ValueInfoProto.newBuilder().setName(x));
        return ModelProto.newBuilder().setIrVersion(8).addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(13))
                .setGraph(g).build();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        Files.deleteIfExists(file);
        Files.deleteIfExists(dir);
    }

    @Benchmark
    public Object readBytes() throws IOException {
        return Files.readAllBytes(file);
    }

    @Benchmark
    public Object importModel() throws IOException {
        return OnnxImporter.read(file);
    }
}
