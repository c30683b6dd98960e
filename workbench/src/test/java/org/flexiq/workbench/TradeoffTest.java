package org.flexiq.workbench;

import org.flexiq.compiler.eval.Accuracy;
import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.CalibrationMethod;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.FlexiqLayout;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Quantizer;
import org.flexiq.compiler.quant.QuantizerOptions;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.compiler.select.SearchProgress;
import org.flexiq.isa.NpuProgram;
import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuPresets;
import org.flexiq.simulator.energy.EnergyParameters;
import org.flexiq.workloads.data.DataSpec;
import org.flexiq.workloads.data.FashionMnist;
import org.flexiq.workloads.data.LabeledImages;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/** The trade-off flow's figures recomputed here from the modules under it, step by step. */
class TradeoffTest {
    @TempDir
    Path dir;

    @Test
    void everyFigureIsTheEnginesAndTheGoldenExecutors() throws Exception {
        assumeThat(FashionMnist.available()).as("dataset-fashion-mnist installed (.ci/run installs it)").isTrue();
        NpuConfig npu = NpuPresets.load("gemmini-like");
        List<Double> ratios = List.of(0.5, 1.0);
        TradeoffPlan plan = new TradeoffPlan("fmnist-resnet", npu, 8, List.of(ChannelSelection.Method.GREEDY), ratios,
                List.of(Extraction.STATIC, Extraction.DYNAMIC), "fashion-mnist:test:120", "fashion-mnist:train:48", 4, 1, 48, 16, true, 0,
                EnergyParameters.load(EnergyParameters.DEFAULT), ChannelSelection.Budget.LAYER, null, false,
                ChannelSelection.StaticShifts.MSE, 0.5);
        List<String> stages = new ArrayList<>();
        TradeoffResult r = Tradeoff.run(plan, stages::add, SearchProgress.NONE);

        Model m = ModelZoo.get("fmnist-resnet").model(ModelZoo.get("fmnist-resnet").defaults(), 0);
        List<Map<String, FloatTensor>> calib = new ArrayList<>();
        LabeledImages train = DataSpec.parse("fashion-mnist:train:48").load();
        for (int i = 0; i < train.size(); i++) {
            calib.add(Map.of("image", train.image(i)));
        }
        QuantizedModel int8 = Quantizer.quantize(m, calib, new QuantizerOptions(8, CalibrationMethod.MAX));
        QuantizedModel q = FlexiqLayout.apply(ChannelSelection.select(int8, ratios,
                new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC, 4, 1, 0), calib, SearchProgress.NONE).model());
        // the program every command compiles: tilings chosen for the machine's DRAM rate
        NpuProgram p = NpuCompiler.compile(q, npu.target(), 0, npu.dramBytesPerCycle()).program();
        LabeledImages test = DataSpec.parse("fashion-mnist:test:120").load();

