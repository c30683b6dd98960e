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
    }

    private static void assertRefused(SimCliTest.Result r, String message) {
        assertThat(r.code()).as(r.err()).isEqualTo(2);
        assertThat(r.err().strip()).contains(message).doesNotContain("\n").doesNotContain("Exception");
    }
}
