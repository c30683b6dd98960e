package org.flexiq.cli;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.NodeQuant;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Site;
import org.flexiq.isa.Instruction;
import org.flexiq.isa.NpuProgram;
import org.flexiq.isa.ProgramCheck;
import org.flexiq.isa.RegisterProfile;
import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuFault;
import org.flexiq.simulator.RunStats;
import org.flexiq.workbench.FunctionalComparison;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Node;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Programs compiled for a ratio floor ({@code --min-ratio}): the weights of the channels 4-bit at every ratio served are stored
 * as packed 4-bit codes. Same outputs as the golden executor on the functional executor and the cycle engine, the engines
 * agree, and the DRAM bytes saved are the closed form.
 */
class MinRatioProgramTest {
    private static final Extraction[] MODES = {Extraction.STATIC, Extraction.DYNAMIC};

    /** Every ratio a floor program serves, both extractions, on the cycle engine (its own preload path) and the functional executor. */
    @Test
    void packedWeightsGiveTheGoldenOutputsOnEveryEngine() {
        QuantizedModel q = FunctionalEquivalenceTest.quantized("fmnist-resnet", null, 8);
        Map<String, FloatTensor> input = SyntheticInputs.batch(q.graph(), 1, 7).get(0);
        // 3 columns: a packed row of 3 codes leaves half of its second byte unused
        for (NpuConfig c : new NpuConfig[]{EngineEquivalenceTest.machine(4, 4, 8, true, false), EngineEquivalenceTest.machine(4, 3, 8, false, false)}) {
            for (double floor : new double[]{0.5, 1.0}) {
                NpuProgram p = NpuCompiler.compile(q, c.target(), floor).program();
                assertThat(ProgramCheck.problems(p)).isEmpty();
                assertThat(p.code()).anyMatch(i -> i instanceof Instruction.MvinW4);
                List<String> served = p.profiles().stream().map(RegisterProfile::name).toList();
                assertThat(served).isEqualTo(floor == 1.0 ? List.of("1") : List.of("0.5", "0.75", "1"));
                for (String profile : served) {
                    double r = Double.parseDouble(profile);
                    for (Extraction e : MODES) {
                        GoldenExecutor golden = new GoldenExecutor(q, r, e);
                        Map<String, byte[]> expected = golden.run(input);
                        Map<String, int[]> codes = FunctionalComparison.codes(golden, p, input);
                        String what = "floor " + floor + " ratio " + r + " " + e + " on " + c.arrayRows() + "x" + c.arrayCols();
                        assertThat(FunctionalComparison.check(p, r, e, codes, expected).mismatch()).as(what).isNull();
                        EngineEquivalenceTest.assertEnginesAgree(p, c, profile, e == Extraction.DYNAMIC ? 1 : 0, codes, expected, what);
                    }
                }
            }
        }
    }

    /**
     * On a machine where every layer is one tile of rows, each weight moves once per column tile: a floor saves, per layer,
     * taps x floor channels x (cols - ceil(cols / 2)) bytes per column tile, and nothing else moves differently.
     */
    @Test
    void theBytesSavedAreHalfTheFloorChannelsWeights() {
        QuantizedModel q = FunctionalEquivalenceTest.quantized("fmnist-resnet", null, 8);
        NpuConfig c = new NpuConfig("t", "test", 8, 8, 8, 4096, 2, 1024, 8, 1000, 8, 40, true, false, NpuConfig.DEFAULT_ENERGY_MODEL,
                NpuConfig.DEFAULT_DRAM, "dual-int4");
        NpuProgram full = NpuCompiler.compile(q, c.target()).program();
        for (double floor : new double[]{0.25, 0.5, 1.0}) {
            NpuProgram packed = NpuCompiler.compile(q, c.target(), floor).program();
            long saved = 0;
            for (Node n : q.graph().nodes()) {
                Site site = q.siteOf(n.name());
                if (site == null || !(q.nodes().get(n.name()) instanceof NodeQuant.Gemm g)) {
                    continue;
                }
                int f = q.fourBitChannels(site, floor);
                for (int n0 = 0; n0 < g.outChannels(); n0 += c.arrayCols()) {
                    int cols = Math.min(c.arrayCols(), g.outChannels() - n0);
                    saved += (long) g.taps() * f * (cols - (cols + 1) / 2);
                }
            }
            assertThat(saved).as("floor " + floor).isPositive();
            for (String profile : packed.profiles().stream().map(RegisterProfile::name).toList()) {
                RunStats a = FastEngine.run(full, c, profile, 0);
                RunStats b = FastEngine.run(packed, c, profile, 0);
                assertThat(a.dmaBytes() - b.dmaBytes()).as("floor " + floor + " ratio " + profile).isEqualTo(saved);
                assertThat(b.int4Macs()).isEqualTo(a.int4Macs());
                assertThat(b.int8Macs()).isEqualTo(a.int8Macs());
            }
        }
    }

    @Test
    void ratiosBelowTheFloorAreNotServed() {
        QuantizedModel q = FunctionalEquivalenceTest.quantized("fmnist-resnet", null, 8);
        NpuConfig c = EngineEquivalenceTest.machine(4, 4, 8, true, false);
        NpuProgram p = NpuCompiler.compile(q, c.target(), 0.5).program();
        assertThatThrownBy(() -> FastEngine.run(p, c, "0.25", 0)).hasMessageContaining("0.25");
        // a profile below the floor, slipped in by hand: the check names it, and the engines fault rather than run codes as int8
        RunStats ok = FastEngine.run(p, c, "0.5", 0);
        assertThat(ok.cycles()).isPositive();
        Map<Integer, Integer> low = new java.util.TreeMap<>(p.profile("0.5").values());
        low.replaceAll((reg, v) -> 0);
        List<RegisterProfile> profiles = new java.util.ArrayList<>(p.profiles());
        profiles.add(new RegisterProfile("0", low));
        NpuProgram below = new NpuProgram(p.target(), p.code(), p.layers(), profiles, p.tensors(), p.data(), p.dramBytes());
        assertThat(ProgramCheck.problems(below)).isNotEmpty().allMatch(x -> x.message().contains("profile \"0\""));
        assertThatThrownBy(() -> FastEngine.run(below, c, "0", 0)).isInstanceOf(NpuFault.class).hasMessageContaining("--min-ratio");
        Map<String, FloatTensor> input = SyntheticInputs.batch(q.graph(), 1, 7).get(0);
        assertThatThrownBy(() -> FunctionalComparison.run(q, below, 0, Extraction.STATIC, input)).isInstanceOf(NpuFault.class)
                .hasMessageContaining("--min-ratio");
        assertThatThrownBy(() -> NpuCompiler.compile(q, c.target(), 0.3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0.3");
    }
}
