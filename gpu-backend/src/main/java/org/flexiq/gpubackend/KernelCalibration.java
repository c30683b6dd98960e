package org.flexiq.gpubackend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The timing model against the measurements committed under {@code measured/}: the shipped GEMM kernel's fit on its
 * synthetic shapes and its predictions for the held-back ResNet-50 and ViT-B/16 GEMMs, beside cuBLASLt on the same
 * shapes; and the stream-kernel constants against the ViT-B/16 layers that are not GEMMs. {@code sim gpu-calibration}
 * prints it.
 */
public final class KernelCalibration {
    /** The measured sets: the fit's own, then the held-back ones. */
    public static final List<String> SETS = List.of("synthetic", "resnet50", "vitb16");

    private KernelCalibration() {
    }

    /**
     * One set's GEMMs at one tag (ratio), summed.
     *
     * @param heldBack whether the fit never saw these shapes
     */
    public record GemmTotal(String set, String tag, boolean heldBack, int gemms, double measuredUs, double modelledUs, double cublasUs,
                            double meanRelativeError) {
        public double error() {
            return modelledUs / measuredUs - 1;
        }
    }

    /** One non-GEMM kernel measured beside the stream model's price for its bytes. */
    public record LayerCheck(String kernel, long bytes, double measuredUs, double modelledUs) {
    }

    public static List<GemmTotal> gemmTotals(GpuSpec measuredOn, FlexiqGemmTiming model) {
        List<GemmTotal> out = new ArrayList<>();
        for (String set : SETS) {
            Map<String, List<GemmMeasurement>> byTag = new LinkedHashMap<>();
            for (GemmMeasurement m : GemmMeasurement.resource("h200-gemm-" + set + ".csv")) {
                byTag.computeIfAbsent(m.tag(), k -> new ArrayList<>()).add(m);
            }
            for (Map.Entry<String, List<GemmMeasurement>> e : byTag.entrySet()) {
                List<GemmMeasurement> rows = e.getValue();
                out.add(new GemmTotal(set, e.getKey(), !set.equals("synthetic"), rows.size(), rows.stream().mapToDouble(GemmMeasurement::flexiqUs).sum(),
                        rows.stream().mapToDouble(m -> model.us(measuredOn, m.layer())).sum(),
                        rows.stream().mapToDouble(m -> Double.isNaN(m.cublasUs()) ? 0 : m.cublasUs()).sum(),
                        model.meanRelativeError(measuredOn, rows)));
            }
        }
        return out;
    }

    /** cuBLASLt's int8 model on one GPU's set of shapes: the fit's own, or held back. */
    public record CublasCheck(String gpu, String set, boolean heldBack, int shapes, double measuredUs, double modelledUs, double meanRelativeError) {
        public double error() {
            return modelledUs / measuredUs - 1;
        }
    }

    /** One set of cuBLASLt data and the fit that prices it on that GPU. */
    private record CublasSet(GpuSpec gpu, CublasLtTiming model, String set, boolean heldBack, List<CublasLtTiming.Sample> data) {
    }

    /**
     * The cuBLASLt model's data: on the H200, fitted to the synthetic shapes, ResNet-50's and ViT-B/16's held back; on the
     * T4, fitted to three published squares, two held back; the H200's fit carried to the A100 and to the GH100 parts,
     * checked against another library's published times.
     */
    private static List<CublasSet> cublasSets() {
        List<CublasSet> out = new ArrayList<>();
        GpuSpec h200 = GpuSpec.named("h200");
        for (String set : SETS) {
            out.add(new CublasSet(h200, CublasLtTiming.H200, set, !set.equals("synthetic"), CublasLtTiming.h200(set)));
        }
        GpuSpec t4 = GpuSpec.named("t4");
        out.add(new CublasSet(t4, CublasLtTiming.T4, "published squares 1024, 4096, 8192", false, CublasLtTiming.t4(true)));
        out.add(new CublasSet(t4, CublasLtTiming.T4, "published squares 2048, 6144", true, CublasLtTiming.t4(false)));
        GpuSpec a100 = GpuSpec.named("a100");
        out.add(new CublasSet(a100, CublasLtTiming.forGpu(a100), "vLLM's CUTLASS int8 GEMMs, published", true, CublasLtTiming.vllmCutlass("a100")));
        // sglang#3035 names only sm90: priced as each GH100 part we model, the same SMs and clocks beside 3.35 and 4.8 TB/s
        // of DRAM, which bounds only the small-M points that read a large weight
        for (String gh100 : List.of("h100", "h200")) {
            GpuSpec gpu = GpuSpec.named(gh100);
            out.add(new CublasSet(gpu, CublasLtTiming.forGpu(gpu), "vLLM's CUTLASS int8 GEMMs on an unnamed sm90 GPU, published", true,
                    CublasLtTiming.vllmCutlass("sm90")));
        }
        return out;
    }

