package org.flexiq.cli;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.lower.CompiledProgram;
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
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Matrix products whose weight column tile does not fit the scratchpad twice are loaded and folded in chunks of input
 * channels, a loop.ws and a register per chunk ({@code GemmTiling.channelChunks}): the outputs stay the golden executor's at
 * every ratio, in programs that serve every ratio and in a ratio floor's (4-bit codes in the first chunks), and the two
 * engines agree. Integers only, with the whole-zoo equivalence tests: CI runs it once, on the first JDK.
 */
@org.junit.jupiter.api.Tag("zoo-equivalence")
class ChannelChunkTest {

    @Test
    void chunkedProductsGiveTheGoldenOutputsAndTheEnginesAgree() {
        QuantizedModel q = FunctionalEquivalenceTest.quantized("opt350m-block", FunctionalEquivalenceTest.SMALL, 64);
        Map<String, FloatTensor> input = SyntheticInputs.batch(q.graph(), 1, 5).get(0);
        // the block's fc2: K = 4096, a 16-column weight tile of 64 KiB, which 96 KiB of scratchpad hold once beside its rows
        NpuConfig c = EngineEquivalenceTest.machine(16, 16, 64, true, false, 96);
        for (double floor : new double[]{0, 0.5}) {
            CompiledProgram compiled = NpuCompiler.compile(q, c.target(), floor, c.dramBytesPerCycle());
            NpuProgram p = compiled.program();
            Set<Integer> chunks = chunkRegisters(p, compiled.report().fourBitLayers());
            assertThat(chunks).as("loops over a chunk of channels, floor " + floor).isNotEmpty();
            assertThat(compiled.report().chunkRegisters()).as("the chunk registers the compile report counts").isEqualTo(chunks.size());
            for (double r : floor == 0 ? new double[]{0, 0.5, 1} : new double[]{0.5, 1}) {
                for (Extraction e : new Extraction[]{Extraction.STATIC, Extraction.DYNAMIC}) {
                    GoldenExecutor golden = new GoldenExecutor(q, r, e);
                    Map<String, byte[]> expected = golden.run(input);
                    Map<String, int[]> codes = FunctionalComparison.codes(golden, p, input);
                    String what = "ratio " + r + " " + e + ", floor " + floor;
                    assertThat(FunctionalComparison.check(p, r, e, codes, expected).mismatch()).as(what).isNull();
                    EngineEquivalenceTest.assertEnginesAgree(p, c, NpuCompiler.profileName(r), e == Extraction.DYNAMIC ? 1 : 0, codes, expected, what);
                }
            }
        }
    }

    /**
     * ViT-B/16's fc2 (K = 3072) on the flexiq-npu: its 96 KiB column tile fit once beside its activation rows, so each
     * weight load waited for the folds before it. In chunks its loads run under the folds: at 8-bit it takes no more than
     * 1.4x fc1, which does the same MACs (it was 2.26x), and what is left is its weights' DRAM traffic.
     */
    @Test
    void vitFc2LoadsItsChunksUnderItsFolds() {
        QuantizedModel q = TunedTilingTest.zooTimingOnly("vit-b16");
        NpuConfig c = NpuPresets.load("flexiq-npu");
        NpuProgram p = FloorPrograms.full(q, c).program();
        var stats = FastEngine.run(p, c, "0", FunctionalExecutor.STATIC);
        long fc1 = stats.layers().stream().filter(l -> l.name().equals("blocks.0.mlp.fc1")).findFirst().orElseThrow().cycles();
        long fc2 = stats.layers().stream().filter(l -> l.name().equals("blocks.0.mlp.fc2")).findFirst().orElseThrow().cycles();
        assertThat((double) fc2 / fc1).isLessThan(1.4);
        long bytes = stats.layers().stream().filter(l -> l.name().equals("blocks.0.mlp.fc2")).findFirst().orElseThrow().dmaBytes();
        assertThat((double) fc2).as("fc2 within 2% of its DRAM traffic's time").isLessThan(1.02 * bytes / c.dramBytesPerCycle());
    }

    /** The registers of loop.ws instructions other than the program's per-layer ones (r2 .. r2 + layers - 1), in its profiles. */
    private static Set<Integer> chunkRegisters(NpuProgram p, int layerRegisters) {
        Set<Integer> seen = new HashSet<>();
        for (Instruction i : p.code()) {
            if (i instanceof Instruction.LoopWs l && l.mreg() >= NpuProgram.FIRST_LAYER_REGISTER + layerRegisters) {
                seen.add(l.mreg());
            }
        }
        assertThat(p.profiles().get(0).values().keySet()).containsAll(seen);
        return seen;
    }
}
