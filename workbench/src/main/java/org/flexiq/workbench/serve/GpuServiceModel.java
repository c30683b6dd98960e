package org.flexiq.workbench.serve;

import org.flexiq.compiler.quant.QuantizedModel;
import org.flexiq.gpubackend.GpuPlan;
import org.flexiq.gpubackend.GpuSpec;
import org.flexiq.gpubackend.GpuTimingModel;

import java.util.List;
import java.util.Locale;

/**
 * Service times from the GPU timing model (modelled, gpu-backend/README.md): a batch is one inference at that batch size.
 * Switching ratio changes the GEMM kernels' k4 argument only, so it costs nothing beyond the launches already counted.
 */
public final class GpuServiceModel extends CachedServiceModel {
    private final QuantizedModel model;
    private final GpuSpec gpu;
    private final GpuTimingModel.GemmKernel kernel;

    public GpuServiceModel(QuantizedModel model, GpuSpec gpu, GpuTimingModel.GemmKernel kernel, List<Double> ratios) {
        super(ratios);
        this.model = model;
        this.gpu = gpu;
        this.kernel = kernel;
    }

    @Override
    double compute(double ratio, int batch) {
        return GpuTimingModel.run(gpu, ratio, batch, GpuPlan.of(model, ratio, batch), kernel).us() * 1e-6;
    }

    @Override
    public double switchSeconds() {
        return 0;
    }

    @Override
    public String describe() {
        return String.format(Locale.ROOT, "%s, MODELLED (GEMMs: %s kernel); a switch changes a kernel argument only", gpu.name(),
                kernel.name().toLowerCase(Locale.ROOT));
    }
}
