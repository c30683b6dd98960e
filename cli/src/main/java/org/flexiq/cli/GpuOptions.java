package org.flexiq.cli;

import org.flexiq.workbench.BadInputException;
import org.flexiq.gpubackend.GpuSpec;
import org.flexiq.gpubackend.GpuTimingModel;
import picocli.CommandLine.Option;

/** --gpu and --kernel, shared by the commands that take the GPU path. */
final class GpuOptions {
    @Option(names = "--gpu", defaultValue = "a6000", description = "a6000, a100, rtx3090, h100, h200 or t4 (default: ${DEFAULT-VALUE}).")
    String gpu;

    @Option(names = "--kernel", defaultValue = "shipped", description = "GEMM kernel the latency model prices: shipped (flexiq_gemm, its tile "
            + "model fitted to its measurements on an H200), roofline (an ideal tuned kernel at the tensor rates), cublaslt (cuBLASLt's int8 "
            + "GEMM, every channel 8-bit: the baseline) or paper (the paper's own pipeline: the ideal kernel's model calibrated on its "
            + "measured A6000 latencies) (default: ${DEFAULT-VALUE}).")
    String kernel;

    GpuTimingModel.GemmKernel kernel() {
        return kernel(kernel);
    }

    GpuSpec spec() {
        return spec(gpu);
    }

    /** --kernel's value, or a one-line usage error. */
    static GpuTimingModel.GemmKernel kernel(String text) {
        try {
            return GpuTimingModel.GemmKernel.parse(text);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--kernel: " + e.getMessage());
        }
    }

    /** --gpu's value, or a one-line usage error. */
    static GpuSpec spec(String id) {
        try {
            return GpuSpec.named(id);
        } catch (IllegalArgumentException e) {
            throw new BadInputException("--gpu: " + e.getMessage());
        }
    }
}