    /** The cuBLASLt model against each set of its data, summed. */
    public static List<CublasCheck> cublasChecks() {
        return cublasSets().stream().map(c -> new CublasCheck(c.gpu().id(), c.set(), c.heldBack(), c.data().size(),
                c.data().stream().mapToDouble(CublasLtTiming.Sample::us).sum(),
                c.data().stream().mapToDouble(d -> c.model().us(c.gpu(), d.m(), d.n(), d.k())).sum(), c.model().meanRelativeError(c.gpu(), c.data()))).toList();
    }

    /**
     * One measured or published time beside the model's price for it: a residual of a fit.
     *
     * @param model    what prices it: {@code flexiq_gemm}, {@code cublaslt}, {@code stream} (a non-GEMM kernel) or
     *                 {@code paper pipeline}
     * @param fit      which fit of that model (its GPU and data, or the paper fit's ratios)
     * @param set      the data it belongs to
     * @param what     the kernel's name or tag where the data give one
     * @param m        GEMM rows (0 where not a GEMM), likewise n and k
     */
    public record Residual(String model, String fit, String gpu, String set, boolean heldBack, String what, long m, long n, long k,
                           double measuredUs, double modelledUs) {
        public double error() {
            return modelledUs / measuredUs - 1;
        }
    }

    /** Every data point the GPU model is fitted to or checked against, in the order {@code sim gpu-calibration} prints their sums. */
    public static List<Residual> residuals() {
        List<Residual> out = new ArrayList<>();
        FlexiqGemmTiming flexiq = FlexiqGemmTiming.H200;
        GpuSpec h200 = GpuSpec.named(flexiq.fittedOn());
        for (String set : SETS) {
            for (GemmMeasurement g : GemmMeasurement.resource("h200-gemm-" + set + ".csv")) {
                out.add(new Residual("flexiq_gemm", "fitted on the " + h200.id() + "'s synthetic shapes", h200.id(), set, !set.equals("synthetic"),
                        g.tag() + " " + g.kernel(), g.m(), g.n(), g.k(), g.flexiqUs(), flexiq.us(h200, g.layer())));
            }
        }
        for (CublasSet c : cublasSets()) {
            for (CublasLtTiming.Sample d : c.data()) {
                out.add(new Residual("cublaslt", "fitted on the " + c.model().fittedOn() + "'s times", c.gpu().id(), c.set(), c.heldBack(), "",
                        d.m(), d.n(), d.k(), d.us(), c.model().us(c.gpu(), d.m(), d.n(), d.k())));
            }
        }
        StreamKernelTiming stream = StreamKernelTiming.H200;
        for (LayerCheck l : streamLayers(GpuSpec.named(stream.fittedOn()), stream)) {
            out.add(new Residual("stream", "fitted on the " + stream.fittedOn() + "'s copies and launches", stream.fittedOn(), "ViT-B/16 layers", true,
                    l.kernel(), 0, 0, 0, l.measuredUs(), l.modelledUs()));
        }
        for (PaperPipelineTiming f : PaperPipelineTiming.leaveOneOut()) {
            String fit = "fitted on " + String.join(" and ", f.fitRatios().stream().map(r -> String.format(Locale.ROOT, "%.0f%%", 100 * r)).toList());
            for (PaperPipelineTiming.Check c : f.checks()) {
                out.add(new Residual("paper pipeline", fit, PaperPipelineTiming.GPU, "the paper's ViT-B/16 batch 16", c.heldBack(),
                        String.format(Locale.ROOT, "%.0f%% 4-bit", 100 * c.ratio()), 0, 0, 0, 1000 * c.publishedMs(), 1000 * c.modelledMs()));
            }
        }
        return out;
    }

    public static List<LayerCheck> streamLayers(GpuSpec measuredOn, StreamKernelTiming model) {
        List<LayerCheck> out = new ArrayList<>();
        for (StreamKernelTiming.Measurement m : StreamKernelTiming.layers(StreamKernelTiming.resource("h200-stream-kernels.csv")).values()) {
            out.add(new LayerCheck(m.what() + " " + m.shape() + " " + m.dtype(), m.bytes(), m.us(), model.fixedUs() + model.memoryUs(measuredOn, m.bytes())));
        }
        return out;
    }
}
