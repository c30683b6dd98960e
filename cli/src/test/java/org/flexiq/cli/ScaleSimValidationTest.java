package org.flexiq.cli;

import org.flexiq.workbench.CalibrationData;
import org.flexiq.workbench.FunctionalComparison;
import org.flexiq.workbench.NpuModels;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.isa.NpuProgram;
import org.flexiq.reports.ComputeReport;
import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.LayerStats;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.RunStats;
import org.flexiq.simulator.Event;
import org.flexiq.simulator.energy.EnergyAction;
import org.flexiq.simulator.energy.EnergyComponent;
import org.flexiq.simulator.energy.EnergyParameters;
import org.flexiq.simulator.energy.EnergyReport;
import org.flexiq.simulator.energy.EnergyTable;
import org.flexiq.simulator.ScaleSimConfig;
import org.flexiq.workloads.scalesim.ScaleSimTopology;
import org.flexiq.workloads.scalesim.TopologyLayer;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Imported SCALE-Sim topologies on the scalesim-compatible machine against SCALE-Sim v2's weight-stationary
 * model, computed here independently: per fold 2R + C + M - 2 compute cycles over ceil(K / R) x ceil(N / C)
 * folds, and its per-fold mapping efficiency and compute utilization (systolic_compute_ws).
 */
class ScaleSimValidationTest {

    /** SCALE-Sim's compute cycles, mapping efficiency and compute utilization of one layer. */
    record Expected(long cycles, double mappingEfficiency, double computeUtilization) {
        static Expected of(TopologyLayer l, int r, int c) {
            long m = l.m();
            int rowFolds = (l.k() + r - 1) / r;
            int colFolds = (l.n() + c - 1) / c;
            double me = 0;
            double cu = 0;
            for (int fc = 0; fc < colFolds; fc++) {
                for (int fr = 0; fr < rowFolds; fr++) {
                    int rowsUsed = Math.min(r, l.k() - fr * r);
                    int colsUsed = Math.min(c, l.n() - fc * c);
                    me += rowsUsed * colsUsed / (double) (r * c);
                    cu += rowsUsed * colsUsed * (double) m / ((double) r * c * (2L * r + 2L * c + m - 3));
                }
            }
            int folds = rowFolds * colFolds;
            return new Expected(folds * (2L * r + c + m - 2), me / folds, cu / folds);
        }
    }

    static ScaleSimConfig config(int rows, int cols) {
        return ScaleSimConfig.parse("test.cfg", List.of("[general]", "run_name = t", "[architecture_presets]", "ArrayHeight: " + rows,
                "ArrayWidth: " + cols, "IfmapSramSzkB: 64", "FilterSramSzkB: 64", "OfmapSramSzkB: 64", "Dataflow: ws", "[run_presets]",
                "InterfaceBandwidth: CALC"));
    }

