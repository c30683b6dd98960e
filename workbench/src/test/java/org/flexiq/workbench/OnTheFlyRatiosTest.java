package org.flexiq.workbench;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.lower.NpuCompiler;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.compiler.quant.Site;
import org.flexiq.simulator.NpuConfig;
import org.flexiq.simulator.NpuPresets;
import org.flexiq.workloads.zoo.ModelZoo;
import org.flexiq.workloads.zoo.ZooModel;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A model quantized on the fly stores the ratios a command runs, beside the usual four, without changing theirs. */
class OnTheFlyRatiosTest {
    private static final PrintWriter QUIET = new PrintWriter(new StringWriter());

    @Test
    void theRunRatiosJoinTheUsualFourAscendingOnce() {
        assertThat(NpuModels.onTheFlyRatios(List.of())).isEqualTo(NpuModels.ON_THE_FLY_RATIOS);
        assertThat(NpuModels.onTheFlyRatios(List.of(0.0, 1.0, 0.5 + 1e-12))).isEqualTo(NpuModels.ON_THE_FLY_RATIOS);
        assertThat(NpuModels.onTheFlyRatios(List.of(0.9, 0.0, 0.3, 0.3))).containsExactly(0.25, 0.3, 0.5, 0.75, 0.9, 1.0);
    }

    @Test
    void extraRatiosLeaveTheUsualSelectionsAndAddTheirOwnPrefix() {
        ZooModel z = ModelZoo.get("mlp");
        int g = 16;
        QuantizedModel usual = NpuModels.quantize(z.model(z.defaults(), 0), "mlp", g, 8, 0, NpuModels.ON_THE_FLY_RATIOS, QUIET);
        List<Double> stored = NpuModels.onTheFlyRatios(List.of(0.1, 0.3, 0.6));
        QuantizedModel more = NpuModels.quantize(z.model(z.defaults(), 0), "mlp", g, 8, 0, stored, QUIET);
        assertThat(more.ratios()).isEqualTo(stored);
        for (Site s : more.sites().values()) {
            Site u = usual.sites().get(s.tensor());
            for (double r : NpuModels.ON_THE_FLY_RATIOS) {
                assertThat(fourBit(more, s, r)).as("%s at %s", s.tensor(), r).isEqualTo(fourBit(usual, u, r));
            }
            for (double r : List.of(0.1, 0.3, 0.6)) {
                int groups = s.channels() / g;
                assertThat(more.fourBitChannels(s, r)).as("%s at %s", s.tensor(), r).isEqualTo((int) Math.round(r * groups) * g);
                // nested: each stored ratio's 4-bit channels hold the lower ratio's
                assertThat(more.fourBitChannels(s, r)).isBetween(lower(more, s, r), upper(more, s, r));
            }
        }
        // the usual ratios compute the same outputs; the timing-only model of the same ratios counts as the quantized one
        var input = CalibrationData.load("synthetic:1", usual.graph(), 2).get(0);
        Map<String, byte[]> a = new GoldenExecutor(more, 0.5, Extraction.STATIC).run(input);
        Map<String, byte[]> b = new GoldenExecutor(usual, 0.5, Extraction.STATIC).run(input);
        assertThat(a.keySet()).isEqualTo(b.keySet()).isNotEmpty();
        a.forEach((name, codes) -> assertThat(codes).as(name).isEqualTo(b.get(name)));
        QuantizedModel timing = NpuModels.timingOnly(usual.graph(), "mlp", g, stored);
        for (Site s : more.sites().values()) {
            assertThat(timing.sites().get(s.tensor()).fourBitChannels()).isEqualTo(s.fourBitChannels());
        }
        // and a run at an extra ratio is checked against golden like any other
        NpuConfig npu = NpuPresets.load("gemmini-like");
        NpuRuns r = NpuRuns.run(new NpuRuns.Request(more, NpuCompiler.compile(more, npu.target()).program(), npu, List.of(0.3), Engine.FAST,
                Extraction.STATIC, false, true, input));
        assertThat(r.matched()).containsExactly(true);
        assertThat(r.runs().get(0).profile()).isEqualTo("0.3");
    }

    private static int[] fourBit(QuantizedModel q, Site s, double r) {
        int[] set = Arrays.copyOf(s.order(), q.fourBitChannels(s, r));
        Arrays.sort(set);
        return set;
    }

    private static int lower(QuantizedModel q, Site s, double r) {
        int i = q.ratioIndex(r);
        return i == 0 ? 0 : s.fourBitChannels()[i - 1];
    }

    private static int upper(QuantizedModel q, Site s, double r) {
        int i = q.ratioIndex(r);
        return i == q.ratios().size() - 1 ? s.channels() : s.fourBitChannels()[i + 1];
    }
}
