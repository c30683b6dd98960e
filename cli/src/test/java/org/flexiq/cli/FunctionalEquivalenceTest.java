package org.flexiq.cli;

import org.flexiq.compiler.lower.CompiledProgram;
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
import org.flexiq.isa.RegisterProfile;
import org.flexiq.isa.Target;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.flexiq.workloads.zoo.ZooModel;
import org.flexiq.workloads.zoo.ZooOptions;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Compiled programs run on the functional executor give the golden executor's outputs, bit for bit. */
class FunctionalEquivalenceTest {
    static final List<Double> RATIOS = List.of(0.25, 0.5, 0.75, 1.0);
    static final double[] RUN = {0, 0.25, 0.5, 1.0};

    static QuantizedModel quantized(String zoo, ZooOptions options, int group) {
        ZooModel z = ModelZoo.get(zoo);
        Model m = z.model(options == null ? z.defaults() : options, 0);
        List<Map<String, FloatTensor>> batch = SyntheticInputs.batch(m.graph(), 4, 1);
        QuantizedModel q = Quantizer.quantize(m, batch, new QuantizerOptions(group, CalibrationMethod.MAX));
        QuantizedModel s = ChannelSelection.select(q, RATIOS, new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC, 4, 2, 3),
                batch.subList(0, 2), SearchProgress.NONE).model();
        return FlexiqLayout.apply(s);
    }

    static void assertEquivalent(QuantizedModel q, Target target) {
        CompiledProgram c = NpuCompiler.compile(q, target);
        Map<String, FloatTensor> input = SyntheticInputs.batch(q.graph(), 1, 99).get(0);
        for (double r : RUN) {
            for (Extraction e : new Extraction[]{Extraction.STATIC, Extraction.DYNAMIC}) {
                FunctionalComparison.Outcome o = FunctionalComparison.run(q, c.program(), r, e, input);
                assertThat(o.mismatch()).as(q.graph().name() + " ratio " + r + " " + e + " on " + target).isNull();
                if (r > 0 && !q.sites().isEmpty()) {
                    assertThat(o.counts().int4Folds()).as("4-bit folds at ratio " + r).isPositive();
                } else {
                    assertThat(o.counts().int4Folds()).isZero();
                }
            }
        }
    }

    @Test
    void aProgramRunWithAnotherRatiosRegistersDoesNotMatch() {
        QuantizedModel q = quantized("fmnist-resnet", null, 8);
        NpuProgram p = NpuCompiler.compile(q, new Target(8, 8, 64 * 1024, 256)).program();
        // the 0.25 profile now holds the 1.0 registers: the comparison must see the difference
        List<RegisterProfile> swapped = p.profiles().stream()
                .map(r -> r.name().equals("0.25") ? new RegisterProfile("0.25", p.profile("1").values()) : r).toList();
        NpuProgram wrong = new NpuProgram(p.target(), p.code(), p.layers(), swapped, p.tensors(), p.data(), p.dramBytes());
        Map<String, FloatTensor> input = SyntheticInputs.batch(q.graph(), 1, 99).get(0);
        assertThat(FunctionalComparison.run(q, wrong, 0.25, Extraction.STATIC, input).mismatch()).isNotNull();
        assertThat(FunctionalComparison.run(q, p, 0.25, Extraction.STATIC, input).mismatch()).isNull();
    }

    @Test
    void mlp() {
        QuantizedModel q = quantized("mlp", null, 16);
        assertEquivalent(q, new Target(8, 8, 64 * 1024, 256));
        assertEquivalent(q, new Target(16, 4, 32 * 1024, 64));
    }

    @Test
    void residualCnn() {
        QuantizedModel q = quantized("fmnist-resnet", null, 8);
        assertEquivalent(q, new Target(4, 4, 64 * 1024, 512));
        assertEquivalent(q, new Target(8, 16, 16 * 1024, 128));
        assertEquivalent(q, new Target(16, 16, 256 * 1024, 1024));
    }
}
