package org.flexiq.workbench;

import org.flexiq.compiler.golden.GoldenExecutor;
import org.flexiq.compiler.quant.Extraction;
import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.gpubackend.CudaDevice;
import org.flexiq.gpubackend.GpuEmulator;
import org.flexiq.gpubackend.GpuLayer;
import org.flexiq.gpubackend.GpuPlan;
import org.flexiq.gpubackend.GpuSpec;
import org.flexiq.gpubackend.GpuTimingModel;
import org.flexiq.workloads.ir.FloatTensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One quantized model on the GPU path at several 4-bit ratios: each ratio's kernel plan and its modelled latency, and
 * the kernels' arithmetic (emulated) checked against the golden executor; on a real GPU, the GEMM kernels run and
 * timed. What {@code sim gpu} prints.
 *
 * @param plans each ratio's kernels, in the order asked
 * @param runs one modelled run per asked ratio, in the order asked
 * @param base the modelled ratio-0 run every speed-up is over
 * @param matched per ratio, whether the emulated outputs equal the golden executor's; empty where nothing was checked
 */
public record GpuRuns(Map<Double, List<GpuLayer>> plans, List<GpuTimingModel.Run> runs, GpuTimingModel.Run base, List<Boolean> matched) {
    public GpuRuns {
        runs = List.copyOf(runs);
        matched = List.copyOf(matched);
    }

    /** @param input the check's input, or null to check nothing */
    public static GpuRuns model(QuantizedModel q, GpuSpec gpu, GpuTimingModel.GemmKernel kernel, List<Double> ratios, int batch,
                                Extraction extraction, Map<String, FloatTensor> input) {
        Map<Double, List<GpuLayer>> plans = GpuPlan.atRatios(q, ratios, batch);
        List<GpuTimingModel.Run> runs = new ArrayList<>();
        for (double r : ratios) {
            runs.add(GpuTimingModel.run(gpu, r, batch, plans.get(r), kernel));
        }
        GpuTimingModel.Run base = GpuTimingModel.run(gpu, 0, batch, GpuPlan.of(q, 0, batch), kernel);
        List<Boolean> matched = new ArrayList<>();
        if (input != null) {
            for (double r : ratios) {
                // a GPU without int4 tensor cores runs the 4-bit groups widened to int8: the same integers
                matched.add(FunctionalComparison.sameOutputs(new GoldenExecutor(q, r, extraction).run(input), GpuEmulator.run(q, r, extraction, !gpu.hasInt4TensorCores(), input)));
            }
        }
        return new GpuRuns(plans, runs, base, matched);
    }

    /**
     * One ratio on a real GPU, batch 1: the GEMM kernels' measured time (CUDA events, median of 9 bursts after 3 warm-up
     * ones) beside the model's on {@code modelled}, and the outputs checked against the golden executor.
     */
    public record Measured(double ratio, double measuredUs, double modelledUs, String modelledOn, boolean matched) {
    }

    /** Every ratio's GEMM kernels run on {@code device}; the model priced on the known GPU its name names, else on {@code fallback}. */
    public static List<Measured> measure(QuantizedModel q, CudaDevice device, GpuSpec fallback, GpuTimingModel.GemmKernel kernel,
                                         List<Double> ratios, Extraction extraction, Map<String, FloatTensor> input) {
        GpuSpec model = GpuSpec.KNOWN.stream().filter(s -> device.name().toLowerCase(Locale.ROOT).contains(s.id().replace("rtx", ""))).findFirst()
                .orElse(fallback);
        List<Measured> out = new ArrayList<>();
        for (double r : ratios) {
            Map<String, Double> ms = new LinkedHashMap<>();
            Map<String, byte[]> got = GpuEmulator.run(q, r, extraction, device, (node, k) -> {
                CudaDevice.Result res = device.gemm(k, 3, 9);
                ms.put(node, res.medianMs());
                return res.out();
            }, input);
            boolean ok = FunctionalComparison.sameOutputs(new GoldenExecutor(q, r, extraction).run(input), got);
            double modelled = GpuTimingModel.run(model, r, 1, GpuPlan.of(q, r, 1), kernel).kernels().stream()
                    .filter(k -> k.layer().kind().equals("gemm")).mapToDouble(GpuTimingModel.KernelTime::us).sum();
            out.add(new Measured(r, 1000 * ms.values().stream().mapToDouble(x -> x).sum(), modelled, model.id(), ok));
        }
        return out;
    }
}