    /** Runs a topology at ratio 0 and checks every layer; returns the run. */
    static RunStats assertMatchesScaleSim(ScaleSimTopology t, ScaleSimConfig s) {
        int g = RunCommand.defaultGroup(s.arrayHeight());
        QuantizedModel q = NpuModels.quantize(t.toModel(g, 3), t.name(), g, 4, 3, NpuModels.ON_THE_FLY_RATIOS,
                new PrintWriter(new StringWriter()));
        NpuConfig machine = RunCommand.scalesimMachine(s, t, q.groupWidth());
        NpuProgram p = NpuCompiler.compile(q, machine.target()).program();
        RunStats run = FastEngine.run(p, machine, "0", 0);
        List<LayerStats> arrayLayers = run.layers().stream().filter(l -> l.folds() > 0).toList();
        assertThat(run.int4Macs()).isZero();
        assertThat(arrayLayers).hasSize(t.layers().size());
        EnergyTable table = EnergyTable.of(EnergyParameters.load(EnergyParameters.DEFAULT), machine);
        EnergyReport energy = EnergyReport.of(table, run);
        String[] report = ComputeReport.csv(run).split("\n");
        assertThat(report[0]).isEqualTo(ComputeReport.HEADER + " NPU Cycles, NPU Other Cycles,");
        for (int i = 0; i < arrayLayers.size(); i++) {
            TopologyLayer l = t.layers().get(i);
            LayerStats got = arrayLayers.get(i);
            Expected e = Expected.of(l, s.arrayHeight(), s.arrayWidth());
            String what = t.name() + " layer " + l + " on " + s.arrayHeight() + "x" + s.arrayWidth();
            assertThat(got.name()).as(what).isEqualTo(l.name());
            assertThat(got.arrayCycles()).as(what).isEqualTo(e.cycles());
            assertThat(got.scalesimMappingEfficiency()).as(what).isCloseTo(e.mappingEfficiency(), within(1e-9));
            assertThat(got.scalesimComputeUtilization()).as(what).isCloseTo(e.computeUtilization(), within(1e-9));
            String[] cells = report[i + 1].substring(0, report[i + 1].length() - 1).split(", ");
            // SCALE-Sim reports the index of the last cycle, not the count; CALC mode stalls on nothing
            assertThat(Long.parseLong(cells[1])).as(what).isEqualTo(e.cycles() - 1);
            assertThat(Long.parseLong(cells[2])).as(what).isZero();
            assertThat(Double.parseDouble(cells[3])).as(what).isCloseTo((double) l.m() * l.k() * l.n() * 100
                    / ((e.cycles() - 1) * (double) s.arrayHeight() * s.arrayWidth()), within(1e-9));
            assertThat(Long.parseLong(cells[6])).as(what).isEqualTo(got.cycles());
            assertThat(Double.parseDouble(cells[4])).as(what).isCloseTo(e.mappingEfficiency() * 100, within(1e-6));
            assertThat(Double.parseDouble(cells[5])).as(what).isCloseTo(e.computeUtilization() * 100, within(1e-6));
            // the energy model's counts on the same shapes: every weight preloaded once (one row tile), each fold
            // streaming M rows that read-modify-write one accumulator row and add one partial sum per column; per
            // column tile, the bias loaded into M accumulator rows and M rows requantized out of them
            long rowFolds = (l.k() + s.arrayHeight() - 1) / s.arrayHeight();
            long colFolds = (l.n() + s.arrayWidth() - 1) / s.arrayWidth();
            long macs = (long) l.m() * l.k() * l.n();
            assertThat(got.int8Macs()).as(what).isEqualTo(macs);
            assertThat(got.events().get(Event.WEIGHT_REGISTER_WRITE)).as(what).isEqualTo((long) l.k() * l.n());
            assertThat(got.events().get(Event.ACCUMULATE_ADD)).as(what).isEqualTo(rowFolds * l.m() * l.n());
            assertThat(got.events().get(Event.ACCUMULATOR_READ)).as(what).isEqualTo((rowFolds + 1) * colFolds * l.m());
            assertThat(got.events().get(Event.ACCUMULATOR_WRITE)).as(what).isEqualTo((rowFolds + 1) * colFolds * l.m());
            EnergyReport.LayerEnergy le = energy.layers().get(run.layers().indexOf(got));
            assertThat(le.pj().get(EnergyComponent.PE_MACS)).as(what).isCloseTo(macs * table.pj(EnergyAction.MAC_INT8), within(1e-6 * macs));
            assertThat(le.pj().get(EnergyComponent.ACCUMULATOR)).as(what).isCloseTo((rowFolds + 1) * colFolds * l.m()
                    * (table.pj(EnergyAction.ACCUMULATOR_READ) + table.pj(EnergyAction.ACCUMULATOR_WRITE)), within(1e-3));
            assertThat(le.pj().get(EnergyComponent.ACCUMULATE)).as(what).isCloseTo(rowFolds * l.m() * l.n()
                    * table.pj(EnergyAction.ACCUMULATE_ADD), within(1e-6));
            assertThat(le.pj().get(EnergyComponent.PE_REGISTERS)).as(what).isCloseTo((double) l.k() * l.n()
                    * table.pj(EnergyAction.WEIGHT_WRITE), within(1e-6));
        }
        return run;
    }

