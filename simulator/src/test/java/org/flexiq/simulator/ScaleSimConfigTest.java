package org.flexiq.simulator;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ScaleSimConfigTest {
    private static final List<String> GOOGLE = List.of(
            "[general]",
            "run_name = google_tpu",
            "",
            "[architecture_presets]",
            "ArrayHeight:    128",
            "ArrayWidth:     128",
            "IfmapSramSzkB:    6144",
            "FilterSramSzkB:   6144",
            "OfmapSramSzkB:    2048",
            "IfmapOffset:    0",
            "FilterOffset:   10000000",
            "OfmapOffset:    20000000",
            "Bandwidth : 10",
            "Dataflow : ws",
            "; a comment",
            "[run_presets]",
            "InterfaceBandwidth: CALC");

    private static List<String> with(String from, String to) {
        List<String> out = new ArrayList<>();
        for (String l : GOOGLE) {
            out.add(l.startsWith(from) ? to : l);
        }
        return out;
    }

    @Test
    void readsTheFieldsOfItsComputeModel() {
        ScaleSimConfig c = ScaleSimConfig.parse("g.cfg", GOOGLE);
        assertThat(c.runName()).isEqualTo("google_tpu");
        assertThat(c.arrayHeight()).isEqualTo(128);
        assertThat(c.arrayWidth()).isEqualTo(128);
        assertThat(c.ifmapSramKB()).isEqualTo(6144);
        assertThat(c.ofmapSramKB()).isEqualTo(2048);
        assertThat(c.userBandwidth()).isFalse();
        NpuConfig n = c.npuConfig(256, 12544, 3_000_000);
        assertThat(n.arrayRows()).isEqualTo(128);
        assertThat(n.weightDoubleBuffering()).isFalse();
        assertThat(n.idealMemory()).isTrue();
        assertThat(n.target().accumulatorRows()).isGreaterThanOrEqualTo(12544);
        assertThat((long) n.target().scratchpadBytes()).isGreaterThanOrEqualTo(3_000_000);
    }

    @Test
    void userBandwidthBecomesDramBytesPerCycle() {
        ScaleSimConfig c = ScaleSimConfig.parse("g.cfg", with("InterfaceBandwidth", "InterfaceBandwidth = USER"));
        assertThat(c.bandwidthWordsPerCycle()).isEqualTo(10);
        NpuConfig n = c.npuConfig(256, 1, 0);
        assertThat(n.idealMemory()).isFalse();
        assertThat(n.dramBandwidthGBps() * 1000 / n.clockMHz()).isEqualTo(10.0); // bytes per cycle
    }

    @Test
    void badFilesNameTheFileLineAndField() {
        assertThatThrownBy(() -> ScaleSimConfig.parse("g.cfg", with("Dataflow", "Dataflow : os")))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("g.cfg:14: Dataflow: 'os' is not supported");
        assertThatThrownBy(() -> ScaleSimConfig.parse("g.cfg", with("ArrayWidth", "ArrayWidth: wide")))
                .hasMessage("g.cfg:6: ArrayWidth: expected a positive integer, got 'wide'");
        assertThatThrownBy(() -> ScaleSimConfig.parse("g.cfg", with("ArrayHeight", "")))
                .hasMessage("g.cfg: [architecture_presets] ArrayHeight: missing");
        assertThatThrownBy(() -> ScaleSimConfig.parse("g.cfg", with("InterfaceBandwidth", "InterfaceBandwidth: FAST")))
                .hasMessage("g.cfg:17: InterfaceBandwidth: expected USER or CALC, got 'FAST'");
        assertThatThrownBy(() -> ScaleSimConfig.parse("g.cfg", with("[run_presets]", "[run_presets")))
                .hasMessage("g.cfg:16: section header '[run_presets' has no closing ']'");
        assertThatThrownBy(() -> ScaleSimConfig.parse("g.cfg", with("; a comment", "just words")))
                .hasMessage("g.cfg:15: expected 'key: value' or 'key = value', got 'just words'");
    }

    /**
     * SCALE-Sim v3's shipped configs (validation/scalesim-v3/configs): its extra keys are read, honoured where they
     * change nothing modelled here, and refused in one line naming the file, line and section otherwise.
     */
    @Test
    void scaleSimV3ConfigsAreReadOrRefusedNamingTheSection() throws Exception {
        java.nio.file.Path dir = java.nio.file.Path.of("..", "validation", "scalesim-v3", "configs");
        // [layout] without custom layouts, [sparsity] off, UseRamulatorTrace False, request buffers: all accepted
        ScaleSimConfig scale = ScaleSimConfig.read(dir.resolve("scale.cfg"));
        assertThat(scale.arrayHeight()).isEqualTo(32);
        assertThat(scale.userBandwidth()).isFalse();
        assertThat(ScaleSimConfig.read(dir.resolve("eyeriss.cfg")).arrayWidth()).isEqualTo(14);
        assertThatThrownBy(() -> ScaleSimConfig.read(dir.resolve("sparsity.cfg")))
                .hasMessage(dir.resolve("sparsity.cfg") + ":20: [sparsity] SparsitySupport: true is not modelled (SCALE-Sim v3's sparse mappings); "
                        + "set it to false");
        assertThatThrownBy(() -> ScaleSimConfig.read(dir.resolve("rebuttal_test_ws.cfg")))
                .hasMessageStartingWith(dir.resolve("rebuttal_test_ws.cfg") + ":17: [layout] IfmapCustomLayout: True is not modelled");
        assertThatThrownBy(() -> ScaleSimConfig.read(dir.resolve("google_ramulator.cfg")))
                .hasMessageStartingWith(dir.resolve("google_ramulator.cfg") + ":37: [run_presets] UseRamulatorTrace: True is not modelled");
        assertThatThrownBy(() -> ScaleSimConfig.read(dir.resolve("google.cfg"))).hasMessageContaining("Dataflow: 'os' is not supported");
        List<String> lines = new ArrayList<>(GOOGLE);
        lines.add("[accelergy]");
        lines.add("Enabled: true");
        assertThatThrownBy(() -> ScaleSimConfig.parse("g.cfg", lines)).hasMessage("g.cfg:18: [accelergy]: not a section of SCALE-Sim v2 or v3 "
                + "(expected one of general, architecture_presets, run_presets, network_presets, layout, sparsity)");
        List<String> badBool = new ArrayList<>(GOOGLE);
        badBool.add("[layout]");
        badBool.add("FilterCustomLayout: maybe");
        assertThatThrownBy(() -> ScaleSimConfig.parse("g.cfg", badBool))
                .hasMessage("g.cfg:19: [layout] FilterCustomLayout: expected a boolean (True or False), got 'maybe'");
    }
}
