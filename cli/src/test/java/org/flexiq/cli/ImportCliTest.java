package org.flexiq.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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
        m.getGraphBuilder().getNodeBuilder(2).setOpType("Sigmoid");
        // a second branch from the input, with an op of its own we do not take (nodes after the Sigmoid are not listed:
        // they are unsupported only because their input is)
        m.getGraphBuilder().addNode(ai.onnx.proto.OnnxMl.NodeProto.newBuilder().setOpType("LeakyRelu").addInput("x").addOutput("z"))
                .addOutput(ai.onnx.proto.OnnxMl.ValueInfoProto.newBuilder().setName("z"));
        Path f = Files.write(dir.resolve("two.onnx"), m.build().toByteArray());
        SimCliTest.Result r = sim("inspect", f.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.out()).contains("2 not supported", "node 2 'r' (Sigmoid)", "node 8 'z' (LeakyRelu)");
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
