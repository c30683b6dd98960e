package org.flexiq.compiler.lower;

import org.flexiq.compiler.quant.CalibrationMethod;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.FlexiqLayout;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Quantizer;
import org.flexiq.compiler.quant.QuantizerOptions;
import org.flexiq.compiler.quant.Site;
import org.flexiq.compiler.select.ChannelSelection;
import org.flexiq.compiler.select.SearchProgress;
import org.flexiq.isa.Instruction;
import org.flexiq.isa.NpuFile;
import org.flexiq.isa.NpuProgram;
import org.flexiq.isa.Target;
import org.flexiq.workloads.ir.FloatTensor;
import org.flexiq.workloads.ir.Model;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.SyntheticInputs;
import org.flexiq.workloads.zoo.ZooModel;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NpuCompilerTest {
    static final Target TARGET = new Target(8, 8, 64 * 1024, 256);
    static QuantizedModel cnn;

    static QuantizedModel quantize(String name, int group) {
        ZooModel z = ModelZoo.get(name);
        Model m = z.model(z.defaults(), 0);
        List<Map<String, FloatTensor>> batch = SyntheticInputs.batch(m.graph(), 4, 1);
        QuantizedModel q = Quantizer.quantize(m, batch, new QuantizerOptions(group, CalibrationMethod.MAX));
        return FlexiqLayout.apply(ChannelSelection.select(q, List.of(0.25, 0.5, 0.75, 1.0),
                new ChannelSelection.Options(ChannelSelection.Method.GREEDY, Extraction.STATIC, 4, 2, 3), batch, SearchProgress.NONE).model());
    }

    @BeforeAll
    static void setUp() {
        cnn = quantize("fmnist-resnet", 8);
    }

    /**
     * Attention's K^T, a view of K with its elements a row apart, loads through the transposer (mvin.t: whole DRAM rows)
     * instead of an element per DMA cycle; no load of the ViT is left strided.
     */
    @Test
    void attentionsKeyTransposeLoadsThroughTheTransposer() {
        NpuProgram p = NpuCompiler.compile(quantize("fmnist-vit", 16), TARGET).program();
        assertThat(p.code()).filteredOn(i -> i instanceof Instruction.MvinT).isNotEmpty();
        assertThat(p.code()).noneMatch(i -> i instanceof Instruction.Mvin m && m.estride() > 1);
    }

    /**
     * The MLP's activations in DRAM: the image (784 bytes, 832 aligned) to the end, fc1's 256 bytes until fc2 has read them,
     * fc2's 128, and fc3's 10 (64 aligned) in fc1's freed buffer: 1,216 bytes after the constants, where a fresh buffer per
     * tensor took 1,280.
     */
    @Test
    void anActivationsBufferIsTakenAgainOnceItsLastReaderHasRun() {
        var r = NpuCompiler.compile(quantize("mlp", 16), TARGET).report();
        int constants = (r.imageBytes() + 63) & ~63;
        assertThat(r.dramBytes() - constants).isEqualTo(832 + 256 + 128);
    }

    @Test
    void oneProgramForEveryRatio_theCodeDoesNotDependOnTheFourBitCounts() {
        NpuProgram p = NpuCompiler.compile(cnn, TARGET).program();
        assertThat(NpuFile.write(NpuCompiler.compile(cnn, TARGET).program())).as("deterministic").isEqualTo(NpuFile.write(p));
        // Other 4-bit counts at every ratio (a different selection): the code bytes stay, only register values change.
        Map<String, Site> other = new LinkedHashMap<>();
        for (Site s : cnn.sites().values()) {
            int[] counts = {0, 8, 8, s.channels()};
            other.put(s.tensor(), s.withSelection(s.order(), counts));
        }
        NpuProgram q = NpuCompiler.compile(cnn.withSites(other, cnn.ratios()), TARGET).program();
        assertThat(q.codeBytes()).isEqualTo(p.codeBytes());
        assertThat(p.profile("0.25").values()).isNotEqualTo(q.profile("0.25").values());
        assertThat(p.profile("0.25").values().keySet()).isEqualTo(p.profile("0.75").values().keySet());
        assertThat(p.profile("0.25").values()).isNotEqualTo(p.profile("0.75").values());
        assertThat(p.profile("0").values().values()).containsOnly(0);
    }

    @Test
    void reordersAppearOnlyInLayersReadingASiteWhoseOrderNoProducerTook() {
        CompiledProgram c = NpuCompiler.compile(cnn, TARGET);
        NpuProgram p = c.program();
        java.util.Set<String> gathering = new java.util.HashSet<>();
        for (Site s : cnn.sites().values()) {
            if (s.gather() != null) {
                gathering.addAll(s.consumers());
            }
        }
        assertThat(gathering).isNotEmpty();
        java.util.Set<String> seen = new java.util.HashSet<>();
        String layer = null;
        for (Instruction i : p.code()) {
            if (i instanceof Instruction.Layer l) {
                layer = p.layers().get(l.id()).split("\\+")[0];
            } else if (i instanceof Instruction.Gather) {
                assertThat(gathering).as("a gather in " + layer).contains(layer);
                seen.add(layer);
            }
        }
        assertThat(seen).isEqualTo(gathering);
        long sites = cnn.sites().values().stream().filter(s -> s.gather() != null).count();
        assertThat(c.report().reorders()).isEqualTo(sites);
        long gathered = p.code().stream().filter(i -> i instanceof Instruction.Gather)
                .mapToLong(i -> (long) ((Instruction.Gather) i).rows() * ((Instruction.Gather) i).cols()).sum();
        assertThat(c.report().reorderBytes()).isEqualTo(gathered).isPositive();
    }

    @Test
    void residualAddAndItsReluAreOneLayer() {
        NpuProgram p = NpuCompiler.compile(cnn, TARGET).program();
        assertThat(p.layers()).contains("stage1.add+stage1.relu").doesNotContain("stage1.relu");
    }

    @Test
    void reluAfterAConvolutionIsFusedIntoItsRequantization() {
        NpuProgram p = NpuCompiler.compile(cnn, TARGET).program();
        assertThat(p.layers()).contains("stem.conv+stem.relu").doesNotContain("stem.relu");
    }

    @Test
    void infeasibleConfigurationsAreRefusedWithTheReason() {
        QuantizedModel mlp = quantize("mlp", 32);
        assertThatThrownBy(() -> NpuCompiler.compile(mlp, new Target(3, 3, 64 * 1024, 256)))
                .isInstanceOf(InfeasibleException.class).hasMessage("group width 32 does not divide into the 6 int4 lanes of a 3-row array "
                        + "(use a divisor or a multiple of 6)");
        assertThatThrownBy(() -> NpuCompiler.compile(cnn, new Target(8, 8, 600, 256)))
                .isInstanceOf(InfeasibleException.class).hasMessage("layer stage1.conv1: no tile fits the 600-byte scratchpad (K = 16, taps = 9, 8 columns)");
        assertThatThrownBy(() -> NpuCompiler.compile(cnn, new Target(8, 8, 64 * 1024, 16)))
                .isInstanceOf(InfeasibleException.class).hasMessageContaining("exceeds the accumulator's 16 rows");
    }
}
