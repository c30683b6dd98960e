package org.flexiq.cli;

import org.flexiq.workbench.FunctionalComparison;
import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.isa.NpuProgram;
import org.flexiq.simulator.CycleEngine;
import org.flexiq.simulator.FastEngine;
import org.flexiq.simulator.LayerStats;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.RunStats;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.flexiq.workloads.zoo.ZooOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The cycle-stepped engine equals the fast engine layer by layer, and its values equal the golden executor's. */
@Tag("zoo-equivalence")
class EngineEquivalenceTest {
    static NpuConfig machine(int rows, int cols, int g, boolean doubleBuffered, boolean ideal) {
        return machine(rows, cols, g, doubleBuffered, ideal, 64);
    }

    static NpuConfig machine(int rows, int cols, int g, boolean doubleBuffered, boolean ideal, int scratchpadKiB) {
        return new NpuConfig("t", "test", rows, cols, g, scratchpadKiB, 2, 16, 8, 1000, 8, 40, doubleBuffered, ideal,
                NpuConfig.DEFAULT_ENERGY_MODEL, NpuConfig.DEFAULT_DRAM, "dual-int4");
    }

    static void assertSameCycles(QuantizedModel q, NpuConfig c) {
        assertSameCycles(q, c, new double[]{0, 0.5, 1.0}, new Extraction[]{Extraction.STATIC, Extraction.DYNAMIC});
    }

    /** Every ratio with every extraction mode, on the program tuned for the machine's DRAM rate (what every command runs). */
    static void assertSameCycles(QuantizedModel q, NpuConfig c, double[] ratios, Extraction[] modes) {
        NpuProgram p = NpuCompiler.compile(q, c.target(), 0, c.dramBytesPerCycle()).program();
        Map<String, FloatTensor> input = SyntheticInputs.batch(q.graph(), 1, 7).get(0);
        for (double r : ratios) {
            for (Extraction e : modes) {
                int mode = e == Extraction.DYNAMIC ? 1 : 0;
                String profile = NpuCompiler.profileName(r);
                GoldenExecutor golden = new GoldenExecutor(q, r, e);
                String what = q.graph().name() + " ratio " + r + " " + e + " on " + c.arrayRows() + "x" + c.arrayCols()
                        + (c.weightDoubleBuffering() ? " double-buffered" : " single-buffered") + (c.idealMemory() ? " ideal memory" : "");
                assertEnginesAgree(p, c, profile, mode, FunctionalComparison.codes(golden, p, input), golden.run(input), what);
            }
        }
    }

    /** Cycle == fast in total, per layer and per activity, and the cycle engine's outputs are {@code expected}. */
    static void assertEnginesAgree(NpuProgram p, NpuConfig c, String profile, int mode, Map<String, int[]> codes, Map<String, byte[]> expected,
                                   String what) {
        CycleEngine.Result cycle = CycleEngine.run(p, c, profile, mode, codes);
        RunStats fast = FastEngine.run(p, c, profile, mode);
        assertThat(cycle.stats().cycles()).as(what).isEqualTo(fast.cycles());
        for (int i = 0; i < fast.layers().size(); i++) {
            LayerStats f = fast.layers().get(i);
            LayerStats s = cycle.stats().layers().get(i);
            assertThat(s.cycles()).as(what + " layer " + f.name()).isEqualTo(f.cycles());
            assertThat(s.breakdown()).as(what + " layer " + f.name()).isEqualTo(f.breakdown());
            assertThat(s.arrayCycles()).as(what + " layer " + f.name()).isEqualTo(f.arrayCycles());
            // the energy model's counts: MACs and every event, per layer
            assertThat(s.int8Macs()).as(what + " layer " + f.name()).isEqualTo(f.int8Macs());
            assertThat(s.int4Macs()).as(what + " layer " + f.name()).isEqualTo(f.int4Macs());
            assertThat(s.events()).as(what + " layer " + f.name()).isEqualTo(f.events());
        }
        for (Map.Entry<String, byte[]> o : expected.entrySet()) {
            assertThat(cycle.outputs().get(o.getKey())).as(what + " output " + o.getKey()).isEqualTo(o.getValue());
        }
    }

    @Test
    void residualCnn() {
        QuantizedModel q = FunctionalEquivalenceTest.quantized("fmnist-resnet", null, 8);
        assertSameCycles(q, machine(4, 4, 8, true, false));
        assertSameCycles(q, machine(8, 4, 8, false, true));
        assertSameCycles(q, machine(4, 3, 8, false, false));
    }

    @Test
    void unsignedCodes() {
        assertSameCycles(FunctionalEquivalenceTest.quantized("fmnist-resnet", null, 8, true), machine(8, 4, 8, false, true));
    }

    @Test
    void transformer() {
        QuantizedModel q = FunctionalEquivalenceTest.quantized("deit-s", FunctionalEquivalenceTest.SMALL, 32);
        assertSameCycles(q, machine(16, 8, 32, true, false));
    }

    @Test
    void depthwiseAndCausalAttention() {
        assertSameCycles(FunctionalEquivalenceTest.quantized("mobilenetv2", FunctionalEquivalenceTest.SMALL, 8), machine(8, 8, 8, true, false));
        assertSameCycles(FunctionalEquivalenceTest.quantized("opt350m-block", FunctionalEquivalenceTest.SMALL, 64), machine(16, 16, 64, false, false, 256));
    }

    /** The zoo models not above, at reduced sizes, one machine each (alternating buffering and memory), mixed precision both ways. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("org.flexiq.cli.FunctionalEquivalenceTest#zoo")
    void everyZooModel(String name, ZooOptions options, int group) {
        QuantizedModel q = FunctionalEquivalenceTest.quantized(name, options, group);
        boolean odd = name.length() % 2 == 1;
        assertSameCycles(q, machine(16, 16, group, odd, !odd, 256), new double[]{0.5}, new Extraction[]{Extraction.STATIC, Extraction.DYNAMIC});
    }

    @Test
    void mlp() {
        QuantizedModel q = FunctionalEquivalenceTest.quantized("mlp", null, 16);
        assertSameCycles(q, machine(8, 8, 16, false, false));
        assertSameCycles(q, machine(16, 16, 16, true, false));
    }

}
