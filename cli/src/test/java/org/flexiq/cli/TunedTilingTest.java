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
            QuantizedModel q = zooTimingOnly(model);
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

    /**
     * MobileNetV2 on the flexiq-npu: each depthwise convolution and the ReLU6 after it are one layer (the clamp a table
     * lookup on the output band before its store), its bands alternate two buffer sets, and so do the tiles of every
     * residual add; the program without a DRAM rate keeps one set of the largest tiles. Fusing and pipelining only move
     * work: the tuned program is faster at 8-bit and at 100%.
     */
    @Test
    void depthwiseLayersFuseTheirClampAndVectorLayersAlternateTwoBufferSets() {
        QuantizedModel q = zooTimingOnly("mobilenetv2");
        NpuConfig c = NpuPresets.load("flexiq-npu");
        NpuProgram tuned = FloorPrograms.full(q, c).program();
        NpuProgram plain = NpuCompiler.compile(q, c.target()).program();
        assertThat(tuned.layers()).as("a clamp layer of its own").noneMatch(l -> l.endsWith(".dw.relu6") && !l.contains("+"));
        assertThat(tuned.layers().stream().filter(l -> l.contains(".dw.conv+") && l.endsWith(".dw.relu6")).count())
                .as("depthwise layers with their clamp").isEqualTo(17);
        int depthwise = 0;
        int adds = 0;
        for (List<Instruction> layer : byLayer(tuned)) {
            List<Instruction.DwConv> dw = layer.stream().filter(i -> i instanceof Instruction.DwConv).map(i -> (Instruction.DwConv) i).toList();
            if (!dw.isEmpty()) {
                depthwise++;
                for (int i = 0; i < layer.size(); i++) {
                    if (layer.get(i) instanceof Instruction.DwConv d) {
                        assertThat(layer.get(i + 1)).as("the clamp after a depthwise band").isInstanceOfSatisfying(Instruction.Lut.class,
                                l -> assertThat(l.src()).isEqualTo(d.dst()));
                        assertThat(layer.get(i + 2)).as("then its store").isInstanceOfSatisfying(Instruction.Mvout.class,
                                m -> assertThat(m.sp()).isEqualTo(d.dst()));
                    }
                }
                assertThat(dw.size()).as("bands of a depthwise layer").isGreaterThanOrEqualTo(2);
                assertThat(dw.get(1).src()).as("the second band's input set").isNotEqualTo(dw.get(0).src());
                assertThat(dw.get(1).dst()).as("the second band's output set").isNotEqualTo(dw.get(0).dst());
            }
            List<Instruction.Add> add = layer.stream().filter(i -> i instanceof Instruction.Add).map(i -> (Instruction.Add) i).toList();
            if (!add.isEmpty()) {
                adds++;
                assertThat(add.size()).as("tiles of a residual add").isGreaterThanOrEqualTo(4); // VectorLowering.PIPELINED_TILES
                assertThat(add.get(1).a()).isNotEqualTo(add.get(0).a());
                assertThat(add.get(2).a()).isEqualTo(add.get(0).a());
            }
        }
        assertThat(depthwise).isEqualTo(17);
        assertThat(adds).isEqualTo(10);
        for (List<Instruction> layer : byLayer(plain)) {
            List<Integer> sources = layer.stream().filter(i -> i instanceof Instruction.DwConv).map(i -> ((Instruction.DwConv) i).src())
                    .distinct().toList();
            assertThat(sources.size()).as("one band set without a DRAM rate").isLessThanOrEqualTo(1);
        }
        for (String r : List.of("0", "1")) {
            assertThat(cycles(tuned, c, r)).as("ratio " + r).isLessThan(cycles(plain, c, r));
        }
    }

    /** A zoo model at its default size, timing only, at the flexiq-npu's G = 64. */
    static QuantizedModel zooTimingOnly(String model) {
        var z = ModelZoo.get(model);
        return NpuModels.timingOnly(z.model(z.defaults(), 0).graph(), model, 64, NpuModels.ON_THE_FLY_RATIOS);
    }

    /** The program's instructions cut at its layer markers. */
    private static List<List<Instruction>> byLayer(NpuProgram p) {
        List<List<Instruction>> layers = new ArrayList<>();
        for (Instruction i : p.code()) {
            if (i instanceof Instruction.Layer) {
                layers.add(new ArrayList<>());
            } else if (!layers.isEmpty()) {
                layers.get(layers.size() - 1).add(i);
            }
        }
        return layers;
    }

    private static long cycles(NpuProgram p, NpuConfig c, String profile) {
        return FastEngine.run(p, c, profile, FunctionalExecutor.STATIC).cycles();
    }
}
