package org.flexiq.cli;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.isa.Instruction;
import org.flexiq.isa.IoTensor;
import org.flexiq.isa.NpuProgram;
import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.FunctionalExecutor;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuPresets;
import org.flexiq.simulator.RunStats;
import org.flexiq.workbench.FunctionalComparison;
import org.flexiq.workbench.NpuModels;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.SyntheticInputs;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.flexiq.cli.SimCliTest.sim;

/**
 * Programs compiled for a batch ({@code NpuCompiler.compile(..., batch)}): each image's outputs are the golden executor's for
 * that image, the engines agree on them, batch 1 is the unbatched program, and the weights loaded once per batch make a
 * weight-bound model's inferences cheaper. Integers and cycles only, with the whole-zoo equivalence tests: CI runs it once,
 * on the first JDK.
 */
@org.junit.jupiter.api.Tag("zoo-equivalence")
class BatchedProgramTest {
    private static final int BATCH = 3;

    /** A CNN with residual joins, an MLP and a transformer block, at three ratios and both extractions, on two machines. */
    @Test
    void eachImageOfABatchGetsItsGoldenOutputs() {
        boolean resident = false;
        boolean wholeImages = false;
        for (String model : List.of("fmnist-resnet", "mlp", "opt350m-block")) {
            // small scratchpads, so that layers take several tiles (the transformer's 4096-wide layer needs more)
            int kib = model.equals("opt350m-block") ? 128 : 1;
            NpuConfig slow = EngineEquivalenceTest.machine(8, 8, 8, true, false, 32 * kib).withClock(1000, 1);
            // the transformer's functional runs are the slow part: it takes one machine
            // a 32-row accumulator: 7x7 maps take two row tiles per image, which resident weights serve with one load
            NpuConfig shortAccumulator = new NpuConfig("t", "test", 8, 8, 8, 32, 2, 1, 8, 1000, 1, 40, true, false,
                    NpuConfig.DEFAULT_ENERGY_MODEL, NpuConfig.DEFAULT_DRAM, "dual-int4");
            List<NpuConfig> machines = kib > 1 ? List.of(slow)
                    : List.of(slow, EngineEquivalenceTest.machine(4, 4, 8, false, false, 16), shortAccumulator);
            // the transformer block at 8 tokens (its widths are what tile it), as the other zoo equivalence tests run it
            QuantizedModel q = FunctionalEquivalenceTest.quantized(model, kib > 1 ? FunctionalEquivalenceTest.SMALL : null, 8);
            List<Map<String, FloatTensor>> images = SyntheticInputs.batch(q.graph(), BATCH, 11);
            for (NpuConfig c : machines) {
                NpuProgram p = NpuCompiler.compile(q, c.target(), 0, c.dramBytesPerCycle(), BATCH).program();
                resident |= residentLoads(p);
                wholeImages |= wholeImageTiles(p);
                for (IoTensor t : p.tensors()) {
                    assertThat(t.shape()[0]).as(model + " " + t.name() + "'s leading dimension").isEqualTo(BATCH);
                }
                for (double r : new double[]{0, 0.5, 1}) {
                    for (Extraction e : new Extraction[]{Extraction.STATIC, Extraction.DYNAMIC}) {
                        FunctionalComparison.Batch b = FunctionalComparison.batched(q, p, r, e, images);
                        assertThat(b.mismatches()).as(model + " ratio " + r + " " + e + " on " + c.arrayRows() + "x" + c.arrayCols()).isEmpty();
                        assertThat(b.matched()).isEqualTo(BATCH);
                    }
                }
            }
        }
        // both ways a batch shares weights were among the programs checked
        assertThat(resident).as("a weight tile served several row tiles").isTrue();
        assertThat(wholeImages).as("a convolution tile over several whole images").isTrue();
    }

