package org.flexiq.workbench;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.gpubackend.GpuEmulator;
import org.flexiq.gpubackend.GpuPlan;
import org.flexiq.gpubackend.GpuSpec;
import org.flexiq.gpubackend.GpuTimingModel;
import org.flexiq.isa.NpuProgram;
import org.flexiq.simulator.CycleEngine;
import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.FunctionalExecutor;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuPresets;
import org.flexiq.simulator.RunStats;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.ZooModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The flows of sim run, sim compare, sim exec and sim gpu, their figures recomputed here from the modules under them. */
class PointFlowsTest {
    private static QuantizedModel q;
    private static QuantizedModel other;
    private static NpuConfig npu;
    private static NpuProgram program;
    private static Map<String, FloatTensor> input;

    @BeforeAll
    static void compile() {
        ZooModel z = ModelZoo.get("mlp");
        PrintWriter quiet = new PrintWriter(new StringWriter());
        q = NpuModels.quantize(z.model(z.defaults(), 0), "mlp", 16, 8, 0, NpuModels.ON_THE_FLY_RATIOS, quiet);
        // the same graph with other weights: its golden outputs are not the program's
        other = NpuModels.quantize(z.model(z.defaults(), 1), "mlp", 16, 8, 0, NpuModels.ON_THE_FLY_RATIOS, quiet);
        npu = NpuPresets.load("gemmini-like");
        program = NpuCompiler.compile(q, npu.target()).program();
        input = CalibrationData.load("synthetic:1", q.graph(), 3).get(0);
    }

    @Test
    void fastRunsComeInTheOrderAskedOverAColdRatioZeroBase() {
        List<Double> ratios = List.of(0.5, 0.0, 1.0);
        NpuRuns r = NpuRuns.run(new NpuRuns.Request(q, program, npu, ratios, Engine.FAST, Extraction.DYNAMIC, false, true, input));
        for (int i = 0; i < ratios.size(); i++) {
            assertThat(r.runs().get(i).cycles()).isEqualTo(FastEngine.run(program, npu, NpuCompiler.profileName(ratios.get(i)),
                    FunctionalExecutor.DYNAMIC).cycles());
        }
        assertThat(r.base().cycles()).isEqualTo(FastEngine.run(program, npu, "0", FunctionalExecutor.DYNAMIC).cycles());
        assertThat(r.runs().stream().map(RunStats::profile).toList()).containsExactly("0.5", "0", "1");
        assertThat(r.base()).isSameAs(r.runs().get(1));
        assertThat(r.matched()).containsExactly(true, true, true);

        NpuRuns unchecked = NpuRuns.run(new NpuRuns.Request(q, program, npu, ratios, Engine.FAST, Extraction.DYNAMIC, false, false, null));
        assertThat(unchecked.matched()).isEmpty();
        assertThat(unchecked.runs().get(2).cycles()).isEqualTo(r.runs().get(2).cycles());
    }

    @Test
    void aScheduleRunsBackToBackAndItsBaseIsStillACold8BitRun() {
        List<Double> ratios = List.of(1.0, 0.0, 0.5);
        NpuRuns r = NpuRuns.run(new NpuRuns.Request(q, program, npu, ratios, Engine.FAST, Extraction.STATIC, true, false, null));
        List<RunStats> expected = FastEngine.schedule(program, npu, ratios.stream().map(NpuCompiler::profileName).toList(), FunctionalExecutor.STATIC);
        assertThat(r.runs().stream().map(RunStats::cycles).toList()).isEqualTo(expected.stream().map(RunStats::cycles).toList());
        assertThat(r.base().cycles()).isEqualTo(FastEngine.run(program, npu, "0", FunctionalExecutor.STATIC).cycles());
    }

