package org.flexiq.cli;

import org.flexiq.workbench.FunctionalComparison;
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
import org.flexiq.isa.RegisterProfile;
import org.flexiq.isa.Target;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.flexiq.workloads.zoo.ZooModel;
import org.flexiq.workloads.zoo.ZooOptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.ref.SoftReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** Compiled programs run on the functional executor give the golden executor's outputs, bit for bit. */
@Tag("zoo-equivalence")
class FunctionalEquivalenceTest {
    static final List<Double> RATIOS = List.of(0.25, 0.5, 0.75, 1.0);
    static final double[] RUN = {0, 0.25, 0.5, 1.0};
    /**
     * The zoo models as these tests run them: 32 x 32 images, 8 tokens, and two repeats of each repeated block, which keeps
     * every layer kind and width (two of a ResNet stage's or MobileNetV2 setting's blocks: its first and a repeat; two
     * encoder blocks, the second reading the first's output) and cuts ViT-B and BERT-base to a sixth of their weights.
     */
    static final ZooOptions SMALL = new ZooOptions(32, 8, 2);

    static QuantizedModel quantized(String zoo, ZooOptions options, int group) {
        return quantized(zoo, options, group, false);
    }

    /**
     * Quantized zoo models by what made them: {@link EngineEquivalenceTest} quantizes the same ones in this JVM (surefire
     * runs a module's classes in one fork), and quantizing them all takes most of a minute. Soft, so memory can take them back.
     */
    private static final Map<String, SoftReference<QuantizedModel>> QUANTIZED = new ConcurrentHashMap<>();

    static QuantizedModel quantized(String zoo, ZooOptions options, int group, boolean unsignedCodes) {
        String key = zoo + " " + options + " G" + group + " " + unsignedCodes;
        SoftReference<QuantizedModel> kept = QUANTIZED.get(key);
        QuantizedModel q = kept == null ? null : kept.get();
        if (q == null) {
            q = quantizedAfresh(zoo, options, group, unsignedCodes);
            QUANTIZED.put(key, new SoftReference<>(q));
        }
        return q;
    }

    private static QuantizedModel quantizedAfresh(String zoo, ZooOptions options, int group, boolean unsignedCodes) {
        ZooModel z = ModelZoo.get(zoo);
        Model m = z.model(options == null ? z.defaults() : options, 0);
        List<Map<String, FloatTensor>> batch = SyntheticInputs.batch(m.graph(), 4, 1);
        QuantizedModel q = Quantizer.quantize(m, batch, new QuantizerOptions(group, CalibrationMethod.MAX, unsignedCodes));
        QuantizedModel s = ChannelSelection.select(q, RATIOS, new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC, 4, 2, 3),
                batch.subList(0, 2), SearchProgress.NONE).model();
        return FlexiqLayout.apply(s);
    }

    /** Every stored ratio the issue names, static and dynamic, on every target; the golden run is shared by the targets. */
    static void assertEquivalent(QuantizedModel q, Target... targets) {
        List<NpuProgram> programs = Stream.of(targets).map(t -> NpuCompiler.compile(q, t).program()).toList();
        for (NpuProgram p : programs) {
            // what sim asm refuses (ranges past the memories, columns past the array, g = 0 with 4-bit channels) never comes out of the compiler
            assertThat(org.flexiq.isa.ProgramCheck.problems(p)).as(q.graph().name() + " on " + p.target()).isEmpty();
        }
        Map<String, FloatTensor> input = SyntheticInputs.batch(q.graph(), 1, 99).get(0);
        List<Object[]> cases = new ArrayList<>();
        for (double r : RUN) {
            for (Extraction e : new Extraction[]{Extraction.STATIC, Extraction.DYNAMIC}) {
                cases.add(new Object[]{r, e});
            }
        }
        cases.parallelStream().forEach(c -> {
            double r = (Double) c[0];
            Extraction e = (Extraction) c[1];
            GoldenExecutor golden = new GoldenExecutor(q, r, e);
            Map<String, byte[]> expected = golden.run(input);
            Map<String, int[]> codes = FunctionalComparison.codes(golden, programs.get(0), input);
            for (NpuProgram p : programs) {
                FunctionalComparison.Outcome o = FunctionalComparison.check(p, r, e, codes, expected);
                assertThat(o.mismatch()).as(q.graph().name() + " ratio " + r + " " + e + " on " + p.target()).isNull();
                if (r > 0 && !q.sites().isEmpty()) {
                    assertThat(o.counts().int4Folds()).as("4-bit folds at ratio " + r).isPositive();
                } else {
                    assertThat(o.counts().int4Folds()).isZero();
                }
            }
        });
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

    static Stream<Arguments> zoo() {
        ZooOptions small = SMALL;
        return Stream.of(
                Arguments.of("resnet18", small, 32), Arguments.of("resnet50", small, 64), Arguments.of("mobilenetv2", small, 8),
                Arguments.of("vit-s16", small, 64), Arguments.of("vit-b16", small, 64), Arguments.of("deit-s", small, 32),
                Arguments.of("bert-base", small, 64), Arguments.of("opt350m-block", small, 64), Arguments.of("fmnist-vit", null, 16));
    }

    /** Three machines: a tiny array with a small scratchpad (many tiles), a square mid-size one, a wide non-square one. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("zoo")
    void everyZooModel(String name, ZooOptions options, int group) {
        QuantizedModel q = quantized(name, options, group);
        assertEquivalent(q, new Target(4, 4, 48 * 1024, 256), new Target(16, 16, 256 * 1024, 1024), new Target(32, 8, 128 * 1024, 512));
    }

    @Test
    void mlp() {
        QuantizedModel q = quantized("mlp", null, 16);
        assertEquivalent(q, new Target(8, 8, 64 * 1024, 256), new Target(16, 4, 32 * 1024, 64));
    }

    /** Unsigned codes after ReLU / ReLU6 (extract's unsigned field, the array's 5-bit reading of a code), mixed with signed sites. */
    @Test
    void unsignedCodes() {
        QuantizedModel cnn = quantized("fmnist-resnet", null, 8, true);
        assertThat(cnn.sites().values()).extracting(org.flexiq.compiler.quant.Site::codes).contains(org.flexiq.isa.arith.FourBit.Codes.UNSIGNED);
        assertEquivalent(cnn, new Target(4, 4, 64 * 1024, 512), new Target(16, 16, 256 * 1024, 1024));
        QuantizedModel mobile = quantized("mobilenetv2", SMALL, 8, true);
        assertThat(mobile.sites().values()).extracting(org.flexiq.compiler.quant.Site::codes)
                .contains(org.flexiq.isa.arith.FourBit.Codes.UNSIGNED, org.flexiq.isa.arith.FourBit.Codes.SIGNED);
        assertEquivalent(mobile, new Target(8, 8, 64 * 1024, 256));
    }

    @Test
    void residualCnn() {
        QuantizedModel q = quantized("fmnist-resnet", null, 8);
        assertEquivalent(q, new Target(4, 4, 64 * 1024, 512), new Target(8, 16, 16 * 1024, 128), new Target(16, 16, 256 * 1024, 1024));
    }
}