    /** The cycle engine steps a batched program to the same cycles, per layer, and the same outputs as the fast engine. */
    @Test
    void theEnginesAgreeOnABatchedProgram() {
        QuantizedModel q = FunctionalEquivalenceTest.quantized("fmnist-resnet", null, 8);
        NpuConfig c = EngineEquivalenceTest.machine(8, 8, 8, true, false, 32).withClock(1000, 1);
        NpuProgram p = NpuCompiler.compile(q, c.target(), 0, c.dramBytesPerCycle(), BATCH).program();
        List<Map<String, FloatTensor>> images = SyntheticInputs.batch(q.graph(), BATCH, 5);
        GoldenExecutor golden = new GoldenExecutor(q, 0.5, Extraction.STATIC);
        Map<String, byte[]> expected = FunctionalComparison.goldenOutputs(golden, images);
        assertThat(expected.values().iterator().next()).hasSize(BATCH * golden.run(images.get(0)).values().iterator().next().length);
        EngineEquivalenceTest.assertEnginesAgree(p, c, "0.5", FunctionalExecutor.STATIC, FunctionalComparison.codes(golden, p, images), expected,
                "batch " + BATCH);
    }

    /** Batch 1 is the program {@code compile} always gave, byte for byte. */
    @Test
    void batchOneIsTheUnbatchedProgram() {
        QuantizedModel q = FunctionalEquivalenceTest.quantized("fmnist-resnet", null, 8);
        NpuConfig c = NpuPresets.load("flexiq-npu").with(16, 16, 8);
        NpuProgram one = NpuCompiler.compile(q, c.target(), 0, c.dramBytesPerCycle(), 1).program();
        NpuProgram plain = NpuCompiler.compile(q, c.target(), 0, c.dramBytesPerCycle()).program();
        assertThat(one.code()).isEqualTo(plain.code());
        assertThat(one.data()).isEqualTo(plain.data());
        assertThat(one.tensors()).isEqualTo(plain.tensors());
        assertThatThrownBy(() -> NpuCompiler.compile(q, c.target(), 0, 0, 0)).hasMessageContaining("batch 0 is not in [1, 1024]");
        assertThatThrownBy(() -> NpuCompiler.compile(q, c.target(), 0, 0, 1025)).hasMessageContaining("batch 1025");
    }

    /**
     * fmnist-resnet-wide on FlexiQ's NPU is bound by its weights' DRAM traffic at batch 1: at batch 8 each weight byte serves
     * eight images, so an inference moves less than half the bytes and takes fewer cycles, at 8-bit and at 100%; its small
     * feature maps' convolutions fold several images' rows at once (config.conv outh), and 100% 4-bit gains more over 8-bit
     * than at batch 1.
     */
    @Test
    void aBatchLoadsItsWeightsOnceForEveryImage() {
        var z = ModelZoo.get("fmnist-resnet-wide");
        QuantizedModel q = NpuModels.timingOnly(z.model(z.defaults(), 0).graph(), "fmnist-resnet-wide", 64, NpuModels.ON_THE_FLY_RATIOS);
        NpuConfig c = NpuPresets.load("flexiq-npu");
        NpuProgram one = NpuCompiler.compile(q, c.target(), 0, c.dramBytesPerCycle(), 1).program();
        NpuProgram eight = NpuCompiler.compile(q, c.target(), 0, c.dramBytesPerCycle(), 8).program();
        long[] singleCycles = new long[2];
        long[] batchCycles = new long[2];
        for (int i = 0; i < 2; i++) {
            String profile = i == 0 ? "0" : "1";
            RunStats single = FastEngine.run(one, c, profile, FunctionalExecutor.STATIC);
            RunStats batch = FastEngine.run(eight, c, profile, FunctionalExecutor.STATIC);
            assertThat(batch.dmaBytes()).as("ratio " + profile + " DRAM bytes").isLessThan(8 * single.dmaBytes() / 2);
            assertThat(batch.cycles()).as("ratio " + profile + " cycles").isLessThan(8 * single.cycles());
            assertThat(batch.int8Macs() + batch.int4Macs()).isEqualTo(8 * (single.int8Macs() + single.int4Macs()));
            singleCycles[i] = single.cycles();
            batchCycles[i] = batch.cycles();
        }
        assertThat(wholeImageTiles(eight)).isTrue();
        assertThat(batchCycles[0] / (double) batchCycles[1]).as("100% over 8-bit at batch 8 against batch 1")
                .isGreaterThan(singleCycles[0] / (double) singleCycles[1]);
    }

