package org.flexiq.gpubackend;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The paper's own pipeline: the ideal kernel's model with two constants solved on two of the paper's three measured ViT-B/16
 * latencies (batch 16, RTX A6000: 12.24 / 10.17 / 8.67 ms), the third held back; and the committed plan it is fitted on.
 */
class PaperPipelineTimingTest {
    private static final GpuSpec A6000 = GpuSpec.named("a6000");

    /** Issue 19's goal: within 20% of the paper at 0, 50 and 100%, speedups within 0.05x; 50% is the one the fit never saw. */
    @Test
    void fittedOnTheExtremesItPredictsTheHeldBackHalfWithinTheGoal() {
        PaperPipelineTiming p = PaperPipelineTiming.FITTED;
        assertThat(p.fitRatios()).containsExactly(0.0, 1.0);
        // measured: the weight GEMMs at 27.6% of the ideal kernel's speed, everything else 2.44x our model of it
        assertThat(p.gemmEfficiency()).isBetween(0.2, 0.35);
        assertThat(p.restFactor()).isBetween(2.0, 3.0);
        List<PaperPipelineTiming.Check> c = p.checks();
        assertThat(c).extracting(PaperPipelineTiming.Check::ratio).containsExactly(0.0, 0.5, 1.0);
        assertThat(c.get(0).modelledMs()).isCloseTo(12.24, within(1e-9));
        assertThat(c.get(2).modelledMs()).isCloseTo(8.67, within(1e-9));
        PaperPipelineTiming.Check held = c.get(1);
        assertThat(held.heldBack()).isTrue();
        assertThat(held.error()).isBetween(0.0, 0.05); // +2.8%: 10.46 ms against 10.17
        assertThat(held.modelledSpeedup() - held.publishedSpeedup()).isBetween(-0.05, 0.0); // 1.17x against 1.20x
    }

    /** All three choices of the held-back ratio, so that the one above is not a lucky pick: within 10% each (worst -6.6%). */
    @Test
    void everyLeaveOneOutFitPredictsItsHeldBackRatioWithinTenPercent() {
        List<PaperPipelineTiming> fits = PaperPipelineTiming.leaveOneOut();
        assertThat(fits).hasSize(3);
        assertThat(fits).extracting(PaperPipelineTiming::fitRatios)
                .containsExactly(List.of(0.0, 1.0), List.of(0.0, 0.5), List.of(0.5, 1.0)); // the one --kernel paper takes, first
        List<Double> errors = new ArrayList<>();
        for (PaperPipelineTiming f : fits) {
            for (PaperPipelineTiming.Check c : f.checks()) {
                if (c.heldBack()) {
                    errors.add(c.error());
                } else {
                    assertThat(c.error()).isCloseTo(0, within(1e-12));
                }
            }
        }
        assertThat(errors).hasSize(3).allSatisfy(e -> assertThat(Math.abs(e)).isLessThan(0.10));
        assertThatThrownBy(() -> PaperPipelineTiming.fit(List.of(0.0, 0.25))).hasMessageContaining("the paper gives no latency at ratio 0.25");
    }

    /** `sim gpu --kernel paper` prices the plan by the fit: the paper's figures where it was fitted. */
    @Test
    void thePaperKernelOptionPricesEveryKernelByTheFit() {
        Map<Double, List<GpuLayer>> plan = GpuPlanCsv.resource(PaperPipelineTiming.PLAN);
        double[] us = new double[3];
        int i = 0;
        for (Map.Entry<Double, List<GpuLayer>> e : plan.entrySet()) {
            GpuTimingModel.Run paper = GpuTimingModel.run(A6000, e.getKey(), 16, e.getValue(), GpuTimingModel.GemmKernel.PAPER);
            GpuTimingModel.Run ideal = GpuTimingModel.run(A6000, e.getKey(), 16, e.getValue(), GpuTimingModel.GemmKernel.ROOFLINE);
            assertThat(paper.kernels()).hasSameSizeAs(ideal.kernels());
            for (int k = 0; k < paper.kernels().size(); k++) {
                GpuLayer l = paper.kernels().get(k).layer();
                double factor = l.kind().equals("gemm") ? 1 / PaperPipelineTiming.FITTED.gemmEfficiency() : PaperPipelineTiming.FITTED.restFactor();
                assertThat(paper.kernels().get(k).us()).as(l.name()).isCloseTo(ideal.kernels().get(k).us() * factor, within(1e-9));
            }
            us[i++] = paper.us();
        }
        assertThat(us[0]).isCloseTo(12240, within(1e-6));
        assertThat(us[2]).isCloseTo(8670, within(1e-6));
        // the paper's remark: the A100 gains little, its CUDA cores bounding the shifts; carried there, the fit gains nothing at 100%
        List<GpuLayer> all8 = plan.get(0.0);
        List<GpuLayer> all4 = plan.get(1.0);
        GpuSpec a100 = GpuSpec.named("a100");
        double a100Speedup = GpuTimingModel.run(a100, 0, 16, all8, GpuTimingModel.GemmKernel.PAPER).us()
                / GpuTimingModel.run(a100, 1, 16, all4, GpuTimingModel.GemmKernel.PAPER).us();
        assertThat(a100Speedup).isLessThan(1.1).isLessThan(us[0] / us[2]);
    }