    @Test
    void randomConvAndGemmTopologies() {
        SplittableRandom rnd = new SplittableRandom(6);
        for (int trial = 0; trial < 24; trial++) {
            int rows = List.of(4, 8, 16, 32).get(rnd.nextInt(4));
            int cols = List.of(4, 8, 16, 32).get(rnd.nextInt(4));
            List<String> lines = new ArrayList<>();
            boolean gemm = rnd.nextBoolean();
            lines.add(gemm ? "Layer, M, N, K," : "Layer name, IFMAP Height, IFMAP Width, Filter Height, Filter Width, Channels, Num Filter, Strides,");
            int layers = rnd.nextInt(1, 4);
            for (int i = 0; i < layers; i++) {
                if (gemm) {
                    lines.add("g" + i + ", " + rnd.nextInt(1, 80) + ", " + rnd.nextInt(1, 70) + ", " + rnd.nextInt(1, 100) + ",");
                } else {
                    int h = rnd.nextInt(3, 14);
                    int f = rnd.nextInt(1, 4);
                    String name = rnd.nextInt(5) == 0 ? "c" + i + "_DP" : "c" + i;
                    lines.add(name + ", " + h + ", " + (h + rnd.nextInt(0, 3)) + ", " + f + ", " + f + ", " + rnd.nextInt(1, name.contains("DP") ? 4 : 40)
                            + ", " + rnd.nextInt(1, 50) + ", " + rnd.nextInt(1, 3) + ",");
                }
            }
            ScaleSimTopology t = ScaleSimTopology.parse("random" + trial + ".csv", "random" + trial, lines);
            assertMatchesScaleSim(t, config(rows, cols));
        }
    }

    @Test
    void theHandBuiltTopologiesOfTheValidationSuite() throws Exception {
        Path dir = Path.of("..", "validation");
        ScaleSimConfig s = ScaleSimConfig.read(dir.resolve("scale-ws-32x32.cfg"));
        assertMatchesScaleSim(ScaleSimTopology.read(dir.resolve("vit-b16-block.csv")), s);
        // ResNet-18's shapes on a smaller array keep the test short; the suite's 32x32 figures are in validation/README.md
        ScaleSimTopology r18 = ScaleSimTopology.read(dir.resolve("resnet18.csv"));
        ScaleSimTopology tail = new ScaleSimTopology("resnet18-tail", r18.form(), r18.layers().subList(10, r18.layers().size()));
        assertMatchesScaleSim(tail, s);
    }

    @Test
    void flexiqRatiosRunOnImportedShapesAndMatchTheGoldenExecutor() {
        ScaleSimTopology t = ScaleSimTopology.parse("g.csv", "g", List.of("Layer, M, N, K,", "a, 20, 40, 128,", "b, 7, 16, 64,"));
        QuantizedModel q = NpuModels.quantize(t.toModel(16, 1), "g", 16, 4, 1, NpuModels.ON_THE_FLY_RATIOS, new PrintWriter(new StringWriter()));
        NpuConfig machine = RunCommand.scalesimMachine(config(8, 8), t, q.groupWidth());
        NpuProgram p = NpuCompiler.compile(q, machine.target()).program();
        var input = CalibrationData.load("synthetic:1", q.graph(), 5).get(0);
        long previous = Long.MAX_VALUE;
        for (double r : new double[]{0, 0.5, 1}) {
            assertThat(FunctionalComparison.run(q, p, r, Extraction.STATIC, input).mismatch()).as("ratio " + r).isNull();
            long cycles = FastEngine.run(p, machine, NpuCompiler.profileName(r), 0).cycles();
            assertThat(cycles).as("ratio " + r).isLessThan(previous);
            previous = cycles;
        }
    }
}
