package org.flexiq.cli;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.isa.Instruction;
import org.flexiq.isa.NpuProgram;
import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.FunctionalExecutor;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuPresets;
import org.flexiq.workbench.FloorPrograms;
import org.flexiq.workbench.FunctionalComparison;
import org.flexiq.workbench.NpuModels;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Programs whose tilings are chosen for the machine's DRAM rate ({@code NpuCompiler.compile(..., dramBytesPerCycle)}, what
 * every command compiles): the golden outputs, engines that agree, column tiles that alternate accumulator halves, and
 * runs no slower than the tilings that move the fewest bytes.
 */
class TunedTilingTest {

    /** A slow DRAM makes the estimate choose other tilings than the fewest bytes; the outputs stay the golden executor's. */
    @Test
    void tunedProgramsGiveTheGoldenOutputsAndTheEnginesAgree() {
        QuantizedModel q = FunctionalEquivalenceTest.quantized("fmnist-resnet", null, 8);
        Map<String, FloatTensor> input = SyntheticInputs.batch(q.graph(), 1, 3).get(0);
        boolean anyOther = false;
        for (NpuConfig c : new NpuConfig[]{EngineEquivalenceTest.machine(4, 4, 8, true, false, 16),
                EngineEquivalenceTest.machine(8, 8, 8, true, false, 32).withClock(1000, 1)}) {
            NpuProgram tuned = NpuCompiler.compile(q, c.target(), 0, c.dramBytesPerCycle()).program();
            anyOther |= !tuned.code().equals(NpuCompiler.compile(q, c.target()).program().code());
            for (double r : new double[]{0, 0.5, 1}) {
                GoldenExecutor golden = new GoldenExecutor(q, r, Extraction.STATIC);
                Map<String, byte[]> expected = golden.run(input);
                Map<String, int[]> codes = FunctionalComparison.codes(golden, tuned, input);
                String what = "ratio " + r + " on " + c.arrayRows() + "x" + c.arrayCols() + " at " + c.dramBytesPerCycle() + " B/cycle";
                assertThat(FunctionalComparison.check(tuned, r, Extraction.STATIC, codes, expected).mismatch()).as(what).isNull();
                EngineEquivalenceTest.assertEnginesAgree(tuned, c, NpuCompiler.profileName(r), 0, codes, expected, what);
            }
        }
        assertThat(anyOther).as("a tiling other than the fewest bytes was chosen somewhere").isTrue();
    }

    /**
     * A matrix product of several column tiles whose rows fit the accumulator twice: each column tile's bias lands in the
     * other half, and its first weights are loaded ahead of the bias (the load queue runs in order).
     */
    @Test
    void columnTilesAlternateAccumulatorHalvesAndLoadWeightsFirst() {
        NpuConfig c = NpuPresets.load("flexiq-npu").with(32, 32, 16);
        QuantizedModel q = NpuModels.timingOnly(ModelZoo.get("mlp").model(ModelZoo.get("mlp").defaults(), 0).graph(), "mlp", 16,
                NpuModels.ON_THE_FLY_RATIOS);
        NpuProgram p = FloorPrograms.full(q, c).program();
        List<Integer> halves = new ArrayList<>();
        Instruction before = null;
        for (Instruction i : p.code()) {
            if (i instanceof Instruction.MvinAcc a) {
                halves.add(a.acc());
                assertThat(before).as("the load before mvin.acc").isInstanceOfAny(Instruction.Mvin.class, Instruction.MvinW4.class);
            }
            before = i;
        }
        // mlp's first layer has 256 outputs: 8 column tiles of 32 on one tile of 1 row, alternating rows 0 and 1
        assertThat(halves.subList(0, 8)).containsExactly(0, 1, 0, 1, 0, 1, 0, 1);
    }

    /**
     * The estimate is a choice, not a promise per layer; over whole models at the presets' 16 B/cycle and at 4x that rate,
     * the programs it tunes run 8-bit and 100% 4-bit, together, no slower than the fewest-bytes tilings.
     */
    @Test
    void tunedProgramsAreNoSlowerOverTheServedRange() {
        for (String model : List.of("fmnist-resnet-wide", "fmnist-vit-wide", "fmnist-mobilenet-wide")) {
            var z = ModelZoo.get(model);
            QuantizedModel q = NpuModels.timingOnly(z.model(z.defaults(), 0).graph(), model, 64, NpuModels.ON_THE_FLY_RATIOS);
            NpuConfig preset = NpuPresets.load("flexiq-npu");
            for (NpuConfig c : List.of(preset, preset.withClock(preset.clockMHz(), 4 * preset.dramBandwidthGBps()))) {
                NpuProgram tuned = FloorPrograms.full(q, c).program();
                NpuProgram fewest = NpuCompiler.compile(q, c.target()).program();
                long tunedCycles = cycles(tuned, c, "0") + cycles(tuned, c, "1");
                long fewestCycles = cycles(fewest, c, "0") + cycles(fewest, c, "1");
                assertThat(tunedCycles).as(model + " at " + c.dramBandwidthGBps() + " GB/s").isLessThanOrEqualTo(fewestCycles);
            }
        }
    }

    private static long cycles(NpuProgram p, NpuConfig c, String profile) {
        return FastEngine.run(p, c, profile, FunctionalExecutor.STATIC).cycles();
    }
}
