package org.flexiq.gpubackend;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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

    /**
     * The cuBLASLt model against its data: on the H200, fitted to the synthetic shapes, ResNet-50's and ViT-B/16's held back;
     * on the T4, fitted to three published squares, two held back; the H200's fit carried to the A100 and to the GH100 parts,
     * checked against another library's published times.
     */
    public static List<CublasCheck> cublasChecks() {
        List<CublasCheck> out = new ArrayList<>();
        GpuSpec h200 = GpuSpec.named("h200");
        for (String set : SETS) {
            out.add(cublasCheck(h200, CublasLtTiming.H200, set, !set.equals("synthetic"), CublasLtTiming.h200(set)));
        }
        GpuSpec t4 = GpuSpec.named("t4");
        out.add(cublasCheck(t4, CublasLtTiming.T4, "published squares 1024, 4096, 8192", false, CublasLtTiming.t4(true)));
        out.add(cublasCheck(t4, CublasLtTiming.T4, "published squares 2048, 6144", true, CublasLtTiming.t4(false)));
        GpuSpec a100 = GpuSpec.named("a100");
        out.add(cublasCheck(a100, CublasLtTiming.forGpu(a100), "vLLM's CUTLASS int8 GEMMs, published", true,
                CublasLtTiming.vllmCutlass("a100")));
        // sglang#3035 names only sm90: priced as each GH100 part we model, the same SMs and clocks beside 3.35 and 4.8 TB/s
        // of DRAM, which bounds only the small-M points that read a large weight
        for (String gh100 : List.of("h100", "h200")) {
            GpuSpec gpu = GpuSpec.named(gh100);
            out.add(cublasCheck(gpu, CublasLtTiming.forGpu(gpu), "vLLM's CUTLASS int8 GEMMs on an unnamed sm90 GPU, published", true,
                    CublasLtTiming.vllmCutlass("sm90")));
        }
        return out;
    }

    private static CublasCheck cublasCheck(GpuSpec gpu, CublasLtTiming model, String set, boolean heldBack, List<CublasLtTiming.Sample> data) {
        return new CublasCheck(gpu.id(), set, heldBack, data.size(), data.stream().mapToDouble(CublasLtTiming.Sample::us).sum(),
                data.stream().mapToDouble(d -> model.us(gpu, d.m(), d.n(), d.k())).sum(), model.meanRelativeError(gpu, data));
    }

    public static List<LayerCheck> streamLayers(GpuSpec measuredOn, StreamKernelTiming model) {
        List<LayerCheck> out = new ArrayList<>();
        for (StreamKernelTiming.Measurement m : StreamKernelTiming.layers(StreamKernelTiming.resource("h200-stream-kernels.csv")).values()) {
            out.add(new LayerCheck(m.what() + " " + m.shape() + " " + m.dtype(), m.bytes(), m.us(), model.fixedUs() + model.memoryUs(measuredOn, m.bytes())));
        }
        return out;
    }
}
