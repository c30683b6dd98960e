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

    public static List<LayerCheck> streamLayers(GpuSpec measuredOn, StreamKernelTiming model) {
        List<LayerCheck> out = new ArrayList<>();
        for (StreamKernelTiming.Measurement m : StreamKernelTiming.layers(StreamKernelTiming.resource("h200-stream-kernels.csv")).values()) {
            out.add(new LayerCheck(m.what() + " " + m.shape() + " " + m.dtype(), m.bytes(), m.us(), model.fixedUs() + model.memoryUs(measuredOn, m.bytes())));
        }
        return out;
    }
}
