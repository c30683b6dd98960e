package org.flexiq.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * sim against generated bad input (`sim fuzz`, a few hundred cases here; the long run is in README.md), and the
 * violations earlier fuzz runs found, each as it was found: exit 2 and one line naming the input.
 */
class FuzzCliTest {
    @TempDir
    Path dir;

    @Test
    void generatedBadInputIsAcceptedOrRefusedAsThePolicySays() {
        SimCliTest.Result r = SimCliTest.sim("fuzz", "--cases", "400", "--seed", "7");
        assertThat(r.code()).as(r.out()).isZero();
        assertThat(r.out()).contains("400 cases, seed 7: 0 violations");
    }

    @Test
    void whatTheFuzzerFoundIsRefusedInOneLineNamingTheInput() throws IOException {
        assertRefused(SimCliTest.sim("run", "mlp", "--no-check", "--group", "0"), "group width must be in 1..4096, got 0");
        assertRefused(SimCliTest.sim("run", "mlp", "--no-check", "--clock-mhz", "-1"), "--clock-mhz -1.0");
        assertRefused(SimCliTest.sim("run", "mlp", "--no-check", "--array", "-5x8"), "--npu flexiq-npu --array -5x8");
        assertRefused(SimCliTest.sim("quantize", "mlp", "--group", "-1", "-o", dir.resolve("m.q.flx").toString()), "--group: expected");
        Path cfg = Files.writeString(dir.resolve("wide.cfg"), "[architecture_presets]\nArrayHeight: 8\nArrayWidth: 2147483647\n"
                + "IfmapSramSzkB: 1\nFilterSramSzkB: 1\nOfmapSramSzkB: 1\nDataflow: ws\n[run_presets]\nInterfaceBandwidth: CALC\n");
        Path topo = Files.writeString(dir.resolve("t.csv"), "Layer, M, N, K,\na, 4, 4, 4,\n");
        assertRefused(SimCliTest.sim("run", "--scalesim-cfg", cfg.toString(), "--topology", topo.toString()), cfg + ":3: ArrayWidth: 2147483647");
        Path stride = Files.writeString(dir.resolve("s.csv"), "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, "
                + "Num Filter, Strides,\nc, 8, 8, 3, 3, 1, 1, 2147483647,\n");
        // a stride near the top of an int: one output pixel, not an overflow
        assertThat(SimCliTest.sim("run", "--topology", stride.toString(), "--ratio", "0").code()).isZero();
        Path huge = Files.writeString(dir.resolve("h.csv"), "Layer, M, N, K,\na, 2147483647, 4, 9,\n");
        assertRefused(SimCliTest.sim("run", "--topology", huge.toString()), huge + ": layer a: its operands");
        // fits a tensor, but not the compatible machine's accumulator (it holds a layer's every output row)
        Path tall = Files.writeString(dir.resolve("tall.csv"), "Layer, M, N, K,\na, 200000000, 1, 1,\n");
        Path ws = Files.writeString(dir.resolve("ws.cfg"), "[architecture_presets]\nArrayHeight: 8\nArrayWidth: 8\n"
                + "IfmapSramSzkB: 1\nFilterSramSzkB: 1\nOfmapSramSzkB: 1\nDataflow: ws\n[run_presets]\nInterfaceBandwidth: CALC\n");
        assertRefused(SimCliTest.sim("run", "--scalesim-cfg", ws.toString(), "--topology", tall.toString()), ws + ": layer a streams M = 200000000");
        // a quantized file whose G the preset cannot take: the file is named, not only the option
        Path g1 = dir.resolve("g1.q.flx");
        assertThat(SimCliTest.sim("quantize", "mlp", "--group", "1", "--method", "greedy", "-o", g1.toString()).code()).isZero();
        assertRefused(SimCliTest.sim("exec", g1.toString(), "--ratio", "0.5", "--functional"), g1 + " is quantized with G = 1");
        // a data spec that cannot be read names the option it came in
        assertRefused(SimCliTest.sim("accuracy", g1.toString(), "--ratios", "0", "--data", "fashion-mnist:0"), "--data: data spec 'fashion-mnist:0'");
        assertRefused(SimCliTest.sim("quantize", "mlp", "--method", "greedy", "--calib", "synthetic:x", "-o", dir.resolve("c.q.flx").toString()),
                "--calib: calibration spec 'synthetic:x'");
    }

    @Test
    void whatTheFuzzerFoundInOnnxFilesIsRefusedInOneLine() throws IOException {
        ai.onnx.proto.OnnxMl.ModelProto base = FuzzOnnx.base();
        // Flatten with its input dropped: all (zero) inputs known, so it reached constant folding
        var noInput = base.toBuilder();
        noInput.getGraphBuilder().getNodeBuilder(5).clearInput();
        Path a = Files.write(dir.resolve("a.onnx"), noInput.build().toByteArray());
        assertRefused(SimCliTest.sim("inspect", a.toString()), "node 5 'f' (Flatten): input 0 is missing");
        // a Gemm weight that does not fit its input
        var narrow = base.toBuilder();
        narrow.getGraphBuilder().getNodeBuilder(6).setInput(0, "r");
        Path b = Files.write(dir.resolve("b.onnx"), narrow.build().toByteArray());
        assertRefused(SimCliTest.sim("import", b.toString(), "-o", dir.resolve("b.flx").toString()), "(Gemm): ");
        assertThat(dir.resolve("b.flx")).doesNotExist();
        // a name with a line break in it stays on one line
        var newline = base.toBuilder();
        newline.getGraphBuilder().getNodeBuilder(6).setInput(0, "f\nx");
        Path c = Files.write(dir.resolve("c.onnx"), newline.build().toByteArray());
        assertRefused(SimCliTest.sim("run", c.toString(), "--ratio", "0", "--no-check"), "input 'f\\u000ax' is not a graph input");
        // a node with no output
        var noOutput = base.toBuilder();
        noOutput.getGraphBuilder().getNodeBuilder(2).clearOutput();
        Path d = Files.write(dir.resolve("d.onnx"), noOutput.build().toByteArray());
        assertRefused(SimCliTest.sim("inspect", d.toString()), "(Relu): has no output");
    }

    private static void assertRefused(SimCliTest.Result r, String message) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).contains(message).doesNotContain("\n").doesNotContain("Exception");
    }
}