    /**
     * The committed plan is what {@code sim gpu --kernels} wrote for the quantized ViT-B/16; its GEMMs are the shapes gemm_bench
     * timed on the H200 (written by {@code --gemm-shapes} from the same model), so neither file was edited by hand.
     */
    @Test
    void theCommittedPlansGemmsAreTheShapesGemmBenchTimed() {
        Map<Double, List<GpuLayer>> plan = GpuPlanCsv.resource(PaperPipelineTiming.PLAN);
        assertThat(plan.keySet()).containsExactly(0.0, 0.5, 1.0);
        List<String> fromPlan = new ArrayList<>();
        for (Map.Entry<Double, List<GpuLayer>> e : plan.entrySet()) {
            for (GpuLayer l : e.getValue()) {
                if (l.kind().equals("gemm") || l.kind().equals("matmul")) {
                    fromPlan.add(e.getKey() + " " + l.name() + " " + l.m() + "x" + l.n() + "x" + (l.k8() + l.k4()) + " " + l.issuedK8() + " " + l.issuedK4());
                }
            }
        }
        List<String> timed = new ArrayList<>();
        for (GemmMeasurement g : GemmMeasurement.resource("h200-gemm-vitb16.csv")) {
            timed.add(Double.parseDouble(g.tag()) + " " + g.kernel() + " " + g.m() + "x" + g.n() + "x" + g.k() + " " + g.k8() + " " + g.k4());
        }
        assertThat(fromPlan).hasSize(3 * 98).isEqualTo(timed);
    }

    @Test
    void planCsvReadsWhatItWritesAndNamesTheBadLine() throws IOException {
        Map<Double, List<GpuLayer>> plans = new LinkedHashMap<>();
        plans.put(0.0, List.of(new GpuLayer("fc extract", "extract", 8, 0, 0, 0, 0, 0, 0, 96, 0)));
        plans.put(0.5, List.of(new GpuLayer("fc", "gemm", 8, 16, 32, 64, 32, 64, 2, 1000, 0), new GpuLayer("act", "cuda", 128, 0, 0, 0, 0, 256, 512)));
        String csv = GpuPlanCsv.write(plans);
        assertThat(csv).startsWith(GpuPlanCsv.HEADER + "\n0,fc_extract,extract,8,").contains("\n0.5,fc,gemm,8,16,32,64,32,64,2,1000,0\n");
        Map<Double, List<GpuLayer>> back = GpuPlanCsv.read("t.csv", new ByteArrayInputStream(csv.getBytes(StandardCharsets.UTF_8)));
        assertThat(back.get(0.5)).isEqualTo(plans.get(0.5));
        assertThat(back.get(0.0).get(0).name()).isEqualTo("fc_extract");
        String bad = GpuPlanCsv.HEADER + "\n0,fc,gemm,8,16,x,0,0,0,0,0,0\n";
        assertThatThrownBy(() -> GpuPlanCsv.read("t.csv", new ByteArrayInputStream(bad.getBytes(StandardCharsets.UTF_8))))
                .hasMessage("t.csv: line 2: expected 12 comma-separated fields (" + GpuPlanCsv.HEADER + "), got '0,fc,gemm,8,16,x,0,0,0,0,0,0'");
    }
}