    @Test
    void theCycleEngineCountsWhatTheFastOneDoesAndItsOwnOutputsAreChecked() {
        List<Double> ratios = List.of(0.25, 1.0);
        NpuRuns cycle = NpuRuns.run(new NpuRuns.Request(q, program, npu, ratios, Engine.CYCLE, Extraction.STATIC, false, true, input));
        NpuRuns fast = NpuRuns.run(new NpuRuns.Request(q, program, npu, ratios, Engine.FAST, Extraction.STATIC, false, false, null));
        assertThat(cycle.runs().stream().map(RunStats::cycles).toList()).isEqualTo(fast.runs().stream().map(RunStats::cycles).toList());
        assertThat(cycle.base().cycles()).isEqualTo(fast.base().cycles());
        assertThat(cycle.matched()).containsExactly(true, true);
        assertThat(NpuRuns.time(q, program, npu, 0.25, Engine.CYCLE, Extraction.STATIC, input).cycles()).isEqualTo(fast.runs().get(0).cycles());

        // the other model's golden outputs against this program's: the check must see the difference
        NpuRuns wrong = NpuRuns.run(new NpuRuns.Request(other, program, npu, List.of(0.5), Engine.FAST, Extraction.STATIC, false, true, input));
        assertThat(wrong.matched()).containsExactly(false);
        CycleEngine.Result res = CycleEngine.run(program, npu, "0.5", FunctionalExecutor.STATIC,
                FunctionalComparison.codes(new GoldenExecutor(q, 0.5, Extraction.STATIC), program, input));
        assertThat(FunctionalComparison.sameOutputs(new GoldenExecutor(other, 0.5, Extraction.STATIC).run(input), res.outputs())).isFalse();
        assertThat(FunctionalComparison.sameOutputs(new GoldenExecutor(q, 0.5, Extraction.STATIC).run(input), res.outputs())).isTrue();
    }

    @Test
    void valuesAreAskedForWhereTheyAreComputed() {
        assertThatThrownBy(() -> new NpuRuns.Request(q, program, npu, List.of(0.5), Engine.CYCLE, Extraction.STATIC, false, false, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NpuRuns.Request(q, program, npu, List.of(0.5), Engine.FAST, Extraction.STATIC, false, true, null))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new NpuRuns.Request(q, program, npu, List.of(0.5), Engine.CYCLE, Extraction.STATIC, true, true, input))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aBatchOfInputsCountsItsMatchesAndNamesTheFirstMismatches() {
        List<Map<String, FloatTensor>> inputs = CalibrationData.load("synthetic:7", q.graph(), 5);
        FunctionalComparison.Batch good = FunctionalComparison.over(q, program, 0.75, Extraction.DYNAMIC, inputs);
        assertThat(good.inputs()).isEqualTo(7);
        assertThat(good.matched()).isEqualTo(7);
        assertThat(good.mismatches()).isEmpty();
        assertThat(good.counts().int4Macs()).isEqualTo(FunctionalComparison.run(q, program, 0.75, Extraction.DYNAMIC, inputs.get(6)).counts().int4Macs());

        FunctionalComparison.Batch bad = FunctionalComparison.over(other, program, 0.75, Extraction.DYNAMIC, inputs);
        assertThat(bad.matched()).isZero();
        assertThat(bad.mismatches()).hasSize(5).allSatisfy(m -> assertThat(m).contains(": npu ").contains(", golden "));
    }

    @Test
    void gpuRunsAreTheTimingModelsAndTheEmulatorsOutputsAreChecked() {
        GpuSpec t4 = GpuSpec.named("t4");
        List<Double> ratios = List.of(1.0, 0.5);
        GpuRuns r = GpuRuns.model(q, t4, GpuTimingModel.GemmKernel.SHIPPED, ratios, 4, Extraction.STATIC, input);
        for (int i = 0; i < ratios.size(); i++) {
            assertThat(r.runs().get(i).us()).isEqualTo(GpuTimingModel.run(t4, ratios.get(i), 4, GpuPlan.of(q, ratios.get(i), 4),
                    GpuTimingModel.GemmKernel.SHIPPED).us());
            assertThat(r.plans().get(ratios.get(i))).hasSameSizeAs(GpuPlan.of(q, ratios.get(i), 4));
        }
        assertThat(r.base().us()).isEqualTo(GpuTimingModel.run(t4, 0, 4, GpuPlan.of(q, 0, 4), GpuTimingModel.GemmKernel.SHIPPED).us());
        assertThat(r.matched()).containsExactly(true, true);
        assertThat(GpuRuns.model(q, t4, GpuTimingModel.GemmKernel.SHIPPED, ratios, 4, Extraction.STATIC, null).matched()).isEmpty();
        Map<String, byte[]> emulated = GpuEmulator.run(q, 1.0, Extraction.STATIC, !t4.hasInt4TensorCores(), input);
        assertThat(FunctionalComparison.sameOutputs(new GoldenExecutor(other, 1.0, Extraction.STATIC).run(input), emulated)).isFalse();
        assertThat(FunctionalComparison.sameOutputs(new GoldenExecutor(q, 1.0, Extraction.STATIC).run(input), emulated)).isTrue();
    }
}
