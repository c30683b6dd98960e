package org.flexiq.cli;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedFlx;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.isa.NpuProgram;
import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.FunctionalExecutor;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuPresets;
import org.flexiq.simulator.RunStats;
import org.flexiq.workbench.NpuModels;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.scalesim.ScaleSimTopology;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.ZooModel;
import org.flexiq.workloads.zoo.ZooOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The timing-only path (shapes and per-ratio counts, no weights, calibration or selection) times every zoo model
 * exactly as the quantized model does: the same statistics, layer by layer, at every ratio and extraction, on
 * machines that tile differently (the preset with both extractions, a DRAM-bound small array, a wide array). Tagged
 * with the whole-zoo equivalence tests: CI runs it once, on the first JDK.
 */
@org.junit.jupiter.api.Tag("zoo-equivalence")
class TimingOnlyTest {
    private static final List<String> PROFILES = List.of("0", "0.25", "0.5", "0.75", "1");

    static Stream<Arguments> models() {
        ZooOptions small = FunctionalEquivalenceTest.SMALL;
        return Stream.concat(FunctionalEquivalenceTest.zoo(), Stream.of(Arguments.of("mlp", null, 16), Arguments.of("fmnist-resnet", null, 8),
                Arguments.of("fmnist-resnet-wide", null, 64), Arguments.of("fmnist-vit-wide", null, 64), Arguments.of("resnet50", small, 16)));
    }

    @ParameterizedTest(name = "{0} G = {2}")
    @MethodSource("models")
    void timesEveryZooModelAsItsQuantizedModel(String name, ZooOptions options, int group) {
        ZooModel z = ModelZoo.get(name);
        Model m = z.model(options == null ? z.defaults() : options, 0);
        QuantizedModel full = NpuModels.quantize(m, name, group, 4, 0, NpuModels.ON_THE_FLY_RATIOS, new PrintWriter(new StringWriter()));
        QuantizedModel timing = NpuModels.timingOnly(m.graph(), name, group, NpuModels.ON_THE_FLY_RATIOS);
        NpuConfig preset = NpuPresets.load("flexiq-npu");
        assertSameTiming(full, timing, preset.withGroupWidth(group), FunctionalExecutor.STATIC, FunctionalExecutor.DYNAMIC);
        assertSameTiming(full, timing, preset.with(16, 16, group).withClock(1000, 4), FunctionalExecutor.STATIC);
        assertSameTiming(full, timing, preset.with(16, 32, group), FunctionalExecutor.STATIC);
    }

    @Test
    void timesAnImportedTopologyAsItsSyntheticModel() throws Exception {
        ScaleSimTopology t = ScaleSimTopology.read(Path.of("../validation/resnet18.csv"));
        // the second half of ResNet-18: deep K, some layers 8-bit (K not a multiple of G)
        ScaleSimTopology half = new ScaleSimTopology(t.name(), t.form(), t.layers().subList(10, t.layers().size()));
        Model m = half.toModel(64, 0);
        QuantizedModel full = NpuModels.quantize(m, "resnet18.csv", 64, 4, 0, NpuModels.ON_THE_FLY_RATIOS, new PrintWriter(new StringWriter()));
        QuantizedModel timing = NpuModels.timingOnly(m.graph(), "resnet18.csv", 64, NpuModels.ON_THE_FLY_RATIOS);
        assertSameTiming(full, timing, RunCommand.scalesimMachine(org.flexiq.simulator.ScaleSimConfig.read(
                Path.of("../validation/scale-ws-32x32.cfg")), half, 64), FunctionalExecutor.STATIC);
    }

    @Test
    void aTimingOnlyModelHasNoValuesToRunOrWrite(@TempDir Path dir) {
        QuantizedModel timing = NpuModels.timingOnly(ModelZoo.get("mlp").model(ModelZoo.get("mlp").defaults(), 0).graph(), "mlp", 16, NpuModels.ON_THE_FLY_RATIOS);
        assertThatThrownBy(() -> new GoldenExecutor(timing, 0.5, Extraction.STATIC)).hasMessageContaining("timing-only");
        Path out = dir.resolve("mlp.q.flx");
        assertThatThrownBy(() -> QuantizedFlx.write(out, timing)).hasMessageContaining("timing-only");
        assertThat(Files.exists(out)).isFalse();
    }

    private static void assertSameTiming(QuantizedModel full, QuantizedModel timing, NpuConfig c, int... modes) {
        assertThat(timing.sites().keySet()).containsExactlyElementsOf(full.sites().keySet());
        NpuProgram pf = NpuCompiler.compile(full, c.target()).program();
        NpuProgram pt = NpuCompiler.compile(timing, c.target()).program();
        // the same instructions; only immediates that carry values (a ReLU6's clamp) may differ
        assertThat(pt.code().stream().map(i -> i.getClass().getSimpleName()).toList()).as("instructions")
                .isEqualTo(pf.code().stream().map(i -> i.getClass().getSimpleName()).toList());
        for (int mode : modes) {
            List<RunStats> f = FastEngine.schedule(pf, c, PROFILES, mode);
            List<RunStats> t = FastEngine.schedule(pt, c, PROFILES, mode);
            for (int i = 0; i < PROFILES.size(); i++) {
                assertThat(t.get(i).layers()).as(full.graph().name() + " at " + PROFILES.get(i) + " on " + c.arrayRows() + "x" + c.arrayCols())
                        .isEqualTo(f.get(i).layers());
                assertThat(t.get(i).cycles()).isEqualTo(f.get(i).cycles());
            }
        }
    }
}