    /** Whether some config.conv describes a band of several whole images. */
    private static boolean wholeImageTiles(NpuProgram p) {
        return p.code().stream().anyMatch(i -> i instanceof Instruction.ConfigConv g && g.outh() > 0 && g.inh() > g.fullh());
    }

    /** Whether some loop.ws reads weights no load wrote since the loop.ws before it read them: a weight tile served twice. */
    private static boolean residentLoads(NpuProgram p) {
        int lastWeights = -1;
        for (Instruction i : p.code()) {
            if (i instanceof Instruction.Layer) {
                lastWeights = -1;
            } else if (i instanceof Instruction.Mvin m && m.sp() == lastWeights || i instanceof Instruction.MvinW4 w && w.sp() == lastWeights) {
                lastWeights = -1;
            } else if (i instanceof Instruction.LoopWs l) {
                if (l.w() == lastWeights) {
                    return true;
                }
                lastWeights = l.w();
            }
        }
        return false;
    }

    /**
     * {@code sim run --batch}: the golden check per image (the cycle engine's outputs too), the batch's cycles as the batched
     * program's, per-inference figures computed from them against the one-image program, and bad batches refused.
     */
    @Test
    void simRunTimesAndChecksABatch(@TempDir Path dir) throws IOException {
        SimCliTest.Result checked = sim("run", "fmnist-resnet", "--group", "8", "--array", "8x8", "--ratio", "0,1", "--batch", "3");
        assertThat(checked.code()).as(checked.err()).isZero();
        assertThat(checked.out()).contains("batch of 3: each run serves 3 images", "throughput gain", "energy per batch").doesNotContain("DIFFER");
        assertThat(checked.out().lines().filter(l -> l.endsWith("match")).count()).isEqualTo(2);
        SimCliTest.Result cycle = sim("run", "fmnist-resnet", "--group", "8", "--array", "8x8", "--ratio", "0.5", "--batch", "2", "--engine", "cycle");
        assertThat(cycle.code()).as(cycle.err()).isZero();
        assertThat(cycle.out()).contains("match");

        Path json = dir.resolve("run.json");
        SimCliTest.Result r = sim("run", "fmnist-resnet-wide", "--ratio", "0,1", "--batch", "4", "--no-check", "--json", json.toString());
        assertThat(r.code()).as(r.err()).isZero();
        var z = ModelZoo.get("fmnist-resnet-wide");
        QuantizedModel q = NpuModels.timingOnly(z.model(z.defaults(), 0).graph(), "fmnist-resnet-wide", 64, NpuModels.ON_THE_FLY_RATIOS);
        NpuConfig c = NpuPresets.load("flexiq-npu");
        NpuProgram four = NpuCompiler.compile(q, c.target(), 0, c.dramBytesPerCycle(), 4).program();
        NpuProgram one = NpuCompiler.compile(q, c.target(), 0, c.dramBytesPerCycle()).program();
        JsonNode j = new ObjectMapper().readTree(json.toFile());
        assertThat(j.get("batch").asInt()).isEqualTo(4);
        long batchCycles = FastEngine.run(four, c, "1", FunctionalExecutor.STATIC).cycles();
        long single = FastEngine.run(one, c, "1", FunctionalExecutor.STATIC).cycles();
        assertThat(j.get("runs").get(1).get("cycles").asLong()).isEqualTo(batchCycles);
        assertThat(r.out()).contains(String.format(java.util.Locale.ROOT, "%.2f us", batchCycles / c.clockMHz() / 4),
                String.format(java.util.Locale.ROOT, "%.2fx", 4.0 * single / batchCycles));

        SimCliTest.Result zero = sim("run", "mlp", "--batch", "0");
        assertThat(zero.code()).isEqualTo(2);
        assertThat(zero.err()).contains("--batch 0: expected an image count in [1, 1024]");
        Path report = dir.resolve("report");
        SimCliTest.Result withReport = sim("run", "mlp", "--batch", "2", "--report", report.toString());
        assertThat(withReport.code()).isEqualTo(2);
        assertThat(withReport.err()).contains("--batch 2 goes without --report");
        assertThat(report).doesNotExist();
    }
}