        assertThat(r.model()).isEqualTo("fmnist-resnet");
        assertThat(r.groupWidth()).isEqualTo(8);
        assertThat(r.images()).isEqualTo(120);
        assertThat(r.floatTop1()).isEqualTo(Accuracy.floatTop1(m, test));
        assertThat(r.int8Top1()).isEqualTo(Accuracy.goldenTop1(new GoldenExecutor(q, 0, Extraction.STATIC), test));
        long base = FastEngine.run(p, npu, "0", 0).cycles();
        List<Double> all = List.of(0.0, 0.5, 1.0);
        for (int i = 0; i < all.size(); i++) {
            TradeoffResult.Timing t = r.timings().get(i);
            var run = FastEngine.run(p, npu, NpuCompiler.profileName(all.get(i)), 0);
            long cycles = run.cycles();
            assertThat(t.energyUj()).isEqualTo(org.flexiq.simulator.energy.EnergyReport.of(org.flexiq.simulator.energy.EnergyTable.of(
                    EnergyParameters.load(EnergyParameters.DEFAULT), npu), run).totalPj() / 1e6);
            assertThat(t.ratio()).isEqualTo(all.get(i));
            assertThat(t.cycles()).isEqualTo(cycles);
            assertThat(t.speedup()).isEqualTo((double) base / cycles);
            assertThat(t.goldenMatch()).isTrue();
        }
        // the floor program: the same model compiled for 0.5, timed at 0.5 and 1 over the full program's 8-bit run, outputs checked
        NpuProgram floor = NpuCompiler.compile(q, npu.target(), 0.5, npu.dramBytesPerCycle()).program();
        assertThat(r.minRatio()).isEqualTo(0.5);
        assertThat(r.floorTimings()).extracting(TradeoffResult.Timing::ratio).containsExactly(0.5, 1.0);
        for (TradeoffResult.Timing t : r.floorTimings()) {
            long cycles = FastEngine.run(floor, npu, NpuCompiler.profileName(t.ratio()), 0).cycles();
            assertThat(t.cycles()).isEqualTo(cycles);
            assertThat(t.speedup()).isEqualTo((double) base / cycles);
            assertThat(t.cycles()).isLessThan(r.timing(t.ratio()).cycles());
            assertThat(t.goldenMatch()).isTrue();
        }
        // greedy static, greedy dynamic, then the independent searches
        assertThat(r.series()).extracting(TradeoffResult.Series::method, TradeoffResult.Series::extraction)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("greedy", "static"), org.assertj.core.groups.Tuple.tuple("greedy", "dynamic"),
                        org.assertj.core.groups.Tuple.tuple("greedy (independent per ratio)", "static"));
        for (TradeoffResult.Series s : r.series().subList(0, 2)) {
            Extraction e = Extraction.parse(s.extraction());
            for (int i = 1; i < all.size(); i++) {
                assertThat(s.top1().get(i)).as(s.extraction() + " at " + all.get(i))
                        .isEqualTo(Accuracy.goldenTop1(new GoldenExecutor(q, all.get(i), e), test));
            }
        }
        // greedy ranks groups per site on their own, so searching each ratio alone gives the nested selection back
        assertThat(r.series().get(2).top1()).isEqualTo(r.series().get(0).top1());
        TradeoffResult.Selection sel = r.selections().get(0);
        assertThat(sel.searchFitness().get(0)).isEqualTo(ChannelSelection.fitness(q, 0.5, Extraction.STATIC, ChannelSelection.Fitness.OUTPUTS, calib));
        assertThat(sel.searchFitness().get(0)).isNotEqualTo(ChannelSelection.fitness(q, 0.5, Extraction.STATIC, ChannelSelection.Fitness.SOFTMAX, calib));
        assertThat(sel.heldOutFitness()).allMatch(f -> f > 0);
        assertThat(stages).contains("quantization: G = 8, fashion-mnist:train:48", "selection: greedy");

        TradeoffReport.write(dir, r);
        assertThat(Files.readString(dir.resolve("report.html"))).contains("latency-vs-accuracy.png", "greedy, dynamic", "Headlines",
                "50.0%, --min-ratio 0.5", "With --min-ratio 0.5");
        // three series at 0, 0.5 and 1, then greedy static and dynamic at 0.5 and 1 with the floor
        List<String> csv = Files.readAllLines(dir.resolve("tradeoff.csv"));
        assertThat(csv).hasSize(1 + 3 * 3 + 2 * 2)
                .first().isEqualTo("model,npu,group,method,extraction,ratio,cycles,latency_us,pe_utilization,speedup,energy_uj,top1,min_ratio");
        assertThat(csv.get(csv.size() - 1)).startsWith("fmnist-resnet,gemmini-like,8,greedy,dynamic,1.0," + r.floorTimings().get(1).cycles() + ",")
                .endsWith("," + String.format(java.util.Locale.ROOT, "%.4f", r.series().get(1).top1At(1.0)) + ",0.5");
    }

    @Test
    void headlineShareAndStepFiguresFollowTheirDefinitions() {
        TradeoffResult.Series s = new TradeoffResult.Series("m", "static", List.of(0.0, 0.5, 1.0), List.of(10.0, 8.0, 6.0), List.of(0.90, 0.89, 0.80));
        // steps 0.01 and 0.09, mean 0.05: the worst is 1.8x the mean
        assertThat(s.worstStepOverMean()).isCloseTo(1.8, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(s.top1At(0.5)).isEqualTo(0.89);
        TradeoffResult r = new TradeoffResult("m", "npu", 64, "d", 1, null, 0.9, List.of(
                new TradeoffResult.Timing(0, 1000, 1, 0.5, 1.0, 3.0, true), new TradeoffResult.Timing(0.5, 800, 0.8, 0.5, 1.25, 2.5, true),
                new TradeoffResult.Timing(1.0, 625, 0.625, 0.5, 1.6, 2.0, true)), List.of(s), List.of(), 0, List.of());
        assertThat(r.halfShareOfFullSpeedup()).isCloseTo(0.25 / 0.6, org.assertj.core.data.Offset.offset(1e-12));
        assertThat(TradeoffReport.headline(r)).contains("-1.00 pp against 8-bit", "reaches 42% of the 100% speedup (1.250x of 1.600x)");
    }
}
